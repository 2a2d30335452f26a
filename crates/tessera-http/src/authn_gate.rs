//! The authentication layer in front of every `/api` route. Until token verification exists, a
//! request to anything but the public list is refused with the original's 401 — never let through.

use crate::error::{ApiError, messages};
use crate::public_paths::is_public;
use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn require_authentication(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !is_api_path(path) || is_public(path) {
        return next.run(request).await;
    }
    let bearer = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer"))
        .map(|rest| rest.get(1..).unwrap_or_default().trim())
        .filter(|token| !token.is_empty());
    match bearer {
        None => ApiError::unauthorized("token_missing", messages::TOKEN_NOT_PRESENT).into_response(),
        // Token verification arrives with the authentication issue; until then nothing is accepted.
        Some(_) => ApiError::unauthorized("token_not_verifiable", messages::INVALID_TOKEN).into_response(),
    }
}

/// Anything that could be read as an API path (`/api/...`, `//API/...`) is guarded; the rest is the
/// web UI's.
fn is_api_path(path: &str) -> bool {
    let trimmed = path.trim_start_matches('/');
    trimmed.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("api"))
        && matches!(trimmed.as_bytes().get(3), None | Some(b'/' | b';' | b'%'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_paths() {
        for p in ["/api", "/api/", "/api/v1/users", "//api/v1/users", "/API/v1/x", "/api;x/v1", "/api%2Fv1"] {
            assert!(super::is_api_path(p), "{p}");
        }
        for p in ["/", "/callback", "/apidocs", "/static/api/x"] {
            assert!(!super::is_api_path(p), "{p}");
        }
    }
}
