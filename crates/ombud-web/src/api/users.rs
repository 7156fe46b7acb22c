//! `/api/v1/users`: people. The system administrator creates them; everyone sees themselves and
//! changes their own password.

use super::json::ApiQuery;
use super::{ApiJson, PageParams, check_id, hash_password, verify_password};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ombud_domain::{Invalid, Rule, people};
use ombud_store::WriteTx;
use ombud_store::people::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user, list_users))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(get_user))
}

/// A person as the API shows them.
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
    let u = create(
        &state,
        &ctx,
        &body.email,
        &body.name,
        body.password,
        body.admin,
    )
    .await?;
    let mut headers = super::etag_headers(u.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/users/{}", u.id)) {
        headers.insert(header::LOCATION, v);
    }
    Ok((StatusCode::CREATED, headers, Json(u.into())))
}

/// Creates a person for a system administrator. Shared by the API and the people page, so that both
/// accept exactly the same. Every invalid field is reported at once, so a form can mark them all.
pub async fn create(
    state: &AppState,
    ctx: &crate::auth::Ctx,
    email: &str,
    name: &str,
    password: Option<String>,
    admin: bool,
) -> Result<User, ApiError> {
    if !ctx.principal.is_admin {
        return Err(ApiError::Forbidden);
    }
    let email = people::email(email);
    let name = people::name(name);
    let mut invalid = Vec::new();
    if let Err(i) = &email {
        invalid.push(i.clone());
    }
    if let Err(i) = &name {
        invalid.push(i.clone());
    }
    if let Some(pw) = &password {
        // Checked even when the address or name is invalid, so that a too short password is reported
        // beside them rather than after they are fixed.
        let (e, n) = (
            email.as_deref().unwrap_or_default(),
            name.as_deref().unwrap_or_default(),
        );
        if let Err(i) = people::new_password("password", pw, e, n) {
            invalid.push(i);
        }
    }
    let (Ok(email), Ok(name), true) = (email, name, invalid.is_empty()) else {
        return Err(ApiError::Invalid(invalid));
    };
    let hash = match password {
        Some(pw) => Some(hash_password(state, pw).await?),
        None => None,
    };
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let u = w.create_user(&email, &name, hash.as_deref(), admin).await?;
    w.commit().await?;
    Ok(u)
}

/// List people (system administrators only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(PageParams, UserQuery),
    responses((status = 200, body = UserList), (status = 403, body = Problem)))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> Result<Json<UserList>, ApiError> {
    if !ctx.principal.is_admin {
        return Err(ApiError::Forbidden);
    }
    let p = state.store.users(q.q.as_deref(), &page.page()?).await?;
    Ok(Json(UserList {
        items: p.items.into_iter().map(UserOut::from).collect(),
        next: p.next,
    }))
}

/// Who I am and where I hold roles.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", responses((status = 200, body = Me)))]
pub async fn me(State(state): State<AppState>, ApiCtx(ctx): ApiCtx) -> Result<Json<Me>, ApiError> {
    let grants = state.store.grants(&ctx.user.id).await?;
    Ok(Json(Me {
        user: ctx.user.into(),
        grants: grants
            .into_iter()
            .map(|g| Grant {
                organisation_id: g.membership.organisation_id.0,
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
    change_own_password(&state, &ctx, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Shared by the API and the account page.
pub async fn change_own_password(
    state: &AppState,
    ctx: &crate::auth::Ctx,
    current: &str,
    new: &str,
) -> Result<(), ApiError> {
    let secret = state.store.local_secret(&ctx.user.id).await?;
    let ok = match secret {
        Some(phc) => verify_password(phc, current.to_string()).await?,
        None => false,
    };
    if !ok {
        return Err(ApiError::Invalid(vec![Invalid::new(
            "current_password",
            Rule::Required,
        )]));
    }
    people::new_password("new_password", new, &ctx.user.email, &ctx.user.name)?;
    let hash = hash_password(state, new.to_string()).await?;
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    w.set_password(&ctx.user.id, &hash).await?;
    w.end_other_sessions(&ctx.user.id, &ctx.session_id).await?;
    w.commit().await?;
    state.auth_cache.forget_user(&ctx.user.id);
    Ok(())
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
    check_id(&id)?;
    if !ctx.principal.is_admin && ctx.user.id != id {
        return Err(ApiError::NotFound);
    }
    let u = state.store.user(&id).await?;
    Ok((super::etag_headers(u.version), Json(u.into())))
}
