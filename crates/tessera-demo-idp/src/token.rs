//! `POST /oauth/token`: the `authorization_code` and `refresh_token` grants, with client
//! authentication (none + PKCE for the public client; a secret by post or basic for the other).

use crate::crypto::{random_token, s256, secrets_equal};
use crate::directory::Client;
use crate::id_token::{self, IdTokenFor};
use crate::state::{REFRESH_TTL, Session, State};
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State as Extract};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::{HeaderMap, StatusCode, header};
use serde_json::json;
use std::sync::Arc;

#[derive(Debug, Default, serde::Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    /// `/oauth/revoke`'s token (RFC 7009).
    token: Option<String>,
}

/// An OAuth error response (RFC 6749 §5.2).
pub struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

fn fail(error: &'static str, description: impl Into<String>) -> OAuthError {
    let status = if error == "invalid_client" { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
    OAuthError { status, error, description: description.into() }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = Json(json!({"error": self.error, "error_description": self.description}));
        let mut response = (self.status, no_store(), body).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = http::HeaderValue::from_static("Basic realm=\"tessera-demo\"");
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")]
}

pub async fn token(
    Extract(state): Extract<Arc<State>>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let result = match form {
        Ok(Form(form)) => grant(&state, &headers, &form),
        Err(_) => Err(fail("invalid_request", "send the parameters as application/x-www-form-urlencoded")),
    };
    result.map_or_else(IntoResponse::into_response, |body| (no_store(), Json(body)).into_response())
}

/// `POST /oauth/revoke` (RFC 7009, as Auth0 has it): ends a refresh token of the calling client.
/// Answers 200 whether or not the token was known, so it reveals nothing.
pub async fn revoke(
    Extract(state): Extract<Arc<State>>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return fail("invalid_request", "send the parameters as application/x-www-form-urlencoded").into_response();
    };
    let client = match authenticate(&state, &headers, &form) {
        Ok(client) => client,
        Err(error) => return error.into_response(),
    };
    let Some(token) = form.token.as_deref().filter(|t| !t.is_empty()) else {
        return fail("invalid_request", "token is missing").into_response();
    };
    if state.refresh_tokens.get(token).is_some_and(|session| session.client_id == client.id) {
        state.refresh_tokens.take(token);
    }
    (StatusCode::OK, no_store()).into_response()
}

fn grant(state: &State, headers: &HeaderMap, form: &TokenForm) -> Result<serde_json::Value, OAuthError> {
    let client = authenticate(state, headers, form)?;
    match form.grant_type.as_deref() {
        Some("authorization_code") => authorization_code(state, client, form),
        Some("refresh_token") => refresh(state, client, form),
        Some(other) => Err(fail("unsupported_grant_type", format!("{other} is not supported"))),
        None => Err(fail("invalid_request", "grant_type is missing")),
    }
}

fn authenticate<'a>(state: &'a State, headers: &HeaderMap, form: &TokenForm) -> Result<&'a Client, OAuthError> {
    let basic = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(basic_credentials);
    let (id, secret) = match basic {
        Some((id, _)) if form.client_id.as_ref().is_some_and(|f| *f != id) => {
            return Err(fail("invalid_request", "client_id differs from the Authorization header"));
        }
        Some((id, secret)) => (id, Some(secret)),
        None => (form.client_id.clone().unwrap_or_default(), form.client_secret.clone()),
    };
    let client = state.client(&id).ok_or_else(|| fail("invalid_client", "unknown client"))?;
    if let Some(expected) = &client.secret
        && !secret.is_some_and(|given| secrets_equal(&given, expected))
    {
        return Err(fail("invalid_client", "client authentication failed"));
    }
    Ok(client)
}

/// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape =
        |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((unescape(id)?, unescape(secret)?))
}

fn authorization_code(state: &State, client: &Client, form: &TokenForm) -> Result<serde_json::Value, OAuthError> {
    let code = form.code.as_deref().ok_or_else(|| fail("invalid_request", "code is missing"))?;
    // Taken out at once: a replayed code, even a refused one, finds nothing.
    let grant =
        state.codes.take(code).ok_or_else(|| fail("invalid_grant", "the code is unknown, expired or already used"))?;
    let request = &grant.request;
    if request.client_id != client.id {
        return Err(fail("invalid_grant", "the code was issued to another client"));
    }
    if form.redirect_uri.as_deref() != Some(request.redirect_uri.as_str()) {
        return Err(fail("invalid_grant", "redirect_uri differs from the one the code was issued for"));
    }
    if let Some(challenge) = &request.code_challenge {
        let verified = form.code_verifier.as_deref().is_some_and(|v| secrets_equal(&s256(v), challenge));
        if !verified {
            return Err(fail("invalid_grant", "code_verifier does not match the code_challenge"));
        }
    }
    let session =
        Session { client_id: client.id.to_string(), user_id: grant.user_id.clone(), scope: request.scope.clone() };
    let refresh = request.has_scope("offline_access");
    issue(state, &session, request.nonce.as_deref(), refresh)
}

fn refresh(state: &State, client: &Client, form: &TokenForm) -> Result<serde_json::Value, OAuthError> {
    let token = form.refresh_token.as_deref().ok_or_else(|| fail("invalid_request", "refresh_token is missing"))?;
    let session = state
        .refresh_tokens
        .get(token)
        .filter(|s| s.client_id == client.id)
        .ok_or_else(|| fail("invalid_grant", "the refresh token is unknown or was issued to another client"))?;
    issue(state, &session, None, false)
}

/// A fresh access token and ID token (with `at_hash`), and a refresh token when asked for.
fn issue(
    state: &State,
    session: &Session,
    nonce: Option<&str>,
    refresh: bool,
) -> Result<serde_json::Value, OAuthError> {
    let user = state.user(&session.user_id).ok_or_else(|| fail("invalid_grant", "unknown user"))?;
    let access_token = random_token(32);
    state.access_tokens.insert(access_token.clone(), session.clone(), state.token_ttl);
    let id_token = id_token::mint(
        state,
        &IdTokenFor {
            user,
            client_id: &session.client_id,
            scope: &session.scope,
            nonce,
            access_token: Some(&access_token),
        },
    );
    let mut body = json!({
        "access_token": access_token,
        "id_token": id_token,
        "scope": session.scope,
        "expires_in": state.token_ttl.as_secs(),
        "token_type": "Bearer",
    });
    if refresh {
        let refresh_token = random_token(32);
        state.refresh_tokens.insert(refresh_token.clone(), session.clone(), REFRESH_TTL);
        body["refresh_token"] = json!(refresh_token);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn basic_credentials_are_url_decoded() {
        let header =
            format!("Basic {}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "a%3Ab:s+c%2F"));
        assert_eq!(super::basic_credentials(&header), Some(("a:b".into(), "s c/".into())));
        assert_eq!(super::basic_credentials("Bearer x"), None);
    }
}
