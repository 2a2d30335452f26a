//! `/api/v1/lineage` as 1.7 answers it, on SQLite and PostgreSQL: edges added (an upsert),
//! read alone and walked by depth (cycles end, deleted entities drop out and come back on
//! restore), patched and deleted (by pair, by names, by source); refusals that store nothing:
//! unknown ends, bad columns and sources, too deep a walk, callers without `EditLineage` on both
//! ends (owners of both ends may), forged tokens and malformed bodies.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::patch::patch;
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

const SCHEMA: &str = "local_sqlite.sample.main";

/// The ids of the ingested tables customers, orders and big_orders (a view of orders).
async fn tables(s: &Server, token: &str) -> (String, String, String) {
    let mut ids = Vec::new();
    for name in ["customers", "orders", "big_orders"] {
        let (status, table) = api(s, "GET", &format!("/api/v1/tables/name/{SCHEMA}.{name}"), token, None).await;
        assert_eq!(status, StatusCode::OK, "{table}");
        ids.push(table["id"].as_str().unwrap().to_string());
    }
    (ids[0].clone(), ids[1].clone(), ids[2].clone())
}

fn edge(from: &str, to: &str, details: Value) -> Value {
    json!({"edge": {"fromEntity": {"id": from, "type": "table"}, "toEntity": {"id": to, "type": "table"}, "lineageDetails": details}})
}

async fn add(s: &Server, token: &str, body: Value) -> (StatusCode, Value) {
    api(s, "PUT", "/api/v1/lineage", token, Some(body)).await
}

async fn lineage(s: &Server, token: &str, id: &str, up: u32, down: u32) -> Value {
    let path = format!("/api/v1/lineage/table/{id}?upstreamDepth={up}&downstreamDepth={down}");
    let (status, answer) = api(s, "GET", &path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

/// `(from, to)` of each edge of a list.
fn pairs(edges: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = edges
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["fromEntity"].as_str().unwrap().to_string(), e["toEntity"].as_str().unwrap().to_string()))
        .collect();
    pairs.sort();
    pairs
}

