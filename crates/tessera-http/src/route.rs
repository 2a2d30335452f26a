//! One declaration per route: method, path and who may call it, written once next to its handler.
//! The axum router, the access check of each route, the public-path list and the OpenAPI document
//! are all built from these declarations, so a route cannot exist without its access rule.

use crate::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use tessera_authz::Operation;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token (the original's public list, and the web UI's pages).
    Public,
    /// Any verified caller; the handler acts only on the caller's own data.
    SignedIn,
    /// Admins only (the original's `authorizeAdmin`).
    Admin,
    /// The authorizer decides this operation on this resource type; the handler gets a
    /// [`crate::route_access::Permit`] for it.
    Operation(&'static str, Operation),
    /// Decided with what only the request or its entity tells (the index searched, the fields of
    /// a user's own record): the handler gets a [`crate::route_access::Gate`] and reaches the
    /// catalog only through the permits it gives. The text says what decides.
    Decided(&'static str),
}

impl Access {
    /// What the OpenAPI document and error messages say of it.
    pub fn describe(self) -> String {
        match self {
            Access::Public => "public: no token".into(),
            Access::SignedIn => "any signed-in caller".into(),
            Access::Admin => "admins only".into(),
            Access::Operation(resource, operation) => format!("{operation} on {resource}"),
            Access::Decided(how) => format!("decided per request: {how}"),
        }
    }
}

/// A route: its declaration and its handler.
pub struct Route {
    pub method: Method,
    pub path: String,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

/// (method, path, access) of a route, without its handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub method: Method,
    pub path: String,
    pub access: Access,
}

macro_rules! constructors {
    ($($name:ident => $method:ident),+) => {
        $(
            pub fn $name<H: Handler<T, AppState>, T: 'static>(path: impl Into<String>, access: Access, handler: H) -> Route {
                Route { method: Method::$method, path: path.into(), access, handler: axum::routing::$name(handler) }
            }
        )+
    };
}

constructors!(get => GET, put => PUT, post => POST, patch => PATCH, delete => DELETE);

impl Route {
    pub fn declaration(&self) -> Declaration {
        Declaration { method: self.method.clone(), path: self.path.clone(), access: self.access }
    }
}

/// Every route of the API port, as the handler modules declare them.
pub fn all() -> Vec<Route> {
    [
        crate::system::routes(),
        crate::users::routes(),
        crate::passwords::routes(),
        crate::bots::routes(),
        crate::signin::routes(),
        crate::access_control::routes(),
        crate::team_members::routes(),
        crate::permissions::routes(),
        crate::test_connections::routes(),
        crate::search::routes(),
        crate::catalog::routes(),
        crate::pipelines::routes(),
        crate::lineage::routes(),
        crate::usage::routes(),
        crate::queries::routes(),
        crate::query_costs::routes(),
        crate::table_joins::routes(),
        crate::openapi::routes(),
        crate::ui::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The declarations alone (for the OpenAPI document, the public-path list and tests).
pub fn declarations() -> Vec<Declaration> {
    all().iter().map(Route::declaration).collect()
}

/// The router of `routes`, each behind the check of its own declared access.
pub fn router(state: &AppState, routes: Vec<Route>) -> Router<AppState> {
    let mut router = Router::new();
    for route in routes {
        let check = axum::middleware::from_fn_with_state((state.clone(), route.access), crate::route_access::enforce);
        // Routes of one path with other methods merge into one method router.
        router = router.route(&route.path, route.handler.route_layer(check));
    }
    router
}
