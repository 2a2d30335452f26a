//! `GET /api/v1/search/query`: full-text search over the replica's index with the parameters
//! 1.7's client and web UI send (`q`, `index`, `from`, `size`, `deleted`, `query_filter`,
//! `sort_field`, `sort_order`, `search_after`, `include_source_fields`, `track_total_hits`),
//! answered in Elasticsearch's shape. Each hit's `_source` is the stored entity as it is now.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Params;
use crate::route_access::Gate;
use crate::search::{ALL_INDEXES, INDEXES, bad, index_of, kind_of_index, number};
use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Map, Value, json};
use tessera_catalog::{Fields, Include, Kind, Search, Sort, SortField, render};

pub(crate) async fn query(
    State(state): State<AppState>,
    gate: Gate,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let index = params.get("index").unwrap_or("table_search_index");
    let wanted = kinds_of(index)?;
    // Only the kinds the caller may see; an index the caller may not see at all is a 403.
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
    // An empty `q` is everything, as the client's lineage workflow sends it.
    let text = params.get("q").unwrap_or_default();
    let filter = tessera_catalog::parse_filter(params.get("query_filter")).map_err(|e| bad(e.0))?;
    let sort = sort(&params, text)?;
    let search_after = params.get("search_after");
    let sources = source_fields(raw.as_deref());
    track_total_hits(&params)?;
    let search = Search {
        text,
        kinds: &kinds,
        include: include(&params)?,
        filter: &filter,
        sort,
        search_after,
        from: number(&params, "from", 0)?,
        size: number(&params, "size", 10)?,
    };
    let found = permit.catalog(&state).search(&search).await?;
    let hits: Vec<Value> = found
        .hits
        .iter()
        .map(|(entity, hit)| {
            let mut source = render(entity, &state.base_url, &Fields::All);
            source["entityType"] = json!(entity.kind.name());
            json!({
                "_index": index_of(entity.kind),
                "_type": "_doc",
                "_id": entity.id(),
                "_score": hit.score,
                "_source": only(source, &sources),
                "sort": [hit.sort],
            })
        })
        .collect();
    let max_score = found.hits.iter().filter_map(|(_, hit)| hit.score).reduce(f32::max);
    Ok(Json(json!({
        "took": 0,
        "timed_out": false,
        "hits": {"total": {"value": found.total, "relation": "eq"}, "max_score": max_score, "hits": hits},
    })))
}

/// The kinds an index name (or alias) covers.
fn kinds_of(index: &str) -> Result<Vec<Kind>, ApiError> {
    if ALL_INDEXES.contains(&index) {
        return Ok(INDEXES.iter().map(|(_, kind)| *kind).filter(|k| k.is_data_asset()).collect());
    }
    Ok(vec![kind_of_index(index, ALL_INDEXES)?])
}

/// `sort_field` (default: relevance with a text, else `fullyQualifiedName`) and `sort_order`
/// (default `desc`, as 1.7).
fn sort(params: &Params, text: &str) -> Result<Sort, ApiError> {
    let field = match params.get("sort_field") {
        Some(name) => SortField::parse(name).map_err(bad)?,
        None if matches!(text.trim(), "" | "*") => SortField::FullyQualifiedName,
        None => SortField::Score,
    };
    let descending = match params.get("sort_order") {
        None => !(field == SortField::FullyQualifiedName && params.get("sort_field").is_none()),
        Some(order) if order.eq_ignore_ascii_case("desc") => true,
        Some(order) if order.eq_ignore_ascii_case("asc") => false,
        Some(other) => return Err(bad(format!("sort_order must be asc or desc, not {other:?}"))),
    };
    Ok(Sort { field, descending })
}

/// `include_source_fields`, each given once (the parameter repeats); empty: the whole entity.
fn source_fields(raw: Option<&str>) -> Vec<String> {
    let Some(raw) = raw else { return Vec::new() };
    url::form_urlencoded::parse(raw.as_bytes())
        .filter(|(name, _)| name == "include_source_fields")
        .flat_map(|(_, value)| value.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|f| !f.is_empty())
        .collect()
}

/// The source with only `fields` (and `id`, `entityType`), as Elasticsearch's source filtering.
fn only(source: Value, fields: &[String]) -> Value {
    if fields.is_empty() {
        return source;
    }
    let Value::Object(mut all) = source else { return source };
    let mut kept = Map::new();
    for name in fields.iter().map(String::as_str).chain(["id", "entityType"]) {
        if let Some(value) = all.remove(name) {
            kept.insert(name.to_string(), value);
        }
    }
    Value::Object(kept)
}

/// `track_total_hits`: Tessera always counts every hit; the value is checked, not needed.
fn track_total_hits(params: &Params) -> Result<(), ApiError> {
    match params.get("track_total_hits") {
        None | Some("true" | "false") => Ok(()),
        Some(n) if n.parse::<u64>().is_ok() => Ok(()),
        Some(other) => Err(bad(format!("track_total_hits must be true, false or a number, not {other:?}"))),
    }
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
