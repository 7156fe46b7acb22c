//! `/api/v1/users`: people. The system administrator creates them; everyone sees themselves and
//! changes their own password.

use super::json::ApiQuery;
use super::{ApiJson, PageParams};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ombud_app::User;
use ombud_app::people::NewPerson;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub name: String,
    /// System administrator.
    pub admin: bool,
    /// `sv` or `en`.
    pub language: String,
    pub disabled: bool,
    pub created_at: String,
    pub version: i64,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id,
            email: u.email,
            name: u.name,
            admin: u.is_admin.0,
            language: u.language,
            disabled: u.disabled_at.is_some(),
            created_at: u.created_at,
            version: u.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserOut>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    /// At least 10 characters. Omit for a person who will only sign in through single sign-on.
    pub password: Option<String>,
    /// Make the person a system administrator.
    #[serde(default)]
    pub admin: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Grant {
    pub organisation_id: String,
    pub organisation_name: String,
    pub kind: String,
    pub roles: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: UserOut,
    /// Where the person holds roles.
    pub grants: Vec<Grant>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of a name or e-mail address.
    pub q: Option<String>,
}

/// Create a person (system administrators only).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = UserOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<(StatusCode, HeaderMap, Json<UserOut>), ApiError> {
    let u = state
        .app
        .create_person(
            &ctx,
            NewPerson {
                email: body.email,
                name: body.name,
                password: body.password,
                admin: body.admin,
            },
        )
        .await?;
    let mut headers = super::etag_headers(u.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/users/{}", u.id)) {
        headers.insert(header::LOCATION, v);
    }
    Ok((StatusCode::CREATED, headers, Json(u.into())))
}

/// Creates a person for a system administrator. Shared by the API and the people page, so that both
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(PageParams, UserQuery),
    responses((status = 200, body = UserList), (status = 403, body = Problem)))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<UserList>, ApiError> {
    let p = state
        .app
        .people(&ctx, q.q.as_deref(), &page.page()?)
        .await?;
    Ok(Json(UserList {
        items: p.items.into_iter().map(UserOut::from).collect(),
        next: p.next,
    }))
}

/// Who I am and where I hold roles.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", responses((status = 200, body = Me)))]
pub async fn me(State(state): State<AppState>, ApiCtx(ctx): ApiCtx) -> Result<Json<Me>, ApiError> {
    let grants = state.app.my_roles(&ctx).await?;
    Ok(Json(Me {
        user: ctx.user.clone().into(),
        grants: grants
            .into_iter()
            .map(|g| Grant {
                organisation_id: g.membership.organisation_id.into_string(),
                organisation_name: g.organisation_name,
                kind: g.organisation_kind,
                roles: g.membership.roles.names(),
            })
            .collect(),
    }))
}

/// Change my password. Other sessions of mine are ended.
#[utoipa::path(post, path = "/api/v1/users/me/password", tag = "users", request_body = ChangePassword,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .change_own_password(&ctx, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One person (system administrators, or the person themself).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = String, Path, description = "The person's id")),
    responses((status = 200, body = UserOut), (status = 404, body = Problem)))]
pub async fn get_user(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<(HeaderMap, Json<UserOut>), ApiError> {
    let u = state.app.person(&ctx, &id).await?;
    Ok((super::etag_headers(u.version), Json(u.into())))
}

/// Changes to a person: `disabled` (system administrators only).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// Disable (`true`): the person cannot sign in and every session of theirs ends, on every
    /// instance at once; or enable again (`false`).
    pub disabled: Option<bool>,
    /// Link the person to their subject (`sub`) at the city's identity provider, so that they sign
    /// in with it (409 `sso_not_configured` without one; 409 `identity_taken` when another person
    /// has it).
    pub sso_subject: Option<String>,
}

/// Disable or enable a person (system administrators; nobody disables themself).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = String, Path, description = "The person's id")),
    request_body = UpdateUser,
    responses((status = 200, body = UserOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_user(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> Result<(HeaderMap, Json<UserOut>), ApiError> {
    if let Some(subject) = &body.sso_subject {
        state
            .app
            .link_sso_subject(&ctx, &id, subject)
            .await
            .map_err(|e| match e {
                ombud_app::AppError::Sso(_) => ApiError::Conflict("sso_not_configured"),
                other => other.into(),
            })?;
    }
    let u = match body.disabled {
        Some(d) => state.app.set_disabled(&ctx, &id, d).await?,
        None => state.app.person(&ctx, &id).await?,
    };
    Ok((super::etag_headers(u.version), Json(u.into())))
}
