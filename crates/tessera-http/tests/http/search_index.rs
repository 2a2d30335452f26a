//! `GET /api/v1/search/query` over the embedded index, on SQLite and PostgreSQL: the lineage
//! workflow's filter and paging exactly as the client sends them, full text over descriptions,
//! columns and tags, every write (and delete) seen by the next search, and the queries index.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::server;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn names(answer: &Value) -> Vec<String> {
    answer["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["_source"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// The lineage workflow's view filter for a service (`es_mixin`), with incremental processing.
fn views_filter(service: &str) -> String {
    json!({"query": {"bool": {"must": [
        {"bool": {"should": [{"term": {"service.name.keyword": service}}]}},
        {"bool": {"must": [{"bool": {"should": [{"term": {"tableType": "View"}}, {"term": {"tableType": "MaterializedView"}},
            {"term": {"tableType": "SecureView"}}, {"term": {"tableType": "Dynamic"}}, {"term": {"tableType": "Stream"}}]}}]}},
        {"bool": {"should": [{"term": {"deleted": false}}]}},
        {"bool": {"should": [{"exists": {"field": "schemaDefinition"}}]}},
        {"bool": {"should": [{"term": {"processedLineage": false}},
            {"bool": {"must_not": {"exists": {"field": "processedLineage"}}}}]}}]}}})
    .to_string()
}

fn views_page(service: &str, after: Option<&str>) -> String {
    let mut path = format!(
        "/api/v1/search/query?q=&size=100&deleted=false&query_filter={}&index=table_search_index\
         &include_source_fields=schemaDefinition&include_source_fields=fullyQualifiedName&sort_field=fullyQualifiedName",
        encode(&views_filter(service))
    );
    if let Some(after) = after {
        path.push_str(&format!("&search_after={}", encode(after)));
    }
    path
}

#[tokio::test]
async fn the_lineage_workflow_finds_each_unprocessed_view_once() {
    for s in crate::each_store("si").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let backend = s.store.backend();
        let (status, page) = api(&s, "GET", &views_page("local_sqlite", None), &bot, None).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {page}");
        assert_eq!(page["hits"]["total"], json!({"value": 1, "relation": "eq"}), "{page}");
        let hit = &page["hits"]["hits"][0];
        // What the client's ESResponse model requires: _id, _score (present, may be null), sort as strings.
        assert_eq!(hit["_index"], "table_search_index");
        assert!(hit.as_object().unwrap().contains_key("_score"), "{hit}");
        assert_eq!(hit["sort"], json!(["local_sqlite.sample.main.big_orders"]));
        assert_eq!(hit["_id"], hit["_source"]["id"]);
        let source = hit["_source"].as_object().unwrap();
        let mut keys: Vec<&str> = source.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["entityType", "fullyQualifiedName", "id", "schemaDefinition"], "only the fields asked for");
        // The next page (after the last hit's sort) is empty: the loop ends.
        let after = hit["sort"][0].as_str().unwrap();
        let (_, next) = api(&s, "GET", &views_page("local_sqlite", Some(after)), &bot, None).await;
        assert_eq!(next["hits"]["hits"], json!([]), "{next}");
        // Another service's views: none.
        let (_, other) = api(&s, "GET", &views_page("elsewhere", None), &bot, None).await;
        assert_eq!(other["hits"]["total"]["value"], 0);
        // Processed (the client's PATCH): the next run finds nothing to do.
        let patch = json!([{"op": "add", "path": "/processedLineage", "value": true}]);
        let path = "/api/v1/tables/name/local_sqlite.sample.main.big_orders";
        let (status, body) = api(&s, "PATCH", path, &bot, Some(patch)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, after_patch) = api(&s, "GET", &views_page("local_sqlite", None), &bot, None).await;
        assert_eq!(after_patch["hits"]["total"]["value"], 0, "{backend:?}: {after_patch}");
    }
}

