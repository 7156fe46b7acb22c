//! `/api/v1/agreements`: processor agreements (personuppgiftsbiträdesavtal, GDPR art. 28), with our
//! processors and with the controllers we process for, and their compliance log.
//!
//! The compliance log is appended to through `POST /api/v1/agreements/{id}/compliance-checks` only:
//! create and PATCH refuse `compliance_checks`, so that an entry, once recorded, stays as it was.

use super::json::ApiQuery;
use super::organisations::{HistoryList, visible_for_reading};
use super::processing::read_visibility;
use super::register;
use super::systems::today;
use super::{ApiJson, PageParams, etag_headers, if_match};
use crate::AppState;
use crate::auth::{ApiCtx, Ctx};
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ombud_domain::authz::Action;
use ombud_domain::register::agreement::{AgreementDetails, Direction, NewComplianceCheck};
use ombud_domain::{Invalid, Lang, Rule};
use ombud_store::WriteTx;
use ombud_store::agreements::{Agreement, AgreementFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agreements, create_agreement))
        .routes(routes!(get_agreement, update_agreement, delete_agreement))
        .routes(routes!(add_compliance_check))
        .routes(routes!(agreement_history))
}

/// An agreement: every field of the record (see the create body), its compliance log, and what links
/// to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementOut {
    pub id: String,
    pub organisation_id: String,
    pub controller_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    /// The name, or the counterparty when there is none.
    pub title: String,
    /// The direction in the request's language.
    pub direction_label: String,
    /// The date of the latest compliance check, `YYYY-MM-DD`.
    pub last_checked_on: Option<String>,
    /// The review date has passed.
    pub review_overdue: bool,
    /// Transfers to third countries with no safeguard recorded.
    pub transfers_without_safeguard: usize,
    /// The systems that name this agreement (set on the system, in `agreement_ids`).
    pub system_ids: Vec<String>,
    /// The processing activities that name this agreement.
    pub processing_activity_ids: Vec<String>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub details: AgreementDetails,
}

/// Which records link to an agreement.
#[derive(Debug, Default)]
struct Linked {
    systems: Vec<String>,
    processing_activities: Vec<String>,
}

