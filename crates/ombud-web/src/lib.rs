//! Ombud's HTTP layer: the JSON API under `/api/v1` and the server-rendered Swedish UI.
//!
//! Thin by design: handlers extract and check the shape of input, call one service of the
//! application layer (`ombud-app`), and render JSON or HTML. No SQL here, no transactions, no look at
//! roles: who may do what is decided by the services. Neither `api` nor `ui` uses the other.
//!
//! Every route is registered through the route table ([`routes`]), which records what each requires;
//! the authorisation matrix test walks that table, so a route cannot be added without being tested.
//!
//! Errors: API handlers return [`error::ApiError`] (RFC 9457 problem details, Swedish unless the
//! client asks for English); UI handlers return [`ui::PageError`] (an HTML page).

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod routes;
mod security;
pub mod serve;
pub mod ui;

pub use ombud_app::Config;

use axum::Router;
use axum::routing::get;
use ombud_app::App;
use ombud_store::Store;
use std::sync::Arc;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub app: App,
    openapi_json: String,
    metrics: metrics::Metrics,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn config(&self) -> &Config {
        &self.app.config
    }
}

/// How long a request's body may take to arrive, whole (an import of the largest file on a slow
/// line included).
pub const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// The whole application: API, UI, health and static files.
pub fn app(store: Store, config: Config) -> Router {
    let (api, _) = api::router();
    let (api_router, openapi) = api.split_for_parts();
    let openapi_json = api::finish_openapi(openapi);
    let (ui, _) = ui::router();
    let state = AppState(Arc::new(Inner {
        app: App::new(store, config),
        openapi_json,
        metrics: metrics::Metrics::default(),
    }));
    Router::new()
        .merge(api_router)
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics::metrics))
        .merge(ui)
        .fallback(ui::not_found)
        .with_state(state.clone())
        // One stack around each route rather than a `Router::layer` per middleware: axum boxes the
        // route anew for each such layer, and every request then cloned the whole nest of boxes,
        // once more for each `from_fn` in it (a tenth of a single-record read's time).
        .layer(
            tower::ServiceBuilder::new()
                .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
                    RequestIds::new(),
                ))
                .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
                .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
                .layer(axum::middleware::from_fn(i18n::negotiate))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    security::headers,
                ))
                .layer(axum::middleware::from_fn_with_state(state, metrics::track))
                // Inside the above, so that a panic's answer is counted and carries the headers.
                .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                    error::panic_response,
                ))
                // A body trickled in slowly holds a connection and its buffer: it has this long in all.
                .layer(tower_http::timeout::RequestBodyDeadlineLayer::new(
                    BODY_DEADLINE,
                ))
                // Bodies are bounded per extractor too: axum's 2 MB default for JSON and forms, more
                // for imports.
                .layer(tower_http::limit::RequestBodyLimitLayer::new(
                    ombud_app::sheets::MAX_FILE + 64 * 1024,
                )),
        )
}

/// Whether every request gets its span at INFO level, so that every log line carries the request's
/// id (set with `OMBUD_LOG_FORMAT=json`). Otherwise the span is at DEBUG: a span at an enabled level
/// costs an allocation and its fields' formatting on every request, which only a log collector
/// repays.
static REQUEST_SPANS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Logs every request's id with each of its lines (structured logs).
pub fn log_request_ids(on: bool) {
    REQUEST_SPANS.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// The span every log line of a request is in: its id (the `X-Request-Id` the answer carries, or
/// the one a proxy in front sent), the method and the route's pattern. Not the path or the query:
/// they can hold a name someone searched for.
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("-", |p| p.as_str());
    if REQUEST_SPANS.load(std::sync::atomic::Ordering::Relaxed) {
        tracing::info_span!("request", request_id = %id, method = %req.method(), route = %route)
    } else {
        tracing::debug_span!("request", request_id = %id, method = %req.method(), route = %route)
    }
}

/// Every route the application answers, with what it requires: the API's and the pages'.
/// A file to save (an export, a PDF): its type, and its name for the browser to save it under.
pub fn download(f: ombud_app::sheets::ExportFile) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, f.content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", f.file_name),
            ),
        ],
        f.bytes,
    )
        .into_response()
}

pub fn route_table() -> Vec<routes::RouteInfo> {
    let (_, mut table) = api::router();
    table.extend(ui::router().1);
    table.extend(routes::fixed());
    table
}

/// `GET /healthz`: 200 when the database answers.
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.app.ping().await {
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

/// Request ids in the form of random UUIDs (version 4), from a random start per process and a
/// counter: tower-http's own asked the kernel for randomness on every request. Within a process no
/// two are alike (the counter's half is a one-to-one function of it); between instances they differ
/// by their random starts.
#[derive(Clone)]
struct RequestIds {
    seed: [u64; 2],
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> RequestIds {
        let mut bytes = [0u8; 16];
        // Without the kernel's randomness the clock still tells one start from another.
        if getrandom::fill(&mut bytes).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            bytes = (nanos ^ u128::from(std::process::id())).to_le_bytes();
        }
        let (a, b) = bytes.split_at(8);
        let word = |s: &[u8]| {
            let mut w = [0u8; 8];
            w.copy_from_slice(s);
            u64::from_le_bytes(w)
        };
        RequestIds {
            seed: [word(a), word(b)],
            next: Arc::default(),
        }
    }

    /// The `n`th id of this process, as text.
    fn nth(&self, n: u64) -> String {
        // splitmix64: spreads a counter's bits so that ids do not look sequential.
        let mut z = (self.seed[0] ^ n).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        let high = z ^ (z >> 31);
        let low = self.seed[1].wrapping_add(n);
        // uuid sets the version (4) and variant bits, as a random UUID has them.
        let bytes = (u128::from(high) << 64 | u128::from(low)).to_be_bytes();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

impl tower_http::request_id::MakeRequestId for RequestIds {
    fn make_request_id<B>(
        &mut self,
        _: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&self.nth(n))
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}

#[cfg(test)]
mod request_id_tests {
    use super::RequestIds;

    #[test]
    fn request_ids_are_version_4_uuids_and_never_repeat_in_a_process() {
        let ids = RequestIds::new();
        let mut seen = std::collections::HashSet::new();
        for n in 0..10_000 {
            let id = ids.nth(n);
            assert_eq!(id.len(), 36, "{id}");
            let parts: Vec<&str> = id.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(parts[2].starts_with('4'), "version 4: {id}");
            assert!(
                matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
                "variant: {id}"
            );
            assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
            assert!(seen.insert(id));
        }
        // Another process (another start) gives other ids.
        assert_ne!(RequestIds::new().nth(0), ids.nth(0));
    }
}
