//! `/api/v1/policies`, `/api/v1/roles`, `/api/v1/teams`: read by anyone signed in, changed by
//! admins; plus the condition check the policy editor calls while typing.

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params};
use crate::route::Access::{Admin, Operation, SignedIn};
use crate::route::{Route, delete, get, post, put};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use tessera_authz::Operation::ViewBasic;
use tessera_authz::document::AccessDoc;
use tessera_authz::manage::{SaveRequest, kind_name};
use tessera_catalog::Include;
use tessera_store::AccessRow;

pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    for (collection, kind) in [("policies", "policy"), ("roles", "role"), ("teams", "team")] {
        let (all, one, named) = (
            format!("/api/v1/{collection}"),
            format!("/api/v1/{collection}/{{id}}"),
            format!("/api/v1/{collection}/name/{{name}}"),
        );
        let view = Operation(kind, ViewBasic);
        routes.extend([
            get(&all, view, move |s, c, p| list(s, c, p, kind)),
            post(&all, Admin, move |s, c, b| save(s, c, b, kind, true)),
            put(all, Admin, move |s, c, b| save(s, c, b, kind, false)),
            get(&one, view, move |s, c, p, q| by_id(s, c, p, q, kind)),
            delete(one, Admin, move |s, c, p, q| remove(s, c, p, q, kind)),
            get(named, view, move |s, c, p, q| by_name(s, c, p, q, kind)),
        ]);
    }
    routes.push(get("/api/v1/policies/validation/condition/{expression}", SignedIn, validate_condition));
    routes
}

async fn list(
    State(state): State<AppState>,
    Caller(_): Caller,
    params: Params,
    kind: &str,
) -> Result<Json<Value>, ApiError> {
    let limit = params.limit()? as usize;
    let after = crate::entities::cursor(params.get("after"))?;
    let include = params.include()?;
    let snapshot = state.access.snapshot();
    let all: Vec<&AccessRow> = snapshot.rows.iter().filter(|r| r.kind == kind && include.admits(r.deleted)).collect();
    let page: Vec<&AccessRow> =
        all.iter().copied().filter(|r| after.as_deref().is_none_or(|a| r.name.as_str() > a)).take(limit).collect();
    let mut data = Vec::with_capacity(page.len());
    for row in &page {
        data.push(render_with_members(&state, row).await?);
    }
    let full = page.len() == limit;
    Ok(Json(crate::entities::page(data, all.len() as i64, page.last().map(|r| r.name.as_str()), full)))
}

async fn by_id(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(id): Path<String>,
    params: Params,
    kind: &str,
) -> Result<Json<Value>, ApiError> {
    find(&state, kind, |r| r.id == id, &id, params.include()?).await
}

async fn by_name(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(name): Path<String>,
    params: Params,
    kind: &str,
) -> Result<Json<Value>, ApiError> {
    find(&state, kind, |r| r.name == name, &name, params.include()?).await
}

async fn find(
    state: &AppState,
    kind: &str,
    matches: impl Fn(&AccessRow) -> bool,
    key: &str,
    include: Include,
) -> Result<Json<Value>, ApiError> {
    let snapshot = state.access.snapshot();
    let row = snapshot
        .rows
        .iter()
        .find(|r| r.kind == kind && include.admits(r.deleted) && matches(r))
        .ok_or_else(|| ApiError::instance_not_found(kind_name(kind), key))?;
    Ok(Json(render_with_members(state, row).await?))
}

/// A team also lists its members (`users`, `userCount`): direct members; everyone is in
/// Organization, which lists only those placed there explicitly.
pub(crate) async fn render_with_members(state: &AppState, row: &AccessRow) -> Result<Value, ApiError> {
    let mut out = render(state, row);
    if row.kind == "team" {
        let snapshot = state.access.snapshot();
        let mut users = Vec::new();
        for (user_id, (_, teams)) in &snapshot.memberships {
            if teams.contains(&row.name)
                && let Some(user) =
                    state.accounts.any_user(tessera_auth::accounts::UserKey::Id(user_id)).await?.filter(|u| !u.deleted)
            {
                users.push(crate::entities::user_reference(&user, &state.base_url));
            }
        }
        users.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        out["userCount"] = serde_json::json!(users.len());
        out["users"] = Value::Array(users);
    }
    Ok(out)
}

async fn save(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<SaveRequest>,
    kind: &str,
    create_only: bool,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    state.accounts.require_admin(&caller).await?;
    if create_only && state.access.snapshot().rows.iter().any(|r| r.kind == kind && r.name == body.name.trim()) {
        return Err(ApiError::new(StatusCode::CONFLICT, "entity_exists", "Entity already exists"));
    }
    // Members are checked before anything is written: an unknown one stores nothing.
    let members = match (kind, &body.users) {
        ("team", Some(ids)) => Some(crate::team_members::resolve(&state, ids).await?),
        _ => None,
    };
    let (row, created) = state.access.save(kind, body, &caller.name).await?;
    if let Some(members) = members {
        crate::team_members::set(&state, &row.name, &members).await?;
    }
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    // Answered as a read answers it (a team with its members).
    Ok((status, Json(render_with_members(&state, &row).await?)))
}

