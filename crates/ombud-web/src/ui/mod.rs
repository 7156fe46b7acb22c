//! The server-rendered UI: Swedish first, English selectable, usable without JavaScript.
//!
//! Pages are askama templates (`templates/`), each with its struct beside its handler. Every page
//! extends `base.html`, which holds the landmarks (header, nav, main, footer), the skip link, the
//! organisation switcher and the language switch.

// The pages are being moved onto the application layer and the kernel's generic pages.
// pub mod account;
pub mod forms;
// pub mod history;
pub mod layout;
// pub mod organisations;
// pub mod people;
// pub mod sign_in;
// pub mod start;

use crate::AppState;
use crate::error::ApiError;
use crate::i18n;
use crate::routes::{Access, PageRoutes, RouteInfo};
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use ombud_domain::Lang;

/// The pages' routes and the table of what each requires.
pub fn router() -> (Router<AppState>, Vec<RouteInfo>) {
    let r = PageRoutes::default()
        .add("GET", "/static/ombud.css", Access::Public, get(css))
        .add("GET", "/static/form-check.js", Access::Public, get(form_check_js));
    (r.router, r.table)
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

impl From<ombud_app::AppError> for PageError {
    fn from(e: ombud_app::AppError) -> Self {
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
