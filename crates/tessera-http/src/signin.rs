//! The confidential client's browser endpoints (`/api/v1/auth/login`, `/callback`,
//! `/auth/callback`, `/api/v1/auth/refresh`, `/api/v1/auth/logout`): cookies in, redirects out. The flow itself is
//! [`tessera_auth::signin::SignIn`]; failures end on a page a person can read (see
//! [`crate::signin_page`]), never a bare 500 and never an automatic redirect (no loops).

use crate::AppState;
use crate::error::ApiError;
use crate::route::Access::Public;
use crate::route::{Route, get};
use crate::signin_page::failure_page;
use axum::Json;
use axum::extract::{Query, Request, State};
use axum::http::header::{CACHE_CONTROL, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tessera_auth::signin::{CallbackParams, CookieChange, PENDING_SECONDS, SignInError, Step};

/// Public: they work on the session cookie, never on a bearer token.
pub fn routes() -> Vec<Route> {
    vec![
        get("/api/v1/auth/login", Public, login),
        get("/callback", Public, callback),
        get(HANDOFF_PAGE, Public, handoff),
        get("/api/v1/auth/refresh", Public, refresh),
        get("/api/v1/auth/logout", Public, logout),
    ]
}

/// The web UI's page that receives the token after a sign-in (`?id_token=&email=&name=`).
pub const HANDOFF_PAGE: &str = "/auth/callback";

/// The cookies of the flow, `__Host-` prefixed over TLS (see [`cookie_name`]).
const SESSION_COOKIE: &str = "tessera_session";
const PENDING_COOKIE: &str = "tessera_signin";
const HANDOFF_COOKIE: &str = "tessera_handoff";
/// A hand-off happens right after the redirect; a minute is plenty.
const HANDOFF_SECONDS: u64 = 60;

#[derive(serde::Deserialize)]
struct LoginParams {
    #[serde(rename = "redirectUri")]
    redirect_uri: Option<String>,
}

async fn login(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    // Read leniently: a malformed query is a missing redirectUri, answered with the page that says so.
    let params = Query::<LoginParams>::try_from_uri(request.uri()).map(|q| q.0).ok();
    let redirect_uri = params.and_then(|p| p.redirect_uri);
    let cookie = cookie(&state, &headers, SESSION_COOKIE);
    match state.signin.start(cookie.as_deref(), redirect_uri.as_deref()).await {
        Ok(step) => redirect(&state, step),
        Err(error) => failed(&state, &headers, error),
    }
}

async fn callback(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    if !state.signin.enabled() {
        // With a public client `/callback` is the web UI's page that finishes the browser's flow.
        return crate::callback_page(&state);
    }
    let params = Query::<CallbackParams>::try_from_uri(request.uri()).map(|q| q.0).unwrap_or_default();
    let pending = cookie(&state, &headers, PENDING_COOKIE);
    match state.signin.callback(pending.as_deref(), params).await {
        Ok(step) => redirect(&state, step),
        Err(error) => {
            let ends = error.ends_the_pending_sign_in();
            let mut page = failed(&state, &headers, error);
            if ends && let Ok(clear) = HeaderValue::from_str(&clear_cookie(&state, PENDING_COOKIE)) {
                page.headers_mut().append(SET_COOKIE, clear);
            }
            page
        }
    }
}

#[derive(serde::Deserialize)]
struct HandoffParams {
    id_token: Option<String>,
}

/// `/auth/callback`: the web UI's page. With a confidential client, a token in its query is shown
/// to the UI only in the browser that finished that sign-in (login CSRF: otherwise a link with
/// someone else's token would sign the victim in as them).
async fn handoff(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let token = Query::<HandoffParams>::try_from_uri(request.uri()).ok().and_then(|q| q.0.id_token);
    let Some(token) = token.filter(|_| state.signin.enabled()) else {
        return crate::ui::index_page(&state);
    };
    if !state.signin.handoff_is_bound(cookie(&state, &headers, HANDOFF_COOKIE).as_deref(), &token) {
        return failed(&state, &headers, SignInError::HandoffUnbound);
    }
    let mut page = crate::ui::index_page(&state);
    if let Ok(clear) = HeaderValue::from_str(&clear_cookie(&state, HANDOFF_COOKIE)) {
        page.headers_mut().append(SET_COOKIE, clear);
    }
    page
}

async fn refresh(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cookie = cookie(&state, &headers, SESSION_COOKIE);
    match state.signin.refresh(cookie.as_deref()).await {
        Ok(refreshed) => {
            let body = json!({"accessToken": refreshed.access_token, "expiryDuration": refreshed.expires_at});
            ([(CACHE_CONTROL, "no-store")], Json(body)).into_response()
        }
        Err(error) => {
            tracing::info!(reason = error.reason(), "refresh refused");
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_GATEWAY);
            ApiError::new(status, error.reason(), error.to_string()).into_response()
        }
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cookie = cookie(&state, &headers, SESSION_COOKIE);
    let location = state.signin.logout(cookie.as_deref()).await;
    let mut response = see_other(&location);
    if let Ok(clear) = HeaderValue::from_str(&clear_cookie(&state, SESSION_COOKIE)) {
        response.headers_mut().insert(SET_COOKIE, clear);
    }
    response
}

fn redirect(state: &AppState, step: Step) -> Response {
    let mut response = see_other(&step.location);
    for change in &step.cookies {
        let line = match change {
            CookieChange::Session(cookie) => {
                set_cookie(state, SESSION_COOKIE, cookie.value(), state.config.oidc.session_expiry_seconds)
            }
            CookieChange::Pending(sealed) => set_cookie(state, PENDING_COOKIE, sealed, PENDING_SECONDS.unsigned_abs()),
            CookieChange::ClearPending => clear_cookie(state, PENDING_COOKIE),
            CookieChange::Handoff(value) => set_cookie(state, HANDOFF_COOKIE, value, HANDOFF_SECONDS),
        };
        if let Ok(value) = HeaderValue::from_str(&line) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => {
            (StatusCode::FOUND, [(LOCATION, location), (CACHE_CONTROL, HeaderValue::from_static("no-store"))])
                .into_response()
        }
        Err(_) => ApiError::new(StatusCode::BAD_GATEWAY, "bad_location", "the redirect target is not a valid URL")
            .into_response(),
    }
}

fn failed(state: &AppState, headers: &HeaderMap, error: SignInError) -> Response {
    tracing::info!(reason = error.reason(), "sign-in step failed");
    let request_id = headers.get(crate::observe::REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-");
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_GATEWAY);
    failure_page(status, error.reason(), &error.to_string(), request_id, state.signin.enabled())
}

/// `__Host-` prefixed when served over TLS: the browser then refuses it from any other host or path.
fn cookie_name(state: &AppState, name: &str) -> String {
    if secure(state) { format!("__Host-{name}") } else { name.to_string() }
}

fn secure(state: &AppState) -> bool {
    state.config.oidc.server_url.starts_with("https://")
}

fn cookie(state: &AppState, headers: &HeaderMap, name: &str) -> Option<String> {
    let name = cookie_name(state, name);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name.as_str())
        .map(|(_, value)| value.to_string())
}

fn set_cookie(state: &AppState, name: &str, value: &str, max_age: u64) -> String {
    let secure = if secure(state) { "; Secure" } else { "" };
    format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", cookie_name(state, name))
}

fn clear_cookie(state: &AppState, name: &str) -> String {
    set_cookie(state, name, "", 0)
}
