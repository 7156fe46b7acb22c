//! The server-rendered UI: Swedish first, English selectable, usable without JavaScript.
//!
//! Pages are askama templates (`templates/`), each with its struct beside its handler. Every page
//! extends `base.html`, which holds the landmarks (header, nav, main, footer), the skip link, the
//! language switch.

// The pages are being moved onto the application layer and the kernel's generic pages.
pub mod account;
pub mod breaches;
pub mod forms;
pub mod history;
pub mod kinds;
pub mod layout;
pub mod notices;
pub mod organisations;
pub mod people;
pub mod requests;
pub mod sign_in;
pub mod start;

use crate::AppState;
use crate::error::ApiError;
use crate::i18n;
use crate::routes::{Access, PageRoutes, RouteInfo};
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ombud_domain::Lang;
use ombud_domain::authz::Action;
use url::Url;

/// The pages' routes and the table of what each requires.
pub fn router() -> (Router<AppState>, Vec<RouteInfo>) {
    let r = PageRoutes::default()
        .add("GET", "/static/ombud.css", Access::Public, get(css))
        .add(
            "GET",
            "/static/form-check.js",
            Access::Public,
            get(form_check_js),
        )
        .add("GET", "/logga-in", Access::Public, get(sign_in::form))
        .add("POST", "/logga-in", Access::Public, post(sign_in::submit))
        .add(
            "GET",
            "/logga-in/sso",
            Access::Public,
            get(sign_in::sso_start),
        )
        .add(
            "GET",
            "/logga-in/sso/klar",
            Access::Public,
            get(sign_in::sso_finish),
        )
        .add(
            "POST",
            "/logga-ut",
            Access::SignedIn,
            post(sign_in::sign_out),
        )
        .add(
            "POST",
            "/sprak",
            Access::Public,
            post(layout::switch_language),
        )
        .add("GET", "/", Access::SignedIn, get(start::start))
        .add("GET", "/konto", Access::SignedIn, get(account::page))
        .add(
            "POST",
            "/konto/losenord",
            Access::SignedIn,
            post(account::change_password),
        )
        .add(
            "GET",
            "/organisationer",
            Access::SignedIn,
            get(organisations::list),
        )
        .add(
            "POST",
            "/organisationer",
            Access::Admin,
            post(organisations::create_top),
        )
        .add(
            "GET",
            "/organisationer/{id}",
            Access::Organisation(Action::ReadOrganisation),
            get(organisations::detail),
        )
        .add(
            "POST",
            "/organisationer/{id}/underorganisationer",
            Access::Organisation(Action::CreateChild),
            post(organisations::create_child),
        )
        .add(
            "POST",
            "/organisationer/{id}/namn",
            Access::Organisation(Action::RenameOrganisation),
            post(organisations::rename),
        )
        .add(
            "POST",
            "/organisationer/{id}/flytta",
            Access::Organisation(Action::RestructureOrganisation),
            post(organisations::move_to),
        )
        .add(
            "POST",
            "/organisationer/{id}/arkiv",
            Access::Organisation(Action::RestructureOrganisation),
            post(organisations::archive),
        )
        .add(
            "POST",
            "/organisationer/{id}/medlemmar",
            Access::Organisation(Action::ManageMembers),
            post(organisations::set_member),
        )
        .add(
            "GET",
            "/organisationer/{id}/historik",
            Access::Organisation(Action::ReadHistory),
            get(history::page),
        )
        .add("GET", "/personer", Access::Admin, get(people::list))
        .add("POST", "/personer", Access::Admin, post(people::create))
        .add(
            "POST",
            "/personer/{id}/avstangd",
            Access::Admin,
            post(people::set_disabled),
        );
    // Every register kind's pages (`ui/kinds/`), from the kinds' descriptors.
    let r = kinds::routes(r);
    (r.router, r.table)
}

