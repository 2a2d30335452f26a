//! Every request body is read whole before anything answers. A request refused early (401, 403,
//! 404, 405) would otherwise leave its body unread, and hyper closes such a connection; a client
//! reusing it (the official client does, and on that connection error it retries once and takes
//! the next answer, even an error, as a success) then misreads a later call.

use crate::error::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest body Tessera reads: axum's default limit for JSON bodies, which every handler uses.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub async fn read_whole(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("The request body is larger than {MAX_BODY_BYTES} bytes (or was cut off); send a smaller one"),
        )
        .into_response(),
    }
}
