//! `PATCH /api/v1/{collection}/{id}` with the JSON Patch bodies the ingestion client sends
//! (`application/json-patch+json`), the errors that say what to change, and who may patch.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::{Server, call, server};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

/// A PATCH as the client sends it: raw body text, the JSON Patch content type.
pub async fn patch_raw(s: &Server, path: &str, token: &str, body: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method("PATCH")
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json-patch+json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, _, json) = call(&s.api, request).await;
    (status, json)
}

pub async fn patch(s: &Server, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    patch_raw(s, path, token, &body.to_string()).await
}

async fn table(s: &Server, token: &str, name: &str) -> Value {
    let path = format!("/api/v1/tables/name/local_sqlite.sample.main.{name}?fields=*");
    let (status, table) = api(s, "GET", &path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    table
}

#[tokio::test]
async fn the_clients_patches_apply_and_read_back() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;

    // Changed source: a column added at the end and the new sourceHash (observed body).
    let customers = table(&s, &bot, "customers").await;
    let id = customers["id"].as_str().unwrap();
    let body = json!([{"op": "add", "path": "/columns/3", "value": {"name": "phone", "dataType": "VARCHAR",
            "dataLength": 20, "dataTypeDisplay": "VARCHAR(20)", "constraint": "NULL", "tags": []}},
        {"op": "replace", "path": "/sourceHash", "value": "c2"}]);
    let (status, patched) = patch(&s, &format!("/api/v1/tables/{id}"), &bot, body).await;
    assert_eq!((status, patched["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{patched}");
    assert_eq!(patched["columns"][3]["fullyQualifiedName"], "local_sqlite.sample.main.customers.phone");
    assert_eq!(patched["changeDescription"]["fieldsAdded"][0]["name"], "columns");
    assert_eq!(patched["updatedBy"], "ingestion-bot");
    assert_eq!(patched["href"], customers["href"]);
    let read = table(&s, &bot, "customers").await;
    assert_eq!((read["sourceHash"].as_str(), read["columns"][3]["name"].as_str()), (Some("c2"), Some("phone")));
    let (_, history) = api(&s, "GET", &format!("/api/v1/tables/{id}/versions"), &bot, None).await;
    assert_eq!(history["versions"].as_array().unwrap().len(), 2);

    // A forward foreign key, added after the table it points at, with `tags: []` on a column.
    let put = json!({"name": "payments", "databaseSchema": "local_sqlite.sample.main", "sourceHash": "p1",
        "columns": [{"name": "id", "dataType": "INT"}, {"name": "customer_id", "dataType": "INT"}]});
    let (status, payments) = api(&s, "PUT", "/api/v1/tables", &bot, Some(put)).await;
    assert_eq!(status, StatusCode::CREATED, "{payments}");
    let fk = json!({"constraintType": "FOREIGN_KEY", "columns": ["customer_id"],
        "referredColumns": ["local_sqlite.sample.main.customers.id"], "relationshipType": "MANY_TO_ONE"});
    let body = json!([{"op": "add", "path": "/tableConstraints/0", "value": fk},
        {"op": "add", "path": "/columns/1/tags", "value": []}]);
    let path = format!("/api/v1/tables/{}", payments["id"].as_str().unwrap());
    let (status, patched) = patch(&s, &path, &bot, body.clone()).await;
    assert_eq!((status, patched["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{patched}");
    assert_eq!(patched["tableConstraints"][0], fk);
    assert_eq!(table(&s, &bot, "payments").await["tableConstraints"][0], fk);

    // Nothing to change: 200 with the entity as it is, no new version.
    let same = json!([{"op": "add", "path": "/columns/0/tags", "value": []},
        {"op": "replace", "path": "/sourceHash", "value": "p1"}]);
    let (status, unchanged) = patch(&s, &path, &bot, same).await;
    assert_eq!((status, unchanged["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{unchanged}");

    // A display name needs EditDisplayName too, which IngestionBotPolicy denies (DisplayName-Deny).
    let rename = json!([{"op": "add", "path": "/displayName", "value": "Payments"}]);
    let (status, reply) = patch(&s, &path, &bot, rename.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{reply}");
    assert!(reply["message"].as_str().unwrap().contains("EditDisplayName"), "{reply}");
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let (status, renamed) = patch(&s, &path, &admin, rename).await;
    assert_eq!((status, renamed["displayName"].as_str()), (StatusCode::OK, Some("Payments")), "{renamed}");

    // remove, and the other three kinds (the bot's EditAll through IngestionBotPolicy).
    let (status, removed) = patch(&s, &path, &bot, json!([{"op": "remove", "path": "/tableConstraints/0"}])).await;
    assert_eq!((status, removed["tableConstraints"].clone()), (StatusCode::OK, json!([])), "{removed}");
    let describe = json!([{"op": "add", "path": "/description", "value": "patched"}]);
    for (collection, name) in [
        ("services/databaseServices", "local_sqlite"),
        ("databases", "local_sqlite.sample"),
        ("databaseSchemas", "local_sqlite.sample.main"),
    ] {
        let (_, entity) = api(&s, "GET", &format!("/api/v1/{collection}/name/{name}"), &bot, None).await;
        let path = format!("/api/v1/{collection}/{}", entity["id"].as_str().unwrap());
        let (status, patched) = patch(&s, &path, &bot, describe.clone()).await;
        assert_eq!(status, StatusCode::OK, "{collection}: {patched}");
        assert_eq!((patched["description"].as_str(), patched["version"].as_f64()), (Some("patched"), Some(0.2)));
    }
}

#[tokio::test]
async fn bad_patches_get_a_4xx_that_says_what_to_change() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let orders = table(&s, &bot, "orders").await;
    let path = format!("/api/v1/tables/{}", orders["id"].as_str().unwrap());
    let cases: Vec<(&str, StatusCode, &str)> = vec![
        ("not json", StatusCode::BAD_REQUEST, "The request body is not valid"),
        (r#"{"op": "add", "path": "/description", "value": "x"}"#, StatusCode::BAD_REQUEST, "a list of operations"),
        (r#"[{"op": "sofa", "path": "/description"}]"#, StatusCode::BAD_REQUEST, "Patch operation 0 is not valid"),
        (
            r#"[{"op": "add", "path": "/description", "value": "x"}, {"op": "test", "path": "/sourceHash", "value": "zz"}]"#,
            StatusCode::BAD_REQUEST,
            "Patch operation 1 (test /sourceHash) cannot be applied: the value at /sourceHash differs",
        ),
        (
            r#"[{"op": "add", "path": "/columns/7", "value": {"name": "x", "dataType": "INT"}}]"#,
            StatusCode::BAD_REQUEST,
            "Patch operation 0 (add /columns/7) cannot be applied: /columns has 3 items: the index must be 0 to 3",
        ),
        (
            r#"[{"op": "replace", "path": "/nothing", "value": 1}]"#,
            StatusCode::BAD_REQUEST,
            "the entity has no field \"nothing\"",
        ),
        (
            r#"[{"op": "replace", "path": "/name", "value": "renamed"}]"#,
            StatusCode::BAD_REQUEST,
            "name cannot be changed by PATCH",
        ),
        (
            r#"[{"op": "replace", "path": "/fullyQualifiedName", "value": "a.b.c.d"}]"#,
            StatusCode::BAD_REQUEST,
            "fullyQualifiedName cannot be changed by PATCH",
        ),
        (
            r#"[{"op": "remove", "path": "/databaseSchema"}]"#,
            StatusCode::BAD_REQUEST,
            "databaseSchema cannot be changed by PATCH",
        ),
        (
            r#"[{"op": "replace", "path": "/columns/0/dataType", "value": "SOFA"}]"#,
            StatusCode::BAD_REQUEST,
            "The patched table is not valid: columns[0]: dataType \"SOFA\" is not one of",
        ),
        (
            r#"[{"op": "add", "path": "/domains", "value": []}]"#,
            StatusCode::BAD_REQUEST,
            "The patched table is not valid: Unknown field domains",
        ),
    ];
    for (body, expected, text) in cases {
        let (status, reply) = patch_raw(&s, &path, &bot, body).await;
        assert_eq!(status, expected, "{body}: {reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains(text), "{body}: {message:?} lacks {text:?}");
        assert_eq!(reply["code"].as_u64(), Some(u64::from(expected.as_u16())));
    }
    assert_eq!(table(&s, &bot, "orders").await["version"], 0.1, "nothing was written");

    // Unknown and soft-deleted: the JSON 404 the client recognises.
    let unknown = "/api/v1/tables/00000000-0000-0000-0000-000000000000";
    let (status, reply) = patch(&s, unknown, &bot, json!([])).await;
    assert_eq!((status, reply["code"].as_i64()), (StatusCode::NOT_FOUND, Some(404)), "{reply}");
    assert_eq!(reply["message"], "table instance for 00000000-0000-0000-0000-000000000000 not found");
    let (status, _) = api(&s, "DELETE", &format!("{path}?hardDelete=false"), &bot, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, reply) = patch(&s, &path, &bot, json!([{"op": "add", "path": "/description", "value": "x"}])).await;
    assert_eq!((status, reply["code"].as_i64()), (StatusCode::NOT_FOUND, Some(404)), "{reply}");
}

#[tokio::test]
async fn a_data_consumer_patches_descriptions_but_nothing_else() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    ingest(&s, &bot_token(&s).await).await;
    let (_, me) = api(&s, "GET", "/api/v1/users/loggedInUser", &dana, None).await;
    let owner = json!([{"id": me["id"], "type": "user"}]);
    for (collection, kind, name) in [
        ("services/databaseServices", "databaseService", "local_sqlite"),
        ("databases", "database", "local_sqlite.sample"),
        ("databaseSchemas", "databaseSchema", "local_sqlite.sample.main"),
        ("tables", "table", "local_sqlite.sample.main.orders"),
        ("storedProcedures", "storedProcedure", "local_sqlite.sample.main.refresh_totals"),
    ] {
        let (_, entity) = api(&s, "GET", &format!("/api/v1/{collection}/name/{name}"), &dana, None).await;
        let path = format!("/api/v1/{collection}/{}", entity["id"].as_str().unwrap());
        // The operations are those of the fields a patch changes (DataConsumerPolicy grants
        // EditDescription, EditTags, EditGlossaryTerms, EditTier), as in the original.
        for (body, operations) in [
            (json!([{"op": "add", "path": "/displayName", "value": "Mine"}]), "EditDisplayName"),
            (
                if kind == "databaseService" {
                    json!([{"op": "replace", "path": "/connection/config/databaseMode", "value": "/tmp/other.db"}])
                } else {
                    json!([{"op": "add", "path": "/sourceHash", "value": "x"}])
                },
                "EditAll",
            ),
        ] {
            let (status, reply) = patch(&s, &path, &dana, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{kind}: {reply}");
            assert_eq!(
                reply["message"],
                format!("Principal: CatalogPrincipal{{name='dana'}} operations [{operations}] not allowed"),
                "{kind}"
            );
        }
        let (_, after) = api(&s, "GET", &path, &dana, None).await;
        assert_eq!(after["version"], 0.1, "{kind} unchanged");
        let (status, described) =
            patch(&s, &path, &dana, json!([{"op": "add", "path": "/description", "value": "mine"}])).await;
        assert_eq!((status, described["description"].as_str()), (StatusCode::OK, Some("mine")), "{kind}");
        // What has no owner anyone may claim (OrganizationPolicy-NoOwner-Rule), as in the original;
        // the ingested database has one (admin), which what lies under it inherits, so only the
        // service is dana's to take.
        let (status, claimed) =
            patch(&s, &path, &dana, json!([{"op": "add", "path": "/owners", "value": owner}])).await;
        if kind != "databaseService" {
            assert_eq!(status, StatusCode::FORBIDDEN, "{kind}: {claimed}");
            assert_eq!(
                claimed["message"],
                "Principal: CatalogPrincipal{name='dana'} operations [EditOwners] not allowed"
            );
        } else {
            assert_eq!(status, StatusCode::OK, "{kind}: {claimed}");
        }
        // The admin may do the rest.
        let (status, _) =
            patch(&s, &path, &admin, json!([{"op": "add", "path": "/displayName", "value": "Theirs"}])).await;
        assert_eq!(status, StatusCode::OK, "{kind}");
    }
}

/// The ingestion bot's `DisplayName-Deny` rule holds however a display name changes: a patch of
/// the root, of a column's display name, or a PUT (attack review finding 8).
#[tokio::test]
async fn the_bots_display_name_deny_holds_on_every_path() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let (_, table) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders?fields=*", &bot, None).await;
    let path = format!("/api/v1/tables/{}", table["id"].as_str().unwrap());
    let denied = "Principal: CatalogPrincipal{name='ingestion-bot'} operation EditDisplayName denied by role \
                  IngestionBotRole, policy IngestionBotPolicy, rule DisplayName-Deny";
    let mut root = table.clone();
    root["displayName"] = json!("Renamed");
    let mut column = json!([{"op": "add", "path": "/columns/0/displayName", "value": "Renamed"}]);
    for body in [json!([{"op": "replace", "path": "", "value": root}]), column.take()] {
        let (status, reply) = patch(&s, &path, &bot, body).await;
        assert_eq!((status, reply["message"].as_str()), (StatusCode::FORBIDDEN, Some(denied)), "{reply}");
    }
    let put = json!({"name": "orders", "databaseSchema": "local_sqlite.sample.main", "displayName": "Renamed",
        "columns": table["columns"]});
    let (status, reply) = api(&s, "PUT", "/api/v1/tables", &bot, Some(put)).await;
    assert!(reply["message"].as_str().unwrap_or_default().contains("EditDisplayName"), "{status}: {reply}");
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, after) = api(&s, "GET", &path, &bot, None).await;
    assert_eq!((after["version"].clone(), after.get("displayName")), (table["version"].clone(), None), "unchanged");
    // Other fields the bot may change as before.
    let (status, _) = patch(&s, &path, &bot, json!([{"op": "add", "path": "/description", "value": "d"}])).await;
    assert_eq!(status, StatusCode::OK);
}
