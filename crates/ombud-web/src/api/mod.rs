//! The JSON API under `/api/v1`, described by the OpenAPI document generated from these handlers.
//!
//! Conventions every resource follows (external clients rely on them):
//! - JSON in and out; errors are `application/problem+json` (see [`crate::error`]).
//! - Lists answer `{"items": […], "next": "<cursor>" | null}`; `?limit=` (1–500, default 50) and
//!   `?cursor=` page through them by keyset, so a late page costs what the first does.
//! - A record carries `version`; responses give it as a strong `ETag`; changes accept `If-Match`
//!   and refuse a stale one with 412. Without `If-Match` a change applies to the record as it is
//!   (the last writer wins): clients that show a record before changing it send it.
//! - Ids are opaque strings.

pub mod agreements;
pub mod breaches;
pub mod gaps;
pub mod json;
pub mod kinds;
pub mod organisations;
pub mod requests;
pub mod session;
pub mod systems;
pub mod users;

use crate::AppState;
use crate::error::ApiError;
use crate::routes::{Access, ApiRoutes, RouteInfo};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ombud_app::{Cursor, DEFAULT_LIMIT, MAX_LIMIT, PageRequest};
use ombud_domain::authz::Action;
use serde::Deserialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use json::ApiJson;

/// The API's routes and the table of what each requires.
pub fn router() -> (OpenApiRouter<AppState>, Vec<RouteInfo>) {
    use Access::*;
    let r = ApiRoutes::default()
        .add(Public, routes!(session::sign_in))
        .add(
            SignedIn,
            routes!(session::current_session, session::sign_out),
        )
        .add(Admin, routes!(users::create_user, users::list_users))
        .add(SignedIn, routes!(users::me))
        .add(SignedIn, routes!(users::change_password))
        .add(SignedIn, routes!(users::get_user))
        .add(Admin, routes!(users::update_user))
        .add(
            Organisation(Action::ReadOrganisation),
            routes!(organisations::list_organisations),
        )
        .add(
            Organisation(Action::CreateChild),
            routes!(organisations::create_organisation),
        )
        .add(
            Organisation(Action::ReadOrganisation),
            routes!(organisations::get_organisation),
        )
        .add(
            Organisation(Action::RenameOrganisation),
            routes!(organisations::update_organisation),
        )
        .add(
            Organisation(Action::RestructureOrganisation),
            routes!(organisations::archive_organisation),
        )
        .add(
            Organisation(Action::ReadMembers),
            routes!(organisations::list_members),
        )
        .add(
            Organisation(Action::ManageMembers),
            routes!(organisations::set_member_roles),
        )
        .add(
            Organisation(Action::ReadHistory),
            routes!(organisations::organisation_history),
        );
    let r = kinds::routes(r);
    let r = gaps::routes(r);
    let r = systems::routes(r);
    let r = agreements::routes(r);
    let r = breaches::routes(r);
    let r = requests::routes(r);
    (r.router.fallback(api_not_found), r.table)
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

/// Fills in what the handlers do not say: title, version, the bearer scheme.
pub fn finish_openapi(mut doc: utoipa::openapi::OpenApi) -> String {
    doc.info.title = "Ombud API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "Ombud: dataskyddsarbetet i kommunen. Data protection work of a Swedish municipality. \
         Authenticate with POST /api/v1/session and send the token as `Authorization: Bearer …`. \
         Concurrent edits: every record carries `version` and answers with it as a strong `ETag`; \
         send it back as `If-Match` with a PATCH, DELETE or workflow step, and a change made by \
         someone else in between is refused with 412 instead of being overwritten. Without \
         `If-Match` the change applies to the record as it is then: the last writer wins. \
         A PATCH is a JSON merge patch (RFC 7396); a field the record does not have is refused \
         with 422, also when set to null."
            .into(),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into())
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.clone(),
    )
        .into_response()
}

/// A version as an entity tag.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// Headers carrying a record's version.
pub fn etag_headers(version: i64) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        h.insert(header::ETAG, v);
    }
    h
}

/// The version an `If-Match` header names: `None` without one (or with `*`); a value that is no
/// version of ours can match nothing, so it counts as stale.
pub fn if_match(headers: &HeaderMap) -> Option<i64> {
    let v = headers
        .get(header::IF_MATCH)?
        .to_str()
        .unwrap_or("-1")
        .trim();
    if v == "*" {
        return None;
    }
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    Some(v.parse().unwrap_or(-1))
}

/// `?limit=&cursor=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Rows per page, 1–500 (default 50).
    pub limit: Option<i64>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::Invalid(vec![ombud_domain::Invalid::new(
                "limit",
                ombud_domain::Rule::TooLong {
                    max: MAX_LIMIT as usize,
                },
            )]));
        }
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(Cursor::decode(c).ok_or_else(|| ApiError::Malformed("cursor".into()))?),
            None => None,
        };
        Ok(PageRequest { after, limit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_if_match(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::IF_MATCH, HeaderValue::from_str(v).expect("header"));
        h
    }

    #[test]
    fn if_match_reads_strong_weak_and_bare_versions() {
        assert_eq!(if_match(&with_if_match("\"3\"")), Some(3));
        assert_eq!(if_match(&with_if_match("W/\"4\"")), Some(4));
        assert_eq!(if_match(&with_if_match("5")), Some(5));
        assert_eq!(if_match(&with_if_match("*")), None);
        assert_eq!(if_match(&HeaderMap::new()), None);
    }

    #[test]
    fn a_foreign_etag_matches_nothing() {
        assert_eq!(if_match(&with_if_match("\"abc\"")), Some(-1));
    }
}
