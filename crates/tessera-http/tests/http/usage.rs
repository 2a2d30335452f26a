//! `/api/v1/usage` as 1.7 counts it, on SQLite and PostgreSQL: PUT adds to a day, POST replaces
//! it, the 7- and 30-day sums follow, a table's count also goes to its schema and database,
//! percentiles rank the tables of a day on request, `usageSummary` is the newest day; refusals
//! (bad bodies, unknown tables, other types, callers without EditUsage) change nothing.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

const SCHEMA: &str = "local_sqlite.sample.main";

async fn id_of(s: &Server, token: &str, path: &str) -> String {
    let (status, entity) = api(s, "GET", path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {entity}");
    entity["id"].as_str().unwrap().to_string()
}

async fn count(s: &Server, token: &str, method: &str, id: &str, count: i64, date: &str) -> (StatusCode, Value) {
    api(s, method, &format!("/api/v1/usage/table/{id}"), token, Some(json!({"count": count, "date": date}))).await
}

/// (daily, weekly, monthly) counts of a day as `GET /usage` answers them.
async fn day(s: &Server, token: &str, kind: &str, id: &str, date: &str) -> (i64, i64, i64) {
    let (status, answer) = api(s, "GET", &format!("/api/v1/usage/{kind}/{id}?date={date}&days=1"), token, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let usage = &answer["usage"][0];
    let n = |stats: &str| usage[stats]["count"].as_i64().unwrap_or(-1);
    (n("dailyStats"), n("weeklyStats"), n("monthlyStats"))
}

#[tokio::test]
async fn counts_add_replace_sum_and_rank_as_1_7() {
    for s in crate::each_store("us").await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let orders = id_of(&s, &bot, &format!("/api/v1/tables/name/{SCHEMA}.orders")).await;
        let customers = id_of(&s, &bot, &format!("/api/v1/tables/name/{SCHEMA}.customers")).await;

        let (status, event) = count(&s, &bot, "PUT", &orders, 5, "2025-05-01").await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        assert_eq!(
            (event["eventType"].as_str(), event["entityId"].as_str()),
            (Some("entityUpdated"), Some(orders.as_str()))
        );
        assert_eq!(event["changeDescription"]["fieldsUpdated"][0]["newValue"]["dailyStats"]["count"], 5);
        assert_eq!(count(&s, &bot, "PUT", &orders, 3, "2025-05-01").await.0, StatusCode::CREATED);
        assert_eq!(day(&s, &bot, "table", &orders, "2025-05-01").await, (8, 8, 8), "PUT adds");
        // The next days start from the sums of the days before them in their windows.
        assert_eq!(count(&s, &bot, "PUT", &orders, 2, "2025-05-05").await.0, StatusCode::CREATED);
        assert_eq!(day(&s, &bot, "table", &orders, "2025-05-05").await, (2, 10, 10));
        assert_eq!(count(&s, &bot, "PUT", &orders, 1, "2025-05-20").await.0, StatusCode::CREATED);
        assert_eq!(day(&s, &bot, "table", &orders, "2025-05-20").await, (1, 1, 11), "May 1 is out of the week");
        // POST replaces the day: the sums move by the difference.
        assert_eq!(count(&s, &bot, "POST", &orders, 4, "2025-05-05").await.0, StatusCode::CREATED);
        assert_eq!(day(&s, &bot, "table", &orders, "2025-05-05").await, (4, 12, 12));

        // The schema and the database get the table's counts, added.
        let schema = id_of(&s, &bot, &format!("/api/v1/databaseSchemas/name/{SCHEMA}")).await;
        let (status, answer) = api(&s, "GET", &format!("/api/v1/usage/databaseSchema/{schema}"), &bot, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "reads are for tables: {answer}");
        let (_, by_days) =
            api(&s, "GET", &format!("/api/v1/usage/table/{orders}?date=2025-05-20&days=30"), &bot, None).await;
        let dates: Vec<&str> =
            by_days["usage"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
        assert_eq!(dates, ["2025-05-20", "2025-05-05", "2025-05-01"], "newest first: {by_days}");
        assert_eq!(by_days["entity"]["fullyQualifiedName"], format!("{SCHEMA}.orders"));

        // Percentiles: ranked when asked, among the tables of that day.
        assert_eq!(count(&s, &bot, "PUT", &customers, 100, "2025-05-20").await.0, StatusCode::CREATED);
        let rank = api(&s, "POST", "/api/v1/usage/compute.percentile/table/2025-05-20", &bot, None).await;
        assert_eq!(rank.0, StatusCode::CREATED, "{}", rank.1);
        let (_, ranked) = api(&s, "GET", &format!("/api/v1/usage/table/{customers}?date=2025-05-20"), &bot, None).await;
        assert_eq!(ranked["usage"][0]["dailyStats"]["percentileRank"], 50.0, "one of two tables below it: {ranked}");
        let (_, lowest) = api(&s, "GET", &format!("/api/v1/usage/table/{orders}?date=2025-05-20"), &bot, None).await;
        assert_eq!(lowest["usage"][0]["dailyStats"]["percentileRank"], 0.0);
        // The client ranks databases after tables (their days hold their tables' counts).
        let rank = api(&s, "POST", "/api/v1/usage/compute.percentile/database/2025-05-20", &bot, None).await;
        assert_eq!(rank.0, StatusCode::CREATED, "{}", rank.1);

        // usageSummary is the newest day, when asked for by name.
        let (_, table) = api(&s, "GET", &format!("/api/v1/tables/{orders}?fields=usageSummary"), &bot, None).await;
        assert_eq!(table["usageSummary"]["date"], "2025-05-20", "{table}");
        assert_eq!(table["usageSummary"]["monthlyStats"]["count"], 11);
        let (_, plain) = api(&s, "GET", &format!("/api/v1/tables/{orders}"), &bot, None).await;
        assert!(plain.get("usageSummary").is_none());
        // By name too; hard delete removes the table's usage with it.
        let by_name = format!("/api/v1/usage/table/name/{SCHEMA}.orders");
        assert_eq!(
            api(&s, "PUT", &by_name, &bot, Some(json!({"count": 1, "date": "2025-05-21"}))).await.0,
            StatusCode::CREATED
        );
        let hard = format!("/api/v1/tables/{orders}?hardDelete=true");
        assert_eq!(api(&s, "DELETE", &hard, &bot, None).await.0, StatusCode::OK);
        assert_eq!(api(&s, "GET", &format!("/api/v1/usage/table/{orders}"), &bot, None).await.0, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn bad_counts_and_callers_without_edit_usage_change_nothing() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let orders = id_of(&s, &bot, &format!("/api/v1/tables/name/{SCHEMA}.orders")).await;
    assert_eq!(count(&s, &bot, "PUT", &orders, 7, "2025-06-01").await.0, StatusCode::CREATED);
    for (method, path, body, status, says) in [
        (
            "PUT",
            format!("/api/v1/usage/table/{orders}"),
            json!({"count": -1, "date": "2025-06-01"}),
            StatusCode::BAD_REQUEST,
            "a whole number, 0 or more",
        ),
        (
            "PUT",
            format!("/api/v1/usage/table/{orders}"),
            json!({"count": 1, "date": "2025-06-31"}),
            StatusCode::BAD_REQUEST,
            "date must be a date as YYYY-MM-DD",
        ),
        (
            "PUT",
            format!("/api/v1/usage/table/{orders}"),
            json!({"count": 1, "date": "2025-06-01", "x": 1}),
            StatusCode::BAD_REQUEST,
            "x is not a field of DailyCount",
        ),
        (
            "PUT",
            "/api/v1/usage/dashboard/x".to_string(),
            json!({"count": 1, "date": "2025-06-01"}),
            StatusCode::BAD_REQUEST,
            "Tessera keeps usage for tables",
        ),
        (
            "PUT",
            "/api/v1/usage/table/0b6f6a30-0000-4000-8000-00000000dead".to_string(),
            json!({"count": 1, "date": "2025-06-01"}),
            StatusCode::NOT_FOUND,
            "table instance for 0b6f6a30-0000-4000-8000-00000000dead not found",
        ),
        (
            "POST",
            "/api/v1/usage/compute.percentile/dashboard/2025-06-01".to_string(),
            json!(null),
            StatusCode::BAD_REQUEST,
            "Tessera ranks the usage of tables, databaseSchemas and databases",
        ),
        (
            "POST",
            "/api/v1/usage/compute.percentile/table/yesterday".to_string(),
            json!(null),
            StatusCode::BAD_REQUEST,
            "the date must be a date",
        ),
    ] {
        let body = (!body.is_null()).then_some(body);
        let (got, answer) = api(&s, method, &path, &bot, body).await;
        assert_eq!(got, status, "{path}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(says), "{path}: {answer}");
    }
    let (status, answer) = api(&s, "GET", &format!("/api/v1/usage/table/{orders}?days=lots"), &bot, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    // A data consumer may read usage (ViewAll) but not write it; strangers get nothing.
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    assert_eq!(day(&s, &dana, "table", &orders, "2025-06-01").await, (7, 7, 7));
    let (status, answer) = count(&s, &dana, "PUT", &orders, 1000, "2025-06-01").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("EditUsage"), "{answer}");
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    assert_eq!(count(&s, &forged, "PUT", &orders, 1000, "2025-06-01").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(day(&s, &bot, "table", &orders, "2025-06-01").await, (7, 7, 7), "unchanged");
}
