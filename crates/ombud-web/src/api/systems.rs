//! `/api/v1/systems`: the register of IT systems (systemförteckning) with their KLASSA classification,
//! risk analysis and action plan, and the figures of it that the annual report quotes.
//!
//! A system belongs to one organisation and so to one controller; anyone else gets 404 for it, and
//! lists never show it to them.

use super::json::ApiQuery;
use super::organisations::{HistoryList, require, visible, visible_for_reading};
use super::processing::read_visibility;
use super::register;
use super::{ApiJson, PageParams, etag_headers, if_match};
use crate::AppState;
use crate::auth::{ApiCtx, Ctx};
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ombud_domain::Lang;
use ombud_domain::authz::Action;
use ombud_domain::register::export;
use ombud_domain::register::gaps;
use ombud_domain::register::system::SystemDetails;
use ombud_store::systems::{System, SystemFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_systems, create_system))
        .routes(routes!(get_system, update_system, delete_system))
        .routes(routes!(system_history))
        .routes(routes!(organisation_system_figures))
        .routes(routes!(export_systems))
}

/// A system: every field of the record (see the create body) and what follows from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemOut {
    pub id: String,
    pub organisation_id: String,
    pub controller_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    /// A classification has been made.
    pub classified: bool,
    /// The classification is current today (not past its review date; without one, made within a year).
    pub classification_current: bool,
    /// `self_procured` or `central`, in the request's language.
    pub procurement_label: String,
    /// The processing activities that name this system.
    pub processing_activity_ids: Vec<String>,
    /// The gaps this record has (rule codes), e.g. `system_without_processing`.
    pub gaps: Vec<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub details: SystemDetails,
}

impl SystemOut {
    pub fn new(s: System, processing_activity_ids: Vec<String>, lang: Lang) -> Self {
        let today = today();
        SystemOut {
            classified: s.details.classified(),
            classification_current: s.details.classification_current(today),
            procurement_label: s.details.procurement.label(lang).into(),
            gaps: gaps::system_gaps(s.details.holds_personal_data, processing_activity_ids.len())
                .into_iter()
                .map(|g| g.code().to_string())
                .collect(),
            processing_activity_ids,
            id: s.id,
            organisation_id: s.organisation_id,
            controller_id: s.controller_id,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
            details: s.details,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SystemList {
    pub items: Vec<SystemOut>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SystemQuery {
    /// Only this organisation and what lies under it.
    pub organisation_id: Option<String>,
    /// Words to find in name, description, vendor, owner and manager.
    pub q: Option<String>,
    /// Only classified (`true`) or unclassified (`false`) systems.
    pub classified: Option<bool>,
    /// Only systems whose classification is (`true`) or is not (`false`) current today.
    pub classification_current: Option<bool>,
    /// Only self-procured (`true`) or centrally provided (`false`) systems.
    pub self_procured: Option<bool>,
    pub holds_personal_data: Option<bool>,
    /// `name` (the default), `next_review` (of the classification, the earliest first, systems without one
    /// last) or `recently_updated` (the newest change first).
    pub sort: Option<String>,
}

/// The figures of the systems register for an organisation and what lies under it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemFiguresOut {
    pub organisation_id: String,
    /// The day `classification_current` is counted on, `YYYY-MM-DD`.
    pub as_of: String,
    pub systems: i64,
    pub classified: i64,
    pub classification_current: i64,
    pub self_procured: i64,
}

/// Today in Sweden.
pub(super) fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(ombud_domain::time::stockholm())
        .date()
}

pub(super) fn as_object(v: Value) -> Result<Map<String, Value>, ApiError> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::Unprocessable("expected a JSON object".into())),
    }
}

