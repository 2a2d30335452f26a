//! The seeded test-connection definitions the ingestion client fetches before every run.

use crate::accounts::{api, data_consumer, session};
use crate::server;
use axum::http::StatusCode;
use serde_json::json;

fn step_names(definition: &serde_json::Value) -> Vec<&str> {
    definition["steps"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_ingestion_bot_reads_the_connectors_definitions() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (_, bot) = api(&s, "GET", "/api/v1/bots/name/ingestion-bot", &admin, None).await;
    let id = bot["botUser"]["id"].as_str().unwrap();
    let (_, mechanism) = api(&s, "GET", &format!("/api/v1/users/token/{id}"), &admin, None).await;
    let bot_token = mechanism["JWTToken"].as_str().unwrap().to_string();

    let path = "/api/v1/services/testConnectionDefinitions/name/SQLite.testConnectionDefinition";
    let (status, sqlite) = api(&s, "GET", path, &bot_token, None).await;
    assert_eq!(status, StatusCode::OK, "{sqlite}");
    assert_eq!(sqlite["fullyQualifiedName"], "SQLite.testConnectionDefinition");
    assert_eq!(step_names(&sqlite), ["CheckAccess", "GetSchemas", "GetTables", "GetViews"]);
    assert_eq!(sqlite["steps"][0]["mandatory"], json!(true));
    assert_eq!(sqlite["steps"][3]["mandatory"], json!(false), "views are optional");

    let (_, postgres) = api(
        &s,
        "GET",
        "/api/v1/services/testConnectionDefinitions/name/Postgres.testConnectionDefinition",
        &bot_token,
        None,
    )
    .await;
    assert_eq!(
        step_names(&postgres),
        ["CheckAccess", "GetDatabases", "GetSchemas", "GetTables", "GetViews", "GetTags", "GetQueries"]
    );
    let (status, by_id) = api(
        &s,
        "GET",
        &format!("/api/v1/services/testConnectionDefinitions/{}", sqlite["id"].as_str().unwrap()),
        &bot_token,
        None,
    )
    .await;
    assert_eq!((status, &by_id), (StatusCode::OK, &sqlite));

    // A data consumer reads them too; the list pages with a total.
    let dana = data_consumer(&s, &admin).await;
    let (status, page) = api(&s, "GET", "/api/v1/services/testConnectionDefinitions?limit=2", &dana, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!((page["data"].as_array().unwrap().len(), page["paging"]["total"].as_i64()), (2, Some(3)));
    let after = page["paging"]["after"].as_str().unwrap();
    let (_, rest) =
        api(&s, "GET", &format!("/api/v1/services/testConnectionDefinitions?limit=2&after={after}"), &dana, None).await;
    assert_eq!(rest["data"][0]["name"], "SQLite");
    assert!(rest["paging"].get("after").is_none(), "the last page has no cursor: {rest}");
}

#[tokio::test]
async fn an_unknown_connector_is_a_json_404_the_client_recognises() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let path = "/api/v1/services/testConnectionDefinitions/name/Oracle.testConnectionDefinition";
    let (status, body) = api(&s, "GET", path, &admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], json!(404), "the client compares the body's integer code: {body}");
    assert_eq!(body["message"], "testConnectionDefinition instance for Oracle.testConnectionDefinition not found");
}
