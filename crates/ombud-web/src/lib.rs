//! Ombud's HTTP layer: the JSON API under `/api/v1` and the server-rendered Swedish UI.
//!
//! Thin by design: handlers extract and check input, ask [`auth`] who is calling, call the domain and
//! the store, and render JSON or HTML. No SQL here, no rules that belong in `ombud-domain`.
//!
//! Errors: API handlers return [`error::ApiError`] (RFC 9457 problem details, Swedish unless the
//! client asks for English); UI handlers return [`error::PageError`] (an HTML page).

pub mod api;
pub mod auth;
mod cache;
pub mod error;
pub mod i18n;
mod security;
mod sign_in_limit;
pub mod ui;

use axum::Router;
use axum::routing::get;
use ombud_domain::people::PasswordCost;
use ombud_store::Store;
use std::sync::Arc;
use std::time::Duration;

/// How this instance behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address people use, e.g. `https://ombud.stad.se`; an `https` one makes cookies `Secure`.
    pub public_url: String,
    pub password_cost: PasswordCost,
    /// How long a session lives without use.
    pub session_idle: Duration,
    /// Failed sign-ins allowed per e-mail address in [`Config::sign_in_window`].
    pub sign_in_attempts: u32,
    pub sign_in_window: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: "http://127.0.0.1:8080".into(),
            password_cost: PasswordCost::Standard,
            session_idle: Duration::from_secs(8 * 3600),
            sign_in_attempts: 5,
            sign_in_window: Duration::from_secs(15 * 60),
        }
    }
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub config: Config,
    sign_in_limit: sign_in_limit::SignInLimit,
    openapi_json: String,
    auth_cache: auth::AuthCache,
    /// Organisations as list filters read them (see `api::organisations::visible_for_reading`).
    pub(crate) org_cache: cache::TtlCache<ombud_store::organisations::Organisation>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The whole application: API, UI, health and static files.
pub fn app(store: Store, config: Config) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let openapi_json = api::finish_openapi(openapi);
    let state = AppState(Arc::new(Inner {
        sign_in_limit: sign_in_limit::SignInLimit::new(
            config.sign_in_attempts,
            config.sign_in_window,
        ),
        store,
        config,
        openapi_json,
        auth_cache: auth::AuthCache::default(),
        org_cache: cache::TtlCache::default(),
    }));
    Router::new()
        .merge(api_router)
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/healthz", get(health))
        .merge(ui::router())
        .fallback(ui::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(i18n::negotiate))
        .layer(axum::middleware::from_fn(security::headers))
        // Bodies are bounded per extractor too: axum's 2 MB default for JSON and forms, more for imports.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            api::import::MAX_FILE + 64 * 1024,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// `GET /healthz`: 200 when the database answers.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.store.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
                .into_response()
        }
    }
}
