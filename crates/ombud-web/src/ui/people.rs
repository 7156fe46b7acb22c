//! "Personer": the system administrator's list of everyone who can sign in, and the form to add a
//! person. The form goes through `api::users::create`, so it accepts exactly what the API accepts.

use super::forms::{self, Fields, Problems, SummaryItem, check_csrf};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::api::users;
use crate::auth::{Ctx, UiCtx};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use ombud_domain::Lang;
use ombud_store::paging::{Cursor, PageRequest};
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

pub struct PersonView {
    pub name: String,
    pub email: String,
    pub admin: String,
    pub status: String,
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
    ctx: &Ctx,
    q: &PeopleQuery,
    form: NewPerson,
) -> Result<PeoplePage, PageError> {
    if !ctx.principal.is_admin {
        return Err(PageError::Forbidden);
    }
    let lang = ctx.lang;
    let request = PageRequest {
        after: Cursor::decode(&q.efter),
        limit: PAGE_SIZE,
    };
    let search = q.q.trim();
    let page = state
        .store
        .users(Some(search).filter(|s| !s.is_empty()), &request)
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
        frame: Frame::load(state, ctx, "/personer", "people").await?,
        q: q.q.clone(),
        people: page
            .items
            .into_iter()
            .map(|u| PersonView {
                admin: yes_no(u.is_admin.0).to_string(),
                status: status(lang, u.disabled_at.is_some()).to_string(),
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
        notice: forms::notice(lang, q.klart.as_deref(), &["person-created"]),
    })
}

fn status(lang: Lang, disabled: bool) -> &'static str {
    if disabled {
        lang.pick("Avstängd", "Disabled")
    } else {
        lang.pick("Aktiv", "Active")
    }
}

/// `POST /personer`.
pub async fn create(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    // Always given: without single sign-on a person without a password could never sign in.
    let password = Some(f.get("password").to_string());
    let admin = f.checked("admin");
    match users::create(&state, &ctx, f.get("email"), f.get("name"), password, admin).await {
        Ok(_) => Ok(Redirect::to("/personer?klart=person-created").into_response()),
        Err(e) => {
            let (status, problems) =
                forms::problems(e, ctx.lang, "person-email", "org-stale", |f| match f {
                    "name" => ("person-name", "col-name"),
                    "password" => ("person-password", "people-password"),
                    _ => ("person-email", "field-email"),
                })?;
            // A taken address is a conflict about one field: show it there.
            let problems = match problems.form.clone() {
                Some(m) => {
                    Problems::one("person-email", crate::i18n::t(ctx.lang, "field-email"), m)
                }
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
