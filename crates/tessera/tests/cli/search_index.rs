//! The search index on disk (TESSERA_DATA_DIR/search-index): kept across restarts at its place in
//! the change feed, rebuilt by `tessera reindex` (refused while a server holds it), and rebuilt
//! by the server itself when it is missing.

use crate::support::*;
use serde_json::Value;

fn found(server: &Server, token: &str, q: &str) -> Vec<String> {
    let url = format!("{}/api/v1/search/query?q={q}&index=table_search_index", server.api);
    let (status, body) = get_with(&url, &[("Authorization", &format!("Bearer {token}"))]).unwrap();
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    body["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["_source"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_index_survives_restarts_and_is_rebuilt_on_demand() {
    let env = Env::new();
    let server = env.serve();
    let token = admin_token(&env.data_dir());
    let auth = format!("Bearer {token}");
    let headers = [("Authorization", auth.as_str())];
    for (path, body) in [
        (
            "/api/v1/services/databaseServices",
            r#"{"name": "wh", "serviceType": "SQLite", "connection": {"config": {"type": "SQLite", "databaseMode": "/tmp/x.db"}}}"#,
        ),
        ("/api/v1/databases", r#"{"name": "d", "service": "wh"}"#),
        ("/api/v1/databaseSchemas", r#"{"name": "s", "database": "wh.d"}"#),
        (
            "/api/v1/tables",
            r#"{"name": "invoices", "databaseSchema": "wh.d.s", "columns": [{"name": "amount_due", "dataType": "INT"}]}"#,
        ),
    ] {
        let (status, answer) = send("PUT", &format!("{}{path}", server.api), &headers, Some(body)).unwrap();
        assert!(status == 200 || status == 201, "{path}: {status} {answer}");
    }
    assert_eq!(found(&server, &token, "amount"), ["invoices"]);
    let index = env.data_dir().join("search-index");
    assert!(index.join("meta.json").exists(), "the index lives in the data directory");

    // While the server holds it, reindex says what to do instead of fighting over it.
    let busy = env.run(&["reindex"]);
    assert!(!busy.status.success());
    assert!(stderr(&busy).contains("stop the Tessera server on this data directory"), "{}", stderr(&busy));

    let (_, log) = server.stop();
    assert!(log.contains("search index built") || log.contains("search index rebuilt"), "first start builds it: {log}");
    let rebuilt = env.run(&["reindex"]);
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    // The four written here and the seeded classifications and tags.
    let said = stdout(&rebuilt);
    let count: usize =
        said.split("rebuilt: ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap();
    assert!(count > 4, "{said}");

    // A restart resumes from the index's place in the feed: no rebuild, same answers.
    let again = env.serve();
    assert_eq!(found(&again, &token, "invoices"), ["invoices"]);
    let (_, log) = again.stop();
    assert!(!log.contains("search index rebuilt"), "an index in step is not rebuilt: {log}");

    // A missing index is rebuilt at start.
    std::fs::remove_dir_all(&index).unwrap();
    let third = env.serve();
    assert_eq!(found(&third, &token, "amount"), ["invoices"]);
    let (_, log) = third.stop();
    assert!(log.contains("search index rebuilt"), "{log}");
}

/// The index keeps the entity id of its last feed entry: put another database (with a longer
/// feed) under the same data directory, and the index is rebuilt instead of resuming at a
/// number that means something else there.
#[test]
fn an_index_that_meets_another_database_is_rebuilt() {
    let write = |env: &Env, names: &[&str]| {
        let server = env.serve();
        let auth = format!("Bearer {}", admin_token(&env.data_dir()));
        let headers = [("Authorization", auth.as_str())];
        let schema = [
            (
                "/api/v1/services/databaseServices",
                r#"{"name": "wh", "serviceType": "SQLite", "connection": {"config": {"type": "SQLite"}}}"#.to_string(),
            ),
            ("/api/v1/databases", r#"{"name": "d", "service": "wh"}"#.to_string()),
            ("/api/v1/databaseSchemas", r#"{"name": "s", "database": "wh.d"}"#.to_string()),
        ];
        let tables = names.iter().map(|n| {
            (
                "/api/v1/tables",
                format!(
                    r#"{{"name": "{n}", "databaseSchema": "wh.d.s", "columns": [{{"name": "id", "dataType": "INT"}}]}}"#
                ),
            )
        });
        for (path, body) in schema.into_iter().chain(tables) {
            let (status, answer) = send("PUT", &format!("{}{path}", server.api), &headers, Some(&body)).unwrap();
            assert!(status == 200 || status == 201, "{path}: {status} {answer}");
        }
        let (status, log) = server.stop();
        assert!(status.success(), "{log}");
    };
    let first = Env::new();
    write(&first, &["alpha"]);
    let other = Env::new();
    write(&other, &["bravo", "charlie", "delta"]);
    // The other database (stopped cleanly: its WAL is checkpointed) replaces the first one.
    for leftover in ["tessera.db-wal", "tessera.db-shm"] {
        let _ = std::fs::remove_file(first.data_dir().join(leftover));
    }
    std::fs::copy(other.data_dir().join("tessera.db"), first.data_dir().join("tessera.db")).unwrap();
    let server = first.serve();
    let token = admin_token(&first.data_dir());
    assert_eq!(found(&server, &token, "alpha"), Vec::<String>::new(), "nothing of the first database is left");
    assert_eq!(found(&server, &token, "charlie"), ["charlie"]);
    let (_, log) = server.stop();
    assert!(log.contains("search index rebuilt"), "{log}");
}
