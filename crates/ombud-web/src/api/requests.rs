//! What a data subject request has that other kinds do not: the extension of its time limit, through
//! a door of its own (art. 12.3).

use super::kinds::record_json;
use super::{ApiJson, etag_headers, if_match};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use crate::routes::{Access, ApiRoutes};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use ombud_app::requests::ExtensionIn;
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use ombud_domain::register::request::Requests;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes(r: ApiRoutes) -> ApiRoutes {
    r.add_for(
        Some(Kind::Request),
        Access::Record(Action::Edit(Kind::Request)),
        routes!(extend),
    )
    .add_for(
        Some(Kind::Request),
        Access::Organisation(Action::Read(Kind::Request)),
        routes!(request_figures),
    )
    .add_for(
        Some(Kind::Request),
        Access::Record(Action::Read(Kind::Request)),
        routes!(get_answer),
    )
    .add_for(
        Some(Kind::Request),
        Access::Organisation(Action::Read(Kind::Request)),
        routes!(get_retention),
    )
    .add_for(
        Some(Kind::Request),
        Access::Organisation(Action::Edit(Kind::Request)),
        routes!(put_retention),
    )
    .add_for(
        Some(Kind::Request),
        Access::Organisation(Action::Read(Kind::Request)),
        routes!(get_days_off),
    )
    .add_for(
        Some(Kind::Request),
        Access::Organisation(Action::Edit(Kind::Request)),
        routes!(put_days_off),
    )
}

/// A controller's own days off besides Saturdays, Sundays and Sweden's public holidays.
#[derive(Debug, serde::Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DaysOffBody {
    /// The Friday 19–25 June.
    pub midsommarafton: bool,
    /// 24 December.
    pub julafton: bool,
    /// 31 December.
    pub nyarsafton: bool,
}

impl From<ombud_domain::request::ExtraDaysOff> for DaysOffBody {
    fn from(d: ombud_domain::request::ExtraDaysOff) -> Self {
        DaysOffBody {
            midsommarafton: d.midsommarafton,
            julafton: d.julafton,
            nyarsafton: d.nyarsafton,
        }
    }
}

