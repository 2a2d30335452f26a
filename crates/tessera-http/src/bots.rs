//! `/api/v1/bots`: list and read for everyone signed in; the bot's token is never part of it.

use crate::AppState;
use crate::authn::Caller;
use crate::entities;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params};
use crate::route::Access::{self, Admin, Operation};
use crate::route::{Route, delete, get, post, put};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;
use tessera_auth::accounts::{CreateBot, UserKey};
use tessera_authz::Operation::ViewBasic;
use tessera_store::BotRow;

pub fn routes() -> Vec<Route> {
    const VIEW: Access = Operation("bot", ViewBasic);
    vec![
        get("/api/v1/bots", VIEW, list),
        post("/api/v1/bots", Admin, create),
        put("/api/v1/bots", Admin, create_or_update),
        get("/api/v1/bots/{id}", VIEW, by_id),
        delete("/api/v1/bots/{id}", Admin, remove),
        get("/api/v1/bots/name/{name}", VIEW, by_name),
    ]
}

async fn render(state: &AppState, bot: &BotRow) -> Result<Value, ApiError> {
    let user = state.accounts.user_of_bot(bot).await?;
    Ok(entities::bot(bot, &user, &state.base_url))
}

async fn list(State(state): State<AppState>, Caller(_): Caller, params: Params) -> Result<Json<Value>, ApiError> {
    let limit = params.limit()?;
    let after = entities::cursor(params.get("after"))?;
    let include_deleted = matches!(params.get("include"), Some("all" | "deleted"));
    let (bots, total) = state.accounts.list_bots(limit, after.as_deref(), include_deleted).await?;
    let mut data = Vec::with_capacity(bots.len());
    for bot in &bots {
        data.push(render(&state, bot).await?);
    }
    let full = bots.len() as i64 == limit;
    Ok(Json(entities::page(data, total, bots.last().map(|b| b.name.as_str()), full)))
}

fn bot_not_found(key: &str) -> ApiError {
    ApiError::instance_not_found("bot", key)
}

async fn by_id(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let bot = state.accounts.any_bot(UserKey::Id(&id)).await?;
    read(&state, bot, &id, &params).await
}

async fn by_name(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(name): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let bot = state.accounts.any_bot(UserKey::Name(&name)).await?;
    read(&state, bot, &name, &params).await
}

/// Soft-deleted bots only with `include=deleted|all`.
async fn read(state: &AppState, bot: Option<BotRow>, key: &str, params: &Params) -> Result<Json<Value>, ApiError> {
    let include = params.include()?;
    let bot = bot.filter(|b| include.admits(b.deleted)).ok_or_else(|| bot_not_found(key))?;
    Ok(Json(render(state, &bot).await?))
}

async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateBot>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (bot, user) = state.accounts.create_bot(&caller, body).await?;
    Ok((StatusCode::CREATED, Json(entities::bot(&bot, &user, &state.base_url))))
}

async fn create_or_update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateBot>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (bot, user, created) = state.accounts.create_or_update_bot(&caller, body).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(entities::bot(&bot, &user, &state.base_url))))
}

/// Soft by default (`hardDelete=true` removes the bot and its user), as the original.
async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let (bot, user) = state.accounts.delete_bot(&caller, &id, params.flag("hardDelete")?).await?;
    Ok(Json(entities::bot(&bot, &user, &state.base_url)))
}
