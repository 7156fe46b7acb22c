//! What the systems register has that other kinds do not: its figures for the annual report.

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
    r.add_for(
        Some(Kind::System),
        Access::Organisation(Action::Read(Kind::System)),
        routes!(organisation_system_figures),
    )
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
    let (org, today, f) = state.app.system_figures(&ctx, &id).await?;
    Ok(Json(SystemFiguresOut {
        organisation_id: org.id,
        as_of: today.to_string(),
        systems: f.systems,
        classified: f.classified,
        classification_current: f.classification_current,
        self_procured: f.self_procured,
    }))
}
