//! Tag labels on data assets resolved as 1.7: unknown tags are 404s and store nothing, labels
//! carry their tag's description and style, mutually exclusive and disabled tags are refused,
//! duplicates merge and labels sort by FQN, on PUT and on PATCH, on tables and on columns.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::patch::patch;
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn label(fqn: &str) -> Value {
    json!({"tagFQN": fqn, "source": "Classification", "labelType": "Manual", "state": "Confirmed"})
}

fn fqns(labels: &Value) -> Vec<&str> {
    labels.as_array().unwrap().iter().filter_map(|l| l["tagFQN"].as_str()).collect()
}

/// A table of the ingested schema with `tags` on itself and on its column `id`.
fn table(tags: Vec<Value>, column_tags: Vec<Value>) -> Value {
    json!({"name": "labelled", "databaseSchema": "local_sqlite.sample.main", "tags": tags,
        "columns": [{"name": "id", "dataType": "INT", "tags": column_tags}]})
}

async fn setup() -> (Server, String) {
    let s = server(&[]).await;
    let bot = ingested(&s).await;
    (s, bot)
}

/// The bot's token, after ingesting the catalog `crate::catalog::ingest` builds.
async fn ingested(s: &Server) -> String {
    let bot = bot_token(s).await;
    ingest(s, &bot).await;
    bot
}

#[tokio::test]
async fn labels_take_their_tags_fields_and_sort() {
    let (s, bot) = setup().await;
    let mut mine = label("Tier.Tier1");
    mine["description"] = json!("whatever the client says");
    let body = table(vec![label("PII.Sensitive"), mine, label("PII.Sensitive")], vec![label("PersonalData.Personal")]);
    let (status, created) = api(&s, "PUT", "/api/v1/tables", &bot, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, read) =
        api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.labelled?fields=tags,columns", &bot, None).await;
    assert_eq!(fqns(&read["tags"]), ["PII.Sensitive", "Tier.Tier1"], "merged and sorted: {read}");
    let tier = &read["tags"][1];
    assert_eq!(tier["name"], "Tier1");
    assert!(tier["description"].as_str().unwrap().starts_with("**Critical"), "the tag's description: {tier}");
    assert_eq!((tier["labelType"].as_str(), tier["state"].as_str()), (Some("Manual"), Some("Confirmed")));
    assert_eq!(read["columns"][0]["tags"][0]["name"], "Personal");
    let (_, gold) =
        api(&s, "PUT", "/api/v1/tables", &bot, Some(table(vec![label("Certification.Gold")], vec![]))).await;
    let (_, gold) =
        api(&s, "GET", &format!("/api/v1/tables/{}?fields=tags", gold["id"].as_str().unwrap()), &bot, None).await;
    assert_eq!(gold["tags"][0]["style"]["color"], "#FFD700", "{gold}");
}

#[tokio::test]
async fn unknown_exclusive_and_disabled_tags_are_refused_and_store_nothing() {
    for s in crate::each_store("tl").await {
        let bot = ingested(&s).await;
        refusals_on(&s, &bot).await;
    }
}

