//! The start page: what needs my attention, and where I hold roles.

use super::layout::Frame;
use crate::AppState;
use crate::auth::{Ctx, UiCtx};
use crate::i18n;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ombud_domain::role::Role;

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
        frame: Frame::load(&state, &ctx, "/", "start").await?,
        grants,
        todo: todo(&state, &ctx).await?,
    }))
}

/// The to-do list: controllers without a data protection officer (GDPR art. 37), for the system
/// administrator everywhere and for a controller's management in their own. Only facts the store
/// holds; nothing is listed that the person could not act on or see.
async fn todo(state: &AppState, ctx: &Ctx) -> Result<Vec<TodoView>, super::PageError> {
    let p = &ctx.principal;
    let managed: Vec<&str> = p
        .memberships
        .iter()
        .filter(|m| m.roles.contains(Role::Management))
        .filter_map(|m| m.controller_id.as_ref().map(|c| c.as_str()))
        .collect();
    if !p.is_admin && managed.is_empty() {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .controllers_without_role(Role::Dpo)
        .await?
        .into_iter()
        .filter(|o| p.is_admin || managed.contains(&o.id.as_str()))
        .map(|o| TodoView {
            text: format!("{} {}", o.name, i18n::t(ctx.lang, "todo-no-dpo")),
            organisation_id: o.id,
        })
        .collect())
}
