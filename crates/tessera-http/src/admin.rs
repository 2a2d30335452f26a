//! The admin port (8586): health and metrics, unauthenticated and meant to stay internal.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthcheck", get(healthcheck))
        .route("/prometheus", get(prometheus))
        .route("/ping", get(|| async { "pong\n" }))
        .route("/live", get(live))
        .route("/ready", get(ready))
        .fallback(|| async { crate::error::ApiError::not_found() })
        .with_state(state)
}

/// Dropwizard's shape: one entry per check. 503 when the database does not answer.
async fn healthcheck(State(state): State<AppState>) -> impl IntoResponse {
    match state.database_ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "database": { "healthy": true } }))),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "database": { "healthy": false, "message": error.to_string() } })),
            )
        }
    }
}

/// Liveness: the process serves requests. Never depends on the database, so an outage of the
/// database does not get every replica restarted.
async fn live() -> impl IntoResponse {
    Json(json!({ "live": true }))
}

/// Readiness: send this replica traffic. 503 while shutting down (draining) or while the
/// database does not answer.
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        let reason = "shutting down: in-flight requests are finishing; send new requests to another replica";
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "ready": false, "reason": reason })));
    }
    // A probe wants an answer now, not after the pool's 5 s wait for a connection.
    let reason = match tokio::time::timeout(READY_TIMEOUT, state.database_ping()).await {
        Ok(Ok(())) => return (StatusCode::OK, Json(json!({ "ready": true }))),
        Ok(Err(error)) => error.to_string(),
        Err(_) => format!(
            "the database at {} is unavailable: no answer within {} s",
            state.database_target(),
            READY_TIMEOUT.as_secs()
        ),
    };
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "ready": false, "reason": reason })))
}

/// How long `/ready` waits for the database.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

async fn prometheus(State(state): State<AppState>) -> impl IntoResponse {
    // SQLite's group commit: writes per transaction is the batch size under load.
    if let Some((commits, writes)) = state.group_commit_stats() {
        metrics::counter!("tessera_sqlite_commits_total").absolute(commits);
        metrics::counter!("tessera_sqlite_committed_writes_total").absolute(writes);
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], crate::observe::metrics_handle().render())
}
