//! Sign-in and sign-out pages.

use crate::AppState;
use crate::api::session::{check_credentials, open_session};
use crate::auth::{self, MaybeUiCtx, UiCtx};
use crate::error::ApiError;
use crate::i18n;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
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

fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.into()
    } else {
        "/".into()
    }
}

/// `GET /logga-in`.
pub async fn form(MaybeUiCtx(ctx): MaybeUiCtx, Query(q): Query<NextQuery>) -> Response {
    if ctx.is_some() {
        return Redirect::to(&safe_next(&q.next)).into_response();
    }
    super::render(&SignInPage {
        lang: i18n::current(),
        next: safe_next(&q.next),
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
        (status, super::render(&page)).into_response()
    };
    if !auth::same_origin(&headers) {
        return fail(StatusCode::FORBIDDEN, "sign-in-error-origin");
    }
    let user = match check_credentials(&state, &f.email, &f.password).await {
        Ok(u) => u,
        Err(ApiError::TooManyAttempts { .. }) => {
            return fail(StatusCode::TOO_MANY_REQUESTS, "sign-in-error-locked");
        }
        Err(ApiError::BadCredentials) => {
            return fail(StatusCode::UNAUTHORIZED, "sign-in-error-credentials");
        }
        Err(e) => return super::PageError::from(e).into_response(),
    };
    match open_session(&state, &user, "browser", Channel::Ui).await {
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
        Err(e) => super::PageError::from(e).into_response(),
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
    if f.csrf != ctx.csrf_token || !auth::same_origin(&headers) {
        return super::PageError::Forbidden.into_response();
    }
    let actor = ctx.actor();
    let ended = async {
        let mut w = ombud_store::WriteTx::begin(&state.store, &actor).await?;
        w.end_session(&ctx.session_id).await?;
        w.commit().await
    }
    .await;
    if let Err(e) = ended {
        return super::PageError::from(e).into_response();
    }
    state.auth_cache.forget_user(&ctx.user.id);
    let mut res = Redirect::to("/logga-in").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&state, "")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
