//! `/api/v1/session`: sign in for a bearer token (and a browser cookie), see and end the session.

use super::ApiJson;
use crate::AppState;
use crate::api::users::UserOut;
use crate::auth::{self, ApiCtx};
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_domain::audit::Channel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// The bearer token: send it as `Authorization: Bearer <token>`. Shown once.
    pub token: String,
    pub expires_at: String,
    pub user: UserOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentSession {
    pub user: UserOut,
    /// For scripts in a signed-in browser: send as `X-CSRF-Token` on changes.
    pub csrf_token: String,
}

#[utoipa::path(post, path = "/api/v1/session", tag = "session", security(()),
    request_body = SignIn,
    responses((status = 200, body = SessionOut), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    auth::SourceAddr(source): auth::SourceAddr,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let user = state
        .app
        .check_credentials(&body.email, &body.password, source)
        .await?;
    let s = state.app.open_session(&user, "api", Channel::Api).await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&state, &s.token)) {
        headers.insert(header::SET_COOKIE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok((
        headers,
        Json(SessionOut {
            token: s.token,
            expires_at: s.expires_at,
            user: user.into(),
        }),
    )
        .into_response())
}

/// The current session's person, and the CSRF token for browser scripts.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = CurrentSession), (status = 401, body = Problem)))]
pub async fn current_session(ApiCtx(ctx): ApiCtx) -> Json<CurrentSession> {
    Json(CurrentSession {
        user: ctx.user.clone().into(),
        csrf_token: ctx.csrf_token.clone(),
    })
}

/// Sign out: the token stops working at once.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn sign_out(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Response, ApiError> {
    state.app.sign_out(&ctx).await?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&state, "")) {
        headers.insert(header::SET_COOKIE, v);
    }
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