/// Soft by default (`hardDelete=true` removes it), as the original.
async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    params: Params,
    kind: &str,
) -> Result<Json<Value>, ApiError> {
    state.accounts.require_admin(&caller).await?;
    let row = state.access.delete(kind, &id, params.flag("hardDelete")?, &caller.name).await?;
    Ok(Json(render_with_members(&state, &row).await?))
}

/// 204 when the condition parses, else 400 with the position of the first problem.
async fn validate_condition(Caller(_): Caller, Path(expression): Path<String>) -> Result<StatusCode, ApiError> {
    tessera_authz::condition::parse(&expression)
        .map(|_| StatusCode::NO_CONTENT)
        .map_err(|e| ApiError::bad_request("invalid_condition", e.to_string()))
}

/// A policy, role or team in the original's JSON shape, references with ids.
fn render(state: &AppState, row: &AccessRow) -> Value {
    let doc = AccessDoc::from_stored(&row.body).unwrap_or_default();
    let collection = match row.kind.as_str() {
        "policy" => "policies",
        "role" => "roles",
        _ => "teams",
    };
    let mut out = json!({
        "id": row.id,
        "name": row.name,
        "fullyQualifiedName": crate::entities::fqn(&row.name),
        "version": row.version,
        "updatedAt": row.updated_at,
        "updatedBy": row.updated_by,
        "href": format!("{}/api/v1/{collection}/{}", state.base_url, row.id),
        "deleted": row.deleted,
    });
    // The 1.7 Team model has no `provider` (the client refuses a team that carries one).
    if row.kind != "team" {
        out["provider"] = json!(row.provider);
    }
    if let Some(display_name) = &doc.display_name {
        out["displayName"] = json!(display_name);
    }
    if let Some(description) = &doc.description {
        out["description"] = json!(description);
    }
    let references = |kind: &str, names: &[String]| -> Value {
        Value::Array(names.iter().filter_map(|n| reference(state, kind, n)).collect())
    };
    match row.kind.as_str() {
        "policy" => {
            out["enabled"] = json!(true);
            out["allowDelete"] = json!(row.provider != "system");
            out["rules"] = json!(doc.rules);
        }
        "role" => {
            out["allowDelete"] = json!(row.provider != "system");
            out["policies"] = references("policy", &doc.policies);
        }
        _ => {
            out["teamType"] = json!(doc.team_type.as_deref().unwrap_or("Group"));
            out["parents"] = references("team", &doc.parents);
            out["defaultRoles"] = references("role", &doc.default_roles);
            out["policies"] = references("policy", &doc.policies);
        }
    }
    out
}

/// An `EntityReference` to a policy, role or team by name.
pub fn reference(state: &AppState, kind: &str, name: &str) -> Option<Value> {
    let snapshot = state.access.snapshot();
    let row = snapshot.rows.iter().find(|r| r.kind == kind && r.name == name)?;
    let collection = match kind {
        "policy" => "policies",
        "role" => "roles",
        _ => "teams",
    };
    Some(json!({
        "id": row.id,
        "type": kind,
        "name": row.name,
        "fullyQualifiedName": crate::entities::fqn(&row.name),
        "deleted": row.deleted,
        "href": format!("{}/api/v1/{collection}/{}", state.base_url, row.id),
    }))
}

/// A user's roles and teams as references (a user in no team is in Organization), and the roles
/// their teams give them (`inheritedRoles`).
pub fn memberships(state: &AppState, user: &tessera_store::UserRow) -> crate::entities::Memberships {
    let snapshot = state.access.snapshot();
    let (roles, teams) = snapshot.memberships.get(&user.id).cloned().unwrap_or_default();
    let subject = state.access.subject(user);
    let direct_teams: Vec<String> =
        if teams.is_empty() && !user.is_bot { vec![tessera_authz::policy::ORGANIZATION.to_string()] } else { teams };
    let own_roles: Vec<String> = if user.is_bot { subject.roles.clone() } else { roles };
    let mut inherited: Vec<String> = Vec::new();
    for team in &subject.teams {
        for role in snapshot.book.teams.get(team).map(|t| t.default_roles.as_slice()).unwrap_or_default() {
            if !inherited.contains(role) && !own_roles.contains(role) {
                inherited.push(role.clone());
            }
        }
    }
    let refs = |kind: &str, names: &[String]| names.iter().filter_map(|n| reference(state, kind, n)).collect();
    crate::entities::Memberships {
        roles: refs("role", &own_roles),
        teams: refs("team", &direct_teams),
        inherited_roles: refs("role", &inherited),
    }
}
