//! The contract with the official client: every kind of entity response Tessera gives (PUT, GET,
//! lists, versions, PATCH, DELETE, restore; ingestion pipelines and their run statuses) is validated by the client's own 1.7 pydantic models
//! (`Model.model_validate`, extra fields forbidden), in the venv `scripts/python-env.sh` makes. TESSERA_TEST_SKIP_PYTHON=1 skips it,
//! saying so; otherwise a missing venv is built, and a failure to build fails the test.

use crate::accounts::api;
use crate::catalog::{bot_token, ingest};
use crate::server;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The venv's directory: TESSERA_INGESTION_VENV (set by scripts/test.sh), else made now.
fn venv() -> PathBuf {
    if let Ok(dir) = std::env::var("TESSERA_INGESTION_VENV") {
        return PathBuf::from(dir);
    }
    let script = workspace().join("scripts/python-env.sh");
    let output = Command::new("bash").arg(&script).output().expect("bash runs scripts/python-env.sh");
    assert!(
        output.status.success(),
        "scripts/python-env.sh failed (set TESSERA_TEST_SKIP_PYTHON=1 to skip the contract test):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default().trim())
}

/// A GET that must succeed; its response joins those to check.
async fn get(s: &crate::Server, token: &str, responses: &mut Vec<Value>, path: String, model: &str) -> Value {
    let (status, body) = api(s, "GET", &path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    responses.push(json!({"label": format!("GET {path}"), "model": model, "body": body.clone()}));
    body
}

#[tokio::test]
async fn every_entity_response_passes_the_clients_own_models() {
    if std::env::var("TESSERA_TEST_SKIP_PYTHON").as_deref() == Ok("1") {
        eprintln!("SKIPPED: the ingestion-client contract test (TESSERA_TEST_SKIP_PYTHON=1)");
        return;
    }
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    let mut responses: Vec<Value> = Vec::new();
    let model_of = |path: &str| match path {
        p if p.contains("databaseServices") => "DatabaseService",
        p if p.contains("databaseSchemas") => "DatabaseSchema",
        p if p.contains("databases") => "Database",
        p if p.contains("storedProcedures") => "StoredProcedure",
        _ => "Table",
    };
    for (path, body) in ingest(&s, &bot).await {
        responses
            .push(json!({"label": format!("PUT {path} {}", body["name"]), "model": model_of(&path), "body": body}));
    }
    for (collection, model, filter) in [
        ("services/databaseServices", "DatabaseService", "owners"),
        ("databases", "Database", "sourceHash&service=local_sqlite"),
        ("databaseSchemas", "DatabaseSchema", "sourceHash&database=local_sqlite.sample"),
        ("tables", "Table", "sourceHash&database=local_sqlite.sample.main"),
        ("storedProcedures", "StoredProcedure", "sourceHash&databaseSchema=local_sqlite.sample.main"),
    ] {
        let list_model = format!("list:{model}");
        get(&s, &bot, &mut responses, format!("/api/v1/{collection}?limit=100&fields={filter}"), &list_model).await;
        get(&s, &bot, &mut responses, format!("/api/v1/{collection}?limit=2"), &list_model).await;
        let all =
            get(&s, &bot, &mut responses, format!("/api/v1/{collection}?fields=*&include=all"), &list_model).await;
        let first = &all["data"][0];
        let (id, fqn) = (first["id"].as_str().unwrap(), first["fullyQualifiedName"].as_str().unwrap());
        let encoded = percent_encoding::utf8_percent_encode(fqn, percent_encoding::NON_ALPHANUMERIC).to_string();
        get(&s, &bot, &mut responses, format!("/api/v1/{collection}/name/{encoded}?fields=*"), model).await;
        get(&s, &bot, &mut responses, format!("/api/v1/{collection}/name/{encoded}"), model).await;
        get(&s, &bot, &mut responses, format!("/api/v1/{collection}/{id}"), model).await;
        get(&s, &bot, &mut responses, format!("/api/v1/{collection}/{id}/versions"), "EntityHistory").await;
        get(&s, &bot, &mut responses, format!("/api/v1/{collection}/{id}/versions/0.1"), model).await;
    }
    // A second version with a change description, a soft delete, a restore, and every version.
    let changed = json!({"name": "customers", "databaseSchema": "local_sqlite.sample.main", "sourceHash": "c2",
        "description": "People", "columns": [{"name": "id", "dataType": "BIGINT", "constraint": "PRIMARY_KEY"},
        {"name": "phone", "dataType": "VARCHAR", "dataLength": 20, "dataTypeDisplay": "VARCHAR(20)"}]});
    let (status, v2) = api(&s, "PUT", "/api/v1/tables", &bot, Some(changed)).await;
    assert_eq!((status, v2["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{v2}");
    let id = v2["id"].as_str().unwrap().to_string();
    responses.push(json!({"label": "PUT changed customers", "model": "Table", "body": v2}));
    // PATCH answers, as the client parses them: its changed-source patch, a forward foreign key,
    // and a description on every other kind.
    let email = json!({"name": "email", "dataType": "VARCHAR", "dataLength": 255, "dataTypeDisplay": "VARCHAR(255)"});
    let body = json!([{"op": "add", "path": "/columns/2", "value": email},
        {"op": "replace", "path": "/sourceHash", "value": "c3"}]);
    let (status, v3) = crate::patch::patch(&s, &format!("/api/v1/tables/{id}"), &bot, body).await;
    assert_eq!((status, v3["version"].as_f64()), (StatusCode::OK, Some(0.3)), "{v3}");
    responses.push(json!({"label": "PATCH customers", "model": "Table", "body": v3}));
    let (_, orders) = api(&s, "GET", "/api/v1/tables/name/local_sqlite.sample.main.orders?fields=*", &bot, None).await;
    let fk = orders["tableConstraints"][0].clone();
    let body = json!([{"op": "remove", "path": "/tableConstraints/0"}, {"op": "add", "path": "/tableConstraints/0",
        "value": fk}, {"op": "add", "path": "/columns/0/tags", "value": []}, {"op": "add", "path": "/description",
        "value": "Orders"}]);
    let (status, patched) =
        crate::patch::patch(&s, &format!("/api/v1/tables/{}", orders["id"].as_str().unwrap()), &bot, body).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    responses.push(json!({"label": "PATCH orders", "model": "Table", "body": patched}));
    for (collection, model, name) in [
        ("services/databaseServices", "DatabaseService", "local_sqlite"),
        ("databases", "Database", "local_sqlite.sample"),
        ("databaseSchemas", "DatabaseSchema", "local_sqlite.sample.main"),
        ("storedProcedures", "StoredProcedure", "local_sqlite.sample.main.refresh_totals"),
    ] {
        let (_, entity) = api(&s, "GET", &format!("/api/v1/{collection}/name/{name}"), &bot, None).await;
        let path = format!("/api/v1/{collection}/{}", entity["id"].as_str().unwrap());
        let body = json!([{"op": "add", "path": "/description", "value": "patched"}]);
        let (status, patched) = crate::patch::patch(&s, &path, &bot, body).await;
        assert_eq!(status, StatusCode::OK, "{patched}");
        responses.push(json!({"label": format!("PATCH {collection}"), "model": model, "body": patched}));
    }
    let (_, deleted) =
        api(&s, "DELETE", &format!("/api/v1/tables/{id}?recursive=true&hardDelete=false"), &bot, None).await;
    responses.push(json!({"label": "DELETE customers", "model": "Table", "body": deleted}));
    get(&s, &bot, &mut responses, "/api/v1/tables?include=deleted&fields=*".into(), "list:Table").await;
    let (_, restored) = api(&s, "PUT", "/api/v1/tables/restore", &bot, Some(json!({"id": id}))).await;
    responses.push(json!({"label": "PUT restore customers", "model": "Table", "body": restored}));
    let (_, history) = api(&s, "GET", &format!("/api/v1/tables/{id}/versions"), &bot, None).await;
    for (i, text) in history["versions"].as_array().unwrap().iter().enumerate() {
        let body: Value = serde_json::from_str(text.as_str().unwrap()).unwrap();
        responses.push(json!({"label": format!("customers version #{i}"), "model": "Table", "body": body}));
    }

    // A PostgreSQL service with a password: the bot's answers in clear, a person's masked, and a
    // version made by a changed password; the client must read every one as a PostgresConnection.
    let service = |password: &str| {
        json!({"name": "warehouse", "serviceType": "Postgres", "connection": {"config": {"type": "Postgres",
            "scheme": "postgresql+psycopg2", "username": "etl", "authType": {"password": password},
            "hostPort": "db:5432", "database": "dw"}}})
    };
    let (status, pg) = api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(service("s3cret"))).await;
    assert_eq!(status, StatusCode::CREATED, "{pg}");
    responses.push(json!({"label": "PUT Postgres service (bot, clear)", "model": "DatabaseService", "body": pg}));
    let (status, pg) = api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(service("n3w"))).await;
    assert_eq!((status, pg["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{pg}");
    let admin = crate::accounts::session(&s, "admin", "admin@open-metadata.org");
    let pg_id = pg["id"].as_str().unwrap();
    for (caller, who, password) in [(&bot, "bot", "n3w"), (&admin, "admin", "*********")] {
        let path = "/api/v1/services/databaseServices/name/warehouse".to_string();
        let (status, seen) = api(&s, "GET", &path, caller, None).await;
        assert_eq!((status, &seen["connection"]["config"]["authType"]["password"]), (StatusCode::OK, &json!(password)));
        responses.push(json!({"label": format!("GET {path} ({who})"), "model": "DatabaseService", "body": seen}));
        let path = format!("/api/v1/services/databaseServices/{pg_id}/versions");
        let history = get(&s, caller, &mut responses, path, "EntityHistory").await;
        for (i, text) in history["versions"].as_array().unwrap().iter().enumerate() {
            let body: Value = serde_json::from_str(text.as_str().unwrap()).unwrap();
            let label = format!("warehouse version #{i} ({who})");
            responses.push(json!({"label": label, "model": "DatabaseService", "body": body}));
        }
    }
    pipeline_responses(&s, &bot, &mut responses).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("responses.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&responses).unwrap()).unwrap();
    let checker = workspace().join("scripts/check_contract.py");
    let output =
        Command::new(venv().join("bin/python")).arg(&checker).arg(&file).output().expect("the venv's python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the 1.7 models refused responses:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(&format!("checked {} responses", responses.len())), "{stdout}");
    assert!(
        stdout.contains("6 PATCH"),
        "the PATCH answers were among them (one per catalog type, two tables): {stdout}"
    );
    assert!(stdout.contains("IngestionPipeline") && stdout.contains("PipelineStatus"), "{stdout}");
    eprintln!("{stdout}");
}

/// An ingestion pipeline as the client creates it and every answer about it and its runs: the
/// entity (PUT, by name and id, with `pipelineStatuses`, lists, versions, delete, restore) and the
/// statuses (PUT, GET by run, the time-range list), which the client parses strictly.
async fn pipeline_responses(s: &crate::Server, bot: &str, responses: &mut Vec<Value>) {
    use crate::pipelines::{RUN, create_pipeline, finished, pipeline_request, running};
    let pipeline = create_pipeline(s, bot, "local_sqlite", "local_sqlite_metadata").await;
    responses.push(json!({"label": "PUT ingestionPipeline", "model": "IngestionPipeline", "body": pipeline.clone()}));
    let (id, service_id) = (pipeline["id"].as_str().unwrap(), pipeline["service"]["id"].as_str().unwrap());
    let base = "/api/v1/services/ingestionPipelines";
    let runs = format!("{base}/local_sqlite.local_sqlite_metadata/pipelineStatus");
    for (body, expected) in [(running(RUN, 1_000), StatusCode::CREATED), (finished(RUN, 1_000), StatusCode::OK)] {
        let (status, stored) = api(s, "PUT", &runs, bot, Some(body)).await;
        assert_eq!(status, expected, "{stored}");
        responses.push(json!({"label": "PUT pipelineStatus", "model": "PipelineStatus", "body": stored}));
        get(s, bot, responses, format!("{runs}/{RUN}"), "PipelineStatus").await;
    }
    get(s, bot, responses, format!("{runs}?startTs=0&endTs=2000"), "list:PipelineStatus").await;
    let mut changed = pipeline_request(service_id, "local_sqlite_metadata");
    changed["loggerLevel"] = json!("DEBUG");
    changed["description"] = json!("Nightly metadata");
    let (status, v2) = api(s, "PUT", base, bot, Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{v2}");
    responses.push(json!({"label": "PUT changed ingestionPipeline", "model": "IngestionPipeline", "body": v2}));
    let name = "local_sqlite.local_sqlite_metadata";
    for path in [
        format!("{base}/name/{name}"),
        format!("{base}/name/{name}?fields=owners,followers,pipelineStatuses"),
        format!("{base}/{id}?fields=pipelineStatuses"),
        format!("{base}/{id}/versions/0.1"),
    ] {
        get(s, bot, responses, path, "IngestionPipeline").await;
    }
    for path in [
        format!("{base}?service=local_sqlite&pipelineType=metadata&fields=pipelineStatuses"),
        format!("{base}?fields=*"),
    ] {
        get(s, bot, responses, path, "list:IngestionPipeline").await;
    }
    get(s, bot, responses, format!("{base}/{id}/versions"), "EntityHistory").await;
    let (_, deleted) = api(s, "DELETE", &format!("{base}/{id}"), bot, None).await;
    responses.push(json!({"label": "DELETE ingestionPipeline", "model": "IngestionPipeline", "body": deleted}));
    let (_, restored) = api(s, "PUT", &format!("{base}/restore"), bot, Some(json!({"id": id}))).await;
    responses.push(json!({"label": "PUT restore ingestionPipeline", "model": "IngestionPipeline", "body": restored}));
}