/// Where a `next=` or `back=` parameter may send a browser: a path (and query) on this site, or `/`.
///
/// Decided by parsing the candidate as a URL, resolved the way a browser resolves a `Location` —
/// which drops tabs and newlines and reads `\` as `/` — against a fixed base, never by looking at its
/// first characters: `/\t/evil.example` starts with one slash yet leads to another host.
pub fn safe_next(candidate: &str) -> String {
    let home = || "/".to_string();
    let Ok(base) = Url::parse("http://ombud.invalid/") else {
        return home();
    };
    let on_site = |u: &Url| {
        u.scheme() == base.scheme()
            && u.host() == base.host()
            && u.port_or_known_default() == base.port_or_known_default()
            && u.username().is_empty()
            && u.password().is_none()
    };
    let Ok(joined) = base.join(candidate) else {
        return home();
    };
    // A path that itself begins with `//` (`/.//evil.example` resolves to one) is read as a host
    // once it is sent back on its own.
    if !on_site(&joined) || joined.path().starts_with("//") {
        return home();
    }
    let mut out = joined.path().to_string();
    if let Some(q) = joined.query() {
        out.push('?');
        out.push_str(q);
    }
    out
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
    SignInFirst {
        next: String,
    },
    /// A form posted something no form of the page sends (a hand-made request).
    BadRequest,
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
                let url = format!("/logga-in?next={}", urlencode(&safe_next(next)));
                return Redirect::to(&url).into_response();
            }
            PageError::BadRequest => (
                StatusCode::BAD_REQUEST,
                "error-bad-request-title",
                "error-bad-request-text",
            ),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a browser on the real site ends up after being sent to `next`.
    fn lands_on(next: &str) -> Option<String> {
        let site = Url::parse("https://ombud.stad.se/organisationer/x").ok()?;
        let to = site.join(next).ok()?;
        to.host_str().map(str::to_string)
    }

    #[test]
    fn a_path_on_this_site_is_kept_with_its_query() {
        assert_eq!(safe_next("/konto"), "/konto");
        assert_eq!(
            safe_next("/organisationer?q=norr&typ=board"),
            "/organisationer?q=norr&typ=board"
        );
        assert_eq!(safe_next("/"), "/");
        assert_eq!(safe_next(""), "/");
    }

    #[test]
    fn what_a_browser_reads_as_another_host_goes_home() {
        for evil in [
            "/\t/evil.example",
            "/\t\t/evil.example",
            "/\n/evil.example",
            "/\r\n/x",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "//evil.example",
            "///evil.example",
            " //evil.example",
            "/.//evil.example",
            "/a/..//evil.example",
            "https://evil.example/",
            "https:evil.example",
            "http://evil.example",
            "HTTP://evil.example/x",
            "http://ombud.invalid:8080/",
            "//user@ombud.invalid/x",
            "javascript:alert(1)",
            "data:text/html,x",
        ] {
            let got = safe_next(evil);
            assert_eq!(got, "/", "{evil:?} gave {got:?}");
        }
    }

    #[test]
    fn encoded_slashes_stay_a_path() {
        let got = safe_next("/%2F%2Fevil.example");
        assert_eq!(got, "/%2F%2Fevil.example");
        assert_eq!(lands_on(&got).as_deref(), Some("ombud.stad.se"));
    }

    #[test]
    fn what_is_given_back_is_a_valid_header_that_stays_on_the_site() {
        for c in [
            "/\t/evil.example",
            "/%0d%0a/x",
            "/\r\n/x",
            "/ö?q=å b",
            "/organisationer?q=<script>",
            "relative/path",
            "../../..",
            "/.//evil.example",
        ] {
            let got = safe_next(c);
            assert!(
                axum::http::HeaderValue::from_str(&got).is_ok(),
                "{c:?} gave a header value that is not one: {got:?}"
            );
            assert!(
                got.starts_with('/') && !got.starts_with("//"),
                "{c:?} gave {got:?}"
            );
            assert_eq!(
                lands_on(&got).as_deref(),
                Some("ombud.stad.se"),
                "{c:?} gave {got:?}"
            );
        }
        assert_eq!(safe_next("/ö?q=å b"), "/%C3%B6?q=%C3%A5%20b");
    }
}