/// Applies a JSON merge patch (RFC 7396): objects merge field by field, `null` removes a field (so it
/// takes its default), anything else replaces.
pub(super) fn merge_patch(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in fields {
                    if v.is_null() {
                        t.remove(&k);
                    } else {
                        merge_patch(t.entry(k).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other,
    }
}

/// Refuses a patch that names a field the server keeps.
pub(super) fn refuse_read_only(
    patch: &Map<String, Value>,
    fields: &[&str],
) -> Result<(), ApiError> {
    match fields.iter().find(|f| patch.contains_key(**f)) {
        Some(f) => Err(ApiError::Unprocessable(format!(
            "`{f}` cannot be changed here"
        ))),
        None => Ok(()),
    }
}

/// The system as the API shows it, with the processing activities that name it.
async fn out(state: &AppState, s: System, lang: Lang) -> Result<SystemOut, ApiError> {
    let mut links = state
        .store
        .links_to("processing_activity", "system", std::slice::from_ref(&s.id))
        .await?;
    let ids = links.remove(&s.id).unwrap_or_default();
    Ok(SystemOut::new(s, ids, lang))
}

/// Registers a system for a caller (shared with the UI).
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    details: SystemDetails,
) -> Result<System, ApiError> {
    register::create(state, ctx, organisation_id, details).await
}

/// Applies a merge patch for a caller (shared with the UI).
pub async fn update(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
    patch: Map<String, Value>,
) -> Result<System, ApiError> {
    register::update(state, ctx, id, expected_version, patch).await
}

/// The systems register, filtered and searched, by name.
#[utoipa::path(get, path = "/api/v1/systems", tag = "systems",
    params(PageParams, SystemQuery),
    responses((status = 200, body = SystemList), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_systems(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<SystemQuery>,
) -> Result<Json<SystemList>, ApiError> {
    let within_path = match q.organisation_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => Some(visible_for_reading(&state, &ctx, id).await?.path),
        None => None,
    };
    let filter = SystemFilter {
        within_path,
        q: q.q,
        classified: q.classified,
        classification_current: q.classification_current,
        self_procured: q.self_procured,
        holds_personal_data: q.holds_personal_data,
        today: Some(today()),
    };
    let page = state
        .store
        .systems(
            &read_visibility(&ctx),
            &filter,
            register::sort_param(q.sort.as_deref())?,
            &page.page()?,
        )
        .await?;
    let ids: Vec<String> = page.items.iter().map(|s| s.id.clone()).collect();
    let mut links = state
        .store
        .links_to("processing_activity", "system", &ids)
        .await?;
    let lang = ctx.lang;
    Ok(Json(SystemList {
        items: page
            .items
            .into_iter()
            .map(|s| {
                let linked = links.remove(&s.id).unwrap_or_default();
                SystemOut::new(s, linked, lang)
            })
            .collect(),
        next: page.next,
    }))
}

/// Register a system. Needs `organisation_id` and `name`; every other field of the record may be
/// given too: `description`, `vendor`, `owner`, `manager`, `procurement` (`self_procured` or
/// `central`), `nis_relevant`, `storage_country`, `holds_personal_data`, `classification`
/// (`confidentiality`, `integrity`, `availability` 1–4, `classified_on`, `next_review`),
/// `risk_analysis_on`, `action_plan` (`action`, `responsible`, `due`, `status`: `planned`, `ongoing`
/// or `done`) and `agreement_ids`.
#[utoipa::path(post, path = "/api/v1/systems", tag = "systems",
    request_body(content = Object, description = "`organisation_id`, `name` and any other fields of the record"),
    responses((status = 201, body = SystemOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_system(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, HeaderMap, Json<SystemOut>), ApiError> {
    let (org_id, details) = register::create_body::<SystemDetails>(body)?;
    let s = create(&state, &ctx, &org_id, details).await?;
    let mut h = etag_headers(s.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/systems/{}", s.id)) {
        h.insert(header::LOCATION, v);
    }
    Ok((
        StatusCode::CREATED,
        h,
        Json(out(&state, s, ctx.lang).await?),
    ))
}

/// One system, with its version as `ETag`.
#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "systems",
    params(("id" = String, Path)),
    responses((status = 200, body = SystemOut), (status = 404, body = Problem)))]
pub async fn get_system(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<(HeaderMap, Json<SystemOut>), ApiError> {
    let s = register::readable(&state, &ctx, &id).await?;
    Ok((
        etag_headers(s.version),
        Json(out(&state, s, ctx.lang).await?),
    ))
}

/// Change fields (a JSON merge patch, RFC 7396: the fields given replace the stored ones, objects
/// such as `classification` merge field by field, `null` clears a field).
#[utoipa::path(patch, path = "/api/v1/systems/{id}", tag = "systems",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = Object, description = "The fields to change"),
    responses((status = 200, body = SystemOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_system(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<(HeaderMap, Json<SystemOut>), ApiError> {
    let patch = as_object(body)?;
    let s = update(&state, &ctx, &id, if_match(&headers), patch).await?;
    Ok((
        etag_headers(s.version),
        Json(out(&state, s, ctx.lang).await?),
    ))
}

/// Delete a system. Its history stays in the audit trail. 409 `system_in_use` while processing
/// activities name it.
#[utoipa::path(delete, path = "/api/v1/systems/{id}", tag = "systems",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn delete_system(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    register::delete::<SystemDetails>(&state, &ctx, &id, if_match(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The system's history, newest first.
#[utoipa::path(get, path = "/api/v1/systems/{id}/history", tag = "systems",
    params(("id" = String, Path)),
    responses((status = 200, body = HistoryList), (status = 404, body = Problem)))]
pub async fn system_history(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<HistoryList>, ApiError> {
    Ok(Json(
        register::history::<SystemDetails>(&state, &ctx, &id).await?,
    ))
}

/// The systems register's figures for the annual report: how many systems, how many classified, how
/// many with a current classification, how many self-procured, for an organisation and what lies
/// under it within its controller.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/system-figures", tag = "systems",
    params(("id" = String, Path)),
    responses((status = 200, body = SystemFiguresOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn organisation_system_figures(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<SystemFiguresOut>, ApiError> {
    let org = visible(&state.store, &ctx, &id).await?;
    require(&ctx, Action::ReadRegister, &org)?;
    let today = today();
    let f = state.store.system_figures(&org, today).await?;
    Ok(Json(SystemFiguresOut {
        organisation_id: org.id,
        as_of: today.to_string(),
        systems: f.systems,
        classified: f.classified,
        classification_current: f.classification_current,
        self_procured: f.self_procured,
    }))
}

/// The systems register of an organisation and everything under it (within its controller), as
/// `.csv` or `.xlsx`. The Swedish file has the systems import's own headers and the systems' ids:
/// edited and imported back, it updates the same systems.
#[utoipa::path(get, path = "/api/v1/systems/export", tag = "systems",
    params(super::processing::ExportQuery),
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_systems(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<super::processing::ExportQuery>,
) -> Result<axum::response::Response, ApiError> {
    let org = visible(&state.store, &ctx, &q.organisation_id).await?;
    require(&ctx, Action::ReadRegister, &org)?;
    let lang = ctx.lang;
    let systems = state.store.systems_within(&org).await?;
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for s in &systems {
        let id = &s.system.organisation_id;
        if !names.contains_key(id) {
            let name = state.store.organisation(id).await?.name;
            names.insert(id.clone(), name);
        }
    }
    let table = ombud_report::Table {
        title: org.name.clone(),
        headers: export::system_headers(lang),
        rows: systems
            .iter()
            .map(|s| {
                export::system_row(
                    &export::SystemExportRow {
                        id: &s.system.id,
                        organisation_name: names
                            .get(&s.system.organisation_id)
                            .map(String::as_str)
                            .unwrap_or_default(),
                        details: &s.system.details,
                        processing_count: s.processing_count,
                    },
                    lang,
                )
            })
            .collect(),
    };
    super::processing::table_file(&table, &format!("systemforteckning-{}", today()), &q.format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_merge_patch_merges_objects_and_null_removes() {
        let mut doc = json!({"name": "a", "classification": {"integrity": 2, "next_review": "2026-01-01"}, "vendor": "x"});
        merge_patch(
            &mut doc,
            json!({"classification": {"next_review": null, "integrity": 3}, "vendor": null, "owner": "o"}),
        );
        assert_eq!(
            doc,
            json!({"name": "a", "classification": {"integrity": 3}, "owner": "o"})
        );
    }

    #[test]
    fn a_merge_patch_replaces_lists_and_creates_missing_objects() {
        let mut doc = json!({"action_plan": [{"action": "a"}], "classification": null});
        merge_patch(
            &mut doc,
            json!({"action_plan": [], "classification": {"integrity": 1}}),
        );
        assert_eq!(
            doc,
            json!({"action_plan": [], "classification": {"integrity": 1}})
        );
    }
}
