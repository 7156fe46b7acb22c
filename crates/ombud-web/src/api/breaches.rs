//! What a breach has that other kinds do not: its risk assessment, through a door of its own (ENISA's
//! severity method, mapped to the guideline's four risk categories).

use super::kinds::record_json;
use super::{ApiJson, etag_headers, if_match};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use crate::routes::{Access, ApiRoutes};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use ombud_app::breaches::AssessmentIn;
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use ombud_domain::register::breach::Breaches;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes(r: ApiRoutes) -> ApiRoutes {
    r.add_for(
        Some(Kind::Breach),
        Access::Record(Action::Edit(Kind::Breach)),
        routes!(put_assessment),
    )
    .add_for(
        Some(Kind::Breach),
        Access::Organisation(Action::Read(Kind::Breach)),
        routes!(breach_figures),
    )
}

/// Which year's figures.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    /// The calendar year (Swedish time) the breaches became known; this year when left out.
    pub year: Option<i16>,
}

/// The breach figures of the annual report for an organisation and what lies under it, for one
/// year: breaches documented, judged reportable to IMY and to the data subjects, notified within 72
/// hours, median and longest time from awareness to notification (ISO 8601 durations), by type and
/// by cause.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/breach-figures", tag = "breaches",
    params(("id" = String, Path), YearQuery),
    responses((status = 200, description = "The year's figures"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn breach_figures(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let year = q.year.unwrap_or_else(|| ombud_app::today().year());
    if !(1900..=9999).contains(&year) {
        return Err(ombud_app::AppError::from(ombud_domain::Invalid::new(
            "year",
            ombud_domain::Rule::InvalidValue,
        ))
        .into());
    }
    let f = state.app.breach_figures(&ctx, &id, year).await?;
    Ok(Json(
        serde_json::to_value(f).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// A category set instead of the computed one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryOverrideIn {
    /// `obetydlig`, `begransad`, `betydande` or `mycket_allvarlig`.
    pub category: String,
    /// Why: required, kept in the history.
    pub justification: String,
}

/// The inputs of ENISA's severity method (v1.0, Dec 2013): SE = DPC × EI + CB.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentBody {
    /// Data processing context, 1–4.
    pub data_processing_context: i64,
    /// Ease of identification: 0.25, 0.5, 0.75 or 1.
    pub ease_of_identification: f64,
    /// Loss of confidentiality: 0, 0.25 or 0.5.
    pub confidentiality: f64,
    /// Loss of integrity: 0, 0.25 or 0.5.
    pub integrity: f64,
    /// Loss of availability: 0, 0.25 or 0.5.
    pub availability: f64,
    /// Malicious intent (adds 0.5).
    pub malicious: bool,
    pub category_override: Option<CategoryOverrideIn>,
    /// The decision support's answers (data categories, context factors, reasons), kept as given.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Value>,
}

/// Record the breach's risk assessment. Answers the whole breach with `severity_score`,
/// `risk_category` (`obetydlig`, `begransad`, `betydande`, `mycket_allvarlig`) and the proposals
/// that follow (`notify_imy_proposed`, `inform_subjects_proposed`).
#[utoipa::path(put, path = "/api/v1/breaches/{id}/assessment", tag = "breaches",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = AssessmentBody,
    responses((status = 200, description = "The breach"), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put_assessment(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AssessmentBody>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let input = AssessmentIn {
        data_processing_context: body.data_processing_context,
        ease_of_identification: body.ease_of_identification,
        confidentiality: body.confidentiality,
        integrity: body.integrity,
        availability: body.availability,
        malicious: body.malicious,
        category_override: body
            .category_override
            .map(|o| (o.category, o.justification)),
        answers: body.answers,
    };
    let saved = state
        .app
        .assess_breach(&ctx, &id, if_match(&headers), input)
        .await?;
    let h = etag_headers(saved.version);
    let view = state.app.view::<Breaches>(&ctx, saved).await?;
    Ok((h, Json(record_json::<Breaches>(&view, ctx.lang))))
}
