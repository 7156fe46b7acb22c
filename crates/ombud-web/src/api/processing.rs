//! `/api/v1/processing-activities`: the register of processing activities (GDPR art. 30), its review
//! workflow, its gaps and its export.

use super::json::ApiQuery;
use super::organisations::{HistoryEvent, HistoryList, require, visible, visible_for_reading};
use super::{ApiJson, PageParams, check_id, etag_headers, if_match};
use crate::AppState;
use crate::auth::{ApiCtx, Ctx};
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_domain::authz::{Action, roles_for};
use ombud_domain::register::gaps::{self, GapRule};
use ombud_domain::register::processing::ProcessingDetails;
use ombud_domain::register::workflow::{self, Status, TransitionError};
use ombud_domain::{Invalid, Lang, Rule};
use ombud_store::processing::{ProcessingActivity, ProcessingFilter};
use ombud_store::{Store, WriteTx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_processing, create_processing))
        .routes(routes!(export_processing))
        .routes(routes!(
            get_processing,
            update_processing,
            delete_processing
        ))
        .routes(routes!(transition_processing))
        .routes(routes!(processing_history))
        .routes(routes!(organisation_gaps))
}

/// A processing activity: the review fields and every field of the record (see the create body).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessingOut {
    pub id: String,
    pub organisation_id: String,
    pub controller_id: Option<String>,
    /// `under_bearbetning`, `redo_for_granskning`, `under_granskning` or `godkand`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    /// `YYYY-MM-DD`.
    pub next_review: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    /// The gaps this record has today (rule codes).
    pub gaps: Vec<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub details: ProcessingDetails,
}

/// Today in Stockholm, the date reviews fall due on (shared with the UI).
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(ombud_domain::time::stockholm())
        .date()
}

impl ProcessingOut {
    pub fn new(p: ProcessingActivity, lang: Lang) -> Self {
        let gaps = gaps::processing_gaps(&p.details, p.next_review.as_deref(), today())
            .into_iter()
            .map(|g| g.code().to_string())
            .collect();
        ProcessingOut {
            id: p.id,
            organisation_id: p.organisation_id,
            controller_id: p.controller_id,
            status: p.status.as_str().into(),
            status_label: p.status.label(lang).into(),
            next_review: p.next_review,
            approved_at: p.approved_at,
            approved_by: p.approved_by,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
            gaps,
            details: p.details,
        }
    }
}

/// A processing activity in a list: what lists show and filter on. The whole record is at
/// `GET /api/v1/processing-activities/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessingListItem {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub controller_id: Option<String>,
    pub name: String,
    pub status: String,
    pub status_label: String,
    /// `controller` (art. 30.1) or `processor` (art. 30.2).
    pub role: String,
    pub special_categories: bool,
    pub criminal_offence_data: bool,
    pub protected_identity: bool,
    pub personal_identity_numbers: bool,
    pub third_country: bool,
    /// How many of the high-risk criteria the processing meets.
    pub high_risk_markers: i64,
    /// The gaps this record has today (rule codes).
    pub gaps: Vec<String>,
    pub next_review: Option<String>,
    pub updated_at: String,
    pub version: i64,
}

