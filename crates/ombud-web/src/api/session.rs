//! `/api/v1/session`: sign in for a bearer token (and a browser cookie), see and end the session.

use super::{ApiJson, verify_password};
use crate::AppState;
use crate::api::users::UserOut;
use crate::auth::{self, ApiCtx};
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_domain::audit::Channel;
use ombud_store::people::User;
use ombud_store::{Actor, StoreError, WriteTx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, current_session, sign_out))
}

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

/// Checks an e-mail address and password, counting failures; the person on success.
pub async fn check_credentials(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<User, ApiError> {
    let key = email.trim().to_lowercase();
    state
        .sign_in_limit
        .check(&key)
        .map_err(|retry_after| ApiError::TooManyAttempts { retry_after })?;
    let user = match state.store.user_by_email(&key).await {
        Ok(u) if u.disabled_at.is_none() => Some(u),
        Ok(_) | Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let secret = match &user {
        Some(u) => state.store.local_secret(&u.id).await?,
        None => None,
    };
    let ok = match secret {
        Some(phc) => verify_password(phc, password.to_string()).await?,
        None => {
            let cost = state.config.password_cost;
            let _ = tokio::task::spawn_blocking(move || {
                ombud_domain::people::burn_time_like_a_verification(cost)
            })
            .await;
            false
        }
    };
    match user {
        Some(u) if ok => {
            state.sign_in_limit.succeeded(&key);
            Ok(u)
        }
        _ => {
            state.sign_in_limit.failed(&key);
            tracing::info!("failed sign-in");
            Err(ApiError::BadCredentials)
        }
    }
}

/// Opens a session for a person and returns its secrets.
pub async fn open_session(
    state: &AppState,
    user: &User,
    kind: &str,
    channel: Channel,
) -> Result<ombud_store::people::NewSession, ApiError> {
    let actor = Actor::user(
        ombud_domain::ids::UserId(user.id.clone()),
        user.name.clone(),
        channel,
    );
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let s = w
        .create_session(user, kind, &auth::session_expiry(state))
        .await?;
    w.commit().await?;
    Ok(s)
}

/// Sign in: exchange an e-mail address and password for a bearer token (and a session cookie).
#[utoipa::path(post, path = "/api/v1/session", tag = "session", security(()),
    request_body = SignIn,
    responses((status = 200, body = SessionOut), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let user = check_credentials(&state, &body.email, &body.password).await?;
    let s = open_session(&state, &user, "api", Channel::Api).await?;
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
        user: ctx.user.into(),
        csrf_token: ctx.csrf_token,
    })
}

/// Sign out: the token stops working at once.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn sign_out(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Response, ApiError> {
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    w.end_session(&ctx.session_id).await?;
    w.commit().await?;
    state.auth_cache.forget_user(&ctx.user.id);
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&state, "")) {
        headers.insert(header::SET_COOKIE, v);
    }
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
