//! `GET /api/v1/search/query?q=&index=&from=&size=&deleted=&query_filter=`: entities whose name,
//! or a word of their name, starts with `q` (any case), answered from the catalog's name index in
//! Elasticsearch's hit shape; or, with a `tags.tagFQN` term in `query_filter`, the entities
//! carrying that tag (`search_filter.rs`). Not the original's full-text search: no fields other
//! than the name, no scoring; `q` is a prefix (`orders`, `Ord*`; `*` or nothing for every name).

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Params;
use crate::route_access::Gate;
use crate::search::{INDEXES, bad, number};
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use tessera_catalog::{Fields, Include, Kind, render};

/// Index names that cover every kind Tessera serves.
const ALL_INDEXES: &[&str] = &["all", "dataAsset"];

pub(crate) async fn query(State(state): State<AppState>, gate: Gate, params: Params) -> Result<Json<Value>, ApiError> {
    let index = params.get("index").unwrap_or("table_search_index");
    let wanted: Vec<Kind> = if ALL_INDEXES.contains(&index) {
        INDEXES.iter().map(|(_, kind)| *kind).collect()
    } else {
        let kind = INDEXES.iter().find(|(name, _)| *name == index).map(|(_, kind)| *kind).ok_or_else(|| {
            let known: Vec<&str> = INDEXES.iter().map(|(name, _)| *name).chain(ALL_INDEXES.iter().copied()).collect();
            bad(format!("index {index} is not served by Tessera; use one of: {}", known.join(", ")))
        })?;
        vec![kind]
    };
    // Only the kinds the caller may see; a single index the caller may not see is a 403.
    let mut kinds = Vec::new();
    let mut permit = None;
    let mut refusal = None;
    for kind in wanted {
        match gate.permit(kind.name(), tessera_authz::Operation::ViewBasic).await {
            Ok(granted) => {
                kinds.push(kind);
                permit = Some(granted);
            }
            Err(error) => refusal = refusal.or(Some(error)),
        }
    }
    let Some(permit) = permit else {
        return Err(refusal.unwrap_or_else(|| bad("no index to search".into())));
    };
    // An empty `q` is every name, as the client's lineage workflow sends it.
    let text = params.get("q").unwrap_or_default();
    let filter = crate::search_filter::parse(params.get("query_filter"))?;
    let include = include(&params)?;
    let (from, size) = (number(&params, "from", 0)?, number(&params, "size", 10)?);
    let catalog = permit.catalog(&state);
    let page = match filter.tag {
        Some(tag) if matches!(text.trim(), "" | "*") => catalog.tagged(&kinds, &tag, include, from, size).await?,
        Some(_) => {
            return Err(bad(format!(
                "q={text:?} with a tags.tagFQN filter: Tessera lists a tag's entities without a text search; \
                 send q=* (or no q) with the filter"
            )));
        }
        None => catalog.search_names(&kinds, text, include, from, size).await?,
    };
    let hits: Vec<Value> = page
        .items
        .iter()
        .map(|entity| {
            let mut source = render(entity, &state.base_url, &Fields::All);
            source["entityType"] = json!(entity.kind.name());
            let index = INDEXES.iter().find(|(_, kind)| *kind == entity.kind).map_or("", |(name, _)| *name);
            json!({"_index": index, "_id": entity.id(), "_source": source})
        })
        .collect();
    let relation = if page.exact { "eq" } else { "gte" };
    Ok(Json(json!({"hits": {"total": {"value": page.total, "relation": relation}, "hits": hits}})))
}

/// The original's `deleted=true|false`, or Tessera's `include=` as on lists; not both.
fn include(params: &Params) -> Result<Include, ApiError> {
    match (params.get("deleted"), params.get("include")) {
        (Some(_), Some(_)) => Err(bad("give deleted=true|false or include=non-deleted|deleted|all, not both".into())),
        (None | Some("false"), None) => Ok(Include::NonDeleted),
        (Some("true"), None) => Ok(Include::Deleted),
        (Some(other), None) => Err(bad(format!("deleted must be true or false, not {other:?}"))),
        (None, include) => Include::parse(include).map_err(|e| bad(e.to_string())),
    }
}
