//! Every request body is read whole before anything answers. A request refused early (401, 403,
//! 404, 405) would otherwise leave its body unread, and hyper closes such a connection; a client
//! reusing it (the official client does, and on that connection error it retries once and takes
//! the next answer, even an error, as a success) then misreads a later call.
//!
//! A body that stalls longer than the header-read timeout is answered 408: a client that sends a
//! `Content-Length` and then nothing would otherwise hold its connection and a task forever.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::time::Duration;

/// The largest body Tessera reads: axum's default limit for JSON bodies, which every handler uses.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub async fn read_whole(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if axum::body::HttpBody::is_end_stream(&body) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let stall = Duration::from_secs(state.config.server.header_read_timeout_seconds);
    match read(body, stall).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(refusal) => refusal.into_response(),
    }
}

async fn read(mut body: Body, stall: Duration) -> Result<Bytes, ApiError> {
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut length = 0;
    loop {
        let frame = match tokio::time::timeout(stall, body.frame()).await {
            Err(_) => return Err(stalled(stall)),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(cut_off()),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else { continue };
        length += data.len();
        if length > MAX_BODY_BYTES {
            return Err(too_large());
        }
        chunks.push(data);
    }
    // One chunk (the usual case) is handed on without a copy.
    Ok(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.pop().unwrap_or_default(),
        _ => chunks.concat().into(),
    })
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("The request body is larger than {MAX_BODY_BYTES} bytes; send a smaller one"),
    )
}

fn cut_off() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "body_incomplete",
        "The request body was cut off before its declared end; send the whole body again",
    )
}

fn stalled(stall: Duration) -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        format!(
            "The request body stopped arriving for {} s (TESSERA_HEADER_READ_TIMEOUT_SECONDS); send it again",
            stall.as_secs()
        ),
    )
}
