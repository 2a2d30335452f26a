//! `PATCH /api/v1/users/{id}` (JSON Patch), as 1.7 decides it and a little stricter: any
//! operation that touches `/isAdmin`, `/isBot` or `/roles` (with or without a value) needs an
//! admin; the rest is authorized field by field with the user as the resource and the user as its
//! own owner (so the seeded owner rule lets people edit their own profile, `user_profile.rs`
//! checks what it may hold); a user joins only
//! `Group` teams they are not in yet; identity fields (`id`, `name`, `email`, ...) never change.

use crate::AppState;
use crate::error::ApiError;
use crate::route_access::{Enforcement, Gate};
use axum::http::StatusCode;
use json_patch::PatchOperation;
use serde_json::Value;
use tessera_store::UserRow;

/// Fields a patch may change, each with what it needs; everything else is restored.
const EDITABLE: &[&str] = &["displayName", "description", "profile", "timezone", "teams", "roles", "isAdmin"];

/// The checked outcome of a user patch: the new row and, when they change, roles and teams.
pub(crate) struct UserEdit {
    pub user: UserRow,
    pub memberships: Option<(Vec<String>, Vec<String>)>,
}

fn forbidden_not_admin(caller: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "not_admin",
        format!("Principal: CatalogPrincipal{{name='{caller}'}} is not admin"),
    )
}

fn bad(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
}

/// Whether an operation touches a field only admins change (its `path`, or a move's `from`).
fn privileged(op: &PatchOperation) -> bool {
    let touches = |path: &str| path.starts_with("/isAdmin") || path.starts_with("/isBot") || path.contains("/roles");
    let from = match op {
        PatchOperation::Move(m) => Some(m.from.as_str()),
        PatchOperation::Copy(c) => Some(c.from.as_str()),
        _ => None,
    };
    touches(op.path().as_str()) || from.is_some_and(touches)
}

/// Team or role names of a patched reference list (`{id}` or `{name}` items).
fn names(state: &AppState, kind: &'static str, list: Option<&Value>) -> Result<Vec<String>, ApiError> {
    let Some(list) = list else { return Ok(Vec::new()) };
    let Value::Array(items) = list else { return Err(bad(format!("{kind}s must be a list of references"))) };
    let keys: Vec<String> = items
        .iter()
        .map(|item| item.get("id").or_else(|| item.get("name")).and_then(Value::as_str).map(str::to_string))
        .collect::<Option<_>>()
        .ok_or_else(|| bad(format!("each of the {kind}s needs an id or a name")))?;
    let (roles, teams) = if kind == "role" {
        state.access.resolve_memberships(&keys, &[])?
    } else {
        state.access.resolve_memberships(&[], &keys)?
    };
    Ok(if kind == "role" { roles } else { teams })
}

pub(crate) async fn decide(state: &AppState, gate: &Gate, target: UserRow, body: Value) -> Result<UserEdit, ApiError> {
    let ops = tessera_catalog::patch::parse(body)?;
    let caller = gate.caller.clone();
    let caller_user = state.accounts.require_user_of(&caller).await?;
    let enforced = state.enforcement == Enforcement::Default;
    if enforced && ops.iter().any(privileged) && !caller_user.is_admin {
        return Err(forbidden_not_admin(&caller.name));
    }
    // Stricter than the original, whose ingestion bot (EditAll on everything) could rewrite
    // anyone's profile and teams: people are not data, and a bot's token is a wide key.
    if enforced && caller_user.is_bot && caller_user.id != target.id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "bots_do_not_edit_people",
            format!(
                "Principal: CatalogPrincipal{{name='{}'}} is a bot; bots do not edit people's profiles",
                caller.name
            ),
        ));
    }
    let before = crate::entities::user(state, &target);
    let after = tessera_catalog::patch::apply(&before, &ops)?;
    let changed: Vec<&str> = EDITABLE.iter().copied().filter(|f| before.get(*f) != after.get(*f)).collect();
    if after.get("isBot") != before.get("isBot") {
        return Err(bad("isBot cannot be changed on an existing user".into()));
    }
    if enforced && !changed.is_empty() {
        let subject = state.access.subject(&caller_user);
        let owners = [("user".to_string(), target.name.clone())];
        let facts = tessera_authz::condition::Owned { subject: &subject, owners: &owners, tags: &[] };
        let wanted = tessera_authz::edit::operations(changed.iter().copied(), &[]);
        tessera_authz::check(&subject, "user", &wanted, &facts)?;
    }
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let is_admin = after.get("isAdmin").and_then(Value::as_bool).unwrap_or(target.is_admin);
    if is_admin && target.is_bot {
        return Err(bad("A bot cannot be an admin".into()));
    }
    let memberships = if changed.contains(&"teams") || changed.contains(&"roles") {
        let old_teams = names(state, "team", before.get("teams"))?;
        let teams = names(state, "team", after.get("teams"))?;
        if enforced && !caller_user.is_admin {
            for joined in teams.iter().filter(|t| !old_teams.contains(t)) {
                let team_type = state.access.snapshot().team_type(joined);
                if team_type != "Group" {
                    return Err(bad(format!(
                        "Team is of type {team_type}. Users can be updated only in team of type Group."
                    )));
                }
            }
        }
        if let Some(twice) = teams.iter().enumerate().find(|(i, t)| teams[..*i].contains(t)).map(|(_, t)| t) {
            return Err(bad(format!("User '{}' is already part of the team '{twice}'", target.name)));
        }
        Some((names(state, "role", after.get("roles"))?, teams))
    } else {
        None
    };
    let user = UserRow {
        display_name: text(&after, "displayName"),
        description: text(&after, "description"),
        profile: crate::user_profile::checked_profile(after.get("profile"))?,
        timezone: crate::user_profile::checked_timezone(after.get("timezone"))?,
        is_admin,
        version: if changed.is_empty() { target.version } else { tessera_store::next_version(target.version) },
        updated_at: if changed.is_empty() { target.updated_at } else { tessera_store::clock::now_millis() },
        updated_by: if changed.is_empty() { target.updated_by.clone() } else { caller.name.clone() },
        ..target
    };
    Ok(UserEdit { user, memberships })
}
