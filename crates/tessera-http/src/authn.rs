//! The authentication layer in front of every `/api` route: anything not on the exact public list
//! needs a verified bearer token. The verified principal is handed to handlers as [`Caller`].

use crate::AppState;
use crate::error::ApiError;
use crate::public_paths::is_public;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tessera_auth::{AuthError, LastToken, Principal};
use tessera_config::RequestFilter;

/// Who is calling: set by the layer on every authenticated request.
#[derive(Debug, Clone)]
pub struct Caller(pub Arc<Principal>);

/// The connection's last verified token, put on each request by the connection that carries it.
#[derive(Clone, Default)]
pub struct ConnectionToken(pub Arc<LastToken>);

pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !is_api_path(path) || is_public(path) {
        return next.run(request).await;
    }
    if state.config.authorizer.request_filter == RequestFilter::Noop {
        request.extensions_mut().insert(Caller(Arc::new(tessera_auth::Accounts::anonymous())));
        return next.run(request).await;
    }
    match verified_caller(&state, request.extensions(), request.headers()).await {
        Ok(principal) => {
            request.extensions_mut().insert(Caller(principal));
            next.run(request).await
        }
        // No token sent: nothing was refused, so nothing to log.
        Err(AuthError::Missing) => ApiError::from(AuthError::Missing).into_response(),
        Err(error) => {
            tracing::info!(reason = error.reason(), path = %request.uri().path(), "token refused");
            ApiError::from(error).into_response()
        }
    }
}

/// Who the request's bearer token names. The connection's last token is recognised from the
/// header's bytes; any other token is read as text first, as the original reads the header.
/// (The request's parts, not the request: its body cannot be shared across the awaits.)
async fn verified_caller(
    state: &AppState,
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
) -> Result<Arc<Principal>, AuthError> {
    let last = extensions.get::<ConnectionToken>().map(|ConnectionToken(last)| &**last);
    let header = headers.get(AUTHORIZATION);
    if let (Some(last), Some(token)) = (last, header.and_then(|value| bearer_bytes(value.as_bytes())))
        && let Some(outcome) = state.verifier.verify_remembered(token, last).await
    {
        return outcome;
    }
    let token = bearer_of(headers).ok_or(AuthError::Missing)?;
    match last {
        Some(last) => state.verifier.verify_and_remember(token, last).await,
        None => state.verifier.verify(token).await.map(|verified| verified.principal.clone()),
    }
}

/// The token after `Bearer ` (case-sensitive, as the original); `None` when absent or empty, or
/// when the header is not text (for a handler that needs its own token too).
pub(crate) fn bearer_of(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    // All of it is ASCII by now, so the token's bytes are its text.
    std::str::from_utf8(bearer_bytes(value.as_bytes())?).ok()
}

/// The token in an `Authorization` value's bytes, without first checking that the whole value is
/// text: `None` where the part before the token already gives none. A token with bytes that are
/// not text is returned as it is; it can only fail to match the connection's last token, which
/// was text, so a match is a value [`bearer_of`] reads the same (header values hold no control
/// characters but tab).
fn bearer_bytes(value: &[u8]) -> Option<&[u8]> {
    let (separator, rest) = value.strip_prefix(b"Bearer")?.split_first()?;
    let token = rest.trim_ascii();
    (separator.is_ascii() && !token.is_empty()).then_some(token)
}

/// Anything that could be read as an API path (`/api/...`, `//API/...`) is guarded; the rest is the
/// web UI's.
fn is_api_path(path: &str) -> bool {
    let trimmed = path.trim_start_matches('/');
    trimmed.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("api"))
        && matches!(trimmed.as_bytes().get(3), None | Some(b'/' | b';' | b'%'))
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    /// Taken out of the request rather than copied (a reference count is an atomic operation,
    /// ~8 ns on the benchmark's host, on every signed-in request): a handler has one `Caller`
    /// argument.
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.remove::<Caller>().ok_or_else(|| {
            ApiError::unauthorized("token_missing", tessera_auth::verify::AuthError::Missing.to_string())
        })
    }
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

    /// Where the byte reading finds a token that is text, it is the one the text reading finds.
    #[test]
    fn the_byte_reading_of_a_bearer_token_agrees_with_the_text_reading() {
        use axum::http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
        let values: [&[u8]; 13] = [
            b"Bearer abc.def.ghi",
            b"Bearer  abc \t",
            b"Bearer\tabc",
            b"Bearerxabc",
            b"Bearer",
            b"Bearer ",
            b"Bearer \t ",
            b"bearer abc",
            b"Basic abc",
            b"Bearer \xc3\xa9abc",
            b"Bearer\xc3\xa9abc",
            b"Bearer\xa0abc",
            b"Bearer abc\xa0",
        ];
        for value in values {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, HeaderValue::from_bytes(value).unwrap());
            let text = super::bearer_of(&headers);
            let bytes = super::bearer_bytes(value).filter(|token| token.is_ascii());
            assert_eq!(bytes, text.map(str::as_bytes), "{:?}", String::from_utf8_lossy(value));
        }
    }
}
