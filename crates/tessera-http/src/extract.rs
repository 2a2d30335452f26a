//! Request extractors whose rejections follow the error contract (JSON, 400, a message that says
//! what to fix) instead of axum's plain-text defaults.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// A JSON body.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(ApiError::bad_request(
                "invalid_body",
                format!("The request body is not valid: {}", rejection.body_text()),
            )),
        }
    }
}

/// Query parameters as text.
pub struct Params(pub HashMap<String, String>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// `include=non-deleted|deleted|all` (default `non-deleted`), on every read by id, name or list.
    pub fn include(&self) -> Result<tessera_catalog::Include, ApiError> {
        Ok(tessera_catalog::Include::parse(self.get("include"))?)
    }

    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            None => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => {
                Err(ApiError::bad_request("invalid_parameter", format!("{name} must be true or false, not {v:?}")))
            }
        }
    }

    /// `limit` (default 10, 0 to 1,000,000, as the original).
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.get("limit") {
            None => Ok(10),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_request(
                    "invalid_parameter",
                    format!("limit must be a number from 0 to 1000000, not {v:?}"),
                )),
            },
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<HashMap<String, String>>::from_request_parts(parts, state).await {
            Ok(Query(map)) => Ok(Params(map)),
            Err(rejection) => Err(ApiError::bad_request("invalid_query", rejection.body_text())),
        }
    }
}

/// Path parameters, percent-decoded after routing; a segment that does not decode to text is a
/// JSON 400 rather than axum's plain-text rejection.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParams(value)),
            Err(rejection) => Err(ApiError::bad_request(
                "invalid_path",
                format!("The path is not valid: {}; percent-encode the name as UTF-8", rejection.body_text()),
            )),
        }
    }
}
