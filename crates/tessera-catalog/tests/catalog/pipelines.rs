//! Ingestion pipelines over both stores: the client's create request (service by id), FQNs with
//! dots, lists by service and pipelineType, run statuses by runId and time, and deletes that take
//! the statuses with them and leave a same-named database's subtree alone.

use super::{PUT, both, catalog, seed};
use serde_json::{Value, json};
use tessera_catalog::{Catalog, CatalogError, Fields, Include, Kind, ListQuery, Outcome};
use tessera_store::PipelineStatusStore;

const BOT: &str = "ingestion-bot";

/// The config's `type` is left out, as the client sends it: it follows `pipelineType`.
fn pipeline(service_id: &str, name: &str, pipeline_type: &str) -> Value {
    json!({"name": name, "pipelineType": pipeline_type, "airflowConfig": {},
        "sourceConfig": {"config": {}},
        "service": {"id": service_id, "type": "databaseService"}})
}

async fn service_id(c: &Catalog, name: &str) -> String {
    let fqn = tessera_catalog::fqn::quote_name(name).unwrap();
    c.by_name(Kind::DatabaseService, &fqn, Include::NonDeleted).await.unwrap().id().to_string()
}

fn status(run: &str, state: &str, at: i64) -> Value {
    json!({"runId": run, "pipelineState": state, "startDate": at, "timestamp": at, "config": {}})
}

#[tokio::test]
async fn pipelines_are_created_by_service_reference_and_listed_by_type() {
    for db in both().await {
        let (c, _) = catalog(&db).await;
        seed(&c, "local_sqlite").await;
        seed(&c, "my.svc").await;
        let local = service_id(&c, "local_sqlite").await;
        let dotted = service_id(&c, "my.svc").await;

        let (p, outcome) = c
            .put(Kind::IngestionPipeline, pipeline(&local, "local_sqlite_metadata", "metadata"), BOT, PUT)
            .await
            .unwrap();
        assert_eq!((outcome, p.fqn()), (Outcome::Created, "local_sqlite.local_sqlite_metadata"));
        assert_eq!(
            (p.doc["service"]["id"].as_str(), p.doc["service"]["type"].as_str()),
            (Some(local.as_str()), Some("databaseService"))
        );
        assert_eq!(p.doc["service"]["fullyQualifiedName"], "local_sqlite");
        assert!(p.doc.get("serviceType").is_none(), "the 1.7 pipeline model has no serviceType: {:?}", p.doc);
        assert_eq!((p.doc["loggerLevel"].clone(), p.doc["enabled"].clone()), (json!("INFO"), json!(true)));

        // The same request again changes nothing; a new sourceConfig is a new version.
        let (same, outcome) = c
            .put(Kind::IngestionPipeline, pipeline(&local, "local_sqlite_metadata", "metadata"), BOT, PUT)
            .await
            .unwrap();
        assert_eq!((outcome, same.version()), (Outcome::Unchanged, 0.1));
        let mut changed = pipeline(&local, "local_sqlite_metadata", "metadata");
        changed["sourceConfig"]["config"]["markDeletedTables"] = json!(false);
        let (v2, outcome) = c.put(Kind::IngestionPipeline, changed, BOT, PUT).await.unwrap();
        assert_eq!((outcome, v2.version(), v2.id()), (Outcome::Updated, 0.2, p.id()));
        assert_eq!(v2.doc["enabled"], true, "server fields survive an update");

        // Dots in either name are quoted as the client quotes them.
        let (odd, _) =
            c.put(Kind::IngestionPipeline, pipeline(&dotted, "nightly.run", "usage"), BOT, PUT).await.unwrap();
        assert_eq!(odd.fqn(), "\"my.svc\".\"nightly.run\"");
        let found =
            c.by_name(Kind::IngestionPipeline, "\"my.svc\".\"nightly.run\"", Include::NonDeleted).await.unwrap();
        assert_eq!(found.id(), odd.id());
        c.put(Kind::IngestionPipeline, pipeline(&dotted, "meta", "metadata"), BOT, PUT).await.unwrap();

        let list = |filters: &[(&str, &str)]| ListQuery {
            limit: 10,
            filters: filters.iter().map(|(f, v)| (f.to_string(), v.to_string())).collect(),
            ..ListQuery::default()
        };
        let names = |page: tessera_catalog::Page| page.items.iter().map(|e| e.fqn().to_string()).collect::<Vec<_>>();
        let all = c.list(Kind::IngestionPipeline, &list(&[])).await.unwrap();
        assert_eq!(all.total, 3);
        let of_dotted = c.list(Kind::IngestionPipeline, &list(&[("service", "my.svc")])).await.unwrap();
        assert_eq!(of_dotted.total, 2);
        let metadata = c.list(Kind::IngestionPipeline, &list(&[("pipelineType", "metadata")])).await.unwrap();
        assert_eq!(metadata.total, 2);
        let both_filters = list(&[("service", "my.svc"), ("pipelineType", "usage")]);
        assert_eq!(
            names(c.list(Kind::IngestionPipeline, &both_filters).await.unwrap()),
            ["\"my.svc\".\"nightly.run\""]
        );
        let err = c.list(Kind::IngestionPipeline, &list(&[("pipelineType", "nope")])).await.unwrap_err();
        assert!(err.to_string().starts_with("pipelineType must be one of metadata, usage"), "{err}");
        let databases = c.list(Kind::Database, &list(&[("service", "local_sqlite")])).await.unwrap();
        assert_eq!(databases.total, 1, "pipelines are not databases, though both sit under the service");

        // An unknown service id: the original's 404 wording, naming the id.
        let missing = "00000000-0000-4000-8000-000000000000";
        let err = c.put(Kind::IngestionPipeline, pipeline(missing, "x", "metadata"), BOT, PUT).await.unwrap_err();
        assert!(matches!(err, CatalogError::NotFound { .. }), "{err}");
        assert_eq!(err.to_string(), format!("databaseService instance for {missing} not found"));
    }
}

