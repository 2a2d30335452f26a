//! `/api/v1/services/ingestionPipelines`: the catalog's handlers for the entity (its service named
//! by reference; no `sourceConfig.config` for callers without ViewAll, as in the original), plus
//! `fields=pipelineStatuses` (the latest run); and the runs' statuses:
//! `/{fqn}/pipelineStatus` (PUT one, GET a time range) and `/{fqn}/pipelineStatus/{id}` (204 when
//! the run has reported nothing yet, which the ingestion client needs). Access: declared per route.

use crate::AppState;
use crate::catalog;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, PathParams};
use crate::route::Access::Operation;
use crate::route::{Route, delete, get, patch, post, put};
use crate::route_access::{Gate, Permit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tessera_authz::Operation::{Create, Delete, EditIngestionPipelineStatus, ViewAll, ViewBasic};
use tessera_catalog::Kind;

const KIND: Kind = Kind::IngestionPipeline;

pub fn routes() -> Vec<Route> {
    const BASE: &str = "/api/v1/services/ingestionPipelines";
    let on = |operation| Operation(KIND.name(), operation);
    vec![
        get(BASE, on(ViewBasic), list),
        put(BASE, on(Create), |s, p, g, b| save(s, p, g, b, false)),
        post(BASE, on(Create), |s, p, g, b| save(s, p, g, b, true)),
        get(format!("{BASE}/{{id}}"), on(ViewBasic), by_id),
        delete(format!("{BASE}/{{id}}"), on(Delete), remove),
        patch(format!("{BASE}/{{id}}"), catalog::PATCH_ACCESS, |s, g, i, b| catalog::patch_entity(s, g, i, b, KIND)),
        get(format!("{BASE}/name/{{fqn}}"), on(ViewBasic), by_name),
        catalog::versions(KIND),
        catalog::version(KIND),
        catalog::restore(KIND),
        // Run statuses: reading one needs ViewAll and writing one EditIngestionPipelineStatus, as
        // in the original (the bot's EditAll covers it).
        put(format!("{BASE}/{{fqn}}/pipelineStatus"), on(EditIngestionPipelineStatus), put_status),
        get(format!("{BASE}/{{fqn}}/pipelineStatus"), on(ViewAll), statuses),
        get(format!("{BASE}/{{fqn}}/pipelineStatus/{{id}}"), on(ViewAll), status),
    ]
}

/// What a caller sees of a pipeline beyond the stored document: with `fields` naming
/// `pipelineStatuses` (not `*`: the original looks for the name), the latest run's status. (The
/// source configuration needs ViewAll on every read path: `catalog::Sight`.)
struct View {
    statuses: bool,
}

impl View {
    fn of(params: Option<&Params>) -> View {
        View { statuses: params.and_then(|p| p.get("fields")).is_some_and(|f| f.contains("pipelineStatuses")) }
    }

    async fn apply(&self, state: &AppState, permit: &Permit, pipeline: &mut Value) -> Result<(), ApiError> {
        if self.statuses
            && let Some(id) = pipeline.get("id").and_then(Value::as_str)
            && let Some(latest) = permit.catalog(state).latest_status(id).await?
        {
            pipeline["pipelineStatuses"] = latest;
        }
        Ok(())
    }
}

fn copy(params: &Params) -> Params {
    Params(params.0.clone())
}

async fn list(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(Some(&params));
    let Json(mut page) = catalog::list(State(state.clone()), permit.clone(), gate, copy(&params), KIND).await?;
    if let Some(items) = page.get_mut("data").and_then(Value::as_array_mut) {
        for item in items {
            view.apply(&state, &permit, item).await?;
        }
    }
    Ok(Json(page))
}

async fn by_id(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    id: PathParams<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(Some(&params));
    let Json(mut pipeline) =
        catalog::by_id(State(state.clone()), permit.clone(), gate, id, copy(&params), KIND).await?;
    view.apply(&state, &permit, &mut pipeline).await?;
    Ok(Json(pipeline))
}

async fn by_name(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    fqn: PathParams<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(Some(&params));
    let Json(mut pipeline) =
        catalog::by_name(State(state.clone()), permit.clone(), gate, fqn, copy(&params), KIND).await?;
    view.apply(&state, &permit, &mut pipeline).await?;
    Ok(Json(pipeline))
}

async fn save(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    body: JsonBody<Value>,
    create_only: bool,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let view = View::of(None);
    let (status, Json(mut pipeline)) =
        catalog::save(State(state.clone()), permit.clone(), gate, body, KIND, create_only).await?;
    view.apply(&state, &permit, &mut pipeline).await?;
    Ok((status, Json(pipeline)))
}

async fn remove(
    State(state): State<AppState>,
    permit: Permit,
    gate: Gate,
    id: PathParams<String>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let view = View::of(None);
    let Json(mut pipeline) = catalog::remove(State(state.clone()), permit.clone(), gate, id, params, KIND).await?;
    view.apply(&state, &permit, &mut pipeline).await?;
    Ok(Json(pipeline))
}

/// Creates (201) or replaces (200) the status of the body's `runId`; answers it as stored.
async fn put_status(
    State(state): State<AppState>,
    permit: Permit,
    PathParams(fqn): PathParams<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (status, created) = permit.catalog(&state).put_status(&fqn, body).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(status)))
}

/// One run's status; 204 No Content while the run has none (a 404 there makes the client drop
/// the run's status without a word), 404 JSON for an unknown pipeline.
async fn status(
    State(state): State<AppState>,
    permit: Permit,
    PathParams((fqn, run_id)): PathParams<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(match permit.catalog(&state).status(&fqn, &run_id).await? {
        Some(status) => Json(status).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `?startTs=&endTs=` (milliseconds, both required as in the original): the runs in that time,
/// newest first.
async fn statuses(
    State(state): State<AppState>,
    permit: Permit,
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
    let runs = permit.catalog(&state).statuses(&fqn, start, end).await?;
    Ok(Json(json!({ "data": runs, "paging": { "total": runs.len() } })))
}
