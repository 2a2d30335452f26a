//! The official OpenMetadata ingestion client, unchanged (`metadata ingest` from
//! `openmetadata-ingestion==1.7.7.4`), against the real binary with the `ingestion-bot` token
//! Tessera issued: fresh and unchanged runs of a SQLite source (the unchanged one writes nothing),
//! odd names, a revoked token and a PostgreSQL source, with Tessera on SQLite and on PostgreSQL; a
//! changed source and a forward foreign key (JSON Patch); runs with `ingestionPipelineFQN` that
//! create their ingestion pipeline and record their status (checked through the API: the client
//! only logs a failure there and exits 0); the view-lineage and usage workflows.

use crate::ingestion_client::{venv, workspace as repo};
use crate::replicas::fresh_postgres_database;
use crate::support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn skipped() -> bool {
    let skip = std::env::var("TESSERA_TEST_SKIP_PYTHON").as_deref() == Ok("1");
    if skip {
        eprintln!("SKIPPED: `metadata ingest` runs of the official client (TESSERA_TEST_SKIP_PYTHON=1)");
    }
    skip
}

/// The venv's python: it has psycopg2 for PostgreSQL sources.
fn python(args: &[&str]) {
    let output = Command::new(venv().join("bin/python")).args(args).output().unwrap();
    assert!(output.status.success(), "python3 {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A Tessera with its bot token written to a file (the client reads `jwtToken` from a file).
struct Catalog {
    env: Env,
    server: Server,
    token_file: PathBuf,
}

impl Catalog {
    fn start(env: Env) -> Self {
        let server = env.serve();
        let output = env.run(&["token", "bot", "ingestion-bot"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let token_file = env.dir.path().join("ingestion-bot.token");
        std::fs::write(&token_file, stdout(&output).trim()).unwrap();
        Self { env, server, token_file }
    }

    fn token(&self) -> String {
        std::fs::read_to_string(&self.token_file).unwrap()
    }

    /// A SQLite source of `kind` (see e2e/ingestion/sources.py).
    fn source(&self, kind: &str, name: &str) -> PathBuf {
        let path = self.env.dir.path().join(format!("{name}.db"));
        python(&[repo().join("e2e/ingestion/sources.py").to_str().unwrap(), kind, path.to_str().unwrap()]);
        path
    }

    /// Runs `metadata ingest` (`metadata usage` with `--usage`) for `service` from `source` (an
    /// SQLite file or a PostgreSQL URL).
    fn ingest(&self, service: &str, source: &Path, extra: &[&str]) -> Output {
        let workflow = self.env.dir.path().join(format!("{service}.yaml"));
        let mut args = vec![
            repo().join("e2e/ingestion/workflow.py").display().to_string(),
            workflow.display().to_string(),
            "--server".into(),
            self.server.api.clone(),
            "--token-file".into(),
            self.token_file.display().to_string(),
            "--service".into(),
            service.into(),
            "--source".into(),
            source.display().to_string(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        python(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let command = if extra.contains(&"--usage") { "usage" } else { "ingest" };
        // The client sets no request timeout: a hung server must not hang the suite.
        Command::new("timeout")
            .arg("300")
            .arg(venv().join("bin/metadata"))
            .args([command, "-c"])
            .arg(&workflow)
            .output()
            .unwrap()
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let auth = format!("Bearer {}", self.token());
        let (status, body) = get_with(&format!("{}{path}", self.server.api), &[("Authorization", &auth)]).unwrap();
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// Requests that change something (PUT, POST, PATCH, DELETE) served so far, from the metrics.
    fn writes(&self) -> u64 {
        let (_, text) = get(&format!("{}/prometheus", self.server.admin)).unwrap();
        text.lines()
            .filter(|l| l.starts_with("http_requests_total{") && l.contains("route=\"/api/"))
            .filter(|l| ["PUT", "POST", "PATCH", "DELETE"].iter().any(|m| l.contains(&format!("method=\"{m}\""))))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    }
}

fn green(output: &Output) {
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "metadata ingest failed ({}):\n{}", output.status, tail(&text, 60));
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn column_names(table: &Value) -> Vec<&str> {
    table["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect()
}

/// Fresh and unchanged runs against one Tessera (its store given by `env`).
fn fresh_and_unchanged(env: Env) {
    let catalog = Catalog::start(env);
    let source = catalog.source("basic", "shop");

    green(&catalog.ingest("local_sqlite", &source, &[]));
    let (status, customers) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.customers?fields=*");
    assert_eq!(status, 200, "{customers}");
    assert_eq!(column_names(&customers), ["id", "name", "email", "created_at"]);
    let (_, orders) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.orders?fields=tableConstraints");
    let foreign = orders["tableConstraints"].as_array().unwrap().iter().find(|c| c["constraintType"] == "FOREIGN_KEY");
    assert_eq!(
        foreign.map(|c| c["referredColumns"].clone()),
        Some(serde_json::json!(["local_sqlite.sample.main.customers.id"])),
        "{orders}"
    );
    let (_, view) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.big_orders?fields=schemaDefinition");
    assert_eq!(view["tableType"], "View", "{view}");
    assert!(view["schemaDefinition"].as_str().is_some_and(|d| d.contains("amount > 100")), "{view}");

    // Unchanged source: the client compares sourceHash and writes nothing.
    let before = catalog.writes();
    green(&catalog.ingest("local_sqlite", &source, &[]));
    assert_eq!(catalog.writes() - before, 0, "an unchanged re-run must not write");
}

#[test]
fn the_official_client_ingests_a_sqlite_source_into_tessera_on_sqlite() {
    if skipped() {
        return;
    }
    fresh_and_unchanged(Env::new());
}

#[test]
fn the_official_client_ingests_a_sqlite_source_into_tessera_on_postgres() {
    if skipped() {
        return;
    }
    let Some(database) = fresh_postgres_database() else { return };
    fresh_and_unchanged(Env::new().set("DATABASE_URL", &database));
}

#[test]
fn odd_names_round_trip() {
    if skipped() {
        return;
    }
    let catalog = Catalog::start(Env::new());
    let odd = catalog.source("odd-names", "odd");
    // A space needs no quotes in an FQN; a dot does.
    green(&catalog.ingest("odd service", &odd, &[]));
    for fqn in ["odd service.sample.main.\"my.table\"", "odd service.sample.main.two words"] {
        let encoded = percent_encoding::utf8_percent_encode(fqn, percent_encoding::NON_ALPHANUMERIC).to_string();
        let (status, table) = catalog.get(&format!("/api/v1/tables/name/{encoded}"));
        assert_eq!((status, table["fullyQualifiedName"].as_str()), (200, Some(fqn)), "{fqn}: {table}");
    }
    let (_, my_table) = catalog.get("/api/v1/tables/name/odd%20service.sample.main.%22my.table%22");
    assert_eq!(my_table["columns"][0]["fullyQualifiedName"], "odd service.sample.main.\"my.table\".\"weird.col\"");
    let (status, _) = catalog.get("/api/v1/tables/name/odd%20service.sample.main.caf%C3%A9_%C3%BCn%C3%AFcode");
    assert_eq!(status, 200, "non-ASCII names");
}

#[test]
fn a_revoked_bot_token_fails_the_run_with_tesseras_message() {
    if skipped() {
        return;
    }
    let catalog = Catalog::start(Env::new());
    let source = catalog.source("basic", "revoked");
    let old = catalog.token();
    // An admin regenerates the bot's token: the one in the client's file is now refused.
    let admin = format!("Bearer {}", admin_token(&catalog.env.data_dir()));
    let (status, bot) =
        get_with(&format!("{}/api/v1/bots/name/ingestion-bot", catalog.server.api), &[("Authorization", &admin)])
            .unwrap();
    assert_eq!(status, 200, "{bot}");
    let id = serde_json::from_str::<Value>(&bot).unwrap()["botUser"]["id"].as_str().unwrap().to_string();
    let (status, body) = send(
        "PUT",
        &format!("{}/api/v1/users/generateToken/{id}", catalog.server.api),
        &[("Authorization", &admin)],
        Some(r#"{"JWTTokenExpiry":"Unlimited"}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    std::fs::write(&catalog.token_file, old).unwrap();
    let output = catalog.ingest("revoked", &source, &[]);
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "{}", tail(&text, 30));
    assert!(
        text.contains("does not match the current bot's token"),
        "Tessera's 401 message reaches the operator:\n{}",
        tail(&text, 30)
    );
}

#[test]
fn a_postgresql_source() {
    if skipped() {
        return;
    }
    let Some(source) = fresh_postgres_database() else { return };
    let database = source.rsplit('/').next().unwrap().to_string();
    python(&[repo().join("e2e/ingestion/sources.py").to_str().unwrap(), "basic", &source]);
    // A password in the client's connection (the test server trusts local users, so any works):
    // the client PUTs it in the service's connection; Tessera keeps it encrypted.
    const PASSWORD: &str = "Ingest-S3cret";
    let with_password = source.replacen("postgresql://postgres@", &format!("postgresql://postgres:{PASSWORD}@"), 1);
    assert_ne!(with_password, source, "the test server's URL has the expected form: {source}");
    let catalog = Catalog::start(Env::new());
    green(&catalog.ingest("pg_shop", Path::new(&with_password), &[]));
    let (_, service) = catalog.get("/api/v1/services/databaseServices/name/pg_shop");
    assert_eq!(service["connection"]["config"]["authType"]["password"], PASSWORD, "the bot reads it: {service}");
    let admin = format!("Bearer {}", admin_token(&catalog.env.data_dir()));
    let path = format!("{}/api/v1/services/databaseServices/name/pg_shop", catalog.server.api);
    let (_, seen) = get_with(&path, &[("Authorization", &admin)]).unwrap();
    let seen: Value = serde_json::from_str(&seen).unwrap();
    assert_eq!(seen["connection"]["config"]["authType"]["password"], "*********", "people see the mask");
    for entry in std::fs::read_dir(catalog.env.data_dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(!bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "the password is stored in clear");
    }
    let (status, orders) =
        catalog.get(&format!("/api/v1/tables/name/pg_shop.{database}.public.orders?fields=tableConstraints"));
    assert_eq!(status, 200, "{orders}");
    assert_eq!(column_names(&orders), ["id", "customer_id", "amount", "placed_at"]);
    let referred = format!("pg_shop.{database}.public.customers.id");
    let constraints = orders["tableConstraints"].as_array().cloned().unwrap_or_default();
    assert!(constraints.iter().any(|c| c["referredColumns"][0] == referred.as_str()), "{orders}");
    let (_, view) = catalog.get(&format!("/api/v1/tables/name/pg_shop.{database}.public.big_orders"));
    assert_eq!(view["tableType"], "View", "{view}");
    // includeTags: the row-level-security policy became a tag of classification PostgresPolicyTags,
    // set on the table as 1.7 sets it.
    let (status, tagged) = catalog.get(&format!("/api/v1/tables/name/pg_shop.{database}.public.orders?fields=tags"));
    assert_eq!(status, 200, "{tagged}");
    let tag = &tagged["tags"][0];
    assert_eq!(tag["tagFQN"], "PostgresPolicyTags.orders_of_their_customer", "{tagged}");
    assert_eq!(
        (tag["labelType"].as_str(), tag["description"].as_str()),
        (Some("Automated"), Some("Postgres Tag Value"))
    );
    let (status, classification) = catalog.get("/api/v1/classifications/name/PostgresPolicyTags?fields=termCount");
    assert_eq!((status, classification["termCount"].as_i64()), (200, Some(1)), "{classification}");
    let (_, service) = catalog.get("/api/v1/services/databaseServices/name/pg_shop");
    assert_eq!(service["serviceType"], "Postgres", "{service}");
}

/// Requests of one method served so far, from the metrics.
fn served(catalog: &Catalog, method: &str) -> u64 {
    served_where(catalog, method, "")
}

/// Requests of one method whose metric labels also contain `labels`, served so far.
fn served_where(catalog: &Catalog, method: &str, labels: &str) -> u64 {
    let (_, text) = get(&format!("{}/prometheus", catalog.server.admin)).unwrap();
    text.lines()
        .filter(|l| l.starts_with("http_requests_total{") && l.contains(&format!("method=\"{method}\"")))
        .filter(|l| l.contains(labels))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

#[test]
fn a_changed_source_is_patched_and_its_dropped_view_soft_deleted() {
    if skipped() {
        return;
    }
    let catalog = Catalog::start(Env::new());
    let source = catalog.source("basic", "shop");
    green(&catalog.ingest("local_sqlite", &source, &[]));
    // customers gains phone, big_orders is dropped, refunds is new (the same file, rebuilt).
    let changed = catalog.source("changed", "shop");
    green(&catalog.ingest("local_sqlite", &changed, &[]));
    assert!(served(&catalog, "PATCH") > 0, "the client patched the changed table");
    let (status, customers) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.customers?fields=*");
    assert_eq!(status, 200, "{customers}");
    assert_eq!(column_names(&customers), ["id", "name", "email", "created_at", "phone"]);
    assert!(customers["version"].as_f64().unwrap() > 0.1, "{customers}");
    assert_eq!(customers["columns"][4]["fullyQualifiedName"], "local_sqlite.sample.main.customers.phone");
    let (status, _) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.big_orders");
    assert_eq!(status, 404, "the dropped view is soft-deleted");
    let (status, view) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.big_orders?include=deleted");
    assert_eq!((status, view["deleted"].as_bool()), (200, Some(true)), "{view}");
    let (status, _) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.refunds");
    assert_eq!(status, 200);
}

#[test]
fn a_forward_foreign_key_is_patched_in() {
    if skipped() {
        return;
    }
    let catalog = Catalog::start(Env::new());
    let source = catalog.source("forward-fk", "forward");
    green(&catalog.ingest("fwd", &source, &[]));
    assert!(served(&catalog, "PATCH") > 0, "the post-process step patched the constraint in");
    let (status, orders) = catalog.get("/api/v1/tables/name/fwd.sample.main.a_orders?fields=tableConstraints");
    assert_eq!(status, 200, "{orders}");
    let constraints = orders["tableConstraints"].as_array().cloned().unwrap_or_default();
    assert!(
        constraints.iter().any(
            |c| c["constraintType"] == "FOREIGN_KEY" && c["referredColumns"][0] == "fwd.sample.main.z_customers.id"
        ),
        "the foreign key to a later table arrives by PATCH: {orders}"
    );
}

/// Two runs with `--pipeline` (the YAML's `ingestionPipelineFQN`) and their run ids: the first
/// creates the pipeline under the service, by the service's id; each run's status ends `success`
/// with every step's counts (records in every step of the fresh run).
fn pipeline_runs(env: Env) {
    const RUNS: [&str; 2] = ["0c8e4a52-6f1d-4b7e-9a3c-2d5f7e9b1a01", "0c8e4a52-6f1d-4b7e-9a3c-2d5f7e9b1a02"];
    let catalog = Catalog::start(env);
    let source = catalog.source("basic", "shop");
    let pipeline_path = "/api/v1/services/ingestionPipelines/name/local_sqlite.local_sqlite_metadata";
    for run in RUNS {
        green(&catalog.ingest("local_sqlite", &source, &["--pipeline", "local_sqlite_metadata", "--run-id", run]));
        let (status, pipeline) = catalog.get(pipeline_path);
        assert_eq!(status, 200, "the client created its pipeline: {pipeline}");
        let (_, service) = catalog.get("/api/v1/services/databaseServices/name/local_sqlite");
        assert_eq!(pipeline["fullyQualifiedName"], "local_sqlite.local_sqlite_metadata");
        assert_eq!(
            (pipeline["service"]["id"].clone(), pipeline["service"]["type"].clone()),
            (service["id"].clone(), "databaseService".into())
        );
        assert_eq!(
            (pipeline["pipelineType"].as_str(), pipeline["version"].as_f64()),
            (Some("metadata"), Some(0.1)),
            "{pipeline}"
        );

        let path =
            format!("/api/v1/services/ingestionPipelines/local_sqlite.local_sqlite_metadata/pipelineStatus/{run}");
        let (status, run_status) = catalog.get(&path);
        assert_eq!((status, run_status["pipelineState"].as_str()), (200, Some("success")), "{run_status}");
        assert_eq!(run_status["runId"], run);
        if run == RUNS[1] {
            // The service existed, so the run reported `running` first and was replaced at the end.
            assert!(run_status["endDate"].as_i64() >= run_status["startDate"].as_i64(), "{run_status}");
        }
        let steps = run_status["status"].as_array().cloned().unwrap_or_default();
        assert!(steps.len() >= 2, "the source and the sink report: {run_status}");
        for step in &steps {
            // The unchanged second run skips every entity by sourceHash: its counts are 0.
            if run == RUNS[0] {
                assert!(step["records"].as_u64() > Some(0), "every step of the fresh run processed records: {step}");
            }
            assert_eq!(step["errors"].as_u64(), Some(0), "{step}");
        }
    }
    // Both runs, newest first, and the latest on the entity.
    let range = format!(
        "/api/v1/services/ingestionPipelines/local_sqlite.local_sqlite_metadata/pipelineStatus?startTs=0&endTs={}",
        i64::MAX
    );
    let (_, runs) = catalog.get(&range);
    assert_eq!(runs["paging"]["total"], 2, "{runs}");
    assert_eq!(runs["data"][0]["runId"], RUNS[1]);
    let (_, latest) = catalog.get(&format!("{pipeline_path}?fields=pipelineStatuses"));
    assert_eq!(latest["pipelineStatuses"]["runId"], RUNS[1]);
}

#[test]
fn a_run_with_an_ingestion_pipeline_records_its_status() {
    if skipped() {
        return;
    }
    pipeline_runs(Env::new());
}

#[test]
fn a_run_with_an_ingestion_pipeline_records_its_status_on_postgres() {
    if skipped() {
        return;
    }
    let Some(database) = fresh_postgres_database() else { return };
    pipeline_runs(Env::new().set("DATABASE_URL", &database));
}

/// The client's view-lineage workflow (`sqlite-lineage`, `DatabaseLineage`) after a metadata run:
/// it pages the service's unprocessed views through `/search/query`, resolves the tables their SQL
/// names through `/search/fieldQuery`, writes each edge with `source: ViewLineage` and column
/// lineage, and marks the view processed, so a re-run finds nothing to do and writes nothing.
fn view_lineage(env: Env) {
    let catalog = Catalog::start(env);
    let source = catalog.source("basic", "shop");
    green(&catalog.ingest("local_sqlite", &source, &[]));
    green(&catalog.ingest("local_sqlite", &source, &["--lineage"]));
    let (status, lineage) =
        catalog.get("/api/v1/lineage/table/name/local_sqlite.sample.main.big_orders?upstreamDepth=1&downstreamDepth=1");
    assert_eq!(status, 200, "{lineage}");
    let edges = lineage["upstreamEdges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "one upstream table: {lineage}");
    let (_, orders) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.orders");
    assert_eq!(edges[0]["fromEntity"], orders["id"], "{lineage}");
    let details = &edges[0]["lineageDetails"];
    assert_eq!(details["source"], "ViewLineage", "{lineage}");
    assert!(details["sqlQuery"].as_str().is_some_and(|q| q.contains("big_orders")), "{lineage}");
    let columns = details["columnsLineage"].as_array().cloned().unwrap_or_default();
    assert!(
        columns.iter().any(|c| c["toColumn"] == "local_sqlite.sample.main.big_orders.amount"
            && c["fromColumns"][0] == "local_sqlite.sample.main.orders.amount"),
        "column lineage: {lineage}"
    );
    let (_, view) = catalog.get("/api/v1/tables/name/local_sqlite.sample.main.big_orders");
    assert_eq!(view["processedLineage"], true, "the view is marked processed: {view}");

    // A re-run finds no unprocessed view: nothing written.
    let before = catalog.writes();
    green(&catalog.ingest("local_sqlite", &source, &["--lineage"]));
    assert_eq!(catalog.writes() - before, 0, "a re-run of the lineage workflow must not write");
}

#[test]
fn the_lineage_workflow_links_views_to_their_tables() {
    if skipped() {
        return;
    }
    view_lineage(Env::new());
}

#[test]
fn the_lineage_workflow_links_views_to_their_tables_on_postgres() {
    if skipped() {
        return;
    }
    let Some(database) = fresh_postgres_database() else { return };
    view_lineage(Env::new().set("DATABASE_URL", &database));
}

/// The client's usage workflow (`postgres-usage`, `metadata usage`) after a metadata run of a
/// PostgreSQL source whose queries `pg_stat_statements` recorded: each query becomes a Query
/// mentioning its tables, the tables get the day's usage (ranked) and the join the query made,
/// and each query's cost is recorded. Then the lineage workflow over the same query log.
fn usage_workflow(env: Env) {
    let Some(source) = fresh_postgres_database() else { return };
    let database = source.rsplit('/').next().unwrap().to_string();
    let sources = repo().join("e2e/ingestion/sources.py");
    python(&[sources.to_str().unwrap(), "basic", &source]);
    python(&[sources.to_str().unwrap(), "workload", &source]);
    let catalog = Catalog::start(env);
    // The extension's functions come in as stored procedures of type Function (1.7 has it).
    green(&catalog.ingest("pg_shop", Path::new(&source), &[]));
    let (status, reset) =
        catalog.get(&format!("/api/v1/storedProcedures/name/pg_shop.{database}.public.pg_stat_statements_reset"));
    assert_eq!((status, reset["storedProcedureType"].as_str()), (200, Some("Function")), "{reset}");

    let stage = catalog.env.dir.path().join("usage-stage");
    let costs = "route=\"/api/v1/queryCostRecord\",status=\"200\"";
    let before = served_where(&catalog, "POST", costs);
    green(&catalog.ingest("pg_shop", Path::new(&source), &["--usage", stage.to_str().unwrap()]));
    let table = |name: &str| {
        let (status, table) =
            catalog.get(&format!("/api/v1/tables/name/pg_shop.{database}.public.{name}?fields=usageSummary,joins"));
        assert_eq!(status, 200, "{table}");
        table
    };
    let (orders, customers) = (table("orders"), table("customers"));
    let summary = &orders["usageSummary"];
    assert!(summary["dailyStats"]["count"].as_i64().is_some_and(|n| n >= 2), "the join and the insert: {orders}");
    assert!(summary["dailyStats"]["percentileRank"].as_f64().is_some(), "{orders}");
    let joined = format!("pg_shop.{database}.public.orders.customer_id");
    let joins = customers["joins"]["columnJoins"].as_array().cloned().unwrap_or_default();
    assert!(
        joins.iter().any(|j| j["columnName"] == "id" && j["joinedWith"][0]["fullyQualifiedName"] == joined.as_str()),
        "customers.id is joined with orders.customer_id: {customers}"
    );
    let (status, queries) =
        catalog.get(&format!("/api/v1/queries?entityId={}&limit=50", orders["id"].as_str().unwrap()));
    assert_eq!(status, 200, "{queries}");
    let join = queries["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["query"].as_str().is_some_and(|t| t.contains("JOIN customers")));
    let join = join.unwrap_or_else(|| panic!("the join query mentions orders: {queries}"));
    let mentioned: Vec<&str> =
        join["queryUsedIn"].as_array().unwrap().iter().filter_map(|r| r["name"].as_str()).collect();
    assert!(mentioned.contains(&"orders") && mentioned.contains(&"customers"), "{join}");
    assert_eq!(join["fullyQualifiedName"], format!("pg_shop.{}", join["checksum"].as_str().unwrap()));
    assert!(join.get("dialect").is_none(), "the 1.7 Query has no dialect (the client refuses one): {join}");
    assert!(served_where(&catalog, "POST", costs) > before, "query costs were recorded");

    // Lineage from the same query log (processQueryLineage): orders → order_totals, made and
    // filled by queries; the queries that gave lineage are marked, so a re-run writes nothing.
    green(&catalog.ingest("pg_shop", Path::new(&source), &["--lineage", "--query-log"]));
    let path = format!("/api/v1/lineage/table/name/pg_shop.{database}.public.order_totals?upstreamDepth=1");
    let (status, lineage) = catalog.get(&path);
    assert_eq!(status, 200, "{lineage}");
    let edges = lineage["upstreamEdges"].as_array().cloned().unwrap_or_default();
    let from_orders = edges.iter().find(|e| e["fromEntity"] == orders["id"]);
    let from_orders = from_orders.unwrap_or_else(|| panic!("orders feeds order_totals: {lineage}"));
    let details = &from_orders["lineageDetails"];
    assert_eq!(details["source"], "QueryLineage", "{lineage}");
    assert!(details["sqlQuery"].as_str().is_some_and(|q| q.contains("order_totals")), "{lineage}");
    let total = format!("pg_shop.{database}.public.order_totals.total");
    let amount = format!("pg_shop.{database}.public.orders.amount");
    let columns = details["columnsLineage"].as_array().cloned().unwrap_or_default();
    assert!(
        columns.iter().any(|c| c["toColumn"] == total.as_str() && c["fromColumns"][0] == amount.as_str()),
        "column lineage: {lineage}"
    );
    let before = catalog.writes();
    green(&catalog.ingest("pg_shop", Path::new(&source), &["--lineage", "--query-log"]));
    assert_eq!(catalog.writes() - before, 0, "a re-run of the lineage workflow must not write");
}

#[test]
fn the_usage_and_query_lineage_workflows_read_the_query_log() {
    if skipped() {
        return;
    }
    usage_workflow(Env::new());
}

#[test]
fn the_usage_and_query_lineage_workflows_read_the_query_log_on_postgres() {
    if skipped() {
        return;
    }
    let Some(database) = fresh_postgres_database() else { return };
    usage_workflow(Env::new().set("DATABASE_URL", &database));
}
