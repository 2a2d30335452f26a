//! `GET /api/v1/search/query`: name-prefix search in the search hit shape, on SQLite and
//! PostgreSQL, through the authorizer (a data consumer may search), with 400s that say what to fix.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

async fn servers() -> Vec<Server> {
    crate::each_store("sq").await
}

fn search(q: &str, extra: &str) -> String {
    let q = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
    format!("/api/v1/search/query?q={q}{extra}")
}

fn fqns(answer: &Value) -> Vec<String> {
    answer["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["_source"]["fullyQualifiedName"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn names_are_found_by_prefix_in_any_case_in_the_hit_shape() {
    for s in servers().await {
        let bot = bot_token(&s).await;
        ingest(&s, &bot).await;
        let backend = s.store.backend();

        let (status, found) = api(&s, "GET", &search("CUST", "&index=table_search_index"), &bot, None).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {found}");
        assert_eq!(found["hits"]["total"], json!({"value": 1, "relation": "eq"}));
        let hit = &found["hits"]["hits"][0];
        assert_eq!(hit["_index"], "table_search_index");
        assert_eq!(hit["_source"]["fullyQualifiedName"], "local_sqlite.sample.main.customers");
        assert_eq!(hit["_source"]["entityType"], "table");
        assert_eq!(hit["_id"], hit["_source"]["id"]);
        assert_eq!(hit["_source"]["columns"][2]["children"][0]["name"], "city");

        // The default index is tables; a word inside the name matches (big_orders), after whole names.
        let (_, orders) = api(&s, "GET", &search("Orders", ""), &bot, None).await;
        assert_eq!(fqns(&orders), ["local_sqlite.sample.main.orders", "local_sqlite.sample.main.big_orders"]);
        // Unicode and dots in a name; a trailing * is a prefix too.
        let (_, odd) = api(&s, "GET", &search("MY.TABLE/Ü", ""), &bot, None).await;
        assert_eq!(fqns(&odd), ["local_sqlite.sample.main.\"my.table/ü\""]);
        let (_, star) = api(&s, "GET", &search("my.tab*", ""), &bot, None).await;
        assert_eq!(fqns(&star), fqns(&odd));

        // Every kind at once, each hit in its own index.
        let (_, all) = api(&s, "GET", &search("s", "&index=all"), &bot, None).await;
        let indexes: Vec<&str> =
            all["hits"]["hits"].as_array().unwrap().iter().map(|h| h["_index"].as_str().unwrap()).collect();
        // A whole name first (sample), then a word (local_sqlite's "sqlite").
        assert_eq!(indexes, ["database_search_index", "database_service_search_index"], "{all}");

        // No q at all, or an empty one (the client's lineage workflow sends it): every name.
        let (status, everything) = api(&s, "GET", "/api/v1/search/query?q=&size=100", &bot, None).await;
        assert_eq!(status, StatusCode::OK, "{everything}");
        assert_eq!(everything["hits"]["total"]["value"], 4);
        let (_, no_q) = api(&s, "GET", "/api/v1/search/query?size=100", &bot, None).await;
        assert_eq!(fqns(&no_q), fqns(&everything));

        // Paging: from/size over one order.
        let (_, every) = api(&s, "GET", &search("*", "&size=100"), &bot, None).await;
        assert_eq!(every["hits"]["total"]["value"], 4);
        let mut paged = Vec::new();
        for from in 0..4 {
            let (_, page) = api(&s, "GET", &search("*", &format!("&from={from}&size=1")), &bot, None).await;
            assert_eq!(page["hits"]["total"]["value"], 4);
            paged.extend(fqns(&page));
        }
        assert_eq!(paged, fqns(&every));

        // Soft-deleted tables are hidden unless asked for.
        let id = hit["_source"]["id"].as_str().unwrap();
        assert_eq!(api(&s, "DELETE", &format!("/api/v1/tables/{id}"), &bot, None).await.0, StatusCode::OK);
        let (_, hidden) = api(&s, "GET", &search("cust", ""), &bot, None).await;
        assert_eq!(hidden["hits"]["total"]["value"], 0);
        for extra in ["&deleted=true", "&include=deleted", "&include=all"] {
            let (_, shown) = api(&s, "GET", &search("cust", extra), &bot, None).await;
            assert_eq!(shown["hits"]["hits"][0]["_source"]["deleted"], true, "{extra}: {shown}");
        }
    }
}

#[tokio::test]
async fn bad_parameters_are_400s_that_say_what_to_change() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    for (path, says) in [
        (
            search("*", "&query_filter=%7B%22fuzzy%22%3A%7B%22name%22%3A%22x%22%7D%7D"),
            "query_filter.fuzzy is not supported",
        ),
        (search("*", "&sort_field=totalVotes"), "sort_field \"totalVotes\" is not supported"),
        (search("a", "&search_after=3.5"), "search_after needs sort_field"),
        (search("*", "&sort_field=updatedAt&search_after=yesterday"), "must be a number of milliseconds"),
        (search("*", "&sort_order=up"), "sort_order must be asc or desc"),
        (search("*", "&track_total_hits=maybe"), "track_total_hits must be true, false or a number"),
        (
            search("*", "&query_filter=%7B%22match%22%3A%7B%22columns.dataType%22%3A%22INT%22%7D%7D"),
            "match on columns.dataType is not supported",
        ),
        (search("a", "&index=glossary_search_index"), "table_search_index, stored_procedure_search_index"),
        (search("a", "&size=101"), "size must be between 0 and 100"),
        (search("a", "&size=ten"), "size must be a whole number"),
        (search("a", "&from=-1"), "from must be a whole number"),
        (search("a", "&from=9995&size=10"), "from + size must be at most 10000"),
        // Out of range: never an overflow (attack review finding 13).
        (search("a", "&from=9223372036854775807&size=10"), "from must be a whole number from 0 to 10000"),
        (search("a", "&size=18446744073709551615"), "size must be a whole number from 0 to 10000"),
        (
            "/api/v1/search/fieldQuery?fieldName=fullyQualifiedName&fieldValue=x&from=99999".to_string(),
            "from must be a whole number from 0 to 10000",
        ),
        (search("a", "&deleted=maybe"), "deleted must be true or false"),
        (search("a", "&deleted=true&include=all"), "not both"),
        (search("a", "&include=some"), "include must be non-deleted, deleted or all"),
        (search("a*b", ""), "remove the other wildcards"),
        (search(&"x".repeat(200), ""), "q is too long"),
    ] {
        let (status, body) = api(&s, "GET", &path, &bot, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(body["message"].as_str().unwrap().contains(says), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_data_consumer_may_search() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    ingest(&s, &bot_token(&s).await).await;
    let dana = data_consumer(&s, &admin).await;
    let (status, found) = api(&s, "GET", &search("customers", "&index=all"), &dana, None).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(fqns(&found), ["local_sqlite.sample.main.customers"]);
    // Without a token: the authentication layer's 401.
    let (status, _) = api(&s, "GET", &search("customers", ""), "", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
