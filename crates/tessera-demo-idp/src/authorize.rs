//! `GET /authorize` validates the request and shows the login page; `POST /authorize` (the page's
//! form) signs the chosen user in and sends the browser back with a code or an ID token.

use crate::crypto::random_token;
use crate::id_token::{self, IdTokenFor};
use crate::pages;
use crate::state::{AuthRequest, CODE_TTL, CodeGrant, INTERACTION_TTL, ResponseType, State};
use axum::extract::{Form, Query, State as Extract};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use std::collections::HashMap;
use std::sync::Arc;

/// Why a request is refused: on a page (the redirect target is not trusted) or back at the client.
enum Refusal {
    Page(String),
    Redirect { to: Target, error: &'static str, description: String },
}

/// Where answers go: the redirect URI, in the query (code) or the fragment (id_token).
#[derive(Clone)]
struct Target {
    redirect_uri: String,
    fragment: bool,
    state: Option<String>,
}

pub async fn show(Extract(state): Extract<Arc<State>>, Query(query): Query<HashMap<String, String>>) -> Response {
    match validate(&state, &query) {
        Ok(request) => {
            let interaction = random_token(24);
            let client_id = request.client_id.clone();
            state.interactions.insert(interaction.clone(), request, INTERACTION_TTL);
            pages::login(&interaction, &client_id, &state.users)
        }
        Err(refusal) => refuse(refusal),
    }
}

fn validate(state: &State, q: &HashMap<String, String>) -> Result<AuthRequest, Refusal> {
    let param = |name: &str| q.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let client_id = param("client_id").ok_or_else(|| Refusal::Page("The request has no client_id.".into()))?;
    if state.client(client_id).is_none() {
        return Err(Refusal::Page(format!("Unknown client_id {client_id:?}.")));
    }
    let redirect_uri = param("redirect_uri").unwrap_or_default();
    if !state.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Refusal::Page(format!(
            "The redirect_uri {redirect_uri:?} is not registered; registered: {}. Open Tessera at one of those \
             origins, or pass --port so the demo registers the port you use.",
            state.redirect_uris.join(", ")
        )));
    }
    let response_type = match param("response_type") {
        Some("code") => Some(ResponseType::Code),
        Some("id_token") => Some(ResponseType::IdToken),
        _ => None,
    };
    let to = Target {
        redirect_uri: redirect_uri.to_string(),
        fragment: response_type == Some(ResponseType::IdToken),
        state: param("state").map(str::to_string),
    };
    let refuse =
        |error, description: &str| Err(Refusal::Redirect { to: to.clone(), error, description: description.into() });
    let Some(response_type) = response_type else {
        return refuse("unsupported_response_type", "response_type must be code or id_token");
    };
    let scope = param("scope").unwrap_or_default();
    if !crate::state::has_scope(scope, "openid") {
        return refuse("invalid_scope", "the scope must include openid");
    }
    // There is no provider session here (every sign-in shows the page), so a silent request can
    // only be told to sign in, as Auth0 answers without a session.
    if param("prompt").is_some_and(|p| p.split_whitespace().any(|v| v == "none")) {
        return refuse("login_required", "the demo provider keeps no session; sign in on its page");
    }
    let nonce = param("nonce");
    let code_challenge = param("code_challenge");
    match response_type {
        ResponseType::IdToken if nonce.is_none() => {
            return refuse("invalid_request", "nonce is required with id_token");
        }
        ResponseType::Code if code_challenge.is_some() && param("code_challenge_method") != Some("S256") => {
            return refuse("invalid_request", "code_challenge_method must be S256");
        }
        ResponseType::Code if code_challenge.is_some_and(|c| !(43..=128).contains(&c.len())) => {
            return refuse("invalid_request", "code_challenge must be 43 to 128 characters");
        }
        ResponseType::Code if code_challenge.is_none() && state.client(client_id).is_some_and(|c| c.is_public()) => {
            return refuse("invalid_request", "the public client must use PKCE (code_challenge_method=S256)");
        }
        _ => {}
    }
    Ok(AuthRequest {
        client_id: client_id.to_string(),
        redirect_uri: to.redirect_uri,
        response_type,
        state: to.state,
        nonce: nonce.map(str::to_string),
        scope: scope.to_string(),
        code_challenge: code_challenge.map(str::to_string),
    })
}

#[derive(serde::Deserialize)]
pub struct SignIn {
    interaction: Option<String>,
    user: Option<String>,
    cancel: Option<String>,
}

pub async fn sign_in(Extract(state): Extract<Arc<State>>, Form(form): Form<SignIn>) -> Response {
    // The interaction id is only valid once: a replayed or forged form finds nothing.
    let Some(request) = form.interaction.as_deref().and_then(|id| state.interactions.take(id)) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This sign-in page was already used or has expired (10 minutes).",
        );
    };
    let to = Target {
        redirect_uri: request.redirect_uri.clone(),
        fragment: request.response_type == ResponseType::IdToken,
        state: request.state.clone(),
    };
    if form.cancel.is_some() {
        return refuse(Refusal::Redirect {
            to,
            error: "access_denied",
            description: "the user cancelled sign-in".into(),
        });
    }
    let Some(user) = form.user.as_deref().and_then(|id| state.user(id)) else {
        return pages::error(StatusCode::BAD_REQUEST, "Choose one of the demo users.");
    };
    tracing::info!(user = %user.id, client = %request.client_id, "demo sign-in");
    match request.response_type {
        ResponseType::Code => {
            let code = random_token(32);
            let user_id = user.id.clone();
            state.codes.insert(code.clone(), CodeGrant { request, user_id }, CODE_TTL);
            redirect(&to, &[("code", &code)])
        }
        ResponseType::IdToken => {
            let token = id_token::mint(
                &state,
                &IdTokenFor {
                    user,
                    client_id: &request.client_id,
                    scope: &request.scope,
                    nonce: request.nonce.as_deref(),
                    access_token: None,
                },
            );
            redirect(&to, &[("id_token", &token)])
        }
    }
}

fn refuse(refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page(message) => pages::error(StatusCode::BAD_REQUEST, &message),
        Refusal::Redirect { to, error, description } => {
            redirect(&to, &[("error", error), ("error_description", &description)])
        }
    }
}

/// 302 to the registered redirect URI with `params` and the client's `state`.
fn redirect(to: &Target, params: &[(&str, &str)]) -> Response {
    let mut url = url::Url::parse(&to.redirect_uri).expect("registered redirect URIs are URLs");
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    pairs.extend_pairs(params.iter().copied());
    if let Some(state) = &to.state {
        pairs.append_pair("state", state);
    }
    let encoded = pairs.finish();
    if to.fragment {
        url.set_fragment(Some(&encoded));
    } else {
        let query = match url.query() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{encoded}"),
            _ => encoded,
        };
        url.set_query(Some(&query));
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string()), (header::CACHE_CONTROL, "no-store".into())])
        .into_response()
}