impl ProcessingListItem {
    pub fn new(
        p: ombud_store::processing::ProcessingSummary,
        lang: Lang,
        today: jiff::civil::Date,
    ) -> Self {
        let mut gaps: Vec<String> = p
            .gap_codes
            .split(',')
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect();
        if gaps::is_overdue(p.next_review.as_deref(), today) {
            gaps.push(GapRule::ReviewOverdue.code().into());
        }
        let status = Status::parse(&p.status);
        ProcessingListItem {
            status_label: status
                .map(|s| s.label(lang).to_string())
                .unwrap_or_default(),
            id: p.id,
            organisation_id: p.organisation_id,
            organisation_name: p.organisation_name,
            controller_id: p.controller_id,
            name: p.name,
            status: p.status,
            role: p.role,
            special_categories: p.special_categories.0,
            criminal_offence_data: p.criminal_offence_data.0,
            protected_identity: p.protected_identity.0,
            personal_identity_numbers: p.personal_identity_numbers.0,
            third_country: p.third_country.0,
            high_risk_markers: p.high_risk_markers,
            gaps,
            next_review: p.next_review,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessingList {
    pub items: Vec<ProcessingListItem>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcessingQuery {
    /// Only this organisation and what lies under it.
    pub organisation_id: Option<String>,
    /// Words to find in names, purposes, categories, recipients.
    pub q: Option<String>,
    pub status: Option<String>,
    pub special_categories: Option<bool>,
    pub protected_identity: Option<bool>,
    pub personal_identity_numbers: Option<bool>,
    pub third_country: Option<bool>,
    pub criminal_offence_data: Option<bool>,
    /// Only records with (true) or without (false) gaps.
    pub gaps: Option<bool>,
    /// Only records whose yearly review is overdue.
    #[serde(default)]
    pub overdue: bool,
    /// `name` (the default), `next_review` (the earliest first, records without one last) or
    /// `recently_updated` (the newest change first).
    pub sort: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The status to move to.
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Gap {
    /// The rule's code, e.g. `missing_legal_basis`.
    pub rule: String,
    /// `processing_activity` or `system`.
    pub record_type: String,
    pub record_id: String,
    pub record_name: String,
    pub message: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    pub organisation_id: String,
    /// `csv` (semicolon-separated UTF-8, as Swedish Excel opens it), `xlsx`, or `pdf` (the art. 30
    /// register as a document a supervisory authority would ask for).
    pub format: String,
}

/// Where a caller may read the register.
pub fn read_visibility(ctx: &Ctx) -> ombud_store::organisations::Visibility {
    Store::visibility_for(&ctx.principal, roles_for(Action::ReadRegister))
}

/// What a register list may show when it is limited to `within`'s subtree (and controller): when the
/// caller reads that whole subtree, the list's own filter is the only border needed, and the query
/// is spared the caller's other scopes.
pub fn list_visibility(
    ctx: &Ctx,
    within: Option<&ombud_store::organisations::Organisation>,
) -> ombud_store::organisations::Visibility {
    match within {
        Some(o) if ctx.principal.can(Action::ReadRegister, &o.scope()) => {
            ombud_store::organisations::Visibility::Everything
        }
        _ => read_visibility(ctx),
    }
}

/// Loads a record the caller may read; otherwise "not found".
async fn readable(state: &AppState, ctx: &Ctx, id: &str) -> Result<ProcessingActivity, ApiError> {
    check_id(id)?;
    let p = state.store.processing_activity(id).await?;
    if ctx.principal.can(Action::ReadRegister, &p.scope()) {
        Ok(p)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Splits a JSON object into the details and the fields beside them.
fn take(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<serde_json::Value> {
    obj.remove(key)
}

/// The record a JSON object describes, with every invalid field listed (shared with the UI).
pub fn details_from(
    obj: serde_json::Map<String, serde_json::Value>,
) -> Result<ProcessingDetails, ApiError> {
    let d: ProcessingDetails = serde_json::from_value(serde_json::Value::Object(obj))
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    d.validate().map_err(ApiError::Invalid)
}

fn as_object(v: serde_json::Value) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    match v {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(ApiError::Unprocessable("expected a JSON object".into())),
    }
}

fn next_review_value(v: serde_json::Value) -> Result<Option<String>, ApiError> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.trim().is_empty() => Ok(None),
        serde_json::Value::String(s) => s
            .trim()
            .parse::<jiff::civil::Date>()
            .map(|d| Some(d.to_string()))
            .map_err(|_| ApiError::Invalid(vec![Invalid::new("next_review", Rule::InvalidDate)])),
        _ => Err(ApiError::Invalid(vec![Invalid::new(
            "next_review",
            Rule::InvalidDate,
        )])),
    }
}

/// Registers a processing activity for a caller (shared with the UI and import).
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    details: ProcessingDetails,
) -> Result<ProcessingActivity, ApiError> {
    let org = visible(&state.store, ctx, organisation_id)
        .await
        .map_err(|_| {
            ApiError::Invalid(vec![Invalid::new(
                "organisation_id",
                Rule::UnknownReference,
            )])
        })?;
    require(ctx, Action::EditRegister, &org)?;
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let p = w.create_processing_activity(&org, details, None).await?;
    w.commit().await?;
    Ok(p)
}

/// The register, filtered and searched, by name.
#[utoipa::path(get, path = "/api/v1/processing-activities", tag = "processing-activities",
    params(PageParams, ProcessingQuery),
    responses((status = 200, body = ProcessingList), (status = 422, body = Problem)))]
pub async fn list_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<ProcessingQuery>,
) -> Result<Json<ProcessingList>, ApiError> {
    let within = match &q.organisation_id {
        Some(id) => Some(visible_for_reading(&state, &ctx, id).await?),
        None => None,
    };
    let status =
        match q.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                ApiError::Invalid(vec![Invalid::new("status", Rule::InvalidValue)])
            })?),
            None => None,
        };
    let visibility = list_visibility(&ctx, within.as_ref());
    let filter = ProcessingFilter {
        q: q.q,
        status,
        special_categories: q.special_categories,
        protected_identity: q.protected_identity,
        personal_identity_numbers: q.personal_identity_numbers,
        third_country: q.third_country,
        criminal_offence_data: q.criminal_offence_data,
        has_gaps: q.gaps,
        overdue: q.overdue,
        today: today().to_string(),
        ..within
            .as_ref()
            .map(ProcessingFilter::within)
            .unwrap_or_default()
    };
    let sort = super::register::sort_param(q.sort.as_deref())?;
    let p = state
        .store
        .processing_summaries(&visibility, &filter, sort, &page.page()?)
        .await?;
    let (lang, today) = (ctx.lang, today());
    Ok(Json(ProcessingList {
        items: p
            .items
            .into_iter()
            .map(|x| ProcessingListItem::new(x, lang, today))
            .collect(),
        next: p.next,
    }))
}