#[tokio::test]
async fn run_statuses_by_run_latest_and_time_range() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "local_sqlite").await;
        let local = service_id(&c, "local_sqlite").await;
        let (p, _) = c.put(Kind::IngestionPipeline, pipeline(&local, "meta", "metadata"), BOT, PUT).await.unwrap();
        let fqn = "local_sqlite.meta";

        assert_eq!(c.status(fqn, "run-1").await.unwrap(), None, "no status yet: the API's 204");
        assert_eq!(c.latest_status(p.id()).await.unwrap(), None);
        let (stored, created) = c.put_status(fqn, status("run-1", "running", 1000)).await.unwrap();
        assert!(created);
        assert_eq!(c.status(fqn, "run-1").await.unwrap(), Some(stored));
        let mut done = status("run-1", "success", 1000);
        done["endDate"] = json!(2000);
        done["status"] = json!([{"name": "SQLite", "records": 7, "updated_records": 0, "warnings": 0,
            "errors": 0, "filtered": 0, "failures": []}]);
        let (_, created) = c.put_status(fqn, done.clone()).await.unwrap();
        assert!(!created, "the same run is replaced");
        assert_eq!(c.status(fqn, "run-1").await.unwrap(), Some(done.clone()));
        c.put_status(fqn, status("run-2", "failed", 5000)).await.unwrap();
        c.put_status(fqn, status("run-3", "queued", 3000)).await.unwrap();
        assert_eq!(c.latest_status(p.id()).await.unwrap().unwrap()["runId"], "run-2");
        let runs = |v: Vec<Value>| v.iter().map(|s| s["runId"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(runs(c.statuses(fqn, 0, 10_000).await.unwrap()), ["run-2", "run-3", "run-1"]);
        assert_eq!(runs(c.statuses(fqn, 1001, 4000).await.unwrap()), ["run-3"]);
        let err = c.statuses(fqn, 5, 1).await.unwrap_err();
        assert!(err.to_string().contains("startTs (5) must not be after endTs (1)"), "{err}");

        // Unknown pipelines are 404s, whatever the call; bad statuses are refused before.
        for err in [
            c.status("local_sqlite.nope", "run-1").await.unwrap_err(),
            c.put_status("local_sqlite.nope", status("r", "running", 1)).await.unwrap_err(),
            c.statuses("local_sqlite.nope", 0, 1).await.unwrap_err(),
        ] {
            assert_eq!(err.to_string(), "ingestionPipeline instance for local_sqlite.nope not found");
        }
        let err = c.put_status(fqn, json!({"runId": "r", "pipelineState": "done"})).await.unwrap_err();
        assert!(matches!(err, CatalogError::Invalid(_)), "{err}");

        // Soft delete hides the pipeline's statuses, restore brings them back, hard delete ends them.
        c.delete(Kind::IngestionPipeline, p.id(), false, false, BOT).await.unwrap();
        assert!(c.status(fqn, "run-1").await.is_err());
        c.restore(Kind::IngestionPipeline, p.id(), BOT).await.unwrap();
        assert_eq!(c.status(fqn, "run-1").await.unwrap(), Some(done));
        c.delete(Kind::IngestionPipeline, p.id(), true, false, BOT).await.unwrap();
        assert_eq!(store.pipeline_status(p.id(), "run-1").await.unwrap(), None, "hard delete takes the runs");
    }
}

