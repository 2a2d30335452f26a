//! A team's members: `CreateTeam.users`, and 1.7's `PUT /api/v1/teams/{id}/users` (the members
//! become exactly the given users) and `DELETE /api/v1/teams/{id}/users/{userId}`. Only a `Group`
//! has members changed this way (the original's text otherwise); admins only, as every team write.

use crate::AppState;
use crate::authn::Caller;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::route::Access::Admin;
use crate::route::{Route, delete, put};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

pub fn routes() -> Vec<Route> {
    vec![
        put("/api/v1/teams/{id}/users", Admin, replace_members),
        delete("/api/v1/teams/{id}/users/{user_id}", Admin, remove_member),
    ]
}

/// The live team with this id, if its type takes members.
fn group(state: &AppState, id: &str) -> Result<tessera_store::AccessRow, ApiError> {
    let snapshot = state.access.snapshot();
    let team = snapshot.rows.iter().find(|r| r.kind == "team" && r.id == id && !r.deleted).cloned();
    let team = team.ok_or_else(|| ApiError::instance_not_found("team", id))?;
    let team_type = snapshot.team_type(&team.name);
    if team_type != "Group" {
        return Err(ApiError::bad_request(
            "invalid_request",
            format!("Team is of type {team_type}. Users can be updated only in team of type Group."),
        ));
    }
    Ok(team)
}

async fn replace_members(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(id): Path<String>,
    JsonBody(users): JsonBody<Vec<Value>>,
) -> Result<Json<Value>, ApiError> {
    let team = group(&state, &id)?;
    let keys = users
        .iter()
        .map(|u| u.get("id").or_else(|| u.get("name")).and_then(Value::as_str).map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            ApiError::bad_request("invalid_request", "the body is a list of user references, each with an id")
        })?;
    let members = resolve(&state, &keys).await?;
    set(&state, &team.name, &members).await?;
    Ok(Json(crate::access_control::render_with_members(&state, &team).await?))
}

async fn remove_member(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let team = group(&state, &id)?;
    let snapshot = state.access.snapshot();
    let members: Vec<String> = snapshot
        .memberships
        .iter()
        .filter(|(member, (_, teams))| *member != &user_id && teams.contains(&team.name))
        .map(|(member, _)| member.clone())
        .collect();
    set(&state, &team.name, &members).await?;
    Ok(Json(crate::access_control::render_with_members(&state, &team).await?))
}

/// The users `CreateTeam.users` names (ids; names accepted too), all live, else 404 naming one.
pub(crate) async fn resolve(state: &AppState, ids: &[String]) -> Result<Vec<String>, ApiError> {
    let mut members = Vec::with_capacity(ids.len());
    for id in ids {
        let user = match state.accounts.any_user(tessera_auth::accounts::UserKey::Id(id)).await? {
            Some(user) => Some(user),
            None => state.accounts.any_user(tessera_auth::accounts::UserKey::Name(id)).await?,
        };
        match user.filter(|u| !u.deleted) {
            Some(user) => members.push(user.id),
            None => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    format!("user instance for {id} not found"),
                ));
            }
        }
    }
    Ok(members)
}

/// Makes `members` exactly the team's direct members, keeping everyone's roles and other teams.
pub(crate) async fn set(state: &AppState, team: &str, members: &[String]) -> Result<(), ApiError> {
    let snapshot = state.access.snapshot();
    let mut affected: Vec<&String> = members.iter().collect();
    affected.extend(
        snapshot.memberships.iter().filter(|(_, (_, teams))| teams.iter().any(|t| t == team)).map(|(id, _)| id),
    );
    affected.sort();
    affected.dedup();
    for user_id in affected {
        let (roles, mut teams) = snapshot.memberships.get(user_id).cloned().unwrap_or_default();
        let wanted = members.contains(user_id);
        let has = teams.iter().any(|t| t == team);
        if wanted == has {
            continue;
        }
        if wanted {
            teams.push(team.to_string());
        } else {
            teams.retain(|t| t != team);
        }
        state.access.set_membership(user_id, &roles, &teams).await?;
    }
    Ok(())
}
