//! `/api/v1/services/ingestionPipelines`: the catalog's handlers for the entity (its service named
//! by reference), plus `fields=pipelineStatuses` (the latest run) and, as in the original, no
//! `sourceConfig.config` for callers without ViewAll; and the runs' statuses:
//! `/{fqn}/pipelineStatus` (PUT one, GET a time range) and `/{fqn}/pipelineStatus/{id}` (204 when
//! the run has reported nothing yet, which the ingestion client needs). Access: `route_access`.

use crate::AppState;
use crate::authn::Caller;
use crate::catalog;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, PathParams};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use tessera_catalog::Kind;

const KIND: Kind = Kind::IngestionPipeline;

pub fn routes() -> Router<AppState> {
    let collection = get(list).put(|s, c, b| save(s, c, b, false)).post(|s, c, b| save(s, c, b, true));
    // One line per route: the route-access test reads the templates from the source.
    Router::new()
        .route("/api/v1/services/ingestionPipelines", collection)
        .route("/api/v1/services/ingestionPipelines/{id}", get(by_id).delete(delete).patch(patch))
        .route("/api/v1/services/ingestionPipelines/name/{fqn}", get(by_name))
        .route("/api/v1/services/ingestionPipelines/{id}/versions", catalog::versions(KIND))
        .route("/api/v1/services/ingestionPipelines/{id}/versions/{version}", catalog::version(KIND))
        .route("/api/v1/services/ingestionPipelines/restore", catalog::restore(KIND))
        .route("/api/v1/services/ingestionPipelines/{fqn}/pipelineStatus", get(statuses).put(put_status))
        .route("/api/v1/services/ingestionPipelines/{fqn}/pipelineStatus/{id}", get(status))
}

/// What a caller sees of a pipeline beyond the stored document.
struct View {
    /// `fields` names `pipelineStatuses` (not `*`: the original looks for the name).
    statuses: bool,
    /// ViewAll: the source configuration (dbt sources carry credentials in it).
    source_config: bool,
}

impl View {
    async fn of(state: &AppState, caller: &Caller, params: Option<&Params>) -> View {
        let statuses = params.and_then(|p| p.get("fields")).is_some_and(|f| f.contains("pipelineStatuses"));
        let view_all = crate::route_access::operation_allowed(state, &caller.0, KIND.name(), "ViewAll").await;
        View { statuses, source_config: view_all.is_ok() }
    }

    async fn apply(&self, state: &AppState, pipeline: &mut Value) -> Result<(), ApiError> {
        if self.statuses
            && let Some(id) = pipeline.get("id").and_then(Value::as_str)
            && let Some(latest) = state.catalog.latest_status(id).await?
        {
            pipeline["pipelineStatuses"] = latest;
        }
        if !self.source_config
            && let Some(Value::Object(config)) = pipeline.get_mut("sourceConfig")
        {
            config.remove("config");
        }
        Ok(())
    }
}

fn copy(params: &Params) -> Params {
    Params(params.0.clone())
}

async fn list(State(state): State<AppState>, caller: Caller, params: Params) -> Result<Json<Value>, ApiError> {
    let view = View::of(&state, &caller, Some(&params)).await;
    let Json(mut page) = catalog::list(State(state.clone()), caller, copy(&params), KIND).await?;
    if let Some(items) = page.get_mut("data").and_then(Value::as_array_mut) {
        for item in items {
            view.apply(&state, item).await?;
        }
    }
    Ok(Json(page))
}

async fn by_id(
    State(state): State<AppState>,
    caller: Caller,
    id: PathParams<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(&state, &caller, Some(&params)).await;
    let Json(mut pipeline) = catalog::by_id(State(state.clone()), caller, id, copy(&params), KIND).await?;
    view.apply(&state, &mut pipeline).await?;
    Ok(Json(pipeline))
}

async fn by_name(
    State(state): State<AppState>,
    caller: Caller,
    fqn: PathParams<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(&state, &caller, Some(&params)).await;
    let Json(mut pipeline) = catalog::by_name(State(state.clone()), caller, fqn, copy(&params), KIND).await?;
    view.apply(&state, &mut pipeline).await?;
    Ok(Json(pipeline))
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<Value>,
    create_only: bool,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let view = View::of(&state, &caller, None).await;
    let (status, Json(mut pipeline)) = catalog::save(State(state.clone()), caller, body, KIND, create_only).await?;
    view.apply(&state, &mut pipeline).await?;
    Ok((status, Json(pipeline)))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    id: PathParams<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(&state, &caller, None).await;
    let Json(mut pipeline) = catalog::delete(State(state.clone()), caller, id, params, KIND).await?;
    view.apply(&state, &mut pipeline).await?;
    Ok(Json(pipeline))
}

async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    id: PathParams<String>,
    body: JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(&state, &caller, None).await;
    let Json(mut pipeline) = catalog::patch(State(state.clone()), caller, id, body, KIND).await?;
    view.apply(&state, &mut pipeline).await?;
    Ok(Json(pipeline))
}

/// Creates (201) or replaces (200) the status of the body's `runId`; answers it as stored.
async fn put_status(
    State(state): State<AppState>,
    _: Caller,
    PathParams(fqn): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (status, created) = state.catalog.put_status(&fqn, body).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(status)))
}

/// One run's status; 204 No Content while the run has none (a 404 there makes the client drop
/// the run's status without a word), 404 JSON for an unknown pipeline.
async fn status(
    State(state): State<AppState>,
    _: Caller,
    PathParams((fqn, run_id)): PathParams<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(match state.catalog.status(&fqn, &run_id).await? {
        Some(status) => Json(status).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `?startTs=&endTs=` (milliseconds, both required as in the original): the runs in that time,
/// newest first.
async fn statuses(
    State(state): State<AppState>,
    _: Caller,
    PathParams(fqn): PathParams<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let millis = |name: &str| -> Result<i64, ApiError> {
        let value = params.get(name).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("{name} is required: the range's {} in milliseconds since the epoch", &name[..name.len() - 2]),
            )
        })?;
        value.parse().map_err(|_| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("{name} must be a timestamp in milliseconds since the epoch, not {value:?}"),
            )
        })
    };
    let (start, end) = (millis("startTs")?, millis("endTs")?);
    let runs = state.catalog.statuses(&fqn, start, end).await?;
    Ok(Json(json!({ "data": runs, "paging": { "total": runs.len() } })))
}
