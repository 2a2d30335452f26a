//! The catalog through the API as the ingestion client uses it: the bot's token and policies,
//! FQNs percent-encoded in one path segment, FQN-prefix lists, versions, deletes, the original's
//! error shape; a data consumer reads and cannot write; bad input gets a 4xx that says what to fix.

use crate::accounts::{api, data_consumer, session};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// The ingestion bot's own token, as an admin fetches it for the workflow YAML.
pub async fn bot_token(s: &Server) -> String {
    let admin = session(s, "admin", "admin@open-metadata.org");
    let (_, bot) = api(s, "GET", "/api/v1/bots/name/ingestion-bot", &admin, None).await;
    let id = bot["botUser"]["id"].as_str().unwrap().to_string();
    let (status, mechanism) = api(s, "GET", &format!("/api/v1/users/token/{id}"), &admin, None).await;
    assert_eq!(status, StatusCode::OK, "{mechanism}");
    mechanism["JWTToken"].as_str().unwrap().to_string()
}

/// The observed ingestion requests for a service whose table has a dot and a slash in its name.
pub async fn ingest(s: &Server, token: &str) -> Vec<(String, Value)> {
    // The database's owner: a user that exists (an unknown owner is a 404, as in the original).
    let (_, admin) = api(s, "GET", "/api/v1/users/name/admin", token, None).await;
    let owner = admin["id"].as_str().expect("the admin user").to_string();
    let mut responses = Vec::new();
    let mut put = async |path: &str, body: Value| {
        let (status, entity) = api(s, "PUT", path, token, Some(body)).await;
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{path}: {status} {entity}");
        responses.push((path.to_string(), entity.clone()));
        entity
    };
    put("/api/v1/services/databaseServices", json!({"name": "local_sqlite", "serviceType": "SQLite",
        "connection": {"config": {"type": "SQLite", "scheme": "sqlite+pysqlite", "database": "sample", "databaseMode": "/tmp/x.db"}}})).await;
    put(
        "/api/v1/databases",
        json!({"name": "sample", "service": "local_sqlite", "sourceHash": "d", "description": "Sample",
        "owners": [{"id": owner, "type": "user", "name": "admin"}]}),
    )
    .await;
    put("/api/v1/databaseSchemas", json!({"name": "main", "database": "local_sqlite.sample", "sourceHash": "s"})).await;
    put("/api/v1/tables", json!({"name": "customers", "tableType": "Regular", "databaseSchema": "local_sqlite.sample.main",
        "sourceHash": "c1", "tableConstraints": [], "columns": [
            {"name": "id", "dataType": "INT", "dataLength": 1, "dataTypeDisplay": "INT", "constraint": "PRIMARY_KEY"},
            {"name": "email", "dataType": "VARCHAR", "dataLength": 255, "dataTypeDisplay": "VARCHAR(255)", "constraint": "NULL"},
            {"name": "address", "dataType": "STRUCT", "children": [{"name": "city", "dataType": "TEXT"}]}]})).await;
    put(
        "/api/v1/tables",
        json!({"name": "orders", "tableType": "Regular", "databaseSchema": "local_sqlite.sample.main",
        "sourceHash": "o1", "columns": [
            {"name": "id", "dataType": "INT", "constraint": "PRIMARY_KEY"},
            {"name": "customer_id", "dataType": "INT", "constraint": "NOT_NULL", "tags": [{"tagFQN": "PII.None",
                "source": "Classification", "labelType": "Automated", "state": "Suggested"}]},
            {"name": "total", "dataType": "DECIMAL", "precision": 10, "scale": 2}],
        "tableConstraints": [{"constraintType": "FOREIGN_KEY", "columns": ["customer_id"],
            "referredColumns": ["local_sqlite.sample.main.customers.id"], "relationshipType": "MANY_TO_ONE"}]}),
    )
    .await;
    put(
        "/api/v1/tables",
        json!({"name": "big_orders", "tableType": "View", "databaseSchema": "local_sqlite.sample.main",
        "schemaDefinition": "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100",
        "sourceHash": "v1", "columns": [{"name": "id", "dataType": "INT"}]}),
    )
    .await;
    put(
        "/api/v1/tables",
        json!({"name": "my.table/ü", "databaseSchema": "local_sqlite.sample.main",
        "columns": [{"name": "weird.col", "dataType": "TEXT"}]}),
    )
    .await;
    put(
        "/api/v1/storedProcedures",
        json!({"name": "refresh_totals", "databaseSchema": "local_sqlite.sample.main", "sourceHash": "p1",
        "storedProcedureCode": {"language": "SQL", "code": "BEGIN UPDATE orders SET total = total; END"},
        "storedProcedureType": "StoredProcedure"}),
    )
    .await;
    responses
}

