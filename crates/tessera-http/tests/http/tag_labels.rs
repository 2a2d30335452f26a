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
