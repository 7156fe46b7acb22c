//! The start page: what needs my attention, and where I hold roles.

use super::layout::Frame;
use crate::AppState;
use crate::auth::UiCtx;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

pub struct GrantView {
    pub organisation_id: String,
    pub organisation_name: String,
    pub kind_label: String,
    pub roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "start.html")]
pub struct StartPage {
    pub frame: Frame,
    pub grants: Vec<GrantView>,
}

/// `GET /`.
pub async fn start(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
) -> Result<Response, super::PageError> {
    let lang = ctx.lang;
    let grants = state
        .store
        .grants(&ctx.user.id)
        .await?
        .into_iter()
        .map(|g| GrantView {
            organisation_id: g.membership.organisation_id.0,
            organisation_name: g.organisation_name,
            kind_label: ombud_domain::organisation::OrgKind::parse(&g.organisation_kind)
                .map(|k| k.label(lang).to_string())
                .unwrap_or(g.organisation_kind),
            roles: g
                .membership
                .roles
                .iter()
                .map(|r| r.label(lang).to_string())
                .collect(),
        })
        .collect();
    Ok(super::render(&StartPage {
        frame: Frame::new(&ctx, "/", "start"),
        grants,
    }))
}
