//! `tessera migrate-db`: a catalog written through the API on SQLite, moved into a fresh
//! PostgreSQL database and served from there with the same data directory (keys). The old bot
//! token, every entity with its history, the soft delete, name search, the sealed connection
//! password and a pipeline's run status all come along, and new writes work (sequences moved on).
//! A database holding data, an SQLite destination and a missing source are refused.

use crate::replicas::fresh_postgres_database;
use crate::support::*;
use serde_json::{Value, json};

const PASSWORD: &str = "s3cret-pw 🌍";
const RUN: &str = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

/// Requests as one caller (a bearer token) against one server.
struct Api<'a> {
    server: &'a Server,
    auth: String,
}

impl Api<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let body = body.map(|b| b.to_string());
        let url = format!("{}{path}", self.server.api);
        let (status, text) = send(method, &url, &[("Authorization", &self.auth)], body.as_deref()).unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn put(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.call("PUT", path, Some(body));
        assert!(matches!(status, 200 | 201), "PUT {path}: {status} {answer}");
        answer
    }

    /// An entity by name and its history, with the server's own address taken out.
    fn snapshot(&self, collection: &str, fqn: &str) -> (Value, Value) {
        let (status, entity) = self.call("GET", &format!("/api/v1/{collection}/name/{fqn}?include=all"), None);
        assert_eq!(status, 200, "{collection} {fqn}: {entity}");
        let id = entity["id"].as_str().unwrap();
        let (status, history) = self.call("GET", &format!("/api/v1/{collection}/{id}/versions"), None);
        assert_eq!(status, 200, "{history}");
        let strip = |v: Value| -> Value { serde_json::from_str(&v.to_string().replace(&self.server.api, "")).unwrap() };
        (strip(entity), strip(history))
    }
}

fn table(name: &str, description: &str) -> Value {
    json!({"name": name, "databaseSchema": "warehouse.dw.main", "description": description,
        "columns": [{"name": "id", "dataType": "INT"}, {"name": "note", "dataType": "VARCHAR", "dataLength": 20}]})
}

const ENTITIES: &[(&str, &str)] = &[
    ("services/databaseServices", "warehouse"),
    ("databases", "warehouse.dw"),
    ("databaseSchemas", "warehouse.dw.main"),
    ("tables", "warehouse.dw.main.customers"),
    ("tables", "warehouse.dw.main.orders"),
    ("tables", "warehouse.dw.main.orders_archive"),
    ("services/ingestionPipelines", "warehouse.warehouse_metadata"),
];

/// The catalog the move must carry: a service with a password, a database, a schema, tables (one
/// at version 0.3, one soft-deleted), an ingestion pipeline with a run status.
fn write_catalog(api: &Api) {
    let connection = json!({"config": {"type": "Postgres", "scheme": "postgresql+psycopg2", "username": "etl",
        "authType": {"password": PASSWORD}, "hostPort": "db:5432", "database": "dw"}});
    let service = api.put(
        "/api/v1/services/databaseServices",
        json!({"name": "warehouse", "serviceType": "Postgres", "connection": connection}),
    );
    api.put("/api/v1/databases", json!({"name": "dw", "service": "warehouse"}));
    api.put("/api/v1/databaseSchemas", json!({"name": "main", "database": "warehouse.dw"}));
    for name in ["customers", "orders", "orders_archive"] {
        api.put("/api/v1/tables", table(name, "first"));
    }
    api.put("/api/v1/tables", table("customers", "second"));
    let third = api.put("/api/v1/tables", table("customers", "third"));
    assert_eq!(third["version"], 0.3, "{third}");
    let archive = api.put("/api/v1/tables", table("orders_archive", "first"));
    let path = format!("/api/v1/tables/{}?hardDelete=false", archive["id"].as_str().unwrap());
    assert_eq!(api.call("DELETE", &path, None).0, 200);
    // A tag on orders, lineage from orders to customers, a day of usage for orders.
    let mut tagged = table("orders", "first");
    tagged["tags"] =
        json!([{"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed"}]);
    let orders = api.put("/api/v1/tables", tagged);
    let customers = &third;
    let edge = json!({"edge": {"fromEntity": {"id": orders["id"], "type": "table"},
        "toEntity": {"id": customers["id"], "type": "table"}, "lineageDetails": {"source": "Manual"}}});
    assert_eq!(api.call("PUT", "/api/v1/lineage", Some(edge)).0, 200);
    let usage = format!("/api/v1/usage/table/{}", orders["id"].as_str().unwrap());
    assert_eq!(api.call("PUT", &usage, Some(json!({"count": 3, "date": "2025-01-02"}))).0, 201);
    // Today's join of orders with customers; a query of the service with a cost record.
    let today = tessera_catalog::civil_date::Day::of_millis(tessera_store::clock::now_millis()).text();
    let joins = json!({"startDate": today, "directTableJoins": [
        {"fullyQualifiedName": "warehouse.dw.main.customers", "joinCount": 4}]});
    let path = format!("/api/v1/tables/{}/joins", orders["id"].as_str().unwrap());
    assert_eq!(api.call("PUT", &path, Some(joins)).0, 200);
    let query = api.put("/api/v1/queries", json!({"query": "SELECT * FROM orders", "service": "warehouse"}));
    let cost = json!({"timestamp": 1_700_000_000_000_i64, "queryReference": {"id": query["id"], "type": "query"},
        "cost": 1.5, "count": 2});
    assert_eq!(api.call("POST", "/api/v1/queryCostRecord", Some(cost)).0, 200);
    let pipeline = json!({"name": "warehouse_metadata", "service": {"id": service["id"], "type": "databaseService"},
        "pipelineType": "metadata", "sourceConfig": {"config": {"type": "DatabaseMetadata"}}, "airflowConfig": {}});
    api.put("/api/v1/services/ingestionPipelines", pipeline);
    let status = json!({"runId": RUN, "pipelineState": "running", "startDate": 1_700_000_000_000_i64,
        "timestamp": 1_700_000_000_000_i64, "config": {}});
    api.put("/api/v1/services/ingestionPipelines/warehouse.warehouse_metadata/pipelineStatus", status);
}

