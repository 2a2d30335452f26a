//! `/api/v1/queryCostRecord` as the 1.7 client's usage workflow posts it, on SQLite and
//! PostgreSQL: a record of a query, read back by id, gone with its query; malformed records, an
//! unknown query, callers without EditQueries and foreign tokens store nothing.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::server;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn record(query_id: &Value) -> Value {
    json!({"timestamp": 1_764_892_800_000_i64, "jsonSchema": "queryCostRecord",
        "queryReference": {"id": query_id, "type": "query"}, "cost": 0.25, "count": 3, "totalDuration": 12.5})
}

#[tokio::test]
async fn a_cost_record_is_kept_with_its_query() {
    for s in crate::each_store("qc").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let query = json!({"query": "SELECT 1", "service": "local_sqlite"});
        let (_, query) = api(&s, "PUT", "/api/v1/queries", &bot, Some(query)).await;
        let (status, saved) = api(&s, "POST", "/api/v1/queryCostRecord", &bot, Some(record(&query["id"]))).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!((saved["cost"].as_f64(), saved["count"].as_i64()), (Some(0.25), Some(3)), "{saved}");
        assert_eq!(saved["queryReference"]["fullyQualifiedName"], query["fullyQualifiedName"]);
        assert_eq!(saved["updatedBy"], "ingestion-bot");
        let path = format!("/api/v1/queryCostRecord/{}", saved["id"].as_str().unwrap());
        let (status, read) = api(&s, "GET", &path, &bot, None).await;
        assert_eq!((status, &read), (StatusCode::OK, &saved));
        let hard = format!("/api/v1/queries/{}?hardDelete=true", query["id"].as_str().unwrap());
        assert_eq!(api(&s, "DELETE", &hard, &bot, None).await.0, StatusCode::OK);
        let (status, gone) = api(&s, "GET", &path, &bot, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "gone with its query: {gone}");
    }
}

#[tokio::test]
async fn bad_records_and_callers_without_edit_queries_store_nothing() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let (_, query) =
        api(&s, "PUT", "/api/v1/queries", &bot, Some(json!({"query": "SELECT 2", "service": "local_sqlite"}))).await;
    let (_, table) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders", &bot, None).await;
    let without = |key: &str| {
        let mut body = record(&query["id"]);
        body.as_object_mut().unwrap().remove(key);
        body
    };
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (without("timestamp"), StatusCode::BAD_REQUEST, "timestamp is required"),
        (without("cost"), StatusCode::BAD_REQUEST, "cost must be a number"),
        (
            json!({"timestamp": 1, "cost": 1, "count": 1, "queryReference": {"id": table["id"], "type": "table"}}),
            StatusCode::BAD_REQUEST,
            "queryReference must name a query",
        ),
        (
            json!({"timestamp": 1, "cost": 1, "count": 1, "colour": "red", "queryReference": {"id": query["id"]}}),
            StatusCode::BAD_REQUEST,
            "colour is not a field of CreateQueryCostRecord",
        ),
        (
            record(&json!("0b6f6a30-0000-4000-8000-00000000dead")),
            StatusCode::NOT_FOUND,
            "query instance for 0b6f6a30-0000-4000-8000-00000000dead not found",
        ),
        (json!("cheap"), StatusCode::BAD_REQUEST, "the body must be CreateQueryCostRecord"),
    ];
    for (body, status, says) in cases {
        let (got, answer) = api(&s, "POST", "/api/v1/queryCostRecord", &bot, Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(says), "{body}: {answer}");
    }
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let (status, answer) = api(&s, "POST", "/api/v1/queryCostRecord", &dana, Some(record(&query["id"]))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("EditQueries"), "{answer}");
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    let (status, _) = api(&s, "POST", "/api/v1/queryCostRecord", &forged, Some(record(&query["id"]))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = api(&s, "GET", "/api/v1/queryCostRecord/0b6f6a30-0000-4000-8000-00000000dead", &bot, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The one record allowed reads back; nothing else was stored for the query.
    let (status, saved) = api(&s, "POST", "/api/v1/queryCostRecord", &bot, Some(record(&query["id"]))).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, catalog_queries) = api(&s, "GET", "/api/v1/queries?service=local_sqlite", &bot, None).await;
    assert_eq!(catalog_queries["paging"]["total"], 1, "{catalog_queries}");
}
