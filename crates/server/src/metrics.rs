//! Request metrics (Prometheus text at `GET /metrics`) and one log line per request.
//!
//! Labels are limited to the method, the matched route *pattern* (`/api/elders/{id}`, never
//! the path with its ids) and the status class, so neither the metrics nor the log lines carry
//! personal data: no query strings, bodies, addresses or user agents.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ::metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// Requests answered, by `method`, `route` and `status` (class: `2xx`, `4xx`, …).
pub const REQUESTS: &str = "http_requests_total";
/// Time to the response head, seconds, by the same labels (a stream's length is not counted).
pub const DURATION: &str = "http_request_duration_seconds";
/// Free planning slots of this instance (0 while its planning runs are all busy).
pub const PLANNING_FREE: &str = "vaxride_planning_slots_free";

/// The `route` label of requests no route matched.
const UNMATCHED: &str = "unmatched";
/// Histogram buckets, seconds.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// How often histogram samples are folded in when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
static LAST_UPKEEP: AtomicU64 = AtomicU64::new(0);
static STARTED: OnceLock<Instant> = OnceLock::new();

/// The process-wide Prometheus recorder, installed on first use (installing twice fails, so
/// every app in the process shares this one). `None` when another recorder was installed first.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(DURATION.into()), BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match built {
                Ok(h) => {
                    describe_counter!(REQUESTS, "HTTP requests answered");
                    describe_histogram!(
                        DURATION,
                        ::metrics::Unit::Seconds,
                        "Time to the response head"
                    );
                    describe_gauge!(PLANNING_FREE, "Free planning slots of this instance");
                    Some(h)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Middleware (`actix_web::middleware::from_fn(observe)`): counts the request, records its
/// latency and logs one line (method, route pattern, status, milliseconds).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let handle = handle();
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let result = next.call(req).await;
    let elapsed = start.elapsed();
    let (status, route) = match &result {
        Ok(res) => (res.status(), res.request().match_pattern()),
        Err(e) => (e.as_response_error().status_code(), None),
    };
    let route = route.unwrap_or_else(|| UNMATCHED.to_owned());
    let labels = [
        ("method", method.clone()),
        ("route", route.clone()),
        ("status", status_class(status).to_owned()),
    ];
    counter!(REQUESTS, &labels).increment(1);
    histogram!(DURATION, &labels).record(elapsed.as_secs_f64());
    tracing::info!(
        target: "vaxride_server::access",
        method = %method,
        route = %route,
        status = status.as_u16(),
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    if let Some(h) = handle {
        let now = STARTED.get_or_init(Instant::now).elapsed().as_secs();
        let last = LAST_UPKEEP.load(Ordering::Relaxed);
        if now >= last + UPKEEP.as_secs()
            && LAST_UPKEEP
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            h.run_upkeep();
        }
    }
    result
}

/// `GET /metrics`: the Prometheus text exposition.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain"),
        (status = 503, description = "No recorder in this process", body = String, content_type = "text/plain"),
    )
)]
pub(crate) async fn render(state: web::Data<AppState>) -> HttpResponse {
    let Some(h) = handle() else {
        return HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("metrics recorder unavailable\n");
    };
    gauge!(PLANNING_FREE).set(state.planning.available_permits() as f64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(h.render())
}