/// Register a processing activity. Needs `organisation_id` and `name`; every other field of the record
/// may be given too (`purposes`, `legal_bases` ["a"–"f"], `data_subject_categories`, …).
#[utoipa::path(post, path = "/api/v1/processing-activities", tag = "processing-activities",
    request_body(content = Object, description = "`organisation_id`, `name` and any other fields of the record"),
    responses((status = 201, body = ProcessingOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, HeaderMap, Json<ProcessingOut>), ApiError> {
    let mut obj = as_object(body)?;
    let org_id = match take(&mut obj, "organisation_id") {
        Some(serde_json::Value::String(s)) => s,
        _ => {
            return Err(ApiError::Invalid(vec![Invalid::new(
                "organisation_id",
                Rule::Required,
            )]));
        }
    };
    let next_review = take(&mut obj, "next_review")
        .map(next_review_value)
        .transpose()?;
    let details = details_from(obj)?;
    let mut p = create(&state, &ctx, &org_id, details).await?;
    if let Some(nr) = next_review.flatten() {
        let actor = ctx.actor();
        let mut w = WriteTx::begin(&state.store, &actor).await?;
        p = w
            .update_processing_activity(&p.id, Some(p.version), p.details.clone(), Some(Some(nr)))
            .await?;
        w.commit().await?;
    }
    let mut h = etag_headers(p.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/processing-activities/{}", p.id)) {
        h.insert(header::LOCATION, v);
    }
    Ok((
        StatusCode::CREATED,
        h,
        Json(ProcessingOut::new(p, ctx.lang)),
    ))
}

/// One processing activity, with its version as `ETag`.
#[utoipa::path(get, path = "/api/v1/processing-activities/{id}", tag = "processing-activities",
    params(("id" = String, Path)),
    responses((status = 200, body = ProcessingOut), (status = 404, body = Problem)))]
pub async fn get_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<(HeaderMap, Json<ProcessingOut>), ApiError> {
    let p = readable(&state, &ctx, &id).await?;
    Ok((
        etag_headers(p.version),
        Json(ProcessingOut::new(p, ctx.lang)),
    ))
}

