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
            Ok((
                [
                    (header::CONTENT_TYPE, f.content_type.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}\"", f.file_name),
                    ),
                ],
                f.bytes,
            )
                .into_response())
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
    let year = q.year.unwrap_or_else(|| ombud_app::today().year());
    if !(1900..=9999).contains(&year) {
        return Err(ombud_app::AppError::from(ombud_domain::Invalid::new(
            "year",
            ombud_domain::Rule::InvalidValue,
        ))
        .into());
    }
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
