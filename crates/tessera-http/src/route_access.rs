//! Enforces each route's declared [`Access`] before its handler runs (the layer [`crate::route`]
//! puts on every route), and hands handlers what the decision proved: a [`Permit`] for an
//! operation on a resource type, or a [`Gate`] that gives permits for decisions only the request
//! tells. The catalog is reachable only through a permit, so a handler cannot skip the check.

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use crate::route::Access;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tessera_auth::Principal;
use tessera_authz::Operation;

/// Proof that the authorizer allowed `caller` the `operation` on the `resource` type. Its fields
/// are private: only this module makes permits.
#[derive(Clone)]
pub struct Permit {
    caller: Arc<Principal>,
    resource: &'static str,
    operation: Operation,
}

/// Asks the authorizer for permits on behalf of the caller, for routes whose decision depends on
/// the request ([`Access::Decided`]) or that need more than their declared operation.
#[derive(Clone)]
pub struct Gate {
    state: AppState,
    pub caller: Arc<Principal>,
}

impl Gate {
    pub async fn permit(&self, resource: &'static str, operation: Operation) -> Result<Permit, ApiError> {
        allowed(&self.state, &self.caller, resource, operation).await?;
        Ok(Permit { caller: self.caller.clone(), resource, operation })
    }
}

impl Gate {
    /// The authorizer's decision on edits of `resource`, field by field (`tessera_authz::edit`),
    /// for the catalog to ask before it writes.
    pub async fn edits(&self, resource: &'static str) -> Result<FieldGate, ApiError> {
        if self.state.enforcement == Enforcement::Noop {
            return Ok(FieldGate { subject: None, resource });
        }
        let user = self.state.accounts.require_user_of(&self.caller).await?;
        Ok(FieldGate { subject: Some(self.state.access.subject(&user)), resource })
    }
}

impl Gate {
    /// Whether the caller may do `operation` on this one entity (read through `permit`): its
    /// owners (inherited too) and tags decide the conditional rules, as for its own permissions.
    pub async fn check_entity(
        &self,
        permit: &Permit,
        entity: &tessera_catalog::Entity,
        operation: Operation,
    ) -> Result<(), ApiError> {
        if self.state.enforcement == Enforcement::Noop {
            return Ok(());
        }
        let user = self.state.accounts.require_user_of(&self.caller).await?;
        let subject = self.state.access.subject(&user);
        let known = self.state.catalog_for(permit).decision_facts(entity).await?;
        let facts = tessera_authz::condition::Owned { subject: &subject, owners: &known.owners, tags: &known.tags };
        Ok(tessera_authz::check(&subject, entity.kind.name(), &[operation], &facts)?)
    }
}

/// Decides edits for one caller and resource type; `None` under the noop authorizer.
pub struct FieldGate {
    subject: Option<Arc<tessera_authz::Subject>>,
    resource: &'static str,
}

impl FieldGate {
    /// The decision on `edit` with the entity owned by `owners`.
    fn decide(
        &self,
        subject: &tessera_authz::Subject,
        edit: &tessera_catalog::Edit,
        owners: &[(String, String)],
    ) -> Result<(), tessera_authz::Denied> {
        let tags: Vec<(&str, &str)> = edit.tags.iter().map(|t| (t.tag_fqn.as_str(), t.source.as_str())).collect();
        let wanted = tessera_authz::edit::operations(edit.fields.iter().map(String::as_str), &tags);
        let facts = tessera_authz::condition::Owned { subject, owners, tags: &edit.entity.tags };
        tessera_authz::check(subject, self.resource, &wanted, &facts)
    }
}

impl tessera_catalog::EditGate for FieldGate {
    fn allow(&self, edit: &tessera_catalog::Edit) -> Result<(), String> {
        let Some(subject) = &self.subject else { return Ok(()) };
        self.decide(subject, edit, &edit.entity.owners).map_err(|denied| denied.to_string())
    }

    /// Ownerless, owned by the subject, owned by someone else: one answer for all three means
    /// ownership does not matter (a few rule evaluations instead of looking owners up).
    fn needs_owners(&self, edit: &tessera_catalog::Edit) -> bool {
        let Some(subject) = &self.subject else { return false };
        let verdict = |owners: &[(String, String)]| self.decide(subject, edit, owners).is_ok();
        let mine = [("user".to_string(), subject.name.clone())];
        let theirs = [("user".to_string(), String::new())];
        let ownerless = verdict(&[]);
        ownerless != verdict(&mine) || ownerless != verdict(&theirs)
    }
}

impl Permit {
    pub fn caller(&self) -> &Principal {
        &self.caller
    }

    /// What was allowed, as the original names it (`ViewBasic on table`).
    pub fn allows(&self) -> String {
        format!("{} on {}", self.operation, self.resource)
    }

