//! The route table: every route of the API and of the pages is registered here, with what it
//! requires, so that the authorisation matrix test (`tests/api/authz_matrix.rs`) can walk every one of
//! them — a route that is not in the table does not exist, and one the test does not know fails it.
//!
//! The table records what the route *requires*, as the policy names it; the test decides on its own
//! what each role may then do, from the rules written out by hand.

use crate::AppState;
use axum::routing::MethodRouter;
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use utoipa::openapi::path::{HttpMethod, PathItem};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in person.
    SignedIn,
    /// The system administrator.
    Admin,
    /// An action at the organisation its `{id}` names (or, without one, that its `organisation_id`
    /// names; for creating one, at the parent).
    Organisation(Action),
    /// An action on a kind somewhere (a list, a new record's form), or within the organisation its
    /// `organisation_id` names.
    Kind(Action),
    /// An action on the record its `{id}` names.
    Record(Action),
}

/// Where a route is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Api,
    Page,
}

/// One route.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    /// The path as axum routes it, e.g. `/api/v1/systems/{id}`.
    pub path: String,
    /// The path with the kind's segment as `{kind}` for a route every kind has (e.g.
    /// `/api/v1/{kind}/{id}`), else the path itself: how the matrix test knows the route.
    pub pattern: String,
    pub kind: Option<Kind>,
    pub surface: Surface,
    pub access: Access,
}

fn pattern_of(path: &str, kind: Option<Kind>, surface: Surface) -> String {
    match (kind, surface) {
        (Some(k), Surface::Api) => path
            .replacen(&format!("/api/v1/{}/", k.info().api), "/api/v1/{kind}/", 1)
            .replacen(&format!("/api/v1/{}", k.info().api), "/api/v1/{kind}", 1),
        (Some(k), Surface::Page) => {
            let ui = format!("/{}", k.info().ui);
            if path == ui {
                "/{kind}".into()
            } else {
                path.replacen(&format!("{ui}/"), "/{kind}/", 1)
            }
        }
        (None, _) => path.to_string(),
    }
}

/// The API's routes, with their OpenAPI description.
pub struct ApiRoutes {
    pub router: OpenApiRouter<AppState>,
    pub table: Vec<RouteInfo>,
}

impl Default for ApiRoutes {
    fn default() -> Self {
        ApiRoutes {
            router: OpenApiRouter::new(),
            table: Vec::new(),
        }
    }
}

fn methods(item: &PathItem) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (m, op) in [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ] {
        if op.is_some() {
            out.push(m);
        }
    }
    out
}

impl ApiRoutes {
    /// Adds routes described by their handlers' OpenAPI annotations (`routes!`), one access for all.
    pub fn add(self, access: Access, r: UtoipaMethodRouter<AppState>) -> Self {
        self.add_for(None, access, r)
    }

    /// Adds a kind's routes.
    pub fn add_for(
        mut self,
        kind: Option<Kind>,
        access: Access,
        r: UtoipaMethodRouter<AppState>,
    ) -> Self {
        for (path, item) in r.1.paths.iter() {
            for method in methods(item) {
                self.table.push(RouteInfo {
                    method,
                    path: path.clone(),
                    pattern: pattern_of(path, kind, Surface::Api),
                    kind,
                    surface: Surface::Api,
                    access,
                });
            }
        }
        self.router = self.router.routes(r);
        self
    }
}

/// The OpenAPI description of one operation on a path, for routes built from a descriptor.
pub fn one_operation(
    path: &str,
    method: HttpMethod,
    op: utoipa::openapi::path::Operation,
    handler: MethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    let paths = utoipa::openapi::path::PathsBuilder::new()
        .path(path, PathItem::new(method, op))
        .build();
    (Vec::new(), paths, handler)
}

/// The pages' routes.
pub struct PageRoutes {
    pub router: axum::Router<AppState>,
    pub table: Vec<RouteInfo>,
}

impl Default for PageRoutes {
    fn default() -> Self {
        PageRoutes {
            router: axum::Router::new(),
            table: Vec::new(),
        }
    }
}

impl PageRoutes {
    /// Adds a page route: `method` is the one `handler` answers.
    pub fn add(
        mut self,
        method: &'static str,
        path: &str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.table.push(RouteInfo {
            method,
            path: path.to_string(),
            pattern: path.to_string(),
            kind: None,
            surface: Surface::Page,
            access,
        });
        self.router = self.router.route(path, handler);
        self
    }

    /// Adds a kind's page route.
    pub fn add_for(
        mut self,
        kind: Kind,
        method: &'static str,
        path: &str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.table.push(RouteInfo {
            method,
            path: path.to_string(),
            pattern: pattern_of(path, Some(kind), Surface::Page),
            kind: Some(kind),
            surface: Surface::Page,
            access,
        });
        self.router = self.router.route(path, handler);
        self
    }
}

/// The routes added outside the tables: the OpenAPI document and the health check.
pub fn fixed() -> Vec<RouteInfo> {
    // `/metrics` is for the city's monitoring, not for people: it has a token of its own
    // (`OMBUD_METRICS_TOKEN`) and answers 404 without one configured.
    ["/api/v1/openapi.json", "/healthz", "/metrics"]
        .into_iter()
        .map(|p| RouteInfo {
            method: "GET",
            path: p.to_string(),
            pattern: p.to_string(),
            kind: None,
            surface: if p.starts_with("/api/") {
                Surface::Api
            } else {
                Surface::Page
            },
            access: Access::Public,
        })
        .collect()
}