impl AgreementOut {
    fn new(a: Agreement, linked: Linked, lang: Lang) -> Self {
        let today = today();
        AgreementOut {
            title: a.details.title().to_string(),
            direction_label: a.details.direction.label(lang).into(),
            last_checked_on: a.details.last_checked_on().map(str::to_string),
            review_overdue: a.details.review_overdue(today),
            transfers_without_safeguard: a.details.transfers_without_safeguard(),
            system_ids: linked.systems,
            processing_activity_ids: linked.processing_activities,
            id: a.id,
            organisation_id: a.organisation_id,
            controller_id: a.controller_id,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
            details: a.details,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementList {
    pub items: Vec<AgreementOut>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementQuery {
    /// Only this organisation and what lies under it.
    pub organisation_id: Option<String>,
    /// Words to find in title, counterparty, reference, description and sub-processors.
    pub q: Option<String>,
    /// `they_process_for_us` or `we_process_for_them`.
    pub direction: Option<String>,
    /// Only agreements whose review date has (`true`) or has not (`false`) passed.
    pub review_overdue: Option<bool>,
    /// `name` (the default), `next_review` (the agreement's review date, the earliest first) or
    /// `recently_updated` (the newest change first).
    pub sort: Option<String>,
}

/// A compliance check (efterlevnadskontroll) to append to the log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceCheckIn {
    /// When the check was carried out, `YYYY-MM-DD`; not in the future.
    pub checked_on: String,
    /// What it found.
    pub finding: String,
    /// What is to be done about it.
    pub follow_up: Option<String>,
    /// When the follow-up is due, `YYYY-MM-DD`; not before the check.
    pub follow_up_due: Option<String>,
}

/// Which systems and processing activities link to each of `ids`.
async fn linked(state: &AppState, ids: &[String]) -> Result<HashMap<String, Linked>, ApiError> {
    let mut out: HashMap<String, Linked> = HashMap::new();
    for (to, from) in state.store.links_to("system", "agreement", ids).await? {
        out.entry(to).or_default().systems = from;
    }
    for (to, from) in state
        .store
        .links_to("processing_activity", "agreement", ids)
        .await?
    {
        out.entry(to).or_default().processing_activities = from;
    }
    Ok(out)
}

async fn out(state: &AppState, a: Agreement, lang: Lang) -> Result<AgreementOut, ApiError> {
    let mut links = linked(state, std::slice::from_ref(&a.id)).await?;
    let l = links.remove(&a.id).unwrap_or_default();
    Ok(AgreementOut::new(a, l, lang))
}

/// Registers an agreement for a caller (shared with the UI).
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    details: AgreementDetails,
) -> Result<Agreement, ApiError> {
    register::create(state, ctx, organisation_id, details).await
}

/// Applies a merge patch for a caller (shared with the UI).
pub async fn update(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
    patch: Map<String, Value>,
) -> Result<Agreement, ApiError> {
    register::update(state, ctx, id, expected_version, patch).await
}

/// Appends a compliance check for a caller (shared with the UI).
pub async fn append_check(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
    check: NewComplianceCheck,
) -> Result<Agreement, ApiError> {
    let a = register::readable::<AgreementDetails>(state, ctx, id).await?;
    if !ctx.principal.can(Action::EditAgreements, &a.scope()) {
        return Err(ApiError::Forbidden);
    }
    let today = today();
    let check = check.validate(today).map_err(ApiError::Invalid)?;
    let actor = ctx.actor();
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let a = w
        .append_compliance_check(id, expected_version, check, today)
        .await?;
    w.commit().await?;
    Ok(a)
}

/// The agreements, filtered and searched, by title.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "agreements",
    params(PageParams, AgreementQuery),
    responses((status = 200, body = AgreementList), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_agreements(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(q): ApiQuery<AgreementQuery>,
) -> Result<Json<AgreementList>, ApiError> {
    let within_path = match q.organisation_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => Some(visible_for_reading(&state, &ctx, id).await?.path),
        None => None,
    };
    let direction = match q.direction.as_deref().filter(|s| !s.is_empty()) {
        Some(d) => Some(Direction::parse(d).ok_or_else(|| {
            ApiError::Invalid(vec![Invalid::new("direction", Rule::InvalidValue)])
        })?),
        None => None,
    };
    let filter = AgreementFilter {
        within_path,
        q: q.q,
        direction,
        review_overdue: q.review_overdue,
        today: today().to_string(),
    };
    let page = state
        .store
        .agreements(
            &read_visibility(&ctx),
            &filter,
            register::sort_param(q.sort.as_deref())?,
            &page.page()?,
        )
        .await?;
    let ids: Vec<String> = page.items.iter().map(|a| a.id.clone()).collect();
    let mut links = linked(&state, &ids).await?;
    let lang = ctx.lang;
    Ok(Json(AgreementList {
        items: page
            .items
            .into_iter()
            .map(|a| {
                let l = links.remove(&a.id).unwrap_or_default();
                AgreementOut::new(a, l, lang)
            })
            .collect(),
        next: page.next,
    }))
}

/// Register an agreement. Needs `organisation_id` and `counterparty`; every other field may be given
/// too: `name`, `direction` (`they_process_for_us`, the default, or `we_process_for_them`),
/// `reference`, `description`, `signed_on`, `review_on`, `sub_processors` (`name`, `service`,
/// `country`), `third_country_transfers` (`country`, `recipient`, `safeguard`,
/// `transfer_impact_assessment`, `exit_plan`) and `exit_plan`. Compliance checks are added afterwards.
#[utoipa::path(post, path = "/api/v1/agreements", tag = "agreements",
    request_body(content = Object, description = "`organisation_id`, `counterparty` and any other fields of the record"),
    responses((status = 201, body = AgreementOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_agreement(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, HeaderMap, Json<AgreementOut>), ApiError> {
    let (org_id, details) = register::create_body::<AgreementDetails>(body)?;
    let a = create(&state, &ctx, &org_id, details).await?;
    let mut h = etag_headers(a.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/agreements/{}", a.id)) {
        h.insert(header::LOCATION, v);
    }
    Ok((
        StatusCode::CREATED,
        h,
        Json(out(&state, a, ctx.lang).await?),
    ))
}

/// One agreement, with its version as `ETag`.
#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "agreements",
    params(("id" = String, Path)),
    responses((status = 200, body = AgreementOut), (status = 404, body = Problem)))]
pub async fn get_agreement(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<(HeaderMap, Json<AgreementOut>), ApiError> {
    let a = register::readable(&state, &ctx, &id).await?;
    Ok((
        etag_headers(a.version),
        Json(out(&state, a, ctx.lang).await?),
    ))
}

/// Change fields (a JSON merge patch, RFC 7396: the fields given replace the stored ones, `null`
/// clears a field). `compliance_checks` cannot be changed here.
#[utoipa::path(patch, path = "/api/v1/agreements/{id}", tag = "agreements",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body(content = Object, description = "The fields to change"),
    responses((status = 200, body = AgreementOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_agreement(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<(HeaderMap, Json<AgreementOut>), ApiError> {
    let patch = super::systems::as_object(body)?;
    let a = update(&state, &ctx, &id, if_match(&headers), patch).await?;
    Ok((
        etag_headers(a.version),
        Json(out(&state, a, ctx.lang).await?),
    ))
}

/// Delete an agreement. Its history stays in the audit trail. 409 `agreement_in_use` while systems or
/// processing activities name it.
#[utoipa::path(delete, path = "/api/v1/agreements/{id}", tag = "agreements",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn delete_agreement(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    register::delete::<AgreementDetails>(&state, &ctx, &id, if_match(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Append a compliance check (efterlevnadskontroll) to the agreement's log; it is stamped with who
/// recorded it and when. Answers the whole agreement with its new version.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/compliance-checks", tag = "agreements",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = ComplianceCheckIn,
    responses((status = 201, body = AgreementOut), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn add_compliance_check(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ComplianceCheckIn>,
) -> Result<(StatusCode, HeaderMap, Json<AgreementOut>), ApiError> {
    let check = NewComplianceCheck {
        checked_on: body.checked_on,
        finding: body.finding,
        follow_up: body.follow_up,
        follow_up_due: body.follow_up_due,
    };
    let a = append_check(&state, &ctx, &id, if_match(&headers), check).await?;
    let mut h = etag_headers(a.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/agreements/{}", a.id)) {
        h.insert(header::LOCATION, v);
    }
    Ok((
        StatusCode::CREATED,
        h,
        Json(out(&state, a, ctx.lang).await?),
    ))
}

/// The agreement's history, newest first.
#[utoipa::path(get, path = "/api/v1/agreements/{id}/history", tag = "agreements",
    params(("id" = String, Path)),
    responses((status = 200, body = HistoryList), (status = 404, body = Problem)))]
pub async fn agreement_history(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<HistoryList>, ApiError> {
    Ok(Json(
        register::history::<AgreementDetails>(&state, &ctx, &id).await?,
    ))
}
