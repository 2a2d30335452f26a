//! The one error contract: every failure becomes `{"code", "message", "reason"}` with the original's
//! status codes and messages, plus a stable machine-readable `reason`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The original's exact texts that clients and the UI match on.
pub mod messages {
    pub const TOKEN_NOT_PRESENT: &str = "Not Authorized! Token not present";
    pub const INVALID_TOKEN: &str = "Not Authorized! Invalid token.";
    pub const NOT_FOUND: &str = "HTTP 404 Not Found";
    pub const METHOD_NOT_ALLOWED: &str = "HTTP 405 Method Not Allowed";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// A stable code such as `token_missing`; never changes wording.
    pub reason: &'static str,
}

#[derive(Serialize)]
struct Body<'a> {
    code: u16,
    message: &'a str,
    reason: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, reason: &'static str, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), reason }
    }

    pub fn unauthorized(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, reason, message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", messages::NOT_FOUND)
    }

    /// The original's 404 for an entity looked up by id or name: `table instance for x not found`.
    pub fn instance_not_found(kind: &str, key: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{kind} instance for {key} not found"))
    }

    pub fn bad_request(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason, message)
    }

    /// The database or another dependency is down: retrying later may work.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", message)
    }

    /// A server fault: the details go to the log under the request id, not to the client.
    pub fn internal(request_id: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            format!("Internal server error; the server log has the details under request id {request_id}"),
        )
    }
}

impl From<tessera_auth::AuthError> for ApiError {
    fn from(error: tessera_auth::AuthError) -> Self {
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNAUTHORIZED);
        Self::new(status, error.reason(), error.to_string())
    }
}

impl From<tessera_auth::AccountError> for ApiError {
    fn from(error: tessera_auth::AccountError) -> Self {
        use tessera_auth::AccountError as E;
        match error {
            E::NotFound(message) => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            E::Unauthorized { message, reason } => Self::new(StatusCode::UNAUTHORIZED, reason, message),
            E::Forbidden { message, reason } => Self::new(StatusCode::FORBIDDEN, reason, message),
            E::BadRequest { message, reason } => Self::new(StatusCode::BAD_REQUEST, reason, message),
            E::Conflict => Self::new(StatusCode::CONFLICT, "entity_exists", "Entity already exists"),
            E::Unavailable(message) => Self::new(StatusCode::SERVICE_UNAVAILABLE, "directory_unavailable", message),
            E::Store(store) => store.into(),
        }
    }
}

impl From<tessera_store::StoreError> for ApiError {
    fn from(error: tessera_store::StoreError) -> Self {
        if let tessera_store::StoreError::Conflict { .. } = error {
            return ApiError::new(StatusCode::CONFLICT, "entity_exists", "Entity already exists");
        }
        if error.is_unavailable() {
            tracing::warn!(%error, "database unavailable");
            ApiError::unavailable("The database is unavailable; try again shortly")
        } else {
            tracing::error!(%error, "database error");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Internal server error; see the server log",
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body { code: self.status.as_u16(), message: &self.message, reason: self.reason };
        let mut response = (self.status, axum::Json(body)).into_response();
        // The original adds this header on exactly these statuses (compat §2.9).
        if matches!(self.status.as_u16(), 401 | 403 | 404 | 409 | 412) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("om-auth"));
        }
        response
    }
}

impl From<tessera_authz::manage::ManageError> for ApiError {
    fn from(error: tessera_authz::manage::ManageError) -> Self {
        use tessera_authz::manage::ManageError as E;
        match error {
            E::Invalid(message) => Self::new(StatusCode::BAD_REQUEST, "invalid_request", message),
            E::NotFound { .. } => Self::new(StatusCode::NOT_FOUND, "not_found", error.to_string()),
            E::SystemEntity { .. } => Self::new(StatusCode::BAD_REQUEST, "system_entity", error.to_string()),
            E::Store(store) => store.into(),
        }
    }
}

impl From<tessera_authz::Denied> for ApiError {
    fn from(error: tessera_authz::Denied) -> Self {
        Self::new(StatusCode::FORBIDDEN, "not_authorized", error.to_string())
    }
}

impl From<tessera_catalog::CatalogError> for ApiError {
    fn from(error: tessera_catalog::CatalogError) -> Self {
        use tessera_catalog::CatalogError as E;
        match error {
            E::Invalid(message) => Self::new(StatusCode::BAD_REQUEST, "invalid_request", message),
            E::NotFound { .. } | E::Unresolved { .. } => {
                Self::new(StatusCode::NOT_FOUND, "not_found", error.to_string())
            }
            E::EdgeNotFound(message) => Self::new(StatusCode::NOT_FOUND, "lineage_edge_not_found", message),
            E::Exists => Self::new(StatusCode::CONFLICT, "entity_exists", "Entity already exists"),
            E::Forbidden(message) => Self::new(StatusCode::FORBIDDEN, "not_authorized", message),
            E::Busy { .. } => Self::new(StatusCode::CONFLICT, "concurrent_update", error.to_string()),
            E::NotEmpty { .. } => Self::new(StatusCode::BAD_REQUEST, "entity_not_empty", error.to_string()),
            // As an unreadable bot token: the message says what the operator can do.
            E::SecretUnreadable { .. } => Self::new(StatusCode::BAD_REQUEST, "secret_unreadable", error.to_string()),
            E::Damaged { .. } | E::SearchIndex(_) => {
                tracing::error!(%error, "catalog");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "Internal server error; see the server log",
                )
            }
            E::Store(store) => store.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_original_header_rule() {
        for (status, header_expected) in
            [(401, true), (403, true), (404, true), (409, true), (412, true), (400, false), (503, false), (500, false)]
        {
            let error = ApiError::new(StatusCode::from_u16(status).unwrap(), "x", "m");
            let response = error.into_response();
            assert_eq!(response.status().as_u16(), status);
            assert_eq!(response.headers().contains_key(header::WWW_AUTHENTICATE), header_expected, "{status}");
        }
    }
}
