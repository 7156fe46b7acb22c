//! What an agreement has that other kinds do not: its compliance log (efterlevnadskontroller,
//! art. 28.3 h), appended to through a door of its own and never edited.

use super::kinds::record_json;
use super::{ApiJson, etag_headers, if_match};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use crate::routes::{Access, ApiRoutes};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use ombud_domain::register::agreement::{Agreements, NewComplianceCheck};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes(r: ApiRoutes) -> ApiRoutes {
    r.add_for(
        Some(Kind::Agreement),
        Access::Record(Action::Edit(Kind::Agreement)),
        routes!(add_compliance_check),
    )
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

/// Append a compliance check (efterlevnadskontroll) to the agreement's log; it is stamped with who
/// recorded it and when. Answers the whole agreement with its new version.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/compliance-checks", tag = "agreements",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = ComplianceCheckIn,
    responses((status = 201, description = "The agreement"), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn add_compliance_check(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ComplianceCheckIn>,
) -> Result<(StatusCode, HeaderMap, Json<Value>), ApiError> {
    let check = NewComplianceCheck {
        checked_on: body.checked_on,
        finding: body.finding,
        follow_up: body.follow_up,
        follow_up_due: body.follow_up_due,
    };
    let a = state
        .app
        .add_compliance_check(&ctx, &id, if_match(&headers), check)
        .await?;
    let mut h = etag_headers(a.version);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/agreements/{}", a.id)) {
        h.insert(header::LOCATION, v);
    }
    let view = state.app.view::<Agreements>(&ctx, a).await?;
    Ok((
        StatusCode::CREATED,
        h,
        Json(record_json::<Agreements>(&view, ctx.lang)),
    ))
}
