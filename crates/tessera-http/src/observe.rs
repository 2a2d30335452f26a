//! Request ids, request logs and metrics, shared by both ports. Headers are never logged: they
//! carry tokens.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The process-wide Prometheus recorder, installed on first use.
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder is installed; metrics then go there instead.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// How often the histograms' recorded samples are folded into their summaries.
const METRICS_UPKEEP_PERIOD: Duration = Duration::from_secs(5);

/// Folds the histograms' recorded samples into their summaries every few seconds. The recorder
/// keeps every sample until this (or a scrape of `/prometheus`) drains them: without it, a server
/// nobody scrapes grew by every request's duration (the soak found ~35 MiB in 30 minutes).
pub fn spawn_metrics_upkeep() -> tokio::task::JoinHandle<()> {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(METRICS_UPKEEP_PERIOD);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            metrics_handle().run_upkeep();
        }
    })
}

/// The request id of this request (set by the request-id layer).
pub fn request_id(request: &Request) -> String {
    request.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-").to_string()
}

/// Logs one line per request and counts it, labelled by route template (not raw path).
pub async fn log_and_count(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let route =
        request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let id = request_id(&request);
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    metrics::counter!("http_requests_total", "method" => method.to_string(), "route" => route.clone(), "status" => status.to_string()).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method.to_string(), "route" => route)
        .record(elapsed.as_secs_f64());
    tracing::info!(request_id = %id, %method, %path, status, micros = elapsed.as_micros() as u64, "request");
    response
}
