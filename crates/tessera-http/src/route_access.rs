//! Every API route declares who may call it, in one table; a layer enforces the declaration before
//! the handler runs, and refuses any matched route that has none (fail closed). A test enumerates
//! the routes in the source and fails on any that is missing here.

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// On the exact public list: no token.
    Public,
    /// Any verified caller; the handler acts only on the caller's own data.
    SignedIn,
    /// The rule depends on the body (self sign-up, self update): enforced by the handler, which
    /// the text names.
    InHandler(&'static str),
    /// Admins only (the original's `authorizeAdmin`).
    Admin,
    /// The authorizer decides this operation on this resource type for the caller.
    Operation(&'static str, &'static str),
}

use Access::*;

/// (method, route template, access) for the API port.
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/api/v1/system/version", Public),
    ("GET", "/api/v1/system/config/auth", Public),
    ("GET", "/api/v1/system/config/authorizer", Public),
    ("GET", "/api/v1/system/config/jwks", Public),
    ("GET", "/api/v1/auth/login", Public),
    ("GET", "/callback", Public),
    ("GET", "/api/v1/auth/refresh", Public),
    ("GET", "/api/v1/auth/logout", Public),
    ("GET", "/api/v1/users", Operation("user", "ViewBasic")),
    ("POST", "/api/v1/users", InHandler("self sign-up; anyone else: admins")),
    ("PUT", "/api/v1/users", InHandler("a user updates themselves; admins anyone; roles and teams: admins")),
    ("GET", "/api/v1/users/loggedInUser", SignedIn),
    ("GET", "/api/v1/users/{id}", Operation("user", "ViewBasic")),
    ("DELETE", "/api/v1/users/{id}", Admin),
    ("GET", "/api/v1/users/name/{name}", Operation("user", "ViewBasic")),
    ("PUT", "/api/v1/users/generateToken/{id}", Admin),
    ("GET", "/api/v1/users/token/{id}", Admin),
    ("PUT", "/api/v1/users/revokeToken", Admin),
    ("GET", "/api/v1/users/auth-mechanism/{id}", Admin),
    ("GET", "/api/v1/users/security/token", SignedIn),
    ("PUT", "/api/v1/users/security/token", SignedIn),
    ("PUT", "/api/v1/users/security/token/revoke", SignedIn),
    ("GET", "/api/v1/bots", Operation("bot", "ViewBasic")),
    ("POST", "/api/v1/bots", Admin),
    ("PUT", "/api/v1/bots", Admin),
    ("GET", "/api/v1/bots/{id}", Operation("bot", "ViewBasic")),
    ("DELETE", "/api/v1/bots/{id}", Admin),
    ("GET", "/api/v1/bots/name/{name}", Operation("bot", "ViewBasic")),
    ("GET", "/api/v1/policies", Operation("policy", "ViewBasic")),
    ("POST", "/api/v1/policies", Admin),
    ("PUT", "/api/v1/policies", Admin),
    ("GET", "/api/v1/policies/{id}", Operation("policy", "ViewBasic")),
    ("DELETE", "/api/v1/policies/{id}", Admin),
    ("GET", "/api/v1/policies/name/{name}", Operation("policy", "ViewBasic")),
    ("GET", "/api/v1/policies/validation/condition/{expression}", SignedIn),
    ("GET", "/api/v1/roles", Operation("role", "ViewBasic")),
    ("POST", "/api/v1/roles", Admin),
    ("PUT", "/api/v1/roles", Admin),
    ("GET", "/api/v1/roles/{id}", Operation("role", "ViewBasic")),
    ("DELETE", "/api/v1/roles/{id}", Admin),
    ("GET", "/api/v1/roles/name/{name}", Operation("role", "ViewBasic")),
    ("GET", "/api/v1/teams", Operation("team", "ViewBasic")),
    ("POST", "/api/v1/teams", Admin),
    ("PUT", "/api/v1/teams", Admin),
    ("GET", "/api/v1/teams/{id}", Operation("team", "ViewBasic")),
    ("DELETE", "/api/v1/teams/{id}", Admin),
    ("GET", "/api/v1/teams/name/{name}", Operation("team", "ViewBasic")),
    ("GET", "/api/v1/permissions", SignedIn),
    ("GET", "/api/v1/permissions/{resource}", SignedIn),
    ("GET", "/api/v1/permissions/{resource}/{id}", SignedIn),
    ("GET", "/api/v1/permissions/{resource}/name/{name}", SignedIn),
    ("GET", "/api/v1/services/testConnectionDefinitions", Operation("testConnectionDefinition", "ViewBasic")),
    ("GET", "/api/v1/services/testConnectionDefinitions/{id}", Operation("testConnectionDefinition", "ViewBasic")),
    (
        "GET",
        "/api/v1/services/testConnectionDefinitions/name/{fqn}",
        Operation("testConnectionDefinition", "ViewBasic"),
    ),
    // The catalog. PUT is create-or-update: Create on the type, as the ingestion bot holds it.
    // PATCH needs EditAll (the original asks finer operations per patched field: see
    // docs/compatibility.md).
    ("GET", "/api/v1/services/databaseServices", Operation("databaseService", "ViewBasic")),
    ("PUT", "/api/v1/services/databaseServices", Operation("databaseService", "Create")),
    ("POST", "/api/v1/services/databaseServices", Operation("databaseService", "Create")),
    ("GET", "/api/v1/services/databaseServices/{id}", Operation("databaseService", "ViewBasic")),
    ("DELETE", "/api/v1/services/databaseServices/{id}", Operation("databaseService", "Delete")),
    ("PATCH", "/api/v1/services/databaseServices/{id}", Operation("databaseService", "EditAll")),
    ("GET", "/api/v1/services/databaseServices/name/{fqn}", Operation("databaseService", "ViewBasic")),
    ("GET", "/api/v1/services/databaseServices/{id}/versions", Operation("databaseService", "ViewBasic")),
    ("GET", "/api/v1/services/databaseServices/{id}/versions/{version}", Operation("databaseService", "ViewBasic")),
    ("PUT", "/api/v1/services/databaseServices/restore", Operation("databaseService", "EditAll")),
    ("GET", "/api/v1/databases", Operation("database", "ViewBasic")),
    ("PUT", "/api/v1/databases", Operation("database", "Create")),
    ("POST", "/api/v1/databases", Operation("database", "Create")),
    ("GET", "/api/v1/databases/{id}", Operation("database", "ViewBasic")),
    ("DELETE", "/api/v1/databases/{id}", Operation("database", "Delete")),
    ("PATCH", "/api/v1/databases/{id}", Operation("database", "EditAll")),
    ("GET", "/api/v1/databases/name/{fqn}", Operation("database", "ViewBasic")),
    ("GET", "/api/v1/databases/{id}/versions", Operation("database", "ViewBasic")),
    ("GET", "/api/v1/databases/{id}/versions/{version}", Operation("database", "ViewBasic")),
    ("PUT", "/api/v1/databases/restore", Operation("database", "EditAll")),
    ("GET", "/api/v1/databaseSchemas", Operation("databaseSchema", "ViewBasic")),
    ("PUT", "/api/v1/databaseSchemas", Operation("databaseSchema", "Create")),
    ("POST", "/api/v1/databaseSchemas", Operation("databaseSchema", "Create")),
    ("GET", "/api/v1/databaseSchemas/{id}", Operation("databaseSchema", "ViewBasic")),
    ("DELETE", "/api/v1/databaseSchemas/{id}", Operation("databaseSchema", "Delete")),
    ("PATCH", "/api/v1/databaseSchemas/{id}", Operation("databaseSchema", "EditAll")),
    ("GET", "/api/v1/databaseSchemas/name/{fqn}", Operation("databaseSchema", "ViewBasic")),
    ("GET", "/api/v1/databaseSchemas/{id}/versions", Operation("databaseSchema", "ViewBasic")),
    ("GET", "/api/v1/databaseSchemas/{id}/versions/{version}", Operation("databaseSchema", "ViewBasic")),
    ("PUT", "/api/v1/databaseSchemas/restore", Operation("databaseSchema", "EditAll")),
    ("GET", "/api/v1/tables", Operation("table", "ViewBasic")),
    ("PUT", "/api/v1/tables", Operation("table", "Create")),
    ("POST", "/api/v1/tables", Operation("table", "Create")),
    ("GET", "/api/v1/tables/{id}", Operation("table", "ViewBasic")),
    ("DELETE", "/api/v1/tables/{id}", Operation("table", "Delete")),
    ("PATCH", "/api/v1/tables/{id}", Operation("table", "EditAll")),
    ("GET", "/api/v1/tables/name/{fqn}", Operation("table", "ViewBasic")),
    ("GET", "/api/v1/tables/{id}/versions", Operation("table", "ViewBasic")),
    ("GET", "/api/v1/tables/{id}/versions/{version}", Operation("table", "ViewBasic")),
    ("PUT", "/api/v1/tables/restore", Operation("table", "EditAll")),
    ("GET", "/api/v1/search/fieldQuery", InHandler("ViewBasic on the entity type of the index")),
    ("GET", "/api/v1/search/query", InHandler("ViewBasic on each entity type searched")),
    ("GET", "/api/v1/storedProcedures", Operation("storedProcedure", "ViewBasic")),
    ("PUT", "/api/v1/storedProcedures", Operation("storedProcedure", "Create")),
    ("POST", "/api/v1/storedProcedures", Operation("storedProcedure", "Create")),
    ("GET", "/api/v1/storedProcedures/{id}", Operation("storedProcedure", "ViewBasic")),
    ("DELETE", "/api/v1/storedProcedures/{id}", Operation("storedProcedure", "Delete")),
    ("PATCH", "/api/v1/storedProcedures/{id}", Operation("storedProcedure", "EditAll")),
    ("GET", "/api/v1/storedProcedures/name/{fqn}", Operation("storedProcedure", "ViewBasic")),
    ("GET", "/api/v1/storedProcedures/{id}/versions", Operation("storedProcedure", "ViewBasic")),
    ("GET", "/api/v1/storedProcedures/{id}/versions/{version}", Operation("storedProcedure", "ViewBasic")),
    ("PUT", "/api/v1/storedProcedures/restore", Operation("storedProcedure", "EditAll")),
    // Ingestion pipelines. Run statuses: reading one needs ViewAll and writing one
    // EditIngestionPipelineStatus, as in the original (the bot's EditAll covers it).
    ("GET", "/api/v1/services/ingestionPipelines", Operation("ingestionPipeline", "ViewBasic")),
    ("PUT", "/api/v1/services/ingestionPipelines", Operation("ingestionPipeline", "Create")),
    ("POST", "/api/v1/services/ingestionPipelines", Operation("ingestionPipeline", "Create")),
    ("GET", "/api/v1/services/ingestionPipelines/{id}", Operation("ingestionPipeline", "ViewBasic")),
    ("DELETE", "/api/v1/services/ingestionPipelines/{id}", Operation("ingestionPipeline", "Delete")),
    ("PATCH", "/api/v1/services/ingestionPipelines/{id}", Operation("ingestionPipeline", "EditAll")),
    ("GET", "/api/v1/services/ingestionPipelines/name/{fqn}", Operation("ingestionPipeline", "ViewBasic")),
    ("GET", "/api/v1/services/ingestionPipelines/{id}/versions", Operation("ingestionPipeline", "ViewBasic")),
    ("GET", "/api/v1/services/ingestionPipelines/{id}/versions/{version}", Operation("ingestionPipeline", "ViewBasic")),
    ("PUT", "/api/v1/services/ingestionPipelines/restore", Operation("ingestionPipeline", "EditAll")),
    (
        "PUT",
        "/api/v1/services/ingestionPipelines/{fqn}/pipelineStatus",
        Operation("ingestionPipeline", "EditIngestionPipelineStatus"),
    ),
    ("GET", "/api/v1/services/ingestionPipelines/{fqn}/pipelineStatus", Operation("ingestionPipeline", "ViewAll")),
    ("GET", "/api/v1/services/ingestionPipelines/{fqn}/pipelineStatus/{id}", Operation("ingestionPipeline", "ViewAll")),
];

