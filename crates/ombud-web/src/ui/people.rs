//! "Personer": the system administrator's list of everyone who can sign in, the form to add a
//! person, and disabling or enabling one. Each goes through the application layer, so the page
//! accepts exactly what the API accepts.

use super::forms::{self, Fields, Problems, SummaryItem, check_csrf};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use crate::i18n;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::people::NewPerson as Person;
use ombud_app::{Caller, Cursor, PageRequest};
use ombud_domain::Lang;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

/// Confirmations the page may show after a redirect.
const NOTICES: &[&str] = &["person-created", "person-disabled", "person-enabled"];

pub struct PersonView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub admin: String,
    pub disabled: bool,
    pub status: String,
    /// The person looking at the page, who cannot disable themself.
    pub is_me: bool,
}

#[derive(Default)]
pub struct NewPerson {
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub problems: Problems,
}

#[derive(Template)]
#[template(path = "people.html")]
pub struct PeoplePage {
    pub frame: Frame,
    pub q: String,
    pub people: Vec<PersonView>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub form: NewPerson,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeopleQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub efter: String,
    #[serde(default)]
    pub klart: Option<String>,
}

/// `GET /personer`.
pub async fn list(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<PeopleQuery>,
) -> Result<Response, PageError> {
    let page = people_page(&state, &ctx, &q, NewPerson::default()).await?;
    Ok(render(&page))
}

async fn people_page(
    state: &AppState,
    ctx: &Caller,
    q: &PeopleQuery,
    form: NewPerson,
) -> Result<PeoplePage, PageError> {
    let lang = ctx.lang;
    // A cursor that does not decode starts from the top rather than failing the page.
    let request = PageRequest {
        after: Cursor::decode(&q.efter),
        limit: PAGE_SIZE,
    };
    let search = q.q.trim();
    let page = state
        .app
        .people(ctx, Some(search).filter(|s| !s.is_empty()), &request)
        .await?;
    let base = if search.is_empty() {
        "/personer?".to_string()
    } else {
        format!("/personer?q={}&", super::urlencode(search))
    };
    let yes_no = |v: bool| {
        if v {
            lang.pick("Ja", "Yes")
        } else {
            lang.pick("Nej", "No")
        }
    };
    Ok(PeoplePage {
        frame: Frame::new(state, ctx, "/personer", "people"),
        q: q.q.clone(),
        people: page
            .items
            .into_iter()
            .map(|u| PersonView {
                admin: yes_no(u.is_admin.0).to_string(),
                disabled: u.disabled_at.is_some(),
                status: status(lang, u.disabled_at.is_some()),
                is_me: u.id == ctx.user.id,
                id: u.id,
                name: u.name,
                email: u.email,
            })
            .collect(),
        next_href: page
            .next
            .map(|c| format!("{base}efter={}", super::urlencode(&c))),
        first_href: (!q.efter.is_empty()).then(|| base.trim_end_matches(['?', '&']).to_string()),
        summary: forms::summary([&form.problems]),
        form,
        notice: forms::notice(lang, q.klart.as_deref(), NOTICES),
    })
}

fn status(lang: Lang, disabled: bool) -> String {
    i18n::t(
        lang,
        if disabled {
            "people-status-disabled"
        } else {
            "people-status-active"
        },
    )
}

/// `POST /personer`.
pub async fn create(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let admin = f.checked("admin");
    let new = Person {
        email: f.get("email").to_string(),
        name: f.get("name").to_string(),
        // Always given: without single sign-on a person without a password could never sign in.
        password: Some(f.get("password").to_string()),
        admin,
    };
    match state.app.create_person(&ctx, new).await {
        Ok(_) => Ok(Redirect::to("/personer?klart=person-created").into_response()),
        Err(e) => {
            let (status, problems) = forms::problems(
                e.into(),
                ctx.lang,
                "person-email",
                "org-stale",
                |f| match f {
                    "name" => ("person-name", "col-name"),
                    "password" => ("person-password", "people-password"),
                    _ => ("person-email", "field-email"),
                },
            )?;
            // A taken address is a conflict about one field: show it there.
            let problems = match problems.form.clone() {
                Some(m) => Problems::one("person-email", i18n::t(ctx.lang, "field-email"), m),
                None => problems,
            };
            let form = NewPerson {
                name: f.get("name").to_string(),
                email: f.get("email").to_string(),
                admin,
                problems,
            };
            let page = people_page(&state, &ctx, &PeopleQuery::default(), form).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// `POST /personer/{id}/avstangd`: `disabled=1` disables a person — they cannot sign in, and every
/// session of theirs ends at once — and `disabled=0` enables them again.
pub async fn set_disabled(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let disabled = match f.get("disabled") {
        "1" => true,
        "0" => false,
        _ => return Err(PageError::BadRequest),
    };
    let u = state.app.set_disabled(&ctx, &id, disabled).await?;
    let notice = if disabled {
        "person-disabled"
    } else {
        "person-enabled"
    };
    // Back to a list that shows the person whose state changed, wherever they were in it.
    Ok(Redirect::to(&format!(
        "/personer?q={}&klart={notice}",
        super::urlencode(&u.email)
    ))
    .into_response())
}