#[tokio::test]
async fn the_ingestion_bot_creates_and_reads_back_by_fqn() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    let written = ingest(&s, &bot).await;
    let service = &written[0].1;
    assert_eq!(
        (service["fullyQualifiedName"].as_str(), service["updatedBy"].as_str()),
        (Some("local_sqlite"), Some("ingestion-bot"))
    );
    assert_eq!(service["connection"]["config"]["databaseMode"], "/tmp/x.db", "kept and shown to the bot: {service}");
    // 1.7 also knows "Function": the client sends it for PostgreSQL functions (pg_stat_statements').
    let function = json!({"name": "refresh", "databaseSchema": "local_sqlite.sample.main",
        "storedProcedureCode": {"language": "SQL", "code": "SELECT 1"}, "storedProcedureType": "Function"});
    let (status, created) = api(&s, "PUT", "/api/v1/storedProcedures", &bot, Some(function)).await;
    assert_eq!((status, created["storedProcedureType"].as_str()), (StatusCode::CREATED, Some("Function")), "{created}");
    let odd = &written[6].1;
    assert_eq!(odd["fullyQualifiedName"], "local_sqlite.sample.main.\"my.table/ü\"");
    assert_eq!(odd["columns"][0]["fullyQualifiedName"], "local_sqlite.sample.main.\"my.table/ü\".\"weird.col\"");

    // The client quotes the whole FQN with nothing safe: %22 for quotes, %2F for the slash.
    let path = "/api/v1/tables/name/local_sqlite.sample.main.%22my.table%2F%C3%BC%22?fields=*";
    let (status, found) = api(&s, "GET", path, &bot, None).await;
    assert_eq!((status, found["id"].clone()), (StatusCode::OK, odd["id"].clone()), "{found}");
    let (status, fk) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders?fields=*", &bot, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fk["tableConstraints"][0]["referredColumns"][0], "local_sqlite.sample.main.customers.id");
    assert_eq!(fk["columns"][2]["precision"], 10);
    let (_, view) =
        api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.big_orders?fields=*", &bot, None).await;
    assert_eq!(
        (view["tableType"].as_str(), view["schemaDefinition"].as_str().map(|d| d.starts_with("CREATE VIEW"))),
        (Some("View"), Some(true))
    );

    // Absent: the original's JSON 404, which the client needs to see "not there".
    let (status, missing) =
        api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.nope?fields=*", &bot, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        (missing["code"].as_i64(), missing["message"].as_str()),
        (Some(404), Some("table instance for local_sqlite.sample.main.nope not found"))
    );

    // The client's sourceHash list: schema FQN as database=, every item a full table.
    let (status, list) =
        api(&s, "GET", "/api/v1/tables?limit=100&fields=sourceHash&database=local_sqlite.sample.main", &bot, None)
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["paging"]["total"], 4);
    assert!(list["paging"].get("after").is_none(), "{list}");
    for table in list["data"].as_array().unwrap() {
        assert!(table["columns"].is_array() && table["fullyQualifiedName"].is_string(), "{table}");
        assert!(table.get("tableConstraints").is_none(), "only the fields asked for: {table}");
    }
    let hashes: Vec<&str> = list["data"].as_array().unwrap().iter().filter_map(|t| t["sourceHash"].as_str()).collect();
    assert_eq!(hashes.len(), 3);
    let (_, other) = api(&s, "GET", "/api/v1/tables?database=local_sqlite.sample.other", &bot, None).await;
    assert_eq!(other["paging"]["total"], 0);
    let (_, dbs) =
        api(&s, "GET", "/api/v1/databases?limit=100&fields=sourceHash&service=local_sqlite", &bot, None).await;
    assert_eq!((dbs["paging"]["total"].as_i64(), dbs["data"][0]["sourceHash"].as_str()), (Some(1), Some("d")));

    // Paging: after, then before, as opaque cursors.
    let (_, first) = api(&s, "GET", "/api/v1/tables?limit=3", &bot, None).await;
    let after = first["paging"]["after"].as_str().unwrap();
    let (_, second) = api(&s, "GET", &format!("/api/v1/tables?limit=3&after={after}"), &bot, None).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    let before = second["paging"]["before"].as_str().unwrap();
    let (_, back) = api(&s, "GET", &format!("/api/v1/tables?limit=3&before={before}"), &bot, None).await;
    assert_eq!(back["data"], first["data"]);
}