async fn refusals_on(s: &Server, bot: &str) {
    let admin = session(s, "admin", "admin@open-metadata.org");
    let path = "/api/v1/tables/name/local_sqlite.sample.main.labelled";
    for (tags, column_tags, status, message) in [
        (vec![label("PII.Foo")], vec![], StatusCode::NOT_FOUND, "tag instance for PII.Foo not found"),
        (vec![], vec![label("Nope.Never")], StatusCode::NOT_FOUND, "tag instance for Nope.Never not found"),
        (
            vec![label("Tier.Tier2"), label("Tier.Tier1")],
            vec![],
            StatusCode::BAD_REQUEST,
            "Tag labels Tier.Tier2 and Tier.Tier1 are mutually exclusive and can't be assigned together",
        ),
        (
            vec![json!({"tagFQN": "Glossary.Term", "source": "Glossary", "labelType": "Manual", "state": "Confirmed"})],
            vec![],
            StatusCode::NOT_FOUND,
            "glossaryTerm instance for Glossary.Term not found",
        ),
    ] {
        let (got, answer) = api(s, "PUT", "/api/v1/tables", bot, Some(table(tags, column_tags))).await;
        assert_eq!((got, answer["message"].as_str()), (status, Some(message)), "{answer}");
        assert_eq!(api(s, "GET", path, bot, None).await.0, StatusCode::NOT_FOUND, "nothing stored");
    }
    // Disabling a classification disables its tags for new labels.
    let (_, personal) = api(s, "GET", "/api/v1/classifications/name/PersonalData", &admin, None).await;
    let disable = json!([{"op": "replace", "path": "/disabled", "value": true}]);
    let (status, _) =
        patch(s, &format!("/api/v1/classifications/{}", personal["id"].as_str().unwrap()), &admin, disable).await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) =
        api(s, "PUT", "/api/v1/tables", bot, Some(table(vec![label("PersonalData.Personal")], vec![]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["message"], "Tag label PersonalData.Personal is disabled and can't be assigned to a data asset.");
}

#[tokio::test]
async fn patches_resolve_too_and_a_data_consumer_may_tag() {
    let (s, bot) = setup().await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let (_, created) = api(&s, "PUT", "/api/v1/tables", &bot, Some(table(vec![], vec![]))).await;
    let path = format!("/api/v1/tables/{}", created["id"].as_str().unwrap());
    let add = |fqn: &str| json!([{"op": "add", "path": "/tags/0", "value": label(fqn)}]);
    let (status, answer) = patch(&s, &path, &dana, add("PII.Nothing")).await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (StatusCode::NOT_FOUND, Some("tag instance for PII.Nothing not found"))
    );
    let (status, tagged) = patch(&s, &path, &dana, add("PII.None")).await;
    assert_eq!(status, StatusCode::OK, "DataConsumer holds EditTags: {tagged}");
    assert_eq!(tagged["tags"][0]["description"], "Non PII");
    let (status, answer) = patch(&s, &path, &dana, add("PII.Sensitive")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "PII is mutually exclusive: {answer}");
    let (_, read) = api(&s, "GET", &format!("{path}?fields=tags"), &bot, None).await;
    assert_eq!((fqns(&read["tags"]), read["version"].as_f64()), (vec!["PII.None"], Some(0.2)), "unchanged: {read}");
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    assert_eq!(patch(&s, &path, &forged, add("Tier.Tier3")).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = patch(&s, &path, &dana, json!({"op": "add"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// How often a tag (or a classification's tags) is used, as `?fields=usageCount` shows it.
async fn usage(s: &Server, token: &str, path: &str) -> Value {
    let (status, answer) = api(s, "GET", &format!("{path}?fields=usageCount"), token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer["usageCount"].clone()
}

/// The tables a search lists for a tag, as the web UI's tag page asks for them.
async fn tagged_tables(s: &Server, token: &str, tag: &str) -> Vec<String> {
    let filter = json!({"query": {"bool": {"must": [{"term": {"tags.tagFQN": tag}}]}}}).to_string();
    let filter = percent_encoding::utf8_percent_encode(&filter, percent_encoding::NON_ALPHANUMERIC);
    let path = format!("/api/v1/search/query?q=&index=table_search_index&size=50&query_filter={filter}");
    let (status, answer) = api(s, "GET", &path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let hits = answer["hits"]["hits"].as_array().unwrap();
    assert_eq!(answer["hits"]["total"]["value"], hits.len(), "{answer}");
    hits.iter().map(|h| h["_source"]["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn usage_counts_and_tag_listings_follow_every_write() {
    for s in crate::each_store("tu").await {
        let bot = ingested(&s).await;
        let (sensitive, pii) = ("/api/v1/tags/name/PII.Sensitive", "/api/v1/classifications/name/PII");
        assert_eq!(usage(&s, &bot, sensitive).await, 0);
        // The ingested catalog carries other PII tags already.
        let before = usage(&s, &bot, pii).await.as_i64().unwrap();
        // On the table and on a column.
        let body = table(vec![label("PII.Sensitive"), label("Tier.Tier2")], vec![label("PII.Sensitive")]);
        let (status, created) = api(&s, "PUT", "/api/v1/tables", &bot, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(usage(&s, &bot, sensitive).await, 2, "the table and its column");
        assert_eq!(usage(&s, &bot, pii).await, before + 2);
        assert_eq!(usage(&s, &bot, "/api/v1/classifications/name/Tier").await, 1);
        assert_eq!(tagged_tables(&s, &bot, "PII.Sensitive").await, ["labelled"]);
        // Only the entity's own labels list it (as 1.7's tags.tagFQN field): not a column's.
        let other = json!({"name": "other", "databaseSchema": "local_sqlite.sample.main",
            "columns": [{"name": "id", "dataType": "INT", "tags": [label("PII.Sensitive")]}]});
        let (_, other) = api(&s, "PUT", "/api/v1/tables", &bot, Some(other)).await;
        assert_eq!(usage(&s, &bot, sensitive).await, 3);
        assert_eq!(tagged_tables(&s, &bot, "PII.Sensitive").await, ["labelled"]);

        // A patch that removes the column's tag takes its use away.
        let path = format!("/api/v1/tables/{}", created["id"].as_str().unwrap());
        let (status, _) = patch(&s, &path, &bot, json!([{"op": "remove", "path": "/columns/0/tags/0"}])).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(usage(&s, &bot, sensitive).await, 2);
        // A refused write changes no count.
        let refused = json!([{"op": "add", "path": "/tags/0", "value": label("PII.Nope")}]);
        assert_eq!(patch(&s, &path, &bot, refused).await.0, StatusCode::NOT_FOUND);
        assert_eq!(usage(&s, &bot, sensitive).await, 2);

        // Soft-deleted tables leave the listing (and come back with deleted=true); hard-deleted
        // ones lose their uses.
        assert_eq!(api(&s, "DELETE", &path, &bot, None).await.0, StatusCode::OK);
        assert!(tagged_tables(&s, &bot, "PII.Sensitive").await.is_empty());
        let hard = format!("{}?hardDelete=true", path);
        assert_eq!(api(&s, "DELETE", &hard, &bot, None).await.0, StatusCode::OK);
        assert_eq!(usage(&s, &bot, sensitive).await, 1, "the other table's column");
        let other = format!("/api/v1/tables/{}?hardDelete=true&recursive=true", other["id"].as_str().unwrap());
        assert_eq!(api(&s, "DELETE", &other, &bot, None).await.0, StatusCode::OK);
        assert_eq!((usage(&s, &bot, sensitive).await, usage(&s, &bot, pii).await), (json!(0), json!(before)));
    }
}

#[tokio::test]
async fn tag_listings_refuse_what_they_cannot_answer_and_hide_unreadable_kinds() {
    let (s, bot) = setup().await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    api(&s, "PUT", "/api/v1/tables", &bot, Some(table(vec![label("Tier.Tier1")], vec![]))).await;
    assert_eq!(tagged_tables(&s, &dana, "Tier.Tier1").await, ["labelled"], "a data consumer reads tags");
    let base = "/api/v1/search/query?index=table_search_index";
    let encode = |f: &str| percent_encoding::utf8_percent_encode(f, percent_encoding::NON_ALPHANUMERIC).to_string();
    // Text and a tag filter together: the tagged entities the text finds.
    let with_text =
        |q: &str| format!("{base}&q={q}&query_filter={}", encode(r#"{"term":{"tags.tagFQN":"Tier.Tier1"}}"#));
    let (status, found) = api(&s, "GET", &with_text("lab"), &dana, None).await;
    assert_eq!(
        (status, found["hits"]["hits"][0]["_source"]["name"].as_str()),
        (StatusCode::OK, Some("labelled")),
        "{found}"
    );
    let (_, none) = api(&s, "GET", &with_text("zzz"), &dana, None).await;
    assert_eq!(none["hits"]["total"]["value"], 0, "{none}");
    for (extra, says) in [
        (
            format!("&query_filter={}", encode(r#"{"query":{"range":{"updatedAt":{"gte":1}}}}"#)),
            "query_filter.range is not supported",
        ),
        (format!("&query_filter={}", encode("{nope")), "query_filter is not valid JSON"),
    ] {
        let (status, answer) = api(&s, "GET", &format!("{base}{extra}"), &dana, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{extra}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains(says), "{extra}: {answer}");
    }
    let forged = session(&server(&[]).await, "admin", "admin@open-metadata.org");
    let filter = encode(r#"{"term":{"tags.tagFQN":"Tier.Tier1"}}"#);
    let (status, _) = api(&s, "GET", &format!("{base}&query_filter={filter}"), &forged, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a token of another server");
}
