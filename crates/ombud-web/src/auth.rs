//! Who is calling: a browser with a session cookie or an API client with a bearer token.
//!
//! Both are sessions in the store (only the SHA-256 of the secret is kept). Identity is separate from
//! how it was proved (see `identities` in the store), so single sign-on through OIDC can add another
//! way to open the same kind of session.
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
use ombud_domain::audit::Channel;
use ombud_domain::authz::Principal;
use ombud_domain::{Lang, time};
use ombud_store::people::{SessionInfo, User};
use ombud_store::{Actor, Store};

pub const SESSION_COOKIE: &str = "ombud_session";

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: User,
    pub principal: Principal,
    pub session_id: String,
    pub csrf_token: String,
    pub channel: Channel,
    pub lang: Lang,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor::user(
            self.principal.user_id.clone(),
            self.user.name.clone(),
            self.channel,
        )
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

/// Looks a session secret up, slides its expiry, and loads what the person may do.
///
/// The answer is cached per instance for a few seconds ([`crate::cache::TTL`]), so that a busy API
/// client costs one lookup per few seconds rather than two queries per request. Sign-out on this
/// instance drops the entry at once; a revocation or role change elsewhere takes effect within the TTL.
pub async fn resolve(
    state: &AppState,
    token: &str,
    channel: Channel,
) -> Result<Option<Ctx>, ApiError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    if let Some(mut ctx) = state.auth_cache.get(token) {
        ctx.channel = channel;
        return Ok(Some(ctx));
    }
    let now = jiff::Timestamp::now();
    let now_s = time::to_storage(now);
    let Some(session) = state.store.session(token, &now_s).await? else {
        return Ok(None);
    };
    slide(&state.store, &session, now, state.config.session_idle).await;
    let principal = state.store.principal(&session.user).await?;
    let lang = Lang::from_tag(&session.user.language).unwrap_or_default();
    let ctx = Ctx {
        principal,
        session_id: session.session_id,
        csrf_token: session.csrf_token,
        user: session.user,
        channel,
        lang,
    };
    state.auth_cache.put(token, &ctx);
    Ok(Some(ctx))
}

/// Resolved sessions by token, briefly (see [`crate::cache`]).
#[derive(Default)]
pub struct AuthCache(crate::cache::TtlCache<Ctx>);

impl AuthCache {
    fn get(&self, token: &str) -> Option<Ctx> {
        self.0.get(token)
    }

    fn put(&self, token: &str, ctx: &Ctx) {
        self.0.put(token, ctx.clone());
    }

    /// Forgets every cached session of one person (sign-out, password change, role change here).
    pub fn forget_user(&self, user_id: &str) {
        self.0.retain(|c| c.user.id != user_id);
    }

    /// Forgets everything (after a change that may alter anyone's rights, such as a move).
    pub fn clear(&self) {
        self.0.clear();
    }
}

/// Extends an idle timeout, writing at most every five minutes per session.
async fn slide(store: &Store, s: &SessionInfo, now: jiff::Timestamp, idle: std::time::Duration) {
    let stale = time::from_storage(&s.last_seen_at)
        .is_none_or(|seen| now.duration_since(seen) > jiff::SignedDuration::from_mins(5));
    if stale {
        let until =
            time::to_storage(now + jiff::SignedDuration::try_from(idle).unwrap_or_default());
        if let Err(e) = store
            .touch_session(&s.session_id, &time::to_storage(now), &until)
            .await
        {
            tracing::warn!(error = %e, "could not extend session");
        }
    }
}

/// The expiry of a session opened now.
pub fn session_expiry(state: &AppState) -> String {
    let idle = jiff::SignedDuration::try_from(state.config.session_idle).unwrap_or_default();
    time::to_storage(jiff::Timestamp::now() + idle)
}

/// The `Set-Cookie` value for a session cookie (empty token and zero age to clear it).
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let age = if token.is_empty() {
        0
    } else {
        state.config.session_idle.as_secs()
    };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}")
}

/// An API caller: bearer token, or a browser session cookie with the CSRF header on changes.
pub struct ApiCtx(pub Ctx);

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers) {
            let mut ctx = resolve(state, &token, Channel::Api)
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            ctx.lang = i18n::current();
            return Ok(ApiCtx(ctx));
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(ApiError::Unauthenticated)?;
        let mut ctx = resolve(state, &token, Channel::Ui)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            if sent != Some(ctx.csrf_token.as_str()) || !same_origin(&parts.headers) {
                return Err(ApiError::Csrf);
            }
        }
        ctx.lang = i18n::current();
        Ok(ApiCtx(ctx))
    }
}

/// A browser caller, or `None` when not signed in.
pub struct MaybeUiCtx(pub Option<Ctx>);

impl FromRequestParts<AppState> for MaybeUiCtx {
    type Rejection = crate::ui::PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(MaybeUiCtx(None));
        };
        let ctx = resolve(state, &token, Channel::Ui)
            .await
            .map_err(crate::ui::PageError::from)?;
        Ok(MaybeUiCtx(ctx.map(|mut c| {
            // The language switch (a cookie) wins over the stored preference for this request.
            if cookie(&parts.headers, i18n::LANG_COOKIE).is_some() {
                c.lang = i18n::current();
            }
            c
        })))
    }
}

/// A signed-in browser caller; others are sent to the sign-in page.
pub struct UiCtx(pub Ctx);

impl FromRequestParts<AppState> for UiCtx {
    type Rejection = crate::ui::PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match MaybeUiCtx::from_request_parts(parts, state).await? {
            MaybeUiCtx(Some(ctx)) => Ok(UiCtx(ctx)),
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
