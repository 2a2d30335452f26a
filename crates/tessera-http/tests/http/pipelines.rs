//! Ingestion pipelines and their run statuses through the API, with the bodies and paths the
//! 1.7 client sends when a workflow has `ingestionPipelineFQN` (compat §3.4): the pipeline created
//! with its service by id, 204 for a run without status, the run's status PUT twice, read back and
//! listed by time; FQNs with dots; JSON errors that say what to change; a data consumer reads and
//! cannot write; `sourceConfig.config` only for callers with ViewAll.

use crate::accounts::{api, data_consumer, session};
use crate::catalog::{bot_token, ingest};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};

pub const RUN: &str = "9b2f6a1e-4c3d-4e5f-8a7b-6c5d4e3f2a1b";

/// The client's CreateIngestionPipelineRequest (`get_or_create_ingestion_pipeline`).
pub fn pipeline_request(service_id: &str, name: &str) -> Value {
    json!({"name": name, "service": {"id": service_id, "type": "databaseService"}, "pipelineType": "metadata",
        "sourceConfig": {"config": {"type": "DatabaseMetadata", "markDeletedTables": true}}, "airflowConfig": {}})
}

/// The client's statuses: at the start, and at the end with per-step counts.
pub fn running(run: &str, at: i64) -> Value {
    json!({"runId": run, "pipelineState": "running", "startDate": at, "timestamp": at, "config": {}})
}

pub fn finished(run: &str, at: i64) -> Value {
    let step = |name: &str, records: u64| {
        json!({"name": name, "records": records, "updated_records": 0, "warnings": 0, "errors": 0, "filtered": 0,
            "failures": []})
    };
    json!({"runId": run, "pipelineState": "success", "startDate": at, "timestamp": at, "endDate": at + 5000,
        "config": {}, "status": [step("SQLite", 7), step("OpenMetadata", 7)]})
}

