//! `GET /metrics` for the city's monitoring, in the Prometheus (OpenMetrics) text format: requests
//! by route and status, their latency, the database pool, the e-mail outbox and the job queue.
//! Routes are their patterns (`/api/v1/data-subject-requests/{id}`), never the paths asked for, so
//! that no id, name or search reaches a monitoring system (and the label set stays small).
//!
//! Off unless `OMBUD_METRICS_TOKEN` is set: then the scraper sends it as a bearer token; without
//! one configured the route answers 404, as if it did not exist.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

type Histograms = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The instance's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Histograms,
    pool_open: Gauge,
    pool_idle: Gauge,
    mail_queued: Gauge,
    mail_failed: Gauge,
    jobs_pending: Gauge,
    jobs_due: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ombud");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Histograms = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route pattern",
            latency.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        Metrics {
            pool_open: gauge(
                &mut registry,
                "db_pool_connections",
                "Open database connections of this instance",
            ),
            pool_idle: gauge(
                &mut registry,
                "db_pool_idle_connections",
                "Idle database connections of this instance",
            ),
            mail_queued: gauge(
                &mut registry,
                "outbox_queued",
                "E-mail waiting to be sent (all instances)",
            ),
            mail_failed: gauge(
                &mut registry,
                "outbox_failed",
                "E-mail given up after its retries (all instances)",
            ),
            jobs_pending: gauge(
                &mut registry,
                "jobs_pending",
                "Scheduled jobs not yet done (all instances)",
            ),
            jobs_due: gauge(
                &mut registry,
                "jobs_due",
                "Scheduled jobs due and not yet done (all instances)",
            ),
            registry,
            requests,
            latency,
        }
    }
}

/// A method as a label: the standard ones by name, anything else as one value.
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Counts and times every request.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let started = Instant::now();
    let res = next.run(req).await;
    let m = &state.metrics;
    m.latency
        .get_or_create(&RouteLabels {
            method,
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: res.status().as_u16(),
        })
        .inc();
    res
}

/// Compares in time that does not depend on where the strings differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config().metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !same_secret(given.trim().as_bytes(), expected.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    let m = &state.metrics;
    let (open, idle) = state.app.store_pool_state();
    m.pool_open.set(i64::from(open));
    m.pool_idle.set(i64::try_from(idle).unwrap_or(i64::MAX));
    match state.app.queue_sizes().await {
        Ok(q) => {
            m.mail_queued.set(q.mail_queued);
            m.mail_failed.set(q.mail_failed);
            m.jobs_pending.set(q.jobs_pending);
            m.jobs_due.set(q.jobs_due);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the queues could not be counted"),
    }
    let mut body = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut body, &m.registry) {
        tracing::error!(error = %e, "metrics could not be written");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }
}
