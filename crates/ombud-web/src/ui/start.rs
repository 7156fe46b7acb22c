//! The start page: what needs my attention, and where I hold roles.

use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use crate::i18n;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ombud_domain::organisation::OrgKind;

pub struct GrantView {
    pub organisation_id: String,
    pub organisation_name: String,
    pub kind_label: String,
    pub roles: Vec<String>,
}

/// Something that needs doing, as the system knows it.
pub struct TodoView {
    pub organisation_id: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "start.html")]
pub struct StartPage {
    pub frame: Frame,
    pub grants: Vec<GrantView>,
    pub todo: Vec<TodoView>,
}

/// `GET /`.
pub async fn start(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let grants = state
        .app
        .my_roles(&ctx)
        .await?
        .into_iter()
        .map(|g| GrantView {
            organisation_id: g.membership.organisation_id.into_string(),
            organisation_name: g.organisation_name,
            kind_label: OrgKind::parse(&g.organisation_kind)
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
    // The to-do list holds only facts the system knows and the person can act on.
    let todo = state
        .app
        .controllers_without_dpo(&ctx)
        .await?
        .into_iter()
        .map(|o| TodoView {
            text: format!("{} {}", o.name, i18n::t(lang, "todo-no-dpo")),
            organisation_id: o.id,
        })
        .collect();
    Ok(render(&StartPage {
        frame: Frame::load(&state, &ctx, "/", "start").await?,
        grants,
        todo,
    }))
}