/// Change fields (a JSON merge patch: the fields given replace the stored ones). An approved record
/// that changes goes back to "under bearbetning".
#[utoipa::path(patch, path = "/api/v1/processing-activities/{id}", tag = "processing-activities",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = Object, description = "The fields to change"),
    responses((status = 200, body = ProcessingOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(HeaderMap, Json<ProcessingOut>), ApiError> {
    let patch = as_object(body)?;
    let p = update(&state, &ctx, &id, if_match(&headers), patch).await?;
    Ok((
        etag_headers(p.version),
        Json(ProcessingOut::new(p, ctx.lang)),
    ))
}

/// Applies a merge patch for a caller (shared with the UI).
pub async fn update(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
    mut patch: serde_json::Map<String, serde_json::Value>,
) -> Result<ProcessingActivity, ApiError> {
    readable(state, ctx, id).await?;
    for read_only in [
        "id",
        "organisation_id",
        "controller_id",
        "status",
        "version",
        "approved_at",
        "approved_by",
        "created_at",
        "updated_at",
        "gaps",
        "status_label",
    ] {
        if patch.contains_key(read_only) {
            return Err(ApiError::Unprocessable(format!(
                "`{read_only}` cannot be changed here"
            )));
        }
    }
    let next_review = take(&mut patch, "next_review")
        .map(next_review_value)
        .transpose()?;
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let current = w.processing_activity(id).await?;
    if !ctx.principal.can(Action::EditRegister, &current.scope()) {
        return Err(ApiError::Forbidden);
    }
    if let Some(v) = expected_version
        && v != current.version
    {
        return Err(ApiError::Stale {
            current: current.version,
        });
    }
    let mut merged = as_object(
        serde_json::to_value(&current.details).map_err(|e| ApiError::Internal(e.to_string()))?,
    )?;
    for (k, v) in patch {
        merged.insert(k, v);
    }
    let details = details_from(merged)?;
    let p = w
        .update_processing_activity(id, expected_version, details, next_review)
        .await?;
    w.commit().await?;
    Ok(p)
}

/// Delete a processing activity. Its history stays in the audit trail.
#[utoipa::path(delete, path = "/api/v1/processing-activities/{id}", tag = "processing-activities",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let p = readable(&state, &ctx, &id).await?;
    if !ctx.principal.can(Action::EditRegister, &p.scope()) {
        return Err(ApiError::Forbidden);
    }
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    w.delete_processing_activity(&id, if_match(&headers))
        .await?;
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move the record along the review workflow: `under_bearbetning` → `redo_for_granskning` →
/// `under_granskning` → `godkand` (and back). 403 when the caller's role may not take the step, 409
/// when the workflow has no such step.
#[utoipa::path(post, path = "/api/v1/processing-activities/{id}/transitions", tag = "processing-activities",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = Transition,
    responses((status = 200, body = ProcessingOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn transition_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Transition>,
) -> Result<(HeaderMap, Json<ProcessingOut>), ApiError> {
    let to = Status::parse(&body.to)
        .ok_or_else(|| ApiError::Invalid(vec![Invalid::new("to", Rule::InvalidValue)]))?;
    let p = transition(&state, &ctx, &id, if_match(&headers), to).await?;
    Ok((
        etag_headers(p.version),
        Json(ProcessingOut::new(p, ctx.lang)),
    ))
}

/// Takes a workflow step for a caller (shared with the UI).
pub async fn transition(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
    to: Status,
) -> Result<ProcessingActivity, ApiError> {
    readable(state, ctx, id).await?;
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let current = w.processing_activity(id).await?;
    let roles = ctx.principal.roles_at(&current.scope());
    workflow::check_transition(current.status, to, roles, ctx.principal.is_admin).map_err(|e| {
        match e {
            TransitionError::NotAllowedForRole => ApiError::Forbidden,
            other => ApiError::Workflow(other.message(ctx.lang)),
        }
    })?;
    let p = w
        .transition_processing_activity(id, expected_version, to, today())
        .await?;
    w.commit().await?;
    Ok(p)
}

/// The record's history, newest first.
#[utoipa::path(get, path = "/api/v1/processing-activities/{id}/history", tag = "processing-activities",
    params(("id" = String, Path)),
    responses((status = 200, body = HistoryList), (status = 404, body = Problem)))]
pub async fn processing_history(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<HistoryList>, ApiError> {
    let p = readable(&state, &ctx, &id).await?;
    let events = state
        .store
        .history("processing_activity", &p.id, 500)
        .await?;
    Ok(Json(HistoryList {
        items: events.into_iter().map(HistoryEvent::from).collect(),
        next: None,
    }))
}

/// The register's gaps for an organisation and everything under it.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/gaps", tag = "processing-activities",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<Gap>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn organisation_gaps(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Vec<Gap>>, ApiError> {
    let org = visible(&state.store, &ctx, &id).await?;
    require(&ctx, Action::ReadRegister, &org)?;
    Ok(Json(gaps_of(&state.store, &org, ctx.lang).await?))
}

/// Every gap within an organisation's subtree (shared with the UI).
pub async fn gaps_of(
    store: &Store,
    org: &ombud_store::organisations::Organisation,
    lang: Lang,
) -> Result<Vec<Gap>, ApiError> {
    let today = today();
    let mut out = Vec::new();
    for (id, name, codes, next_review) in store.processing_gap_codes_within(org).await? {
        let overdue =
            gaps::is_overdue(next_review.as_deref(), today).then_some(GapRule::ReviewOverdue);
        for rule in codes.split(',').filter_map(GapRule::parse).chain(overdue) {
            out.push(gap(rule, "processing_activity", &id, &name, lang));
        }
    }
    for s in store.systems_within(org).await? {
        let linked = usize::try_from(s.processing_count).unwrap_or_default();
        for rule in gaps::system_gaps(s.system.details.holds_personal_data, linked) {
            out.push(gap(
                rule,
                "system",
                &s.system.id,
                &s.system.details.name,
                lang,
            ));
        }
    }
    Ok(out)
}

fn gap(rule: GapRule, record_type: &str, id: &str, name: &str, lang: Lang) -> Gap {
    Gap {
        rule: rule.code().into(),
        record_type: record_type.into(),
        record_id: id.into(),
        record_name: name.into(),
        message: rule.message(lang).into(),
    }
}

/// The register of an organisation and everything under it, as a file.
#[utoipa::path(get, path = "/api/v1/processing-activities/export", tag = "processing-activities",
    params(ExportQuery),
    responses((status = 200, description = "The file", content_type = "text/csv"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let org = visible(&state.store, &ctx, &q.organisation_id).await?;
    require(&ctx, Action::ReadRegister, &org)?;
    let lang = ctx.lang;
    let records = state.store.processing_activities_within(&org).await?;
    let mut names = std::collections::HashMap::new();
    for p in &records {
        if !names.contains_key(&p.organisation_id) {
            let n = state
                .store
                .organisation(&p.organisation_id)
                .await
                .map(|o| o.name)
                .unwrap_or_default();
            names.insert(p.organisation_id.clone(), n);
        }
    }
    let table = ombud_report::Table {
        title: org.name.clone(),
        headers: ombud_domain::register::export::headers(lang),
        rows: records
            .iter()
            .map(|p| {
                ombud_domain::register::export::row(
                    &ombud_domain::register::export::ExportRow {
                        id: &p.id,
                        organisation_name: names
                            .get(&p.organisation_id)
                            .map(String::as_str)
                            .unwrap_or_default(),
                        status: p.status,
                        next_review: p.next_review.as_deref(),
                        details: &p.details,
                    },
                    lang,
                )
            })
            .collect(),
    };
    let stem = format!("registerforteckning-{}", today());
    match q.format.as_str() {
        "csv" | "xlsx" => table_file(&table, &stem, &q.format),
        "pdf" => {
            let doc = register_document(&org.name, &table, &records, &ctx);
            let bytes = tokio::task::spawn_blocking(move || ombud_report::pdf::register_pdf(&doc))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "application/pdf".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{stem}.pdf\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        _ => Err(ApiError::Invalid(vec![Invalid::new(
            "format",
            Rule::InvalidValue,
        )])),
    }
}

/// A table as a `.csv` (UTF-8 with BOM, `;`, as Swedish Excel opens it) or `.xlsx` download named
/// `{stem}.{format}`.
pub(super) fn table_file(
    table: &ombud_report::Table,
    stem: &str,
    format: &str,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = match format {
        "csv" => ("text/csv; charset=utf-8", ombud_report::csv::to_csv(table)),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ombud_report::xlsx::to_xlsx(table).map_err(|e| ApiError::Internal(e.to_string()))?,
        ),
        _ => {
            return Err(ApiError::Invalid(vec![Invalid::new(
                "format",
                Rule::InvalidValue,
            )]));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{format}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The register as a document: one section per processing, with every field that has a value.
fn register_document(
    organisation: &str,
    table: &ombud_report::Table,
    records: &[ProcessingActivity],
    ctx: &Ctx,
) -> ombud_report::pdf::RegisterDocument {
    let lang = ctx.lang;
    let now = ombud_domain::time::display_local(&ombud_domain::time::now());
    let count = |s: Status| records.iter().filter(|r| r.status == s).count();
    let mut summary = vec![(
        lang.pick("Behandlingar", "Processing activities")
            .to_string(),
        records.len().to_string(),
    )];
    for s in Status::ALL {
        summary.push((s.label(lang).to_string(), count(s).to_string()));
    }
    ombud_report::pdf::RegisterDocument {
        lang: lang.tag().into(),
        title: lang.pick("Registerförteckning", "Register of processing activities").into(),
        organisation: organisation.into(),
        author: ctx.user.name.clone(),
        generated: match lang {
            Lang::Sv => format!("Utskriven {now} av {}", ctx.user.name),
            Lang::En => format!("Printed {now} by {}", ctx.user.name),
        },
        intro: lang
            .pick(
                "Förteckning över behandlingar av personuppgifter enligt artikel 30 i dataskyddsförordningen (EU) 2016/679.",
                "Record of processing activities under Article 30 of the General Data Protection Regulation (EU) 2016/679.",
            )
            .into(),
        contents: lang.pick("Innehåll", "Contents").into(),
        summary,
        records: table
            .rows
            .iter()
            .map(|row| ombud_report::pdf::Section {
                heading: row.get(1).cloned().unwrap_or_default(),
                fields: table
                    .headers
                    .iter()
                    .zip(row.iter())
                    .skip(2)
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(h, v)| (h.clone(), v.clone()))
                    .collect(),
            })
            .collect(),
    }
}
