//! `GET /userinfo` (the access token's user) and Auth0's `GET /v2/logout`.

use crate::directory::is_allowed_return;
use crate::id_token::{add_user_claims, subject};
use crate::pages;
use crate::state::State;
use axum::Json;
use axum::extract::{Query, State as Extract};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

pub async fn userinfo(Extract(state): Extract<Arc<State>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let found = token.and_then(|t| state.access_tokens.get(t)).and_then(|s| Some((state.user(&s.user_id)?, s)));
    let Some((user, session)) = found else {
        let challenge = "Bearer error=\"invalid_token\", error_description=\"the access token is unknown or expired\"";
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, challenge)]).into_response();
    };
    let mut claims = json!({"sub": subject(user)});
    add_user_claims(&mut claims, user, &session.scope);
    ([(header::CACHE_CONTROL, "no-store")], Json(claims)).into_response()
}

/// There is no session to end (every sign-in shows the login page); this sends the browser back.
/// Auth0's `returnTo` and OpenID's `post_logout_redirect_uri` must be on one of Tessera's origins.
pub async fn logout(Extract(state): Extract<Arc<State>>, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Some(client_id) = q.get("client_id").filter(|c| !c.is_empty())
        && state.client(client_id).is_none()
    {
        return pages::error(StatusCode::BAD_REQUEST, &format!("Unknown client_id {client_id:?}."));
    }
    let target = q.get("returnTo").or_else(|| q.get("post_logout_redirect_uri")).filter(|t| !t.is_empty());
    let Some(target) = target else { return pages::signed_out() };
    if !is_allowed_return(&state.origins, target) {
        let allowed = state.origins.join(", ");
        return pages::error(
            StatusCode::BAD_REQUEST,
            &format!("The logout target {target:?} is not on a registered origin ({allowed})."),
        );
    }
    let mut url = url::Url::parse(target).expect("checked above");
    if let Some(s) = q.get("state").filter(|_| q.contains_key("post_logout_redirect_uri")) {
        url.query_pairs_mut().append_pair("state", s);
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}
