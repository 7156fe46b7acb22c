//! "Mitt konto": who I am, where I hold which roles, my password and my language.

use super::forms::{self, Choice, Fields, Problems, SummaryItem, check_csrf};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use crate::i18n;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::{AppError, Caller};
use ombud_domain::organisation::OrgKind;
use ombud_domain::{Lang, people};
use serde::Deserialize;

pub struct GrantView {
    pub id: String,
    pub name: String,
    pub kind_label: String,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub frame: Frame,
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub grants: Vec<GrantView>,
    pub password: Problems,
    pub languages: Vec<Choice>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    pub klart: Option<String>,
}

/// `GET /konto`.
pub async fn page(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<AccountQuery>,
) -> Result<Response, PageError> {
    let page = account_page(&state, &ctx, Problems::default(), q.klart.as_deref()).await?;
    Ok(render(&page))
}

async fn account_page(
    state: &AppState,
    ctx: &Caller,
    password: Problems,
    notice: Option<&str>,
) -> Result<AccountPage, PageError> {
    let lang = ctx.lang;
    let grants = state
        .app
        .my_roles(ctx)
        .await?
        .into_iter()
        .map(|g| GrantView {
            kind_label: OrgKind::parse(&g.organisation_kind)
                .map(|k| k.label(lang).to_string())
                .unwrap_or(g.organisation_kind),
            id: g.membership.organisation_id.into_string(),
            name: g.organisation_name,
            roles: g
                .membership
                .roles
                .iter()
                .map(|r| r.label(lang))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    // The stored preference, which this page changes; the page itself may be shown in the other
    // language for the moment through the header's switch.
    let preferred = Lang::from_tag(&ctx.user.language).unwrap_or_default();
    let languages = [Lang::Sv, Lang::En]
        .into_iter()
        .map(|l| Choice::new(l.tag(), l.pick("Svenska", "English"), l == preferred))
        .collect();
    Ok(AccountPage {
        frame: Frame::new(state, ctx, "/konto", "account"),
        name: ctx.user.name.clone(),
        email: ctx.user.email.clone(),
        admin: state.app.is_admin(ctx),
        grants,
        summary: forms::summary([&password]),
        password,
        languages,
        notice: forms::notice(lang, notice, &["password-changed"]),
    })
}

/// `POST /konto/losenord`: current password, the new one, and the new one again.
pub async fn change_password(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let (current, new, repeat) = (
        f.get("current_password"),
        f.get("new_password"),
        f.get("repeat_password"),
    );
    let mut problems = Problems {
        anchor: "password-form".into(),
        ..Problems::default()
    };
    let add = |problems: &mut Problems, id: &str, message: String| {
        let label = match id {
            "current-password" => "account-current",
            "new-password" => "account-new",
            _ => "account-repeat",
        };
        problems.push(id, i18n::t(lang, label), message);
    };
    if current.is_empty() {
        add(
            &mut problems,
            "current-password",
            i18n::t(lang, "account-current-required"),
        );
    }
    // The same rule as the API applies, checked here too so that every field is marked at once.
    if let Err(i) = people::new_password("new_password", new, &ctx.user.email, &ctx.user.name) {
        add(&mut problems, "new-password", i.rule.message(lang));
    } else if new != repeat {
        add(
            &mut problems,
            "repeat-password",
            i18n::t(lang, "account-repeat-mismatch"),
        );
    }
    if problems.is_empty() {
        match state.app.change_own_password(&ctx, current, new).await {
            Ok(()) => return Ok(Redirect::to("/konto?klart=password-changed").into_response()),
            Err(AppError::Invalid(list)) => {
                for i in list {
                    if i.field == "current_password" {
                        add(
                            &mut problems,
                            "current-password",
                            i18n::t(lang, "account-current-wrong"),
                        );
                    } else {
                        add(&mut problems, "new-password", i.rule.message(lang));
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = account_page(&state, &ctx, problems, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}