#[tokio::test]
async fn pages_continue_after_the_last_sort_value_in_either_order() {
    for s in crate::each_store("sp").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        for order in ["asc", "desc"] {
            let mut seen = Vec::new();
            let mut after: Option<String> = None;
            for _ in 0..10 {
                let mut path =
                    format!("/api/v1/search/query?q=*&size=1&sort_field=fullyQualifiedName&sort_order={order}");
                if let Some(after) = &after {
                    path.push_str(&format!("&search_after={}", encode(after)));
                }
                let (status, page) = api(&s, "GET", &path, &bot, None).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                let Some(hit) = page["hits"]["hits"].as_array().unwrap().first() else { break };
                after = Some(hit["sort"][0].as_str().unwrap().to_string());
                seen.push(hit["_source"]["name"].as_str().unwrap().to_string());
            }
            // By FQN: the quoted name ("my.table/ü") sorts first.
            let mut expected = vec!["my.table/ü", "big_orders", "customers", "orders"];
            if order == "desc" {
                expected.reverse();
            }
            assert_eq!(seen, expected, "{order}");
        }
        // By name and by time, too; from/size within one order.
        let (_, by_name) =
            api(&s, "GET", "/api/v1/search/query?q=*&sort_field=name.keyword&sort_order=asc", &bot, None).await;
        assert_eq!(names(&by_name), ["big_orders", "customers", "my.table/ü", "orders"]);
        let (_, newest) = api(&s, "GET", "/api/v1/search/query?q=*&sort_field=updatedAt&size=1", &bot, None).await;
        assert_eq!(names(&newest), ["my.table/ü"], "the last written first");
        assert!(newest["hits"]["hits"][0]["sort"][0].as_str().unwrap().parse::<i64>().is_ok(), "{newest}");
    }
}

#[tokio::test]
async fn full_text_finds_descriptions_columns_and_tags_and_follows_every_write() {
    for s in crate::each_store("sf").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let search = |q: &str| format!("/api/v1/search/query?q={}&index=all", encode(q));
        // A nested column's name, a column tag's words.
        let (_, city) = api(&s, "GET", &search("city"), &bot, None).await;
        assert_eq!(names(&city), ["customers"], "{city}");
        let (_, pii) = api(&s, "GET", &search("pii"), &bot, None).await;
        assert_eq!(names(&pii), ["orders"], "{pii}");
        // A description written now is found by the next search, ranked by relevance.
        let patch = json!([{"op": "add", "path": "/description", "value": "Revenue per customer and day"}]);
        let (status, _) =
            api(&s, "PATCH", "/api/v1/tables/name/local_sqlite.sample.main.orders", &bot, Some(patch)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, revenue) = api(&s, "GET", &search("revenue"), &bot, None).await;
        assert_eq!(names(&revenue), ["orders"], "{revenue}");
        assert!(revenue["hits"]["hits"][0]["_score"].as_f64().unwrap() > 0.0, "{revenue}");
        assert_eq!(revenue["hits"]["hits"][0]["_source"]["description"], "Revenue per customer and day");
        // Every word must match somewhere.
        let (_, both) = api(&s, "GET", &search("revenue customers"), &bot, None).await;
        assert_eq!(names(&both), Vec::<String>::new(), "{both}");
        // A match query on the description; a term on a column's type.
        let filter =
            encode(r#"{"bool":{"must":[{"match":{"description":"day"}},{"term":{"columns.dataType":"DECIMAL"}}]}}"#);
        let (_, matched) = api(&s, "GET", &format!("/api/v1/search/query?q=*&query_filter={filter}"), &bot, None).await;
        assert_eq!(names(&matched), ["orders"], "{matched}");
        // Soft delete hides it (deleted=true shows it); a hard delete removes it.
        let (_, orders) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders", &bot, None).await;
        let id = orders["id"].as_str().unwrap();
        api(&s, "DELETE", &format!("/api/v1/tables/{id}"), &bot, None).await;
        let (_, hidden) = api(&s, "GET", &search("revenue"), &bot, None).await;
        assert_eq!(hidden["hits"]["total"]["value"], 0);
        let (_, shown) = api(&s, "GET", &format!("{}&deleted=true", search("revenue")), &bot, None).await;
        assert_eq!(names(&shown), ["orders"]);
        let (status, _) = api(&s, "DELETE", &format!("/api/v1/tables/{id}?hardDelete=true"), &bot, None).await;
        assert_eq!(status, StatusCode::OK);
        let (_, gone) = api(&s, "GET", &format!("{}&include=all", search("revenue")), &bot, None).await;
        assert_eq!(gone["hits"]["total"]["value"], 0, "{gone}");
        // A recursive hard delete of the schema takes every table with it.
        let (_, schema) = api(&s, "GET", "/api/v1/databaseSchemas/name/local_sqlite.sample.main", &bot, None).await;
        let schema = schema["id"].as_str().unwrap();
        let path = format!("/api/v1/databaseSchemas/{schema}?hardDelete=true&recursive=true");
        assert_eq!(api(&s, "DELETE", &path, &bot, None).await.0, StatusCode::OK);
        let (_, left) =
            api(&s, "GET", "/api/v1/search/query?q=*&index=table_search_index&include=all", &bot, None).await;
        assert_eq!(left["hits"]["total"]["value"], 0, "{left}");
    }
}