/// Row counts of every table, as `table: n` lines, read through the store (either backend).
fn row_counts(vars: &[(&str, &str)]) -> Vec<String> {
    let vars = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let config = tessera_config::load(&tessera_config::Sources::from_vars(vars)).config.unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = tessera_store::Store::connect(&config.database).await.unwrap();
        let mut counts = Vec::new();
        for table in [
            "access_entities",
            "auth_changes",
            "bot_credentials",
            "bots",
            "catalog_changes",
            "catalog_entities",
            "catalog_names",
            "catalog_tag_uses",
            "catalog_versions",
            "entity_usage",
            "lineage_edges",
            "login_failures",
            "memberships",
            "personal_access_tokens",
            "pipeline_statuses",
            "query_cost_records",
            "refresh_tokens",
            "sessions",
            "signed_out_tokens",
            "table_joins",
            "tessera_settings",
            "user_passwords",
            "users",
        ] {
            let sql = format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}");
            counts.push(format!("{table}: {}", store.query_texts_raw(&sql).await.unwrap()[0]));
        }
        store.close().await;
        counts
    })
}

/// The `table: n` lines of migrate-db's report.
fn reported_counts(report: &str) -> Vec<String> {
    let mut counts: Vec<String> = report
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (table, rows, unit) = (words.next()?, words.next()?, words.next()?);
            (line.starts_with("  ") && matches!(unit, "row" | "rows") && table != "total")
                .then(|| format!("{table}: {rows}"))
        })
        .collect();
    counts.sort();
    counts
}

