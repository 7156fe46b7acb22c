//! Sign-in and sign-out pages.

use super::{PageError, render, safe_next};
use crate::AppState;
use crate::auth::{self, MaybeUiCtx, UiCtx};
use crate::i18n;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::AppError;
use ombud_domain::Lang;
use ombud_domain::audit::Channel;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInPage {
    pub lang: Lang,
    pub next: String,
    pub email: String,
    pub error: Option<String>,
    /// "Logga in med {label}" when the city's identity provider is configured.
    pub sso_label: Option<String>,
    /// Only the system administrator signs in with a password.
    pub sso_required: bool,
    /// After signing out: where to sign out at the provider too.
    pub end_session: Option<String>,
}

impl SignInPage {
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }
    pub fn other_lang(&self) -> &'static str {
        if self.lang == Lang::Sv { "en" } else { "sv" }
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    pub next: String,
    /// Set after signing out.
    #[serde(default)]
    pub utloggad: String,
}

fn page(state: &AppState, next: String, email: String, error: Option<String>) -> SignInPage {
    SignInPage {
        lang: i18n::current(),
        next,
        email,
        error,
        sso_label: state.app.sso_label().map(str::to_string),
        sso_required: state.app.sso_required(),
        end_session: None,
    }
}

/// `GET /logga-in`.
pub async fn form(
    State(state): State<AppState>,
    MaybeUiCtx(ctx): MaybeUiCtx,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(&q.next);
    if ctx.is_some() {
        return Redirect::to(&next).into_response();
    }
    let mut p = page(&state, next, String::new(), None);
    if !q.utloggad.is_empty() {
        p.end_session = state.app.sso_end_session_url().await;
    }
    render(&p)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// `POST /logga-in`.
pub async fn submit(
    State(state): State<AppState>,
    auth::SourceAddr(source): auth::SourceAddr,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let lang = i18n::current();
    let next = safe_next(&f.next);
    let fail = |status: StatusCode, key: &str| {
        let p = page(
            &state,
            next.clone(),
            f.email.clone(),
            Some(i18n::t(lang, key)),
        );
        (status, render(&p)).into_response()
    };
    // Signing someone in from another site would plant a session of the attacker's choosing.
    if !auth::same_origin(&headers) {
        return fail(StatusCode::FORBIDDEN, "sign-in-error-origin");
    }
    let user = match state
        .app
        .check_credentials(&f.email, &f.password, source)
        .await
    {
        Ok(u) => u,
        Err(AppError::TooManyAttempts { .. }) => {
            return fail(StatusCode::TOO_MANY_REQUESTS, "sign-in-error-locked");
        }
        Err(AppError::BadCredentials) => {
            return fail(StatusCode::UNAUTHORIZED, "sign-in-error-credentials");
        }
        Err(AppError::SsoRequired) => {
            return fail(StatusCode::FORBIDDEN, "sign-in-error-sso-required");
        }
        Err(e) => return PageError::from(e).into_response(),
    };
    signed_in(&state, &user, &next, &[]).await
}

/// A person who proved who they are (a password, the identity provider): a browser session, and
/// on to `next` with its cookie and their stored language (it decides from now on), plus `more`.
async fn signed_in(
    state: &AppState,
    user: &ombud_app::User,
    next: &str,
    more: &[String],
) -> Response {
    match state.app.open_session(user, "browser", Channel::Ui).await {
        Ok(s) => {
            let mut res = Redirect::to(next).into_response();
            let cookies = [
                auth::session_cookie(state, &s.token),
                i18n::lang_cookie(&user.language),
            ];
            for cookie in cookies.iter().chain(more) {
                if let Ok(v) = HeaderValue::from_str(cookie) {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /logga-ut`.
pub async fn sign_out(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    // Without the token another site could sign people out at will.
    if f.csrf != ctx.csrf_token || !auth::same_origin(&headers) {
        return PageError::Forbidden.into_response();
    }
    if let Err(e) = state.app.sign_out(&ctx).await {
        return PageError::from(e).into_response();
    }
    let mut res = Redirect::to("/logga-in?utloggad=1").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&state, "")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The cookie that binds a sign-in with the identity provider to the browser that started it.
const SSO_STATE_COOKIE: &str = "ombud_sso_state";

fn sso_state_cookie(state: &AppState, value: &str) -> String {
    let secure = if state.config().secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let age = if value.is_empty() { 0 } else { 600 };
    // Lax: the provider sends the browser back with a top-level GET, which Lax cookies go with.
    format!(
        "{SSO_STATE_COOKIE}={value}; Path=/logga-in/sso; HttpOnly; SameSite=Lax; Max-Age={age}{secure}"
    )
}

/// `GET /logga-in/sso`: off to the city's identity provider.
pub async fn sso_start(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(&q.next);
    match state.app.sso_start(&next).await {
        Ok(start) => {
            let mut res = Redirect::to(&start.url).into_response();
            if let Ok(v) = HeaderValue::from_str(&sso_state_cookie(&state, &start.state)) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(AppError::Sso(f)) => sso_failed(&state, &f),
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct SsoCallback {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub state: String,
    /// The provider's error code instead of a code (e.g. `access_denied`).
    #[serde(default)]
    pub error: String,
}

/// `GET /logga-in/sso/klar`: back from the identity provider.
pub async fn sso_finish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SsoCallback>,
) -> Response {
    let browser_state = auth::cookie(&headers, SSO_STATE_COOKIE);
    let outcome = if q.error.is_empty() {
        state
            .app
            .sso_finish(&q.code, &q.state, browser_state.as_deref())
            .await
    } else {
        Err(AppError::Sso(ombud_app::sso::SsoFailure::Provider(
            q.error.chars().take(100).collect(),
        )))
    };
    let (user, next) = match outcome {
        Ok(u) => u,
        Err(AppError::Sso(f)) => return sso_failed(&state, &f),
        Err(e) => return PageError::from(e).into_response(),
    };
    signed_in(
        &state,
        &user,
        &safe_next(&next),
        &[sso_state_cookie(&state, "")],
    )
    .await
}

#[derive(Template)]
#[template(path = "sso_failed.html")]
pub struct SsoFailedPage {
    pub lang: Lang,
    pub title: String,
    pub message: String,
    /// The provider's subject, for the administrator to link.
    pub subject: Option<String>,
}

impl SsoFailedPage {
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }
}

/// The page for a sign-in that did not go through: what happened, in words, and what to do.
fn sso_failed(state: &AppState, f: &ombud_app::sso::SsoFailure) -> Response {
    use ombud_app::sso::SsoFailure as F;
    let lang = i18n::current();
    let (status, key, subject) = match f {
        F::NotConfigured => (StatusCode::NOT_FOUND, "sso-error-not-configured", None),
        F::State => (StatusCode::BAD_REQUEST, "sso-error-state", None),
        F::Provider(_) => (StatusCode::BAD_REQUEST, "sso-error-provider", None),
        F::Exchange(_) | F::Token(_) => (StatusCode::BAD_GATEWAY, "sso-error-token", None),
        F::UnknownPerson { subject } => (
            StatusCode::FORBIDDEN,
            "sso-error-unknown",
            Some(subject.clone()),
        ),
        F::Disabled => (StatusCode::FORBIDDEN, "sso-error-disabled", None),
        F::EmailTaken { subject } => (
            StatusCode::FORBIDDEN,
            "sso-error-email-taken",
            Some(subject.clone()),
        ),
    };
    let label = state.app.sso_label().unwrap_or_default().to_string();
    let page = SsoFailedPage {
        lang,
        title: i18n::t(lang, "sso-error-title"),
        message: i18n::t(lang, key).replace("{provider}", &label),
        subject,
    };
    let mut res = (status, render(&page)).into_response();
    if let Ok(v) = HeaderValue::from_str(&sso_state_cookie(state, "")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