/// A pipeline named like a database has the database's key: deleting either leaves the other,
/// and the database's subtree, alone. A service's recursive delete takes its pipelines.
#[tokio::test]
async fn a_pipeline_named_like_a_database_is_deleted_alone() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        seed(&c, "svc").await;
        let svc = service_id(&c, "svc").await;
        let (p, _) = c.put(Kind::IngestionPipeline, pipeline(&svc, "sample", "metadata"), BOT, PUT).await.unwrap();
        let schema = c.by_name(Kind::DatabaseSchema, "svc.sample.main", Include::NonDeleted).await.unwrap();
        c.put_status("svc.sample", status("r", "success", 1)).await.unwrap();

        c.delete(Kind::IngestionPipeline, p.id(), false, false, BOT).await.expect("no children: no recursive needed");
        c.restore(Kind::IngestionPipeline, p.id(), BOT).await.unwrap();
        c.delete(Kind::IngestionPipeline, p.id(), true, false, BOT).await.unwrap();
        assert!(c.by_id(Kind::DatabaseSchema, schema.id(), Include::NonDeleted).await.is_ok(), "the schema stays");
        assert!(c.by_name(Kind::Database, "svc.sample", Include::NonDeleted).await.is_ok());

        let (again, _) = c.put(Kind::IngestionPipeline, pipeline(&svc, "sample", "metadata"), BOT, PUT).await.unwrap();
        c.put_status("svc.sample", status("r", "success", 1)).await.unwrap();
        let err = c.delete(Kind::DatabaseService, &svc, true, false, BOT).await.unwrap_err();
        assert!(matches!(err, CatalogError::NotEmpty { .. }), "{err}");
        c.delete(Kind::DatabaseService, &svc, true, true, BOT).await.unwrap();
        assert!(c.by_id(Kind::IngestionPipeline, again.id(), Include::All).await.is_err());
        assert_eq!(store.pipeline_status(again.id(), "r").await.unwrap(), None);
    }
}

/// Pipelines stored in clear by an older Tessera (before migration 0011): their secrets, in the
/// current row and in every version, are sealed at the next start, and read back unchanged.
#[tokio::test]
async fn secrets_an_older_version_stored_in_clear_are_sealed_at_start() {
    for db in both().await {
        let (c, store) = catalog(&db).await;
        let secrets = tessera_config::SecretBox::from_key([42; 32]); // the catalog's test key
        assert_eq!(tessera_catalog::seal_stored_secrets(&store, &secrets).await.unwrap(), 0, "a fresh store");
        seed(&c, "svc").await;
        let service = service_id(&c, "svc").await;
        let mut request = pipeline(&service, "dbt_run", "dbt");
        request["sourceConfig"]["config"]["dbtConfigSource"] = json!({"dbtCloudAuthToken": "T0ken-in-clear"});
        let (p, _) = c.put(Kind::IngestionPipeline, request.clone(), BOT, PUT).await.unwrap();
        request["description"] = json!("a second version");
        c.put(Kind::IngestionPipeline, request, BOT, PUT).await.unwrap();
        // What an older Tessera left behind: the token in clear, current row and version 0.1.
        let bodies = "SELECT body FROM catalog_entities UNION ALL SELECT body FROM catalog_versions";
        let sealed_text = |texts: Vec<String>| texts.into_iter().find(|t| t.contains("dbtCloudAuthToken")).unwrap();
        let sealed = sealed_text(store.query_texts_raw(bodies).await.unwrap());
        let token = sealed.split("\"dbtCloudAuthToken\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        assert!(token.starts_with("fernet:"), "sealed by this version: {token}");
        for table in ["catalog_entities", "catalog_versions"] {
            let sql = format!("UPDATE {table} SET body = REPLACE(body, '{token}', 'T0ken-in-clear')");
            store.execute_raw(&sql).await.unwrap();
        }
        assert_eq!(
            store.query_texts_raw(bodies).await.unwrap().iter().filter(|t| t.contains("T0ken-in-clear")).count(),
            2
        );
        store
            .execute_raw("INSERT INTO tessera_settings (key, value) VALUES ('catalog_secrets_sealed_v1', 'pending')")
            .await
            .unwrap();

        assert_eq!(tessera_catalog::seal_stored_secrets(&store, &secrets).await.unwrap(), 2);
        let after = store.query_texts_raw(bodies).await.unwrap().join("\n");
        assert!(!after.contains("T0ken-in-clear"), "{after}");
        let shown = c
            .render(
                c.by_id(Kind::IngestionPipeline, p.id(), Include::NonDeleted).await.unwrap(),
                "",
                &Fields::All,
                true,
            )
            .unwrap();
        assert_eq!(shown["sourceConfig"]["config"]["dbtConfigSource"]["dbtCloudAuthToken"], "T0ken-in-clear");
        assert_eq!(tessera_catalog::seal_stored_secrets(&store, &secrets).await.unwrap(), 0, "done once");
    }
}