fn node_names(answer: &Value) -> Vec<String> {
    let mut names: Vec<String> =
        answer["nodes"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    names
}

fn view_lineage() -> Value {
    json!({"sqlQuery": "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > ?", "source": "ViewLineage",
        "columnsLineage": [{"fromColumns": [format!("{SCHEMA}.orders.id")], "toColumn": format!("{SCHEMA}.big_orders.id")}]})
}

#[tokio::test]
async fn edges_are_added_read_walked_patched_and_deleted() {
    for s in crate::each_store("ln").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let (customers, orders, big) = tables(&s, &bot).await;

        let (status, answer) = add(&s, &bot, edge(&orders, &big, view_lineage())).await;
        assert_eq!((status, &answer), (StatusCode::OK, &json!("")), "200 with an empty body, as 1.7");
        let (status, stored) =
            api(&s, "GET", &format!("/api/v1/lineage/getLineageEdge/{orders}/{big}"), &bot, None).await;
        assert_eq!(status, StatusCode::OK, "{stored}");
        let details = &stored["edge"];
        assert_eq!(
            (details["source"].as_str(), details["createdBy"].as_str()),
            (Some("ViewLineage"), Some("ingestion-bot"))
        );
        assert_eq!(details["columnsLineage"][0]["toColumn"], format!("{SCHEMA}.big_orders.id"));
        assert!(details["createdAt"].as_i64().unwrap() > 0);

        // Walked one level up from the view; the entity and nodes as references.
        let up = lineage(&s, &bot, &big, 1, 1).await;
        assert_eq!(up["entity"]["fullyQualifiedName"], format!("{SCHEMA}.big_orders"));
        assert_eq!(pairs(&up["upstreamEdges"]), [(orders.clone(), big.clone())]);
        assert_eq!(up["upstreamEdges"][0]["lineageDetails"]["source"], "ViewLineage");
        assert_eq!(node_names(&up), ["orders"]);
        assert!(up["nodes"][0]["href"].as_str().unwrap().ends_with(&format!("/api/v1/tables/{orders}")));
        let by_name = format!("/api/v1/lineage/table/name/{SCHEMA}.big_orders?upstreamDepth=1");
        assert_eq!(api(&s, "GET", &by_name, &bot, None).await.1["upstreamEdges"], up["upstreamEdges"]);

        // Depth: customers -> orders -> big_orders; and a cycle back to customers ends.
        let fk = json!({"source": "Manual", "description": "orders reference customers"});
        assert_eq!(add(&s, &bot, edge(&customers, &orders, fk)).await.0, StatusCode::OK);
        assert_eq!(pairs(&lineage(&s, &bot, &big, 2, 0).await["upstreamEdges"]).len(), 2);
        assert_eq!(pairs(&lineage(&s, &bot, &big, 1, 0).await["upstreamEdges"]).len(), 1);
        assert_eq!(pairs(&lineage(&s, &bot, &big, 0, 0).await["upstreamEdges"]).len(), 0);
        assert_eq!(add(&s, &bot, edge(&big, &customers, json!({}))).await.0, StatusCode::OK);
        let around = lineage(&s, &bot, &customers, 3, 3).await;
        assert_eq!(pairs(&around["downstreamEdges"]).len(), 3, "each edge once: {around}");
        assert_eq!(node_names(&around), ["big_orders", "orders"], "the start is not a node");

        // A second PUT of a pair replaces its details; a patch edits them and keeps createdAt.
        assert_eq!(add(&s, &bot, edge(&big, &customers, json!({"sqlQuery": "select 1"}))).await.0, StatusCode::OK);
        let path = format!("/api/v1/lineage/table/{big}/table/{customers}");
        let (status, patched) =
            patch(&s, &path, &bot, json!([{"op": "replace", "path": "/sqlQuery", "value": "select 2"}])).await;
        assert_eq!((status, patched["sqlQuery"].as_str()), (StatusCode::OK, Some("select 2")), "{patched}");
        let (_, reread) =
            api(&s, "GET", &format!("/api/v1/lineage/getLineageEdge/{big}/{customers}"), &bot, None).await;
        assert_eq!(
            (reread["edge"]["sqlQuery"].as_str(), &reread["edge"]["createdAt"]),
            (Some("select 2"), &patched["createdAt"])
        );

        // Deleted entities drop out of lineage and come back on restore.
        assert_eq!(api(&s, "DELETE", &format!("/api/v1/tables/{orders}"), &bot, None).await.0, StatusCode::OK);
        assert!(lineage(&s, &bot, &big, 1, 0).await["upstreamEdges"].as_array().unwrap().is_empty());
        assert_eq!(
            api(&s, "GET", &format!("/api/v1/lineage/table/{orders}"), &bot, None).await.0,
            StatusCode::NOT_FOUND
        );
        let restore = json!({"id": orders});
        assert_eq!(api(&s, "PUT", "/api/v1/tables/restore", &bot, Some(restore)).await.0, StatusCode::OK);
        assert_eq!(pairs(&lineage(&s, &bot, &big, 1, 0).await["upstreamEdges"]), [(orders.clone(), big.clone())]);

        // Deletes: by source (edges into the entity), by pair, by names; then hard delete.
        let by_source = format!("/api/v1/lineage/table/{big}/type/ViewLineage");
        assert_eq!(api(&s, "DELETE", &by_source, &bot, None).await.0, StatusCode::OK);
        assert!(lineage(&s, &bot, &big, 1, 0).await["upstreamEdges"].as_array().unwrap().is_empty());
        assert_eq!(api(&s, "DELETE", &by_source, &bot, None).await.0, StatusCode::OK, "nothing left: still 200");
        assert_eq!(api(&s, "DELETE", &path, &bot, None).await.0, StatusCode::OK);
        assert_eq!(api(&s, "DELETE", &path, &bot, None).await.0, StatusCode::NOT_FOUND);
        let by_names = format!("/api/v1/lineage/table/name/{SCHEMA}.customers/table/name/{SCHEMA}.orders");
        assert_eq!(add(&s, &bot, edge(&orders, &big, view_lineage())).await.0, StatusCode::OK);
        assert_eq!(api(&s, "DELETE", &by_names, &bot, None).await.0, StatusCode::OK);
        let hard = format!("/api/v1/tables/{orders}?hardDelete=true");
        assert_eq!(api(&s, "DELETE", &hard, &bot, None).await.0, StatusCode::OK);
        let (status, gone) =
            api(&s, "GET", &format!("/api/v1/lineage/getLineageEdge/{orders}/{big}"), &bot, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "hard delete removes the edges: {gone}");
        assert_eq!(gone["message"], format!("Lineage edge not found between {orders} and  {big}"));
    }
}