#[test]
fn migrate_db_moves_a_sqlite_catalog_into_postgres_with_its_tokens_history_and_secrets() {
    let Some(database) = fresh_postgres_database() else { return };
    let sqlite = Env::new();
    let server = sqlite.serve();
    let token = stdout(&sqlite.run(&["token", "bot", "ingestion-bot"])).trim().to_string();
    let api = Api { server: &server, auth: format!("Bearer {token}") };
    write_catalog(&api);
    let before: Vec<_> = ENTITIES.iter().map(|(c, fqn)| api.snapshot(c, fqn)).collect();
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");
    let data_dir = sqlite.data_dir().display().to_string();
    let source_counts = row_counts(&[("TESSERA_DATA_DIR", &data_dir)]);

    // The same data directory (keys), PostgreSQL configured: --from defaults to its tessera.db.
    let postgres = Env::new().set("TESSERA_DATA_DIR", &data_dir).set("DATABASE_URL", &database);
    let output = postgres.run(&["migrate-db"]);
    let report = stdout(&output);
    assert!(output.status.success(), "{}\n{report}", stderr(&output));
    assert!(report.starts_with(&format!("copied {data_dir}/tessera.db into postgresql://")), "{report}");
    assert_eq!(reported_counts(&report), source_counts, "every table reported, with the source's counts");
    // 7 data assets, a query and the 17 seeded classifications and tags; the join and the cost.
    for count in ["catalog_entities: 25", "table_joins: 1", "query_cost_records: 1"] {
        assert!(source_counts.contains(&count.to_string()), "{count}: {source_counts:?}");
    }
    assert!(report.contains(&format!("signing keys: keep TESSERA_DATA_DIR={data_dir}")), "{report}");
    assert!(report.contains("jwt_private_key.der, jwt_public_key.der"), "{report}");
    assert!(report.contains("\nnext: start Tessera with this configuration"), "{report}");
    assert!(!report.contains("s3cret") && !stderr(&output).contains("s3cret"), "no secret printed");
    assert_eq!(row_counts(&[("DATABASE_URL", &database)]), source_counts, "the same rows in PostgreSQL");

    let server = postgres.serve();
    let api = Api { server: &server, auth: format!("Bearer {token}") };
    for ((collection, fqn), before) in ENTITIES.iter().zip(&before) {
        assert_eq!(&api.snapshot(collection, fqn), before, "{collection} {fqn}: same id, version and history");
    }
    let (status, gone) = api.call("GET", "/api/v1/tables/name/warehouse.dw.main.orders_archive", None);
    assert_eq!(status, 404, "still deleted: {gone}");
    let (status, service) = api.call("GET", "/api/v1/services/databaseServices/name/warehouse", None);
    assert_eq!((status, &service["connection"]["config"]["authType"]["password"]), (200, &json!(PASSWORD)));
    let (_, found) = api.call("GET", "/api/v1/search/query?q=ORDERS&index=table_search_index", None);
    let hits: Vec<&str> = found["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["_source"]["fullyQualifiedName"].as_str().unwrap())
        .collect();
    assert_eq!(hits, ["warehouse.dw.main.orders"], "found by name, the deleted one left out: {found}");
    let (_, customers) = api.call("GET", "/api/v1/tables/name/warehouse.dw.main.customers?fields=joins", None);
    let joined = &customers["joins"]["directTableJoins"][0];
    assert_eq!(
        (joined["fullyQualifiedName"].as_str(), joined["joinCount"].as_i64()),
        (Some("warehouse.dw.main.orders"), Some(4))
    );
    let (_, tag) = api.call("GET", "/api/v1/tags/name/PII.Sensitive?fields=usageCount", None);
    assert_eq!(tag["usageCount"], 1, "tag uses moved: {tag}");
    let (_, lineage) = api.call("GET", "/api/v1/lineage/table/name/warehouse.dw.main.customers", None);
    assert_eq!(lineage["upstreamEdges"].as_array().map(Vec::len), Some(1), "lineage moved: {lineage}");
    let (_, usage) = api.call("GET", "/api/v1/usage/table/name/warehouse.dw.main.orders?date=2025-01-02", None);
    assert_eq!(usage["usage"][0]["dailyStats"]["count"], 3, "usage moved: {usage}");
    let run = format!("/api/v1/services/ingestionPipelines/warehouse.warehouse_metadata/pipelineStatus/{RUN}");
    let (status, recorded) = api.call("GET", &run, None);
    assert_eq!((status, recorded["pipelineState"].as_str()), (200, Some("running")), "{recorded}");

    // New writes: a table, and a new bot token (users, credentials and the auth_changes sequence).
    let (status, created) = api.call("PUT", "/api/v1/tables", Some(table("after_the_move", "new")));
    assert_eq!(status, 201, "{created}");
    let new_token = new_bot_token(&server, &sqlite.data_dir());
    let (status, _) = api.call("GET", "/api/v1/tables/name/warehouse.dw.main.customers", None);
    assert_eq!(status, 401, "the replaced token is revoked, through the copied change feed");
    let api = Api { server: &server, auth: format!("Bearer {new_token}") };
    assert_eq!(api.call("GET", "/api/v1/tables/name/warehouse.dw.main.after_the_move", None).0, 200);
}

/// Replaces the ingestion bot's token as an admin (signed with the data directory's key).
fn new_bot_token(server: &Server, data_dir: &std::path::Path) -> String {
    let config = tessera_config::JwtConfig {
        key_files: None,
        issuer: "open-metadata.org".into(),
        key_id: "Gb389a-9f76-gdjs-a92j-0242bk94356".into(),
        previous: None,
    };
    let keys = tessera_auth::SigningKeys::load_or_generate(&config, data_dir).unwrap();
    let subject = tessera_auth::Subject { name: "admin", email: "admin@open-metadata.org", roles: &[], is_bot: false };
    let now = tessera_auth::verify::unix_now();
    let minted =
        keys.mint("open-metadata.org", &subject, tessera_auth::TokenType::OmUser, tessera_auth::Expiry::OneHour, now);
    let admin = Api { server, auth: format!("Bearer {}", minted.token) };
    let (status, bot) = admin.call("GET", "/api/v1/bots/name/ingestion-bot", None);
    assert_eq!(status, 200, "{bot}");
    let path = format!("/api/v1/users/generateToken/{}", bot["botUser"]["id"].as_str().unwrap());
    let answer = admin.put(&path, json!({"JWTTokenExpiry": "Unlimited"}));
    answer["JWTToken"].as_str().unwrap().to_string()
}

#[test]
fn migrate_db_refuses_a_database_holding_data_an_sqlite_destination_and_a_missing_source() {
    let (Some(database), Some(started)) = (fresh_postgres_database(), fresh_postgres_database()) else { return };
    let sqlite = Env::new();
    let server = sqlite.serve();
    let token = stdout(&sqlite.run(&["token", "bot", "ingestion-bot"])).trim().to_string();
    let api = Api { server: &server, auth: format!("Bearer {token}") };
    api.put(
        "/api/v1/services/databaseServices",
        json!({"name": "svc", "serviceType": "SQLite",
        "connection": {"config": {"type": "SQLite"}}}),
    );
    server.stop();
    let data_dir = sqlite.data_dir().display().to_string();
    let from = format!("{data_dir}/tessera.db");

    let postgres = Env::new().set("DATABASE_URL", &database);
    let first = postgres.run(&["migrate-db", "--from", &from]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("signing keys: copy jwt_private_key.der, jwt_public_key.der from"),
        "{}",
        stdout(&first)
    );
    let copied = row_counts(&[("DATABASE_URL", &database)]);
    let again = postgres.run(&["migrate-db", "--from", &from]);
    assert_eq!(again.status.code(), Some(2));
    let message = stderr(&again);
    assert!(message.contains("nothing was copied: "), "{message}");
    assert!(message.contains("already holds data (access_entities: "), "{message}");
    assert!(
        message.contains("catalog_entities: 18 rows,"),
        "one table and the 17 seeded tags and classifications: {message}"
    );
    assert!(message.contains("never merges: create a new, empty PostgreSQL database"), "{message}");
    assert_eq!(row_counts(&[("DATABASE_URL", &database)]), copied, "nothing changed");

    // A PostgreSQL database Tessera has started on holds its first users, bots and policies.
    let fresh = Env::new().set("DATABASE_URL", &started);
    fresh.serve().stop();
    let refused = fresh.run(&["migrate-db", "--from", &from]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("users: ") && message.contains("a first start writes users, bots and policies"),
        "{message}"
    );

    let on_sqlite = Env::new().run(&["migrate-db", "--from", &from]);
    assert_eq!(on_sqlite.status.code(), Some(2));
    let message = stderr(&on_sqlite);
    assert!(
        message.contains("copies into PostgreSQL, but this configuration uses SQLite; set DATABASE_URL"),
        "{message}"
    );
    assert!(message.contains("DB_HOST"), "{message}");

    let nowhere = postgres.dir.path().join("old/tessera.db");
    let missing = postgres.run(&["migrate-db", "--from", nowhere.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    let message = stderr(&missing);
    assert!(
        message.contains(&format!("there is no SQLite database at {}; give the tessera.db", nowhere.display())),
        "{message}"
    );
    assert!(!nowhere.exists() && !nowhere.parent().unwrap().exists(), "nothing created");
    let default = postgres.run(&["migrate-db"]);
    let message = stderr(&default);
    assert!(
        message
            .contains(&format!("there is no SQLite database at {}", postgres.data_dir().join("tessera.db").display())),
        "{message}"
    );
    assert!(message.contains("(the default is tessera.db in TESSERA_DATA_DIR)"), "{message}");
}