#[tokio::test]
async fn queries_are_searched_by_service_and_processed_lineage() {
    for s in crate::each_store("sq2").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let body = json!({"query": "select total from orders", "service": "local_sqlite", "processedLineage": true});
        let (status, query) = api(&s, "PUT", "/api/v1/queries", &bot, Some(body)).await;
        assert!(status.is_success(), "{query}");
        // As the client's query-lineage step asks: processed queries of a service, their checksums.
        let filter = encode(
            r#"{"query":{"bool":{"must":[{"term":{"processedLineage":true}},{"term":{"service.name.keyword":"local_sqlite"}}]}}}"#,
        );
        let path = format!(
            "/api/v1/search/query?q=&index=query_search_index&include_source_fields=checksum\
             &include_source_fields=processedLineage&query_filter={filter}"
        );
        let (status, found) = api(&s, "GET", &path, &bot, None).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(found["hits"]["hits"][0]["_source"]["checksum"], query["checksum"], "{found}");
        assert_eq!(found["hits"]["hits"][0]["_index"], "query_search_index");
        // The query's words are searchable too.
        let (_, by_text) = api(&s, "GET", "/api/v1/search/query?q=total&index=query_search_index", &bot, None).await;
        assert_eq!(by_text["hits"]["total"]["value"], 1, "{by_text}");
    }
}

#[tokio::test]
async fn strangers_forged_tokens_and_malformed_filters_fail_cleanly() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let dana = data_consumer(&s, &admin).await;
    let (status, found) = api(&s, "GET", &views_page("local_sqlite", None), &dana, None).await;
    assert_eq!(
        (status, found["hits"]["total"]["value"].as_i64()),
        (StatusCode::OK, Some(1)),
        "a data consumer searches"
    );
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    assert_eq!(api(&s, "GET", &views_page("local_sqlite", None), &forged, None).await.0, StatusCode::UNAUTHORIZED);
    for filter in ["{", "[1]", r#"{"bool":{"must":{"script":{}}}}"#, r#"{"term":{"name":{"nested":{}}}}"#] {
        let path = format!("/api/v1/search/query?q=*&query_filter={}", encode(filter));
        let (status, body) = api(&s, "GET", &path, &dana, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{filter}: {body}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    // Nothing changed: the catalog still answers the same.
    let (_, again) = api(&s, "GET", &views_page("local_sqlite", None), &bot, None).await;
    assert_eq!(again["hits"]["total"]["value"], 1);
}
