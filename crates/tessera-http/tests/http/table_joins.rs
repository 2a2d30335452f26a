//! `PUT /api/v1/tables/{id}/joins` and `fields=joins` as the 1.7 client's usage workflow uses
//! them, on SQLite and PostgreSQL: a column pair reported on one table shows on both, a day's
//! count is replaced, direct table joins; 1.7's refusals (an unknown column, a bad joined FQN, an
//! unknown table, a day outside the last 30) and callers without EditAll change nothing.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

const SCHEMA: &str = "local_sqlite.sample.main";

fn today() -> String {
    tessera_catalog::civil_date::Day::of_millis(tessera_store::clock::now_millis()).text()
}

async fn table(s: &Server, token: &str, name: &str) -> Value {
    let (status, table) =
        api(s, "GET", &format!("/api/v1/tables/name/{SCHEMA}.{name}?fields=joins"), token, None).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    table
}

fn column_joins(joins: &Value, count: i64) -> Value {
    json!({"startDate": today(), "dayCount": 1, "columnJoins": [{"columnName": "customer_id", "joinedWith": [
        {"fullyQualifiedName": format!("{SCHEMA}.customers.id"), "joinCount": count}]}], "directTableJoins": joins})
}

#[tokio::test]
async fn joins_show_on_both_tables_and_a_day_is_replaced() {
    for s in crate::each_store("tj").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let orders = table(&s, &bot, "orders").await;
        assert_eq!(orders["joins"]["columnJoins"], json!([]), "none yet: {orders}");
        assert_eq!(orders["joins"]["dayCount"], 30);
        let path = format!("/api/v1/tables/{}/joins", orders["id"].as_str().unwrap());
        let direct = json!([{"fullyQualifiedName": format!("{SCHEMA}.customers"), "joinCount": 2}]);
        let (status, answer) = api(&s, "PUT", &path, &bot, Some(column_joins(&direct, 3))).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["id"], orders["id"]);
        let joined = json!([{"columnName": "customer_id", "joinedWith": [
            {"fullyQualifiedName": format!("{SCHEMA}.customers.id"), "joinCount": 3}]}]);
        assert_eq!(answer["joins"]["columnJoins"], joined, "{answer}");
        assert_eq!(answer["joins"]["directTableJoins"], direct);
        // The same day again replaces its count (1.7); the other table sees the pair from its side.
        let (status, answer) = api(&s, "PUT", &path, &bot, Some(column_joins(&json!([]), 5))).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["joins"]["columnJoins"][0]["joinedWith"][0]["joinCount"], 5, "{answer}");
        let customers = table(&s, &bot, "customers").await;
        assert_eq!(
            customers["joins"]["columnJoins"],
            json!([{"columnName": "id", "joinedWith": [
                {"fullyQualifiedName": format!("{SCHEMA}.orders.customer_id"), "joinCount": 5}]}]),
            "{customers}"
        );
        assert_eq!(customers["joins"]["directTableJoins"][0]["fullyQualifiedName"], format!("{SCHEMA}.orders"));
        // Only when asked for.
        let (_, plain) = api(&s, "GET", &format!("/api/v1/tables/name/{SCHEMA}.orders"), &bot, None).await;
        assert!(plain.get("joins").is_none(), "{plain}");
    }
}

#[tokio::test]
async fn bad_reports_and_callers_without_edit_all_change_nothing() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let orders = table(&s, &bot, "orders").await;
    let path = format!("/api/v1/tables/{}/joins", orders["id"].as_str().unwrap());
    assert_eq!(api(&s, "PUT", &path, &bot, Some(column_joins(&json!([]), 1))).await.0, StatusCode::OK);
    let with = |column: &str, fqn: &str| {
        json!({"startDate": today(), "columnJoins": [{"columnName": column, "joinedWith": [
            {"fullyQualifiedName": fqn, "joinCount": 9}]}]})
    };
    let customers_id = format!("{SCHEMA}.customers.id");
    let cases: Vec<(Value, StatusCode, String)> = vec![
        (with("nope", &customers_id), StatusCode::BAD_REQUEST, "Invalid column name nope".into()),
        (
            with("customer_id", &format!("{SCHEMA}.customers.nope")),
            StatusCode::BAD_REQUEST,
            format!("Invalid fully qualified column name {SCHEMA}.customers.nope"),
        ),
        (
            with("customer_id", "customers"),
            StatusCode::BAD_REQUEST,
            "Invalid fully qualified column name customers".into(),
        ),
        (
            with("customer_id", &format!("{SCHEMA}.ghosts.id")),
            StatusCode::NOT_FOUND,
            format!("table instance for {SCHEMA}.ghosts not found"),
        ),
        (
            json!({"startDate": today(), "directTableJoins": [{"fullyQualifiedName": "x.y.z.w", "joinCount": 1}]}),
            StatusCode::BAD_REQUEST,
            "Invalid table name x.y.z.w".into(),
        ),
        (
            json!({"startDate": "2020-01-01", "columnJoins": []}),
            StatusCode::BAD_REQUEST,
            "Date range can only include past 30 days starting today".into(),
        ),
        (json!({"startDate": "soon"}), StatusCode::BAD_REQUEST, "startDate must be a date as YYYY-MM-DD".into()),
        (json!({"columnJoins": []}), StatusCode::BAD_REQUEST, "startDate is required".into()),
        (
            json!({"startDate": today(), "colour": 1}),
            StatusCode::BAD_REQUEST,
            "colour is not a field of TableJoins".into(),
        ),
        (
            json!({"startDate": today(), "directTableJoins": [{"fullyQualifiedName": "a.b.c.d", "joinCount": -1}]}),
            StatusCode::BAD_REQUEST,
            "joinCount (a whole number, 0 or more)".into(),
        ),
        (json!([1]), StatusCode::BAD_REQUEST, "TableJoins must be an object".into()),
        (
            json!({"startDate": today(), "directTableJoins": vec![json!({"fullyQualifiedName": "a.b.c.d", "joinCount": 1}); 1001]}),
            StatusCode::BAD_REQUEST,
            "at most 1000 joined columns and tables, this one 1001".into(),
        ),
    ];
    for (body, status, says) in cases {
        let (got, answer) = api(&s, "PUT", &path, &bot, Some(body.clone())).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(&says), "{body}: {answer}");
    }
    let missing = "/api/v1/tables/0b6f6a30-0000-4000-8000-00000000dead/joins";
    assert_eq!(api(&s, "PUT", missing, &bot, Some(column_joins(&json!([]), 1))).await.0, StatusCode::NOT_FOUND);
    // A data consumer reads joins but may not report them; a token of another server is nobody.
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    assert_eq!(table(&s, &dana, "orders").await["joins"]["columnJoins"][0]["joinedWith"][0]["joinCount"], 1);
    let (status, answer) = api(&s, "PUT", &path, &dana, Some(column_joins(&json!([]), 1000))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("EditAll"), "{answer}");
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    assert_eq!(api(&s, "PUT", &path, &forged, Some(column_joins(&json!([]), 1000))).await.0, StatusCode::UNAUTHORIZED);
    let after = table(&s, &bot, "orders").await;
    assert_eq!(after["joins"]["columnJoins"][0]["joinedWith"][0]["joinCount"], 1, "unchanged: {after}");
    assert_eq!(after["joins"]["directTableJoins"], json!([]));
    assert_eq!(after["version"], orders["version"], "joins do not version the table");
}