#[tokio::test]
async fn bad_edges_are_refused_and_store_nothing() {
    for s in crate::each_store("lr").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let (customers, orders, big) = tables(&s, &bot).await;
        let missing = "0b6f6a30-0000-4000-8000-00000000dead";
        let column = |from: &str, to: &str| json!({"columnsLineage": [{"fromColumns": [from], "toColumn": to}]});
        for (body, status, says) in [
            (edge(missing, &big, json!({})), StatusCode::NOT_FOUND, format!("table instance for {missing} not found")),
            (
                edge(&orders, &big, column(&format!("{SCHEMA}.orders.nope"), &format!("{SCHEMA}.big_orders.id"))),
                StatusCode::BAD_REQUEST,
                format!("Invalid column name {SCHEMA}.orders.nope"),
            ),
            (
                edge(&orders, &big, column(&format!("{SCHEMA}.customers.id"), &format!("{SCHEMA}.big_orders.id"))),
                StatusCode::BAD_REQUEST,
                "Invalid column name".into(),
            ),
            (
                edge(
                    &customers,
                    &big,
                    column(&format!("{SCHEMA}.customers.address.city"), &format!("{SCHEMA}.big_orders.nope")),
                ),
                StatusCode::BAD_REQUEST,
                format!("Invalid column name {SCHEMA}.big_orders.nope"),
            ),
            (
                edge(&orders, &big, json!({"source": "Guesswork"})),
                StatusCode::BAD_REQUEST,
                "source must be one of Manual".into(),
            ),
            (edge(&orders, &big, json!({"sqlQuery": 5})), StatusCode::BAD_REQUEST, "sqlQuery must be a string".into()),
            (
                edge(&orders, &big, json!({"secret": "x"})),
                StatusCode::BAD_REQUEST,
                "lineageDetails.secret is not a field".into(),
            ),
            (edge(&orders, &orders, json!({})), StatusCode::BAD_REQUEST, "cannot be its own upstream".into()),
            (
                json!({"edge": {"fromEntity": {"id": orders, "type": "dashboard"}, "toEntity": {"id": big, "type": "table"}}}),
                StatusCode::BAD_REQUEST,
                "Tessera keeps lineage between".into(),
            ),
            (
                json!({"edge": {"fromEntity": {"id": orders, "type": "table"}}}),
                StatusCode::BAD_REQUEST,
                "edge.toEntity is required".into(),
            ),
            (json!([1, 2]), StatusCode::BAD_REQUEST, "The body must be".into()),
        ] {
            let (got, answer) = add(&s, &bot, body.clone()).await;
            assert_eq!(got, status, "{body}: {answer}");
            assert!(answer["message"].as_str().unwrap().contains(&says), "{body}: {answer}");
        }
        // The column lineage check accepts nested columns (customers.address.city).
        let nested = column(&format!("{SCHEMA}.customers.address.city"), &format!("{SCHEMA}.orders.customer_id"));
        assert_eq!(add(&s, &bot, edge(&customers, &orders, nested)).await.0, StatusCode::OK);
        assert_eq!(
            lineage(&s, &bot, &big, 3, 3).await["upstreamEdges"].as_array().unwrap().len(),
            0,
            "nothing else stored"
        );
        for (query, says) in [
            ("upstreamDepth=4", "[query param upstreamDepth must be less than or equal to 3]"),
            ("downstreamDepth=-1", "[query param downstreamDepth must be greater than or equal to 0]"),
            ("upstreamDepth=two", "must be a whole number"),
        ] {
            let (status, answer) = api(&s, "GET", &format!("/api/v1/lineage/table/{big}?{query}"), &bot, None).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {answer}");
            assert!(answer["message"].as_str().unwrap().contains(says), "{query}: {answer}");
        }
        let (status, _) = api(&s, "GET", &format!("/api/v1/lineage/table/{missing}"), &bot, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, answer) = patch(&s, &format!("/api/v1/lineage/table/{orders}/table/{big}"), &bot, json!([])).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
        assert_eq!(answer["message"], format!("Lineage edge not found between table {orders} and table {big}"));
    }
}

#[tokio::test]
async fn lineage_needs_edit_lineage_on_both_ends_and_owners_of_both_have_it() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let (_, orders, big) = tables(&s, &bot).await;
    let body = edge(&orders, &big, view_lineage());
    let (status, answer) = add(&s, &dana, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a DataConsumer has no EditLineage: {answer}");
    assert!(answer["message"].as_str().unwrap().contains("EditLineage"), "{answer}");
    own(&s, &admin, &orders).await;
    assert_eq!(add(&s, &dana, body.clone()).await.0, StatusCode::FORBIDDEN, "owning one end is not enough");
    own(&s, &admin, &big).await;
    assert_eq!(add(&s, &dana, body.clone()).await.0, StatusCode::OK, "the owner of both ends");
    // Reading needs ViewBasic only (a data consumer); a stranger's token and no token get nothing.
    assert_eq!(lineage(&s, &dana, &big, 1, 0).await["upstreamEdges"].as_array().unwrap().len(), 1);
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    let path = format!("/api/v1/lineage/table/{orders}/table/{big}");
    assert_eq!(api(&s, "DELETE", &path, &forged, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(add(&s, &forged, body.clone()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(api(&s, "GET", &format!("/api/v1/lineage/table/{big}"), "", None).await.0, StatusCode::UNAUTHORIZED);
    let erin = session(&s, "erin", "erin@open-metadata.org");
    assert_ne!(api(&s, "DELETE", &path, &erin, None).await.0, StatusCode::OK, "an unknown user deletes nothing");
    assert_eq!(lineage(&s, &bot, &big, 1, 0).await["upstreamEdges"].as_array().unwrap().len(), 1, "still there");
}

/// Makes dana the owner of the table `id`.
async fn own(s: &Server, admin: &str, id: &str) {
    let (_, dana) = api(s, "GET", "/api/v1/users/name/dana", admin, None).await;
    let owners = json!([{"op": "add", "path": "/owners", "value": [{"id": dana["id"], "type": "user"}]}]);
    assert_eq!(patch(s, &format!("/api/v1/tables/{id}"), admin, owners).await.0, StatusCode::OK);
}
