//! `GET /api/v1/organisations/{id}/gaps`: the gaps of an organisation's registers, every kind's.

use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use crate::routes::{Access, ApiRoutes};
use axum::Json;
use axum::extract::{Path, State};
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes(r: ApiRoutes) -> ApiRoutes {
    r.add(
        Access::Organisation(Action::Read(Kind::ProcessingActivity)),
        routes!(organisation_gaps),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Gap {
    /// The rule's code, e.g. `missing_legal_basis`.
    pub rule: String,
    /// The kind of the record: `processing_activity`, `system`, `agreement`.
    pub record_type: String,
    pub record_id: String,
    pub record_name: String,
    pub message: String,
}

/// The registers' gaps for an organisation and everything under it, for every kind the caller may
/// read there.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/gaps", tag = "organisations",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<Gap>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn organisation_gaps(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Vec<Gap>>, ApiError> {
    let (_, gaps) = state.app.gaps(&ctx, &id).await?;
    Ok(Json(
        gaps.into_iter()
            .map(|g| Gap {
                rule: g.rule.code().into(),
                record_type: g.kind.code().into(),
                record_id: g.record_id,
                record_name: g.record_name,
                message: g.rule.message(ctx.lang).into(),
            })
            .collect(),
    ))
}
