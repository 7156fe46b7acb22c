//! Who is calling, as HTTP tells it: a browser with a session cookie or an API client with a bearer
//! token. Both are sessions the application layer resolves (`App::resolve`) into a [`Caller`].
//!
//! CSRF: a browser session carries a CSRF token. Forms send it as a hidden field, scripts as
//! `X-CSRF-Token`; cookies are `SameSite=Lax` and state-changing requests from another origin are
//! refused. Bearer-token requests carry no ambient authority and need no CSRF token.

use crate::AppState;
use crate::error::ApiError;
use crate::i18n;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use ombud_app::Caller;
use ombud_domain::audit::Channel;

pub const SESSION_COOKIE: &str = "ombud_session";
/// The session cookie's name under an `https://` public URL: the `__Host-` prefix makes the browser
/// refuse it unless it is `Secure`, for the whole site and from this host only (no sibling
/// subdomain of the city can set or shadow it).
pub const SECURE_SESSION_COOKIE: &str = "__Host-ombud_session";

/// The session cookie's name for this instance.
pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config().secure_cookies() {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Reads one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Whether a state-changing request comes from this site (the `Origin`/`Sec-Fetch-Site` check).
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        // Old clients send neither; the CSRF token still protects them.
        _ => true,
    }
}

/// The `Set-Cookie` value for a session cookie (empty token and zero age to clear it).
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config().secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let age = if token.is_empty() {
        0
    } else {
        state.config().session_idle.as_secs()
    };
    let name = session_cookie_name(state);
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}")
}

/// The address a request comes from, for the sign-in limit: the connection's, or with
/// `trust_forwarded_for` the last `X-Forwarded-For` entry (the one the load balancer in front
/// added; the entries before it are the client's word). `None` when neither is known.
pub struct SourceAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for SourceAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config().trust_forwarded_for
            && let Some(addr) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|a| a.trim().parse().ok())
        {
            return Ok(SourceAddr(Some(addr)));
        }
        Ok(SourceAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// An API caller: bearer token, or a browser session cookie with the CSRF header on changes.
pub struct ApiCtx(pub Caller);

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers) {
            let mut c = state
                .app
                .resolve(&token, Channel::Api)
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            c.lang = i18n::current();
            return Ok(ApiCtx(c));
        }
        let token =
            cookie(&parts.headers, session_cookie_name(state)).ok_or(ApiError::Unauthenticated)?;
        let mut c = state
            .app
            .resolve(&token, Channel::Ui)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if sent != Some(c.csrf_token.as_str()) || !same_origin(&parts.headers) {
                return Err(ApiError::Csrf);
            }
        }
        c.lang = i18n::current();
        Ok(ApiCtx(c))
    }
}

/// A browser caller, or `None` when not signed in.
pub struct MaybeUiCtx(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeUiCtx {
    type Rejection = crate::ui::PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, session_cookie_name(state)) else {
            return Ok(MaybeUiCtx(None));
        };
        let c = state
            .app
            .resolve(&token, Channel::Ui)
            .await
            .map_err(crate::ui::PageError::from)?;
        Ok(MaybeUiCtx(c.map(|mut c| {
            // The language switch (a cookie) wins over the stored preference for this request.
            if cookie(&parts.headers, i18n::LANG_COOKIE).is_some() {
                c.lang = i18n::current();
            }
            c
        })))
    }
}

/// A signed-in browser caller; others are sent to the sign-in page.
pub struct UiCtx(pub Caller);

impl FromRequestParts<AppState> for UiCtx {
    type Rejection = crate::ui::PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match MaybeUiCtx::from_request_parts(parts, state).await? {
            MaybeUiCtx(Some(c)) => Ok(UiCtx(c)),
            MaybeUiCtx(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                Err(crate::ui::PageError::SignInFirst { next })
            }
        }
    }
}
