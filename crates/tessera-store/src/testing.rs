//! For the test suites of every crate: the PostgreSQL server the test command starts
//! (`TESSERA_TEST_POSTGRES_URL`), one fresh database per call. Without a server the tests that
//! need one are skipped with a notice, unless `TESSERA_REQUIRE_POSTGRES` is set (the test command
//! sets it), which turns a missing server into a failure.

use crate::Store;
use std::sync::atomic::{AtomicU32, Ordering};

/// The test server's URL, or `None` (with a notice) when there is none and none is required.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TESSERA_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("TESSERA_REQUIRE_POSTGRES").is_err(),
                "TESSERA_REQUIRE_POSTGRES is set but TESSERA_TEST_POSTGRES_URL is not"
            );
            eprintln!("PostgreSQL skipped: TESSERA_TEST_POSTGRES_URL is not set (./scripts/test.sh sets it)");
            None
        }
    }
}

/// The `DATABASE_URL` of a new, empty database on the test server (named `<prefix>_<pid>_<n>`), or
/// `None` as [`postgres_url`].
pub async fn fresh_postgres_database(prefix: &str) -> Option<String> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let url = postgres_url()?;
    let vars = std::collections::BTreeMap::from([("DATABASE_URL".to_string(), url.clone())]);
    let config = tessera_config::load(&tessera_config::Sources::from_vars(vars)).config.expect("a valid DATABASE_URL");
    let admin = Store::connect(&config.database).await.expect("the test PostgreSQL server answers");
    let nanos = crate::clock::now_millis() % 1_000_000;
    let name = format!("{prefix}_{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    admin.execute_raw(&format!("CREATE DATABASE {name}")).await.expect("a database can be created");
    admin.close().await;
    Some(format!("{}/{name}", url.rsplit_once('/').expect("a URL with a database").0))
}
