//! Tessera's HTTP side: the API router (port 8585) and the admin router (port 8586), the error
//! contract, and the layers every request passes (request id, log, metrics, authentication).

mod access_control;
pub mod admin;
pub mod authn;
mod body;
mod bots;
mod catalog;
mod change_event;
pub mod connections;
pub mod entities;
pub mod error;
mod extract;
mod lineage;
pub mod observe;
mod openapi;
mod passwords;
mod permissions;
mod pipelines;
pub mod public_paths;
mod queries;
mod query_costs;
pub mod route;
pub mod route_access;
mod search;
mod search_query;
mod signin;
mod signin_page;
mod state;
pub mod system;
mod table_joins;
mod team_members;
mod test_connections;
pub mod ui;
mod usage;
mod user_patch;
mod user_profile;
mod users;

use axum::http::{HeaderName, Request};
use axum::response::IntoResponse;
use axum::{Router, middleware};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use error::ApiError;
pub use state::{AppState, Services, Shared};

/// The API port: `/api/...` behind the authentication layer, a JSON 404 elsewhere.
pub fn api_router(state: AppState) -> Router {
    let router = route::router(&state, route::all())
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                error::messages::METHOD_NOT_ALLOWED,
            )
        })
        // Outermost of the routing: it sees every path, matched or not.
        .layer(middleware::from_fn_with_state(state.clone(), authn::authenticate))
        // Before anyone answers: the connection stays usable whatever the answer.
        .layer(middleware::from_fn_with_state(state.clone(), body::read_whole))
        .with_state(state);
    with_common_layers(router)
}

/// `/callback` with a public client: the web UI's page that finishes the browser's sign-in.
pub(crate) fn callback_page(state: &AppState) -> axum::response::Response {
    ui::index_page(state)
}

/// The admin port's router, with the same request ids and logs.
pub fn admin_router(state: AppState) -> Router {
    with_common_layers(admin::router(state))
}

fn with_common_layers(router: Router) -> Router {
    let request_id = HeaderName::from_static(observe::REQUEST_ID_HEADER);
    router
        .layer(middleware::from_fn(observe::log_and_count))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            tracing::error!("a handler panicked");
            ApiError::internal("(see the preceding log line)").into_response()
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// For tests: a request with the given method and path.
#[doc(hidden)]
pub fn request(method: &str, path: &str) -> Request<axum::body::Body> {
    Request::builder().method(method).uri(path).body(axum::body::Body::empty()).expect("valid request")
}
