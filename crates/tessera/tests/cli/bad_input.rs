//! Each bad input: one clear message naming what to change, a non-zero exit, nothing written.

use crate::support::*;

fn assert_refused(env: &Env, args: &[&str], needles: &[&str]) {
    let output = env.run(args);
    let text = stderr(&output);
    assert!(!output.status.success(), "{args:?} must fail:\n{text}");
    for needle in needles {
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn malformed_configuration_lists_every_problem_and_writes_nothing() {
    let env = Env::new()
        .set("SERVER_PORT", "http")
        .set("AUTHENTICATION_CLIENT_TYPE", "secret")
        .set("AUTHORIZER_CLASS_NAME", "com.acme.Authorizer")
        .set("AUTHORIZER_ADMIN_PRINCIPALS", "[ingestion-bot]");
    assert_refused(
        &env,
        &["serve"],
        &[
            "SERVER_PORT",
            "AUTHENTICATION_CLIENT_TYPE",
            "AUTHORIZER_CLASS_NAME",
            "AUTHORIZER_ADMIN_PRINCIPALS",
            "4 error(s)",
            "nothing was started or written",
        ],
    );
    assert!(!env.data_dir().exists(), "nothing may be written");
}

#[test]
fn a_drain_longer_than_five_minutes_is_refused() {
    let env = Env::new().set("TESSERA_DRAIN_SECONDS", "3600");
    assert_refused(&env, &["serve"], &["TESSERA_DRAIN_SECONDS", "3600 s is longer than the 300 s", "use 0"]);
    assert!(!env.data_dir().exists(), "nothing may be written");
}

#[test]
fn connection_timeouts_and_cap_out_of_range_are_refused() {
    let env = Env::new()
        .set("TESSERA_HEADER_READ_TIMEOUT_SECONDS", "0")
        .set("TESSERA_IDLE_TIMEOUT_SECONDS", "86400")
        .set("TESSERA_MAX_CONNECTIONS", "-5");
    assert_refused(
        &env,
        &["serve"],
        &[
            "TESSERA_HEADER_READ_TIMEOUT_SECONDS",
            "0 s is outside 1 to 120 s",
            "TESSERA_IDLE_TIMEOUT_SECONDS",
            "86400 s is outside 1 to 3600 s",
            "TESSERA_MAX_CONNECTIONS",
            "-5 is negative",
            "3 error(s)",
        ],
    );
    assert!(!env.data_dir().exists(), "nothing may be written");
}

#[test]
fn port_in_use_names_the_variable() {
    let env = Env::new();
    let _holder = std::net::TcpListener::bind(("127.0.0.1", env.port)).unwrap();
    assert_refused(&env, &["serve"], &["SERVER_PORT", "Address already in use", "set SERVER_PORT to a free port"]);
    assert!(!env.data_dir().exists());
}

#[test]
fn unreadable_or_malformed_key_files() {
    let env = Env::new();
    let missing = env.dir.path().join("missing.der");
    let env = env
        .set("RSA_PRIVATE_KEY_FILE_PATH", missing.to_str().unwrap())
        .set("RSA_PUBLIC_KEY_FILE_PATH", missing.to_str().unwrap());
    assert_refused(&env, &["serve"], &["cannot read RSA_PRIVATE_KEY_FILE_PATH=", "missing.der"]);
    assert!(!env.data_dir().exists());

    let pem = env.dir.path().join("private.pem");
    std::fs::write(&pem, "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n").unwrap();
    let env = env.set("RSA_PRIVATE_KEY_FILE_PATH", pem.to_str().unwrap());
    assert_refused(&env, &["serve"], &["is not an unencrypted PKCS#8 DER RSA private key", "openssl pkcs8"]);
    assert!(!env.data_dir().exists());
}

#[test]
fn newer_schema_is_refused_by_serve_and_migrate() {
    let env = Env::new();
    assert!(env.run(&["migrate"]).status.success());
    let db = env.data_dir().join("tessera.db");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = tessera_store::Store::connect(&tessera_config::DatabaseConfig::Sqlite { path: db.clone() }).await.unwrap();
        store.execute_raw("INSERT INTO tessera_schema_migrations (version, description, tessera_version) VALUES (99, 'future', '9.0.0')").await.unwrap();
        store.close().await;
    });
    for command in ["serve", "migrate"] {
        assert_refused(
            &env,
            &[command],
            &["schema version 99", "newer than this Tessera build supports", "run a newer Tessera"],
        );
    }
}

#[test]
fn database_down_is_a_clear_error() {
    let port = free_port();
    let env = Env::new().set("DATABASE_URL", &format!("postgresql://tessera:pw-not-shown@127.0.0.1:{port}/tessera"));
    assert_refused(&env, &["serve"], &[&format!("postgresql://tessera@127.0.0.1:{port}/tessera is unavailable")]);
    let output = env.run(&["serve"]);
    assert!(!stderr(&output).contains("pw-not-shown"));
    assert!(!env.data_dir().join("jwt_private_key.der").exists(), "no key is generated when the database is down");
}

#[test]
fn unreadable_config_file() {
    let env = Env::new();
    assert_refused(
        &env,
        &["serve", "--config", "/nonexistent/openmetadata.yaml"],
        &["cannot read the configuration file /nonexistent/openmetadata.yaml"],
    );
}