    /// The data assets, for what this permit allows.
    pub fn catalog<'a>(&self, state: &'a AppState) -> &'a tessera_catalog::Catalog {
        state.catalog_for(self)
    }
}

pub async fn enforce(State((state, access)): State<(AppState, Access)>, mut request: Request, next: Next) -> Response {
    let caller = request.extensions().get::<Caller>().map(|c| &c.0);
    if let Some(caller) = caller.filter(|c| c.provider_roles.is_some())
        && let Err(error) = sync_provider_roles(&state, caller).await
    {
        return error.into_response();
    }
    // Cloned only where a decision keeps the caller: public and signed-in routes (the most
    // frequent requests) only look at it.
    let decision = match (access, caller) {
        (Access::Public, _) | (Access::SignedIn, Some(_)) => Ok(()),
        (_, None) => Err(ApiError::unauthorized("token_missing", tessera_auth::AuthError::Missing.to_string())),
        (Access::Decided(_), Some(caller)) => {
            let gate = Gate { state: state.clone(), caller: caller.clone() };
            request.extensions_mut().insert(gate);
            Ok(())
        }
        (Access::Admin, Some(caller)) => state.accounts.require_admin(caller).await.map_err(ApiError::from),
        (Access::Operation(resource, operation), Some(caller)) => {
            let permitted = allowed(&state, caller, resource, operation).await;
            if permitted.is_ok() {
                let caller = caller.clone();
                request.extensions_mut().insert(Gate { state: state.clone(), caller: caller.clone() });
                request.extensions_mut().insert(Permit { caller, resource, operation });
            }
            permitted
        }
    };
    match decision {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Whether the caller may do `operation` on `resource` (always, under the noop authorizer).
async fn allowed(state: &AppState, caller: &Principal, resource: &str, operation: Operation) -> Result<(), ApiError> {
    if state.enforcement == Enforcement::Noop {
        return Ok(());
    }
    let user = state.accounts.require_user_of(caller).await?;
    let subject = state.access.subject(&user);
    tessera_authz::check(&subject, resource, &[operation], &tessera_authz::condition::NoEntity(&subject))?;
    Ok(())
}

/// Whether the authorizer decides at all, chosen once at start from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    /// `DefaultAuthorizer` with the JWT filter: every declaration is enforced.
    Default,
    /// `NoopAuthorizer` or `NoopFilter`: everyone may do everything (announced loudly at start).
    Noop,
}

impl Enforcement {
    pub fn of(config: &tessera_config::AuthorizerConfig) -> Self {
        if config.kind == tessera_config::AuthorizerKind::Noop
            || config.request_filter == tessera_config::RequestFilter::Noop
        {
            Enforcement::Noop
        } else {
            Enforcement::Default
        }
    }
}

/// `AUTHORIZER_USE_ROLES_FROM_PROVIDER`: the token's roles (those that exist) become the user's
/// stored roles whenever they differ, so every replica and every later request agrees. Nothing is
/// written in the steady state (the comparison is in memory).
async fn sync_provider_roles(state: &AppState, caller: &Principal) -> Result<(), ApiError> {
    let Some(wanted) = &caller.provider_roles else { return Ok(()) };
    let Some(user) = state.accounts.user_of(caller).await? else { return Ok(()) }; // not signed up yet
    replace_roles(state, &user.id, wanted, "the identity provider").await
}

/// Roles decided outside Tessera (a provider's token, a directory's groups): the user's stored
/// roles become the `wanted` ones that exist, written only when they differ; teams stay.
pub(crate) async fn replace_roles(
    state: &AppState,
    user_id: &str,
    wanted: &[String],
    source: &str,
) -> Result<(), ApiError> {
    let snapshot = state.access.snapshot();
    let known: Vec<String> = wanted.iter().filter(|r| snapshot.book.roles.contains_key(r.as_str())).cloned().collect();
    let (current, teams) = snapshot.memberships.get(user_id).cloned().unwrap_or_default();
    if current != known {
        tracing::info!(user = user_id, roles = ?known, "roles taken from {source}");
        state.access.set_membership(user_id, &known, &teams).await?;
    }
    Ok(())
}

/// What the access layer put in the request; absent only if a handler is mounted on a route
/// whose declaration does not give it (a programming error, answered as such).
fn from_extensions<T: Clone + Send + Sync + 'static>(parts: &Parts, what: &str) -> Result<T, ApiError> {
    parts.extensions.get::<T>().cloned().ok_or_else(|| {
        tracing::error!(path = %parts.uri.path(), "a handler needs a {what} its route's declaration does not give");
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            format!("Internal server error: this route's access declaration gives no {what}"),
        )
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Permit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        from_extensions(parts, "permit")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Gate {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        from_extensions(parts, "gate")
    }
}
