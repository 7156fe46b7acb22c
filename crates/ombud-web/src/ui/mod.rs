//! The server-rendered UI: Swedish first, English selectable, usable without JavaScript.
//!
//! Pages are askama templates (`templates/`), each with its struct beside its handler. Every page
//! extends `base.html`, which holds the landmarks (header, nav, main, footer), the skip link, the
//! organisation switcher and the language switch.

pub mod account;
pub mod agreements;
pub mod forms;
pub mod gaps;
pub mod history;
pub mod import;
pub mod layout;
pub mod links;
pub mod organisations;
pub mod people;
pub mod processing;
pub mod processing_form;
pub mod processing_history;
pub mod register;
pub mod sign_in;
pub mod start;
pub mod systems;

use crate::AppState;
use crate::error::ApiError;
use crate::i18n;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ombud_domain::Lang;
use ombud_domain::register::import::{Processing, Systems};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start::start))
        .route("/logga-in", get(sign_in::form).post(sign_in::submit))
        .route("/logga-ut", axum::routing::post(sign_in::sign_out))
        .route("/sprak", axum::routing::post(layout::switch_language))
        .route("/static/ombud.css", get(css))
        .route("/static/form-check.js", get(form_check_js))
        .route(
            "/organisationer",
            get(organisations::list).post(organisations::create_top),
        )
        .route("/organisationer/valj", get(organisations::switch))
        .route("/organisationer/{id}", get(organisations::detail))
        .route(
            "/organisationer/{id}/underorganisationer",
            post(organisations::create_child),
        )
        .route("/organisationer/{id}/namn", post(organisations::rename))
        .route("/organisationer/{id}/flytta", post(organisations::move_to))
        .route("/organisationer/{id}/arkiv", post(organisations::archive))
        .route(
            "/organisationer/{id}/medlemmar",
            post(organisations::set_member),
        )
        .route("/organisationer/{id}/historik", get(history::page))
        .route("/konto", get(account::page))
        .route("/konto/losenord", post(account::change_password))
        .route("/personer", get(people::list).post(people::create))
        .route("/behandlingar", get(processing::list))
        .route(
            "/behandlingar/ny",
            get(processing::new_form).post(processing::create),
        )
        .route(
            "/behandlingar/import",
            get(import::form::<Processing>)
                .post(import::submit::<Processing>)
                .layer(axum::extract::DefaultBodyLimit::max(import::BODY_LIMIT)),
        )
        .route(
            "/system/import",
            get(import::form::<Systems>)
                .post(import::submit::<Systems>)
                .layer(axum::extract::DefaultBodyLimit::max(import::BODY_LIMIT)),
        )
        .route("/behandlingar/validera", post(processing::check))
        .route("/behandlingar/{id}", get(processing::detail))
        .route(
            "/behandlingar/{id}/redigera",
            get(processing::edit_form).post(processing::save),
        )
        .route("/behandlingar/{id}/status", post(processing::status))
        .route("/behandlingar/{id}/historik", get(processing_history::page))
        .route("/organisationer/{id}/brister", get(gaps::page))
        .merge(systems::routes())
        .merge(agreements::routes())
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/ombud.css"),
    )
        .into_response()
}

/// The forms' script: checks a form while it is filled in (progressive: forms work without it).
async fn form_check_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/form-check.js"),
    )
        .into_response()
}

/// Renders a template as an HTML response.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError::Internal(e.to_string()).into_response(),
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    SignInFirst { next: String },
    Forbidden,
    NotFound,
    Internal(String),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Unauthenticated => PageError::SignInFirst { next: "/".into() },
            ApiError::Forbidden | ApiError::Csrf => PageError::Forbidden,
            ApiError::NotFound => PageError::NotFound,
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<ombud_store::StoreError> for PageError {
    fn from(e: ombud_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: Lang,
    title: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang = i18n::current();
        let (status, title, message) = match &self {
            PageError::SignInFirst { next } => {
                let target = if next.starts_with('/') && !next.starts_with("//") {
                    next.as_str()
                } else {
                    "/"
                };
                let url = format!("/logga-in?next={}", urlencode(target));
                return Redirect::to(&url).into_response();
            }
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "error-forbidden-title",
                "error-forbidden-text",
            ),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "error-not-found-title",
                "error-not-found-text",
            ),
            PageError::Internal(e) => {
                tracing::error!(error = %e, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal-title",
                    "error-internal-text",
                )
            }
        };
        let page = ErrorPage {
            lang,
            title: i18n::t(lang, title),
            message: i18n::t(lang, message),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| "Ett fel inträffade.".into());
        (status, Html(body)).into_response()
    }
}

/// Any path no route knows: a problem for API clients, a page for people.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::NotFound.into_response()
    } else {
        PageError::NotFound.into_response()
    }
}

/// "1 system", "12 avtal": a count with its noun, from the message keys `{noun}-one` and
/// `{noun}-many`.
pub fn count_text(lang: Lang, n: i64, noun: &str) -> String {
    let form = if n == 1 { "one" } else { "many" };
    format!("{n} {}", i18n::t(lang, &format!("{noun}-{form}")))
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