#[tokio::test]
async fn versions_deletes_and_restore_through_the_api() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let changed = json!({"name": "big_orders", "tableType": "View", "databaseSchema": "local_sqlite.sample.main",
        "schemaDefinition": "CREATE VIEW big_orders AS SELECT 1", "sourceHash": "v2", "columns": [{"name": "id", "dataType": "INT"}]});
    let (status, v2) = api(&s, "PUT", "/api/v1/tables", &bot, Some(changed.clone())).await;
    assert_eq!((status, v2["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{v2}");
    assert_eq!(v2["changeDescription"]["fieldsUpdated"][0]["name"], "schemaDefinition");
    let (status, same) = api(&s, "PUT", "/api/v1/tables", &bot, Some(changed)).await;
    assert_eq!((status, same["version"].as_f64()), (StatusCode::OK, Some(0.2)), "same sourceHash: no new version");
    let id = v2["id"].as_str().unwrap();

    let (status, history) = api(&s, "GET", &format!("/api/v1/tables/{id}/versions"), &bot, None).await;
    assert_eq!((status, history["entityType"].as_str()), (StatusCode::OK, Some("table")));
    let versions: Vec<Value> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| serde_json::from_str(v.as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(versions.iter().map(|v| v["version"].as_f64().unwrap()).collect::<Vec<_>>(), [0.2, 0.1]);
    let (status, first) = api(&s, "GET", &format!("/api/v1/tables/{id}/versions/0.1"), &bot, None).await;
    assert_eq!((status, first["sourceHash"].as_str()), (StatusCode::OK, Some("v1")));

    let (status, deleted) =
        api(&s, "DELETE", &format!("/api/v1/tables/{id}?recursive=true&hardDelete=false"), &bot, None).await;
    assert_eq!((status, deleted["deleted"].as_bool()), (StatusCode::OK, Some(true)), "{deleted}");
    let (status, _) = api(&s, "GET", &format!("/api/v1/tables/{id}"), &bot, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api(&s, "GET", &format!("/api/v1/tables/{id}?include=deleted"), &bot, None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = api(&s, "GET", "/api/v1/tables?include=deleted", &bot, None).await;
    assert_eq!(listed["paging"]["total"], 1);
    let (status, restored) = api(&s, "PUT", "/api/v1/tables/restore", &bot, Some(json!({"id": id}))).await;
    assert_eq!((status, restored["deleted"].as_bool()), (StatusCode::OK, Some(false)));

    let (_, schema) = api(&s, "GET", "/api/v1/databaseSchemas/name/local_sqlite.sample.main", &bot, None).await;
    let schema_id = schema["id"].as_str().unwrap();
    let (status, refused) =
        api(&s, "DELETE", &format!("/api/v1/databaseSchemas/{schema_id}?hardDelete=true"), &bot, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused["message"].as_str().unwrap().contains("recursive=true"), "{refused}");
    let (status, _) =
        api(&s, "DELETE", &format!("/api/v1/databaseSchemas/{schema_id}?hardDelete=true&recursive=true"), &bot, None)
            .await;
    assert_eq!(status, StatusCode::OK);
    let (_, all) = api(&s, "GET", "/api/v1/tables?include=all", &bot, None).await;
    assert_eq!(all["paging"]["total"], 0, "hard and recursive: the tables are gone");
}

#[tokio::test]
async fn a_data_consumer_reads_but_cannot_write() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    ingest(&s, &bot_token(&s).await).await;
    let (status, list) = api(&s, "GET", "/api/v1/tables", &dana, None).await;
    assert_eq!((status, list["paging"]["total"].as_i64()), (StatusCode::OK, Some(4)));
    let id = list["data"][0]["id"].as_str().unwrap().to_string();
    let (status, _) = api(&s, "GET", "/api/v1/services/databaseServices/name/local_sqlite?fields=*", &dana, None).await;
    assert_eq!(status, StatusCode::OK);
    let service = json!({"name": "mine", "serviceType": "Mysql"});
    for (method, path, body) in [
        ("PUT", "/api/v1/services/databaseServices".to_string(), Some(service.clone())),
        ("POST", "/api/v1/services/databaseServices".to_string(), Some(service)),
        ("DELETE", format!("/api/v1/tables/{id}"), None),
        ("PUT", "/api/v1/tables/restore".to_string(), Some(json!({"id": id}))),
    ] {
        let (status, body) = api(&s, method, &path, &dana, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert!(
            body["message"].as_str().unwrap().starts_with("Principal: CatalogPrincipal{name='dana'} operations ["),
            "{body}"
        );
    }
    // Given Create on tables alone, she may add a table but not change one (that needs EditAll).
    let policy = json!({"name": "CreateTables", "rules": [{"name": "create", "resources": ["table"],
        "operations": ["Create"], "effect": "allow"}]});
    assert_eq!(api(&s, "POST", "/api/v1/policies", &admin, Some(policy)).await.0, StatusCode::CREATED);
    let role = json!({"name": "TableCreator", "policies": ["CreateTables"]});
    assert_eq!(api(&s, "POST", "/api/v1/roles", &admin, Some(role)).await.0, StatusCode::CREATED);
    let dana_user = json!({"name": "dana", "email": "dana@open-metadata.org", "roles": ["TableCreator"]});
    assert_eq!(api(&s, "PUT", "/api/v1/users", &admin, Some(dana_user)).await.0, StatusCode::OK);
    let new_table = json!({"name": "dana_t", "databaseSchema": "local_sqlite.sample.main", "columns": []});
    let (status, body) = api(&s, "PUT", "/api/v1/tables", &dana, Some(new_table)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let view = json!({"name": "big_orders", "tableType": "View", "databaseSchema": "local_sqlite.sample.main",
        "sourceHash": "v1", "columns": [{"name": "id", "dataType": "INT"}]});
    let (status, same) = api(&s, "PUT", "/api/v1/tables", &dana, Some(view.clone())).await;
    // Authorized before compared (attack review finding 9): an unchanged request gets the same
    // refusal as a changed one, so the answer tells nothing about what is stored.
    assert_eq!(status, StatusCode::FORBIDDEN, "{same}");
    let mut changed = view;
    changed["sourceHash"] = json!("v2");
    let (status, body) = api(&s, "PUT", "/api/v1/tables", &dana, Some(changed)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["message"], "Principal: CatalogPrincipal{name='dana'} operations [EditAll] not allowed");
    let (_, stored) =
        api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.big_orders?fields=sourceHash", &dana, None).await;
    assert_eq!((stored["sourceHash"].as_str(), stored["version"].as_f64()), (Some("v1"), Some(0.1)));

    // The admin may do anything.
    let (status, _) = api(
        &s,
        "POST",
        "/api/v1/services/databaseServices",
        &admin,
        Some(json!({"name": "mine", "serviceType": "Mysql"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = api(
        &s,
        "POST",
        "/api/v1/services/databaseServices",
        &admin,
        Some(json!({"name": "mine", "serviceType": "Mysql"})),
    )
    .await;
    assert_eq!((status, body["message"].as_str()), (StatusCode::CONFLICT, Some("Entity already exists")));
}

#[tokio::test]
async fn bad_input_gets_a_4xx_that_says_what_to_change() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let cases: Vec<(&str, &str, Option<Value>, StatusCode, &str)> = vec![
        (
            "PUT",
            "/api/v1/tables",
            Some(
                json!({"name": "t", "databaseSchema": "local_sqlite.sample.main", "columns": [{"name": "c", "dataType": "SOFA"}]}),
            ),
            StatusCode::BAD_REQUEST,
            "columns[0]: dataType \"SOFA\" is not one of",
        ),
        (
            "PUT",
            "/api/v1/tables",
            Some(json!({"name": "t", "databaseSchema": "local_sqlite.sample.main", "columns": [], "domains": []})),
            StatusCode::BAD_REQUEST,
            "Unknown field domains in CreateTableRequest",
        ),
        (
            "PUT",
            "/api/v1/tables",
            Some(json!({"name": "t", "databaseSchema": "nowhere.x.y", "columns": []})),
            StatusCode::NOT_FOUND,
            "databaseSchema instance for nowhere.x.y not found",
        ),
        ("PUT", "/api/v1/databases", Some(json!("text")), StatusCode::BAD_REQUEST, "must be a JSON object"),
        (
            "PUT",
            "/api/v1/storedProcedures",
            Some(json!({"name": "p", "databaseSchema": "local_sqlite.sample.main",
                "storedProcedureCode": {"code": "SELECT 1"}, "storedProcedureType": "Procedure"})),
            StatusCode::BAD_REQUEST,
            "storedProcedureType \"Procedure\" is not one of StoredProcedure, UDF, StoredPackage, Function",
        ),
        (
            "PUT",
            "/api/v1/tables",
            Some(
                json!({"name": "t", "databaseSchema": "local_sqlite.sample.main", "columns": [{"name": "c", "dataType": "INT", "tags": [{"tagFQN": "PII"}]}]}),
            ),
            StatusCode::BAD_REQUEST,
            "columns[0].tags[0] is not a TagLabel",
        ),
        (
            "PUT",
            "/api/v1/databases",
            Some(json!({"name": "d", "service": "local_sqlite", "owners": [{"id": "me", "type": "user"}]})),
            StatusCode::BAD_REQUEST,
            "owners[0].id must be a UUID",
        ),
        (
            "GET",
            "/api/v1/tables?include=some",
            None,
            StatusCode::BAD_REQUEST,
            "include must be non-deleted, deleted or all",
        ),
        ("GET", "/api/v1/tables?fields=colour", None, StatusCode::BAD_REQUEST, "Invalid field name colour"),
        ("GET", "/api/v1/tables?after=zz%27", None, StatusCode::BAD_REQUEST, "not a cursor returned by this server"),
        ("GET", "/api/v1/tables?limit=-1", None, StatusCode::BAD_REQUEST, "limit must be a number"),
        ("GET", "/api/v1/tables?database=a.%22b", None, StatusCode::BAD_REQUEST, "quote parts with dots"),
        ("GET", "/api/v1/tables/name/%FF%FE", None, StatusCode::BAD_REQUEST, "percent-encode the name as UTF-8"),
        ("GET", "/api/v1/tables/name/a.%22b", None, StatusCode::NOT_FOUND, "table instance for a.\"b not found"),
        ("GET", "/api/v1/tables/x/versions/0.1", None, StatusCode::NOT_FOUND, "table instance for x not found"),
        (
            "DELETE",
            "/api/v1/tables/x?hardDelete=maybe",
            None,
            StatusCode::BAD_REQUEST,
            "hardDelete must be true or false",
        ),
        ("PUT", "/api/v1/tables/restore", Some(json!({})), StatusCode::BAD_REQUEST, "missing field `id`"),
    ];
    for (method, path, body, expected, text) in cases {
        let (status, reply) = api(&s, method, path, &bot, body).await;
        assert_eq!(status, expected, "{method} {path}: {reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains(text), "{method} {path}: {message:?} lacks {text:?}");
        assert_eq!(reply["code"].as_u64(), Some(u64::from(expected.as_u16())));
    }
    let (_, table) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders", &bot, None).await;
    let (status, reply) =
        api(&s, "GET", &format!("/api/v1/tables/{}/versions/x", table["id"].as_str().unwrap()), &bot, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(reply["message"].as_str().unwrap().contains("version must be a number"), "{reply}");
}