/// The own days off of the controller the organisation belongs to. A request's time limit that
/// ends on one moves to the next working day, as for a public holiday.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/request-days-off", tag = "data-subject-requests",
    params(("id" = String, Path)),
    responses((status = 200, body = DaysOffBody), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_days_off(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<DaysOffBody>, ApiError> {
    Ok(Json(state.app.request_days_off(&ctx, &id).await?.into()))
}

/// Set the own days off of the controller the organisation belongs to (those who handle requests at
/// the controller itself decide them). They apply to requests registered from then on: a request
/// keeps the calendar it was registered with (its `days_off`), so a deadline already given never
/// moves. The change is on the record.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/request-days-off", tag = "data-subject-requests",
    params(("id" = String, Path)),
    request_body = DaysOffBody,
    responses((status = 200, body = DaysOffBody), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_days_off(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DaysOffBody>,
) -> Result<Json<DaysOffBody>, ApiError> {
    let days = ombud_domain::request::ExtraDaysOff {
        midsommarafton: b.midsommarafton,
        julafton: b.julafton,
        nyarsafton: b.nyarsafton,
    };
    Ok(Json(
        state
            .app
            .set_request_days_off(&ctx, &id, days)
            .await?
            .into(),
    ))
}

/// A controller's retention rules for requests.
#[derive(Debug, serde::Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionBody {
    /// Months after the answer when a granted request loses the requester's identity (1–240);
    /// null: kept.
    pub granted_identity_months: Option<u16>,
    /// Years after the answer when a refused request (wholly or in part) loses it (1–50); null:
    /// kept.
    pub refused_identity_years: Option<u16>,
}

fn body(r: ombud_domain::request::retention::RetentionRules) -> RetentionBody {
    RetentionBody {
        granted_identity_months: r.granted_identity_months,
        refused_identity_years: r.refused_identity_years,
    }
}

/// The retention rules of the controller the organisation belongs to. A daily job removes the
/// requester's identity by them (name, contact, the request's own words, what was found); the type,
/// the dates and the outcome stay, so the annual report's figures do.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/request-retention", tag = "data-subject-requests",
    params(("id" = String, Path)),
    responses((status = 200, body = RetentionBody), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_retention(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<RetentionBody>, ApiError> {
    Ok(Json(body(state.app.request_retention(&ctx, &id).await?)))
}

/// Set the retention rules of the controller the organisation belongs to (those who handle requests
/// at the controller itself decide them). The change is on the record.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/request-retention", tag = "data-subject-requests",
    params(("id" = String, Path)),
    request_body = RetentionBody,
    responses((status = 200, body = RetentionBody), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
pub async fn put_retention(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RetentionBody>,
) -> Result<Json<RetentionBody>, ApiError> {
    let rules = ombud_domain::request::retention::RetentionRules {
        granted_identity_months: b.granted_identity_months,
        refused_identity_years: b.refused_identity_years,
    };
    Ok(Json(body(
        state.app.set_request_retention(&ctx, &id, rules).await?,
    )))
}

/// In which form.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FormatQuery {
    /// `json` (default), `text` or `pdf`.
    pub format: Option<String>,
}

/// The answer to the request, generated in the caller's language from the request and the processing
/// activities it names: for access granted, the items of art. 15.1 and the copy as an enclosure; for
/// a refusal, the decision with its ground and the appeal instructions. `missing` lists what is not on
/// record yet. `format=text` gives the text to edit, `format=pdf` a PDF.
#[utoipa::path(get, path = "/api/v1/data-subject-requests/{id}/answer", tag = "data-subject-requests",
    params(("id" = String, Path), FormatQuery),
    responses((status = 200, description = "The answer"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_answer(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<FormatQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    match q.format.as_deref().unwrap_or("json") {
        "pdf" => {
            let f = state.app.request_answer_pdf(&ctx, &id).await?;
            Ok(crate::download(f))
        }
        "text" => {
            let a = state.app.request_answer(&ctx, &id).await?;
            Ok((
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                a.text,
            )
                .into_response())
        }
        "json" => {
            let a = state.app.request_answer(&ctx, &id).await?;
            Ok(
                Json(serde_json::json!({ "title": a.title, "text": a.text, "missing": a.missing }))
                    .into_response(),
            )
        }
        _ => Err(ombud_app::AppError::from(ombud_domain::Invalid::new(
            "format",
            ombud_domain::Rule::InvalidValue,
        ))
        .into()),
    }
}

/// The request figures of the annual report for an organisation and what lies under it, for one
/// year of receipt: received (by type), answered within the time limit without and with an
/// extension, answered late, open, extended, refused wholly and in part, the median days to answer.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/request-figures", tag = "data-subject-requests",
    params(("id" = String, Path), super::breaches::YearQuery),
    responses((status = 200, description = "The year's figures"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn request_figures(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<super::breaches::YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let year = q.year()?;
    let f = state.app.request_figures(&ctx, &id, year).await?;
    Ok(Json(
        serde_json::to_value(f).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// An extension of the time limit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    /// 1 or 2 further months.
    pub months: i64,
    /// Why: what the requester was told.
    pub reason: String,
    /// `YYYY-MM-DD`: when the requester was told, within the first month.
    pub requester_informed_on: String,
}

/// Extend the time limit by one or two months (art. 12.3). The new `due_on` is counted from receipt
/// (`received_on` plus 1 + `months` months, rolled to the next working day), not from the first
/// deadline. A request is extended once and before it is answered (409 otherwise).
#[utoipa::path(post, path = "/api/v1/data-subject-requests/{id}/extension", tag = "data-subject-requests",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = ExtensionBody,
    responses((status = 200, description = "The request, with its new `due_on`"), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem),
              (status = 422, body = Problem)))]
pub async fn extend(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ExtensionBody>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let saved = state
        .app
        .extend_request(
            &ctx,
            &id,
            if_match(&headers),
            ExtensionIn {
                months: body.months,
                reason: body.reason,
                requester_informed_on: body.requester_informed_on,
            },
        )
        .await?;
    let h = etag_headers(saved.version);
    let view = state.app.view::<Requests>(&ctx, saved).await?;
    Ok((h, Json(record_json::<Requests>(&view, ctx.lang))))
}
