//! `/api/v1/queries` as the 1.7 client writes them, on SQLite and PostgreSQL: named by the MD5 of
//! their text under their service, users and mentioned assets resolved to references (an unknown
//! one is a 404 and stores nothing), read by id and by FQN (the bare checksum is a 404, as 1.7),
//! listed by the entity they mention, patched; and refused when malformed or sent by a caller
//! without Create.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::patch::patch;
use crate::server;
use axum::http::StatusCode;
use serde_json::json;

const SQL: &str = "SELECT * FROM orders WHERE total > ?";
/// MD5 of `SQL`, from Python's `hashlib.md5(...).hexdigest()`.
const CHECKSUM: &str = "f8d962bc18163d51caa9d40e234a8650";

#[tokio::test]
async fn queries_are_named_by_checksum_and_resolve_their_references() {
    for s in crate::each_store("qy").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let (_, orders) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders", &bot, None).await;
        let checksum = CHECKSUM;
        let body = json!({"query": SQL, "service": "local_sqlite", "query_type": "SELECT", "duration": 12.5,
            "queryDate": 1_700_000_000_000_i64, "users": ["admin"], "usedBy": ["etl"],
            "queryUsedIn": [{"id": orders["id"], "type": "table"}]});
        let (status, created) = api(&s, "PUT", "/api/v1/queries", &bot, Some(body.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["name"], checksum);
        assert_eq!(created["checksum"], checksum);
        assert_eq!(created["fullyQualifiedName"], format!("local_sqlite.{checksum}"));
        assert_eq!(created["service"]["name"], "local_sqlite");
        assert_eq!(created["users"][0]["name"], "admin");
        assert_eq!(created["users"][0]["type"], "user");
        assert_eq!(created["queryUsedIn"][0]["fullyQualifiedName"], "local_sqlite.sample.main.orders");
        assert!(created.get("serviceType").is_none(), "the 1.7 Query has no serviceType: {created}");

        // The client's first lookup uses the bare checksum: 404, as against 1.7; the FQN finds it.
        let (status, _) = api(&s, "GET", &format!("/api/v1/queries/name/{checksum}"), &bot, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, read) = api(&s, "GET", &format!("/api/v1/queries/name/local_sqlite.{checksum}"), &bot, None).await;
        assert_eq!((status, &read["id"]), (StatusCode::OK, &created["id"]));
        // The same PUT again changes nothing; a patch edits and keeps the references.
        let (status, again) = api(&s, "PUT", "/api/v1/queries", &bot, Some(body)).await;
        assert_eq!((status, &again["version"]), (StatusCode::OK, &created["version"]), "{again}");
        let path = format!("/api/v1/queries/{}", created["id"].as_str().unwrap());
        let (status, patched) =
            patch(&s, &path, &bot, json!([{"op": "add", "path": "/description", "value": "Big orders"}])).await;
        assert_eq!(status, StatusCode::OK, "{patched}");
        assert_eq!(
            (patched["description"].as_str(), &patched["users"][0]["name"]),
            (Some("Big orders"), &json!("admin"))
        );
        let (_, listed) = api(&s, "GET", "/api/v1/queries?service=local_sqlite", &bot, None).await;
        assert_eq!(listed["paging"]["total"], 1, "{listed}");
        // By the entity they mention: this one, and a second one paged after it; none for another table.
        let second = json!({"query": "SELECT id FROM orders", "service": "local_sqlite",
            "queryUsedIn": [{"id": orders["id"], "type": "table"}]});
        assert_eq!(api(&s, "PUT", "/api/v1/queries", &bot, Some(second)).await.0, StatusCode::CREATED);
        let elsewhere = json!({"query": "SELECT 1", "service": "local_sqlite"});
        assert_eq!(api(&s, "PUT", "/api/v1/queries", &bot, Some(elsewhere)).await.0, StatusCode::CREATED);
        let by_entity = format!("/api/v1/queries?entityId={}", orders["id"].as_str().unwrap());
        let (status, mentioned) = api(&s, "GET", &by_entity, &bot, None).await;
        assert_eq!(status, StatusCode::OK, "{mentioned}");
        assert_eq!(mentioned["paging"]["total"], 2, "{mentioned}");
        let first = api(&s, "GET", &format!("{by_entity}&limit=1&fields=users"), &bot, None).await.1;
        assert_eq!(first["data"].as_array().unwrap().len(), 1, "{first}");
        let after = first["paging"]["after"].as_str().expect("a next page");
        let next = api(&s, "GET", &format!("{by_entity}&limit=1&after={after}"), &bot, None).await.1;
        let ids = [&first["data"][0]["id"], &next["data"][0]["id"]];
        assert_ne!(ids[0], ids[1], "{next}");
        assert!(next["paging"].get("after").is_none(), "the last page: {next}");
        let (_, customers) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.customers", &bot, None).await;
        let none =
            api(&s, "GET", &format!("/api/v1/queries?entityId={}", customers["id"].as_str().unwrap()), &bot, None)
                .await
                .1;
        assert_eq!((none["paging"]["total"].as_i64(), none["data"].as_array().map(Vec::len)), (Some(0), Some(0)));
        let (status, bad) = api(&s, "GET", &format!("{by_entity}&after=zz"), &bot, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        // A DELETE is for good, as in 1.7.
        assert_eq!(api(&s, "DELETE", &path, &bot, None).await.0, StatusCode::OK);
        let (status, _) = api(&s, "GET", &format!("{path}?include=all"), &bot, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn unknown_references_and_malformed_queries_store_nothing() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let missing = "0b6f6a30-0000-4000-8000-00000000dead";
    for (body, status, says) in [
        (
            json!({"query": "select 1", "service": "local_sqlite", "users": ["nobody"]}),
            StatusCode::NOT_FOUND,
            "user instance for nobody not found".to_string(),
        ),
        (
            json!({"query": "select 1", "service": "local_sqlite", "queryUsedIn": [{"id": missing, "type": "table"}]}),
            StatusCode::NOT_FOUND,
            format!("table instance for {missing} not found"),
        ),
        (
            json!({"query": "select 1", "service": "nowhere"}),
            StatusCode::NOT_FOUND,
            "databaseService instance for nowhere not found".into(),
        ),
        (json!({"service": "local_sqlite"}), StatusCode::BAD_REQUEST, "query is required in CreateQuery".into()),
        (
            json!({"query": "select 1", "service": "local_sqlite", "duration": "slow"}),
            StatusCode::BAD_REQUEST,
            "duration must be a number".into(),
        ),
        (
            json!({"query": "select 1", "service": "local_sqlite", "triggeredBy": {}}),
            StatusCode::BAD_REQUEST,
            "triggeredBy is not supported by Tessera yet".into(),
        ),
    ] {
        let (got, answer) = api(&s, "PUT", "/api/v1/queries", &bot, Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(&says), "{body}: {answer}");
    }
    let (_, listed) = api(&s, "GET", "/api/v1/queries", &bot, None).await;
    assert_eq!(listed["paging"]["total"], 0, "nothing stored: {listed}");
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let query = json!({"query": "select 2", "service": "local_sqlite"});
    assert_eq!(api(&s, "PUT", "/api/v1/queries", &dana, Some(query.clone())).await.0, StatusCode::FORBIDDEN);
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    assert_eq!(api(&s, "PUT", "/api/v1/queries", &forged, Some(query)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn usage_users_and_used_by_are_added_as_the_client_sends_them() {
    for s in crate::each_store("qs").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let table = async |name: &str| {
            let path = format!("/api/v1/tables/name/local_sqlite.sample.main.{name}");
            api(&s, "GET", &path, &bot, None).await.1["id"].clone()
        };
        let (orders, customers) = (table("orders").await, table("customers").await);
        let body = json!({"query": SQL, "service": "local_sqlite", "queryUsedIn": [{"id": orders, "type": "table"}],
            "usedBy": ["etl"]});
        let (_, created) = api(&s, "PUT", "/api/v1/queries", &bot, Some(body)).await;
        let base = format!("/api/v1/queries/{}", created["id"].as_str().unwrap());

        let mentions = json!([{"id": customers, "type": "table"}, {"id": orders, "type": "table"}]);
        let (status, event) = api(&s, "PUT", &format!("{base}/usage"), &bot, Some(mentions.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        assert_eq!(event["changeDescription"]["fieldsUpdated"][0]["name"], "queryUsedIn");
        let fqns = |q: &serde_json::Value| -> Vec<String> {
            q["queryUsedIn"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(fqns(&event["entity"]), ["orders", "customers"], "each asset once: {event}");
        let (_, again) = api(&s, "PUT", &format!("{base}/usage"), &bot, Some(mentions)).await;
        assert_eq!(fqns(&again["entity"]), ["orders", "customers"]);

        let (status, event) = api(&s, "PUT", &format!("{base}/users"), &bot, Some(json!(["admin", "admin"]))).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        assert_eq!(event["entity"]["users"].as_array().map(Vec::len), Some(1), "{event}");
        assert_eq!(event["entity"]["users"][0]["type"], "user");
        let (status, _) = api(&s, "PUT", &format!("{base}/users"), &bot, Some(json!(["nobody"]))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, event) = api(&s, "PUT", &format!("{base}/usedBy"), &bot, Some(json!(["etl", "bi"]))).await;
        assert_eq!(event["entity"]["usedBy"], json!(["etl", "etl", "bi"]), "appended, as 1.7");

        // Malformed bodies, an unknown asset, a caller without EditAll: nothing changes.
        let missing = json!([{"id": "0b6f6a30-0000-4000-8000-00000000dead", "type": "table"}]);
        assert_eq!(api(&s, "PUT", &format!("{base}/usage"), &bot, Some(missing)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            api(&s, "PUT", &format!("{base}/usage"), &bot, Some(json!({"id": 1}))).await.0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(api(&s, "PUT", &format!("{base}/users"), &bot, Some(json!([1]))).await.0, StatusCode::BAD_REQUEST);
        let admin = session(&s, "admin", "admin@open-metadata.org");
        let dana = data_consumer(&s, &admin).await;
        assert_eq!(api(&s, "PUT", &format!("{base}/usedBy"), &dana, Some(json!(["x"]))).await.0, StatusCode::FORBIDDEN);
        let (_, read) = api(&s, "GET", &base, &bot, None).await;
        assert_eq!(
            (fqns(&read), &read["usedBy"]),
            (vec!["orders".to_string(), "customers".to_string()], &json!(["etl", "etl", "bi"]))
        );
    }
}
