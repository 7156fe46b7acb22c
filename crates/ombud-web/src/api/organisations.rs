//! `/api/v1/organisations`: the organisation tree, its members and its history.

use super::json::ApiQuery;
use super::{ApiJson, PageParams, etag_headers, if_match};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ombud_app::Organisation;
use ombud_domain::organisation::OrgKind;
use ombud_domain::role::RoleSet;
use ombud_store::organisations::{NewOrganisation, OrganisationChanges, OrganisationFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An organisation as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationOut {
    pub id: String,
    pub name: String,
    /// `city`, `board`, `company`, `administration`, `department` or `unit`.
    pub kind: String,
    pub parent_id: Option<String>,
    /// A controller (personuppgiftsansvarig): a board or company.
    pub controller: bool,
    /// The controller this organisation belongs to.
    pub controller_id: Option<String>,
    pub archived: bool,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl From<Organisation> for OrganisationOut {
    fn from(o: Organisation) -> Self {
        OrganisationOut {
            archived: o.archived_at.is_some(),
            id: o.id,
            name: o.name,
            kind: o.kind.as_str().into(),
            parent_id: o.parent_id,
            controller: o.controller,
            controller_id: o.controller_id,
            archived_at: o.archived_at,
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationOut>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    pub name: String,
    /// `city`, `board`, `company`, `administration`, `department` or `unit`.
    pub kind: String,
    pub parent_id: Option<String>,
    /// Whether a board or company is a controller; defaults to true for them.
    pub controller: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisation {
    /// A new name.
    pub name: Option<String>,
    /// Move under another organisation.
    pub parent_id: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Part of the name.
    pub q: Option<String>,
    pub kind: Option<String>,
    pub parent_id: Option<String>,
    /// Only controllers (`true`) or only others (`false`).
    pub controller: Option<bool>,
    /// Include archived organisations.
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    pub organisation_id: String,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<&'static str>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<MemberOut>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRoles {
    /// Roles: `employee`, `manager`, `records_keeper`, `system_owner`, `security_coordinator`, `dpo`,
    /// `management`, `auditor`. An empty list removes the person from the organisation.
    pub roles: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Membership {
    pub organisation_id: String,
    pub user_id: String,
    pub roles: Vec<&'static str>,
    /// Absent when the membership was removed.
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeOut {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEvent {
    pub seq: i64,
    /// UTC, RFC 3339.
    pub occurred_at: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    /// `ui`, `api`, `cli`, `import` or `system`.
    pub channel: String,
    /// `create`, `update` or `delete`.
    pub operation: String,
    pub record_type: String,
    pub record_id: String,
    pub changes: Vec<FieldChangeOut>,
}

impl From<ombud_domain::audit::Event> for HistoryEvent {
    fn from(e: ombud_domain::audit::Event) -> Self {
        HistoryEvent {
            changes: ombud_domain::audit::changes(e.before.as_deref(), e.after.as_deref())
                .into_iter()
                .map(|c| FieldChangeOut {
                    field: c.field,
                    from: c.from,
                    to: c.to,
                })
                .collect(),
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            channel: e.channel,
            operation: e.operation,
            record_type: e.record_type,
            record_id: e.record_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryList {
    pub items: Vec<HistoryEvent>,
    pub next: Option<String>,
}

fn created(o: Organisation) -> (StatusCode, HeaderMap, Json<OrganisationOut>) {
    let mut h = etag_headers(o.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/organisations/{}", o.id)) {
        h.insert(header::LOCATION, v);
    }
    (StatusCode::CREATED, h, Json(o.into()))
}

/// The organisations the caller may see, by name.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(PageParams, OrganisationQuery),
    responses((status = 200, body = OrganisationList)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<OrganisationQuery>,
) -> Result<Json<OrganisationList>, ApiError> {
    let filter = OrganisationFilter {
        q: q.q,
        kind: q.kind.as_deref().map(OrgKind::parse).transpose()?,
        parent_id: q.parent_id,
        controller: q.controller,
        include_archived: q.archived,
    };
    let p = state
        .app
        .organisations(&ctx, &filter, &page.page()?)
        .await?;
    Ok(Json(OrganisationList {
        items: p.items.into_iter().map(OrganisationOut::from).collect(),
        next: p.next,
    }))
}

/// Create an organisation: a city or controller at the top (system administrators), or a unit under
/// one (its management).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = CreateOrganisation,
    responses((status = 201, body = OrganisationOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<CreateOrganisation>,
) -> Result<(StatusCode, HeaderMap, Json<OrganisationOut>), ApiError> {
    let new = NewOrganisation {
        name: body.name,
        kind: body.kind,
        parent_id: body.parent_id,
        controller: body.controller,
    };
    Ok(created(state.app.create_organisation(&ctx, new).await?))
}

/// One organisation, with its version as `ETag`.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = String, Path)),
    responses((status = 200, body = OrganisationOut), (status = 404, body = Problem)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<(HeaderMap, Json<OrganisationOut>), ApiError> {
    let o = state.app.organisation(&ctx, &id).await?;
    Ok((etag_headers(o.version), Json(o.into())))
}

/// Rename, move, archive or restore. Send `If-Match` with the version you read to be sure nobody
/// changed it meanwhile.
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = UpdateOrganisation,
    responses((status = 200, body = OrganisationOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_organisation(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UpdateOrganisation>,
) -> Result<(HeaderMap, Json<OrganisationOut>), ApiError> {
    let changes = OrganisationChanges {
        name: body.name,
        parent_id: body.parent_id,
        archived: body.archived,
    };
    let o = state
        .app
        .update_organisation(&ctx, &id, if_match(&headers), changes)
        .await?;
    Ok((etag_headers(o.version), Json(o.into())))
}

/// Archive an organisation (it has no active organisations under it). Archived organisations keep
/// their history and can be restored with `PATCH {"archived": false}`.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = OrganisationOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn archive_organisation(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<(HeaderMap, Json<OrganisationOut>), ApiError> {
    let changes = OrganisationChanges {
        archived: Some(true),
        ..Default::default()
    };
    let o = state
        .app
        .update_organisation(&ctx, &id, if_match(&headers), changes)
        .await?;
    Ok((etag_headers(o.version), Json(o.into())))
}

/// The people holding roles in this organisation (grants made here, not inherited ones).
#[utoipa::path(get, path = "/api/v1/organisations/{id}/members", tag = "organisations",
    params(("id" = String, Path)),
    responses((status = 200, body = MemberList), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_members(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<MemberList>, ApiError> {
    let o = state.app.organisation(&ctx, &id).await?;
    let items = state
        .app
        .members(&ctx, &o)
        .await?
        .into_iter()
        .map(|m| MemberOut {
            organisation_id: m.organisation_id,
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            roles: m.roles,
            version: m.version,
        })
        .collect();
    Ok(Json(MemberList { items, next: None }))
}

/// Give a person exactly these roles in this organisation (and its subtree). An empty list removes them.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/members/{user_id}", tag = "organisations",
    params(("id" = String, Path), ("user_id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = SetRoles,
    responses((status = 200, body = Membership), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn set_member_roles(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SetRoles>,
) -> Result<(HeaderMap, Json<Membership>), ApiError> {
    let roles = RoleSet::parse_list(&body.roles)?;
    let m = state
        .app
        .set_roles(&ctx, &id, &user_id, roles, if_match(&headers))
        .await?;
    let headers = m.version.map(etag_headers).unwrap_or_default();
    Ok((
        headers,
        Json(Membership {
            organisation_id: m.organisation_id,
            user_id: m.user_id,
            roles: m.roles.names(),
            version: m.version,
        }),
    ))
}

/// The history of an organisation: every change to it and to its memberships, newest first.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/history", tag = "organisations",
    params(("id" = String, Path), PageParams),
    responses((status = 200, body = HistoryList), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn organisation_history(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<HistoryList>, ApiError> {
    let o = state.app.organisation(&ctx, &id).await?;
    let events = state
        .app
        .organisation_history(&ctx, &o, &page.page()?)
        .await?;
    Ok(Json(HistoryList {
        items: events.items.into_iter().map(HistoryEvent::from).collect(),
        next: events.next,
    }))
}
