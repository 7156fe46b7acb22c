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
}

/// `GET /logga-in`.
pub async fn form(MaybeUiCtx(ctx): MaybeUiCtx, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(&q.next);
    if ctx.is_some() {
        return Redirect::to(&next).into_response();
    }
    render(&SignInPage {
        lang: i18n::current(),
        next,
        email: String::new(),
        error: None,
    })
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
        let page = SignInPage {
            lang,
            next: next.clone(),
            email: f.email.clone(),
            error: Some(i18n::t(lang, key)),
        };
        (status, render(&page)).into_response()
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
        Err(e) => return PageError::from(e).into_response(),
    };
    match state.app.open_session(&user, "browser", Channel::Ui).await {
        Ok(s) => {
            let mut res = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&state, &s.token)) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            // The stored preference decides the language from now on.
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                i18n::LANG_COOKIE,
                user.language
            )) {
                res.headers_mut().append(header::SET_COOKIE, v);
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
    let mut res = Redirect::to("/logga-in").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&state, "")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