/// The percent-encoding the client applies to an FQN in a path.
pub fn encoded(fqn: &str) -> String {
    percent_encoding::utf8_percent_encode(fqn, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The client's start-of-run calls: the pipeline by name (404), the service by name, the PUT.
pub async fn create_pipeline(s: &Server, token: &str, service: &str, name: &str) -> Value {
    let fqn = format!("{}.{}", quoted(service), quoted(name));
    let (status, missing) =
        api(s, "GET", &format!("/api/v1/services/ingestionPipelines/name/{}", encoded(&fqn)), token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    assert_eq!(missing["message"], format!("ingestionPipeline instance for {fqn} not found"));
    let (status, svc) =
        api(s, "GET", &format!("/api/v1/services/databaseServices/name/{}", encoded(&quoted(service))), token, None)
            .await;
    assert_eq!(status, StatusCode::OK, "{svc}");
    let body = pipeline_request(svc["id"].as_str().unwrap(), name);
    let (status, pipeline) = api(s, "PUT", "/api/v1/services/ingestionPipelines", token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{pipeline}");
    pipeline
}

fn quoted(name: &str) -> String {
    tessera_catalog::fqn::quote_name(name).unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[tokio::test]
async fn the_clients_pipeline_calls_record_a_runs_status() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let pipeline = create_pipeline(&s, &bot, "local_sqlite", "local_sqlite_metadata").await;
    assert_eq!(pipeline["fullyQualifiedName"], "local_sqlite.local_sqlite_metadata");
    let (_, service) = api(&s, "GET", "/api/v1/services/databaseServices/name/local_sqlite", &bot, None).await;
    assert_eq!(pipeline["service"]["id"], service["id"]);
    assert_eq!(pipeline["service"]["type"], "databaseService");
    assert!(pipeline["service"]["href"].as_str().unwrap().ends_with(service["id"].as_str().unwrap()));
    assert!(pipeline.get("serviceType").is_none(), "the 1.7 model refuses serviceType: {pipeline}");
    assert_eq!(pipeline["sourceConfig"]["config"]["type"], "DatabaseMetadata", "the bot has ViewAll");
    assert_eq!((pipeline["version"].as_f64(), pipeline["updatedBy"].as_str()), (Some(0.1), Some("ingestion-bot")));

    let fqn = "local_sqlite.local_sqlite_metadata";
    let run_path = format!("/api/v1/services/ingestionPipelines/{fqn}/pipelineStatus/{RUN}");
    let put_path = format!("/api/v1/services/ingestionPipelines/{fqn}/pipelineStatus");
    let (status, body) = api(&s, "GET", &run_path, &bot, None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, json!("")), "no status yet: 204, no body");
    let started = now();
    let (status, stored) = api(&s, "PUT", &put_path, &bot, Some(running(RUN, started))).await;
    assert_eq!((status, stored.clone()), (StatusCode::CREATED, running(RUN, started)));
    let (status, read) = api(&s, "GET", &run_path, &bot, None).await;
    assert_eq!((status, read), (StatusCode::OK, running(RUN, started)));
    let (status, _) = api(&s, "PUT", &put_path, &bot, Some(finished(RUN, started))).await;
    assert_eq!(status, StatusCode::OK, "the same run is replaced");
    let (_, read) = api(&s, "GET", &run_path, &bot, None).await;
    assert_eq!(read, finished(RUN, started));

    // The latest run on the entity when asked for by name, as the original.
    let (_, plain) = api(&s, "GET", &format!("/api/v1/services/ingestionPipelines/name/{fqn}"), &bot, None).await;
    assert!(plain.get("pipelineStatuses").is_none(), "{plain}");
    let with = format!("/api/v1/services/ingestionPipelines/name/{fqn}?fields=owners,pipelineStatuses");
    let (status, with) = api(&s, "GET", &with, &bot, None).await;
    assert_eq!((status, with["pipelineStatuses"]["pipelineState"].as_str()), (StatusCode::OK, Some("success")));
    assert_eq!(with["owners"], json!([]));
    let id = pipeline["id"].as_str().unwrap();
    let (_, by_id) =
        api(&s, "GET", &format!("/api/v1/services/ingestionPipelines/{id}?fields=pipelineStatuses"), &bot, None).await;
    assert_eq!(by_id["pipelineStatuses"]["runId"], RUN);

    // Lists: by service FQN and pipelineType, with paging.total.
    let list = |query: &str| format!("/api/v1/services/ingestionPipelines?{query}");
    let (_, page) =
        api(&s, "GET", &list("service=local_sqlite&pipelineType=metadata&fields=pipelineStatuses"), &bot, None).await;
    assert_eq!(page["paging"]["total"], 1, "{page}");
    assert_eq!(page["data"][0]["pipelineStatuses"]["runId"], RUN);
    let (_, page) = api(&s, "GET", &list("pipelineType=usage"), &bot, None).await;
    assert_eq!(page["paging"]["total"], 0);
    let (_, page) = api(&s, "GET", &list("service=other"), &bot, None).await;
    assert_eq!(page["paging"]["total"], 0);
    let (_, databases) = api(&s, "GET", "/api/v1/databases?service=local_sqlite", &bot, None).await;
    assert_eq!(databases["paging"]["total"], 1, "a pipeline is not a database");

    // Runs by time: a second run later, ranges that hold both, one, none; newest first.
    let later = started + 60_000;
    api(&s, "PUT", &put_path, &bot, Some(running("run-2", later))).await;
    let range = |from: i64, to: i64| format!("{put_path}?startTs={from}&endTs={to}");
    let (status, runs) = api(&s, "GET", &range(started, later), &bot, None).await;
    assert_eq!((status, runs["paging"]["total"].as_i64()), (StatusCode::OK, Some(2)), "{runs}");
    assert_eq!((runs["data"][0]["runId"].as_str(), runs["data"][1]["runId"].as_str()), (Some("run-2"), Some(RUN)));
    let (_, runs) = api(&s, "GET", &range(started + 1, later), &bot, None).await;
    assert_eq!(runs["paging"]["total"], 1);
    let (_, runs) = api(&s, "GET", &range(0, started - 1), &bot, None).await;
    assert_eq!(runs, json!({"data": [], "paging": {"total": 0}}));

    // A changed request is a new version; soft delete hides the runs, restore brings them back,
    // hard delete ends them.
    let mut changed = pipeline_request(service["id"].as_str().unwrap(), "local_sqlite_metadata");
    changed["loggerLevel"] = json!("DEBUG");
    let (status, v2) = api(&s, "PUT", "/api/v1/services/ingestionPipelines", &bot, Some(changed)).await;
    assert_eq!((status, v2["version"].as_f64()), (StatusCode::OK, Some(0.2)), "{v2}");
    let (_, history) = api(&s, "GET", &format!("/api/v1/services/ingestionPipelines/{id}/versions"), &bot, None).await;
    assert_eq!(
        (history["entityType"].as_str(), history["versions"].as_array().map(Vec::len)),
        (Some("ingestionPipeline"), Some(2))
    );
    let (status, _) = api(&s, "DELETE", &format!("/api/v1/services/ingestionPipelines/{id}"), &bot, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, gone) = api(&s, "GET", &run_path, &bot, None).await;
    assert_eq!((status, gone["code"].as_i64()), (StatusCode::NOT_FOUND, Some(404)), "{gone}");
    let (status, _) =
        api(&s, "PUT", "/api/v1/services/ingestionPipelines/restore", &bot, Some(json!({"id": id}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api(&s, "GET", &run_path, &bot, None).await.0, StatusCode::OK);
    let hard = format!("/api/v1/services/ingestionPipelines/{id}?hardDelete=true");
    assert_eq!(api(&s, "DELETE", &hard, &bot, None).await.0, StatusCode::OK);
    let (status, gone) = api(&s, "GET", &run_path, &bot, None).await;
    assert_eq!(gone["message"], format!("ingestionPipeline instance for {fqn} not found"), "{status}");
    assert!(
        api(&s, "GET", "/api/v1/tables?service=local_sqlite", &bot, None).await.1["paging"]["total"].as_i64() > Some(0)
    );
}

#[tokio::test]
async fn dotted_names_are_quoted_and_bad_input_gets_a_json_400() {
    let s = server(&[]).await;
    let bot = bot_token(&s).await;
    let svc = json!({"name": "my.svc", "serviceType": "SQLite"});
    assert_eq!(api(&s, "PUT", "/api/v1/services/databaseServices", &bot, Some(svc)).await.0, StatusCode::CREATED);
    let pipeline = create_pipeline(&s, &bot, "my.svc", "nightly.run").await;
    let fqn = "\"my.svc\".\"nightly.run\"";
    assert_eq!(pipeline["fullyQualifiedName"], fqn);
    let base = format!("/api/v1/services/ingestionPipelines/{}", encoded(fqn));
    let (status, found) =
        api(&s, "GET", &format!("/api/v1/services/ingestionPipelines/name/{}", encoded(fqn)), &bot, None).await;
    assert_eq!((status, found["id"].clone()), (StatusCode::OK, pipeline["id"].clone()));
    assert_eq!(api(&s, "GET", &format!("{base}/pipelineStatus/{RUN}"), &bot, None).await.0, StatusCode::NO_CONTENT);
    let (status, _) = api(&s, "PUT", &format!("{base}/pipelineStatus"), &bot, Some(running(RUN, 5))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(api(&s, "GET", &format!("{base}/pipelineStatus/{RUN}"), &bot, None).await.1["runId"], RUN);

    let service_id = pipeline["service"]["id"].as_str().unwrap().to_string();
    let unknown = "5d0c1e2f-0000-4000-8000-00000000abcd";
    let put = "/api/v1/services/ingestionPipelines";
    let status_put = format!("{base}/pipelineStatus");
    let mut by_fqn = pipeline_request(&service_id, "p");
    by_fqn["service"] = json!("my.svc");
    let mut with_service_type = pipeline_request(&service_id, "p");
    with_service_type["serviceType"] = json!("SQLite");
    let cases: Vec<(&str, String, Option<Value>, StatusCode, String)> = vec![
        (
            "PUT",
            put.into(),
            Some(pipeline_request(unknown, "p")),
            StatusCode::NOT_FOUND,
            format!("databaseService instance for {unknown} not found"),
        ),
        (
            "PUT",
            put.into(),
            Some(by_fqn),
            StatusCode::BAD_REQUEST,
            "service must be a reference to the databaseService by id".into(),
        ),
        (
            "PUT",
            put.into(),
            Some(with_service_type),
            StatusCode::BAD_REQUEST,
            "Unknown field serviceType in CreateIngestionPipelineRequest".into(),
        ),
        (
            "PUT",
            put.into(),
            Some(json!({"name": "p", "service": {"id": service_id, "type": "databaseService"}})),
            StatusCode::BAD_REQUEST,
            "pipelineType is required in CreateIngestionPipelineRequest".into(),
        ),
        (
            "PUT",
            status_put.clone(),
            Some(json!({"pipelineState": "running"})),
            StatusCode::BAD_REQUEST,
            "runId is required in PipelineStatus".into(),
        ),
        (
            "PUT",
            status_put.clone(),
            Some(json!({"runId": RUN, "pipelineState": "done"})),
            StatusCode::BAD_REQUEST,
            "pipelineState \"done\" is not one of queued, success, failed, running, partialSuccess".into(),
        ),
        (
            "PUT",
            status_put.clone(),
            Some(json!({"runId": RUN, "pipelineState": "failed", "serviceType": "x"})),
            StatusCode::BAD_REQUEST,
            "Unknown field serviceType in PipelineStatus".into(),
        ),
        (
            "PUT",
            "/api/v1/services/ingestionPipelines/svc.nope/pipelineStatus".into(),
            Some(running(RUN, 1)),
            StatusCode::NOT_FOUND,
            "ingestionPipeline instance for svc.nope not found".into(),
        ),
        (
            "GET",
            format!("/api/v1/services/ingestionPipelines/svc.nope/pipelineStatus/{RUN}"),
            None,
            StatusCode::NOT_FOUND,
            "ingestionPipeline instance for svc.nope not found".into(),
        ),
        ("GET", status_put.clone(), None, StatusCode::BAD_REQUEST, "startTs is required".into()),
        (
            "GET",
            format!("{status_put}?startTs=1&endTs=soon"),
            None,
            StatusCode::BAD_REQUEST,
            "endTs must be a timestamp in milliseconds since the epoch, not \"soon\"".into(),
        ),
        (
            "GET",
            format!("{status_put}?startTs=9&endTs=1"),
            None,
            StatusCode::BAD_REQUEST,
            "startTs (9) must not be after endTs (1)".into(),
        ),
        (
            "GET",
            "/api/v1/services/ingestionPipelines?pipelineType=sofa".into(),
            None,
            StatusCode::BAD_REQUEST,
            "pipelineType must be one of metadata".into(),
        ),
        (
            "GET",
            "/api/v1/services/ingestionPipelines?fields=colour".into(),
            None,
            StatusCode::BAD_REQUEST,
            "Invalid field name colour; the fields of ingestionPipeline are: owners, followers, pipelineStatuses"
                .into(),
        ),
        (
            "GET",
            format!("/api/v1/services/ingestionPipelines/{unknown}"),
            None,
            StatusCode::NOT_FOUND,
            format!("ingestionPipeline instance for {unknown} not found"),
        ),
    ];
    for (method, path, body, expected, text) in cases {
        let (status, reply) = api(&s, method, &path, &bot, body).await;
        assert_eq!(status, expected, "{method} {path}: {reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains(&text), "{method} {path}: {message:?} lacks {text:?}");
        assert_eq!(reply["code"].as_u64(), Some(u64::from(expected.as_u16())), "{reply}");
    }
    // A body that is not JSON at all.
    let request = axum::http::Request::builder()
        .method("PUT")
        .uri(&status_put)
        .header("authorization", format!("Bearer {bot}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    let (status, _, reply) = crate::call(&s.api, request).await;
    assert_eq!((status, reply["code"].as_u64()), (StatusCode::BAD_REQUEST, Some(400)), "{reply}");
}

#[tokio::test]
async fn a_data_consumer_reads_runs_but_cannot_write_or_report_them() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let pipeline = create_pipeline(&s, &bot, "local_sqlite", "meta").await;
    let base = "/api/v1/services/ingestionPipelines/local_sqlite.meta";
    api(&s, "PUT", &format!("{base}/pipelineStatus"), &bot, Some(running(RUN, 10))).await;

    for path in [
        "/api/v1/services/ingestionPipelines".to_string(),
        "/api/v1/services/ingestionPipelines/name/local_sqlite.meta?fields=pipelineStatuses".to_string(),
        format!("{base}/pipelineStatus/{RUN}"),
        format!("{base}/pipelineStatus?startTs=0&endTs=100"),
    ] {
        let (status, body) = api(&s, "GET", &path, &dana, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let id = pipeline["id"].as_str().unwrap();
    let service_id = pipeline["service"]["id"].as_str().unwrap();
    for (method, path, body, operation) in [
        (
            "PUT",
            "/api/v1/services/ingestionPipelines".to_string(),
            Some(pipeline_request(service_id, "mine")),
            "Create",
        ),
        (
            "POST",
            "/api/v1/services/ingestionPipelines".to_string(),
            Some(pipeline_request(service_id, "mine")),
            "Create",
        ),
        ("PUT", format!("{base}/pipelineStatus"), Some(finished(RUN, 10)), "EditIngestionPipelineStatus"),
        ("DELETE", format!("/api/v1/services/ingestionPipelines/{id}"), None, "Delete"),
        ("PUT", "/api/v1/services/ingestionPipelines/restore".to_string(), Some(json!({"id": id})), "EditAll"),
    ] {
        let (status, reply) = api(&s, method, &path, &dana, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {reply}");
        assert_eq!(
            reply["message"],
            format!("Principal: CatalogPrincipal{{name='dana'}} operations [{operation}] not allowed"),
            "{method} {path}"
        );
    }
    let (_, read) = api(&s, "GET", &format!("{base}/pipelineStatus/{RUN}"), &dana, None).await;
    assert_eq!(read["pipelineState"], "running", "her refused PUT changed nothing");
}

/// A caller allowed ViewBasic but not ViewAll (here a bot with its own role) sees the pipeline
/// without `sourceConfig.config` and no run statuses, as in the original.
#[tokio::test]
async fn without_view_all_the_source_config_and_runs_stay_hidden() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    create_pipeline(&s, &bot, "local_sqlite", "meta").await;
    let policy = json!({"name": "PipelineBasics", "rules": [{"name": "basic", "resources": ["ingestionPipeline"],
        "operations": ["ViewBasic"], "effect": "allow"}]});
    assert_eq!(api(&s, "POST", "/api/v1/policies", &admin, Some(policy)).await.0, StatusCode::CREATED);
    let role = json!({"name": "PipelineWatcher", "policies": ["PipelineBasics"]});
    assert_eq!(api(&s, "POST", "/api/v1/roles", &admin, Some(role)).await.0, StatusCode::CREATED);
    let user = json!({"name": "watch-bot", "email": "watch-bot@open-metadata.org", "isBot": true,
        "roles": ["PipelineWatcher"]});
    let (status, user) = api(&s, "PUT", "/api/v1/users", &admin, Some(user)).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let created =
        api(&s, "POST", "/api/v1/bots", &admin, Some(json!({"name": "watch-bot", "botUser": "watch-bot"}))).await;
    assert_eq!(created.0, StatusCode::CREATED, "{}", created.1);
    let path = format!("/api/v1/users/generateToken/{}", user["id"].as_str().unwrap());
    let (_, mechanism) = api(&s, "PUT", &path, &admin, Some(json!({"JWTTokenExpiry": "1"}))).await;
    let watcher = mechanism["JWTToken"].as_str().unwrap().to_string();

    let (status, seen) =
        api(&s, "GET", "/api/v1/services/ingestionPipelines/name/local_sqlite.meta", &watcher, None).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["sourceConfig"], json!({}), "{seen}");
    let (_, list) = api(&s, "GET", "/api/v1/services/ingestionPipelines", &watcher, None).await;
    assert_eq!(list["data"][0]["sourceConfig"], json!({}));
    // Every read path hides it alike: the version history and one version too.
    let id = seen["id"].as_str().unwrap();
    let (status, history) =
        api(&s, "GET", &format!("/api/v1/services/ingestionPipelines/{id}/versions"), &watcher, None).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    for version in history["versions"].as_array().unwrap() {
        let version: Value = serde_json::from_str(version.as_str().unwrap()).unwrap();
        assert_eq!(version["sourceConfig"], json!({}), "{version}");
    }
    let (_, first) =
        api(&s, "GET", &format!("/api/v1/services/ingestionPipelines/{id}/versions/0.1"), &watcher, None).await;
    assert_eq!(first["sourceConfig"], json!({}), "{first}");
    let (_, found) = api(
        &s,
        "GET",
        "/api/v1/services/ingestionPipelines/name/local_sqlite.meta?fields=*&include=all",
        &watcher,
        None,
    )
    .await;
    assert_eq!(found["sourceConfig"], json!({}), "{found}");
    let (status, refused) = api(
        &s,
        "GET",
        &format!("/api/v1/services/ingestionPipelines/local_sqlite.meta/pipelineStatus/{RUN}"),
        &watcher,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (_, full) = api(&s, "GET", "/api/v1/services/ingestionPipelines/name/local_sqlite.meta", &bot, None).await;
    assert_eq!(full["sourceConfig"]["config"]["type"], "DatabaseMetadata");
}

/// `PATCH /services/ingestionPipelines/{id}` as the client's patch mixin sends it: the bot
/// (EditAll) changes the schedule and the description, a new version; a data consumer, a token
/// Tessera did not sign, a malformed patch and one that breaks the pipeline all fail and change
/// nothing.
#[tokio::test]
async fn pipelines_are_patched_by_who_may_edit_them() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let bot = bot_token(&s).await;
    ingest(&s, &bot).await;
    let pipeline = create_pipeline(&s, &bot, "local_sqlite", "meta").await;
    let path = format!("/api/v1/services/ingestionPipelines/{}", pipeline["id"].as_str().unwrap());
    let edit = json!([{"op": "add", "path": "/description", "value": "Nightly"},
        {"op": "add", "path": "/airflowConfig/scheduleInterval", "value": "0 2 * * *"}]);

    let forged = {
        let mut parts: Vec<String> = bot.split('.').map(str::to_string).collect();
        parts[2] = "AAAA".into(); // the bot's claims under a signature Tessera never made
        parts.join(".")
    };
    for (token, body, status, says) in [
        (dana.as_str(), edit.clone(), StatusCode::FORBIDDEN, "operations [EditAll] not allowed"),
        (forged.as_str(), edit.clone(), StatusCode::UNAUTHORIZED, ""),
        (bot.as_str(), json!({"op": "add"}), StatusCode::BAD_REQUEST, ""),
        (
            bot.as_str(),
            json!([{"op": "replace", "path": "/pipelineType", "value": "sofa"}]),
            StatusCode::BAD_REQUEST,
            "sofa",
        ),
        (
            bot.as_str(),
            json!([{"op": "replace", "path": "/sourceConfig/config/type", "value": "DatabaseUsage"}]),
            StatusCode::BAD_REQUEST,
            "contradicts pipelineType",
        ),
    ] {
        let (got, reply) = api(&s, "PATCH", &path, token, Some(body)).await;
        assert_eq!(got, status, "{reply}");
        assert!(reply["message"].as_str().unwrap_or_default().contains(says), "{reply}");
    }
    let (_, unchanged) = api(&s, "GET", &format!("{path}?fields=*"), &bot, None).await;
    assert_eq!(unchanged["version"], pipeline["version"], "refused patches changed nothing: {unchanged}");

    let (status, patched) = api(&s, "PATCH", &path, &bot, Some(edit)).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!((patched["description"].as_str(), patched["version"].as_f64()), (Some("Nightly"), Some(0.2)));
    assert_eq!(patched["airflowConfig"]["scheduleInterval"], "0 2 * * *");
    assert_eq!(patched["service"]["id"], pipeline["service"]["id"], "still the same service");
    assert_eq!(patched["sourceConfig"]["config"]["type"], "DatabaseMetadata");
}