pub fn declared(method: &str, template: &str) -> Option<Access> {
    ROUTES.iter().find(|(m, t, _)| *m == method && *t == template).map(|(_, _, a)| *a)
}

/// Enforces the table. Runs inside routing (it needs the matched template) and after
/// authentication (it needs the caller).
pub async fn authorize(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(template) = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()) else {
        return next.run(request).await;
    };
    let method = request.method().as_str().to_string();
    let access = match declared(&method, &template) {
        Some(access) => access,
        // HEAD is GET without a body.
        None if method == "HEAD" => match declared("GET", &template) {
            Some(access) => access,
            None => return undeclared(&method, &template),
        },
        None => return undeclared(&method, &template),
    };
    let caller = request.extensions().get::<Caller>().map(|c| c.0.clone());
    if let Some(caller) = caller.as_ref().filter(|c| c.provider_roles.is_some())
        && let Err(error) = sync_provider_roles(&state, caller).await
    {
        return error.into_response();
    }
    let decision = match (access, caller) {
        (Public, _) => Ok(()),
        (_, None) => Err(ApiError::unauthorized("token_missing", tessera_auth::AuthError::Missing.to_string())),
        (SignedIn | InHandler(_), Some(_)) => Ok(()),
        (Admin, Some(caller)) => state.accounts.require_admin(&caller).await.map_err(ApiError::from),
        (Operation(resource, operation), Some(caller)) => operation_allowed(&state, &caller, resource, operation).await,
    };
    match decision {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn operation_allowed(
    state: &AppState,
    caller: &tessera_auth::Principal,
    resource: &str,
    operation: &str,
) -> Result<(), ApiError> {
    if state.config.authorizer.kind == tessera_config::AuthorizerKind::Noop
        || state.config.authorizer.request_filter == tessera_config::RequestFilter::Noop
    {
        return Ok(());
    }
    let user = state.accounts.require_user_of(caller).await?;
    let subject = state.access.subject(&user);
    let wanted = [tessera_authz::Operation::named(operation)];
    tessera_authz::check(&subject, resource, &wanted, &tessera_authz::condition::NoEntity(&subject))?;
    Ok(())
}

/// `AUTHORIZER_USE_ROLES_FROM_PROVIDER`: the token's roles (those that exist) become the user's
/// stored roles whenever they differ, so every replica and every later request agrees. Nothing is
/// written in the steady state (the comparison is in memory).
async fn sync_provider_roles(state: &AppState, caller: &tessera_auth::Principal) -> Result<(), ApiError> {
    let Some(wanted) = &caller.provider_roles else { return Ok(()) };
    let Some(user) = state.accounts.user_of(caller).await? else { return Ok(()) }; // not signed up yet
    let snapshot = state.access.snapshot();
    let known: Vec<String> = wanted.iter().filter(|r| snapshot.book.roles.contains_key(r.as_str())).cloned().collect();
    let (current, teams) = snapshot.memberships.get(&user.id).cloned().unwrap_or_default();
    if current != known {
        tracing::info!(user = %user.name, roles = ?known, "roles taken from the identity provider");
        state.access.set_membership(&user.id, &known, &teams).await?;
    }
    Ok(())
}

fn undeclared(method: &str, template: &str) -> Response {
    tracing::error!(%method, %template, "route without a declared access rule refused");
    ApiError::new(StatusCode::FORBIDDEN, "route_not_declared", "This route has no access rule; it is refused")
        .into_response()
}
