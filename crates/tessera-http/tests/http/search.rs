//! `/api/v1/search/fieldQuery` as the ingestion client calls it, answered from the catalog.

use crate::accounts::api;
use crate::catalog::{bot_token, ingest};
use crate::server;
use axum::http::StatusCode;

fn query(fqn: &str, extra: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(fqn, percent_encoding::NON_ALPHANUMERIC);
    format!(
        "/api/v1/search/fieldQuery?fieldName=fullyQualifiedName&fieldValue={encoded}&from=0&size=10\
         &index=table_search_index{extra}"
    )
}

#[tokio::test]
async fn field_queries_find_tables_by_fqn_in_the_search_hit_shape() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;

    let (status, found) =
        api(&s, "GET", &query("local_sqlite.sample.main.customers", "&deleted=false"), &bot, None).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["hits"]["total"]["value"], 1);
    assert_eq!(found["hits"]["hits"][0]["_source"]["fullyQualifiedName"], "local_sqlite.sample.main.customers");
    assert_eq!(found["hits"]["hits"][0]["_source"]["columns"][0]["name"], "id");

    let odd = "local_sqlite.sample.main.\"my.table/ü\"";
    let (_, found) = api(&s, "GET", &query(odd, ""), &bot, None).await;
    assert_eq!(found["hits"]["hits"][0]["_source"]["fullyQualifiedName"], odd);

    let (status, none) = api(&s, "GET", &query("local_sqlite.sample.main.nothing", ""), &bot, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (none["hits"]["total"]["value"].as_i64(), none["hits"]["hits"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );

    // Wildcards for the service, database or schema, as the client sends them for a view's
    // unqualified table; parts compared ignoring case, as the original's normalised keyword.
    let names = |answer: &serde_json::Value| -> Vec<String> {
        let hits = answer["hits"]["hits"].as_array().unwrap();
        assert_eq!(answer["hits"]["total"]["value"], hits.len(), "{answer}");
        hits.iter().map(|h| h["_source"]["fullyQualifiedName"].as_str().unwrap().to_string()).collect()
    };
    for (pattern, expected) in [
        ("local_sqlite.*.*.customers", vec!["local_sqlite.sample.main.customers"]),
        ("*.*.*.ORDERS", vec!["local_sqlite.sample.main.orders"]),
        ("local_sqlite.s?mple.ma*.big_orders", vec!["local_sqlite.sample.main.big_orders"]),
        ("elsewhere.*.*.customers", vec![]),
        ("local_sqlite.*.customers", vec![]),
    ] {
        let (status, found) = api(&s, "GET", &query(pattern, ""), &bot, None).await;
        assert_eq!(status, StatusCode::OK, "{pattern}: {found}");
        assert_eq!(names(&found), expected, "{pattern}");
    }
    let (status, body) = api(&s, "GET", &query("local_sqlite.sample.main.*", ""), &bot, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("not the name (the last part)"), "{body}");

    // A soft-deleted table is found only with deleted=true.
    let (_, table) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders", &bot, None).await;
    let id = table["id"].as_str().unwrap();
    let (status, _) = api(&s, "DELETE", &format!("/api/v1/tables/{id}"), &bot, None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, hidden) = api(&s, "GET", &query("local_sqlite.sample.main.orders", "&deleted=false"), &bot, None).await;
    assert_eq!(hidden["hits"]["total"]["value"], 0);
    let (_, deleted) = api(&s, "GET", &query("local_sqlite.sample.main.orders", "&deleted=true"), &bot, None).await;
    assert_eq!(deleted["hits"]["hits"][0]["_source"]["deleted"], true);
}

#[tokio::test]
async fn what_tessera_cannot_search_is_a_400_that_says_so() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    let (status, body) = api(
        &s,
        "GET",
        "/api/v1/search/fieldQuery?fieldName=fullyQualifiedName&fieldValue=x&index=glossary_search_index",
        &bot,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("table_search_index"), "{body}");
    let (status, body) = api(
        &s,
        "GET",
        "/api/v1/search/fieldQuery?fieldName=description&fieldValue=x&index=table_search_index",
        &bot,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("fullyQualifiedName"), "{body}");
    let (status, _) = api(&s, "GET", &query("a.b.c.d", "&size=ten"), &bot, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
