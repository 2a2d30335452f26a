//! The official client's Python API (`e2e/sdk/roundtrip.py`, openmetadata-ingestion 1.7.7.4)
//! against the real binary: every entity type Tessera serves created in code (services with typed
//! connections and no `type`), read back equal, listed, patched, versioned and deleted, once as an
//! admin and once as `ingestion-bot`, on SQLite and on PostgreSQL; then a user's governance
//! script (`e2e/sdk/governance.py`: classifications, tags, owners, teams). TESSERA_TEST_SKIP_PYTHON=1
//! skips it, saying so.

use crate::ingestion_client::{venv, workspace};
use crate::support::{Env, admin_token, stdout};
use std::process::Command;

fn skipped() -> bool {
    let skip = std::env::var("TESSERA_TEST_SKIP_PYTHON").as_deref() == Ok("1");
    if skip {
        eprintln!("SKIPPED: the SDK round trip (TESSERA_TEST_SKIP_PYTHON=1)");
    }
    skip
}

/// Runs the suite as the admin and as the bot against a server started from `env`.
fn round_trip(env: Env) {
    let server = env.serve();
    let bot = env.run(&["token", "bot", "ingestion-bot"]);
    assert!(bot.status.success(), "{}", String::from_utf8_lossy(&bot.stderr));
    let tokens = [("admin", admin_token(&env.data_dir())), ("bot", stdout(&bot).trim().to_string())];
    let mut reports = Vec::new();
    for (role, token) in tokens {
        let token_file = env.dir.path().join(format!("{role}.jwt"));
        std::fs::write(&token_file, token).unwrap();
        let output = Command::new(venv().join("bin/python"))
            .arg(workspace().join("e2e/sdk/roundtrip.py"))
            .arg(&server.api)
            .arg(&token_file)
            .arg(role)
            .output()
            .unwrap();
        reports.push((role, output));
    }
    // A user's governance script (tags, owners, teams) with the same client, as the admin.
    let governance = Command::new(venv().join("bin/python"))
        .arg(workspace().join("e2e/sdk/governance.py"))
        .arg(&server.api)
        .arg(env.dir.path().join("admin.jwt"))
        .output()
        .unwrap();
    let (_, log) = server.stop();
    let (out, err) = (stdout(&governance), String::from_utf8_lossy(&governance.stderr));
    assert!(governance.status.success(), "the governance script failed:\n{out}\n{err}\nserver log:\n{log}");
    assert!(out.lines().last().is_some_and(|l| l.starts_with("governance: ") && l.ends_with(" 0 failed")), "{out}");
    for (role, output) in reports {
        let (out, err) = (stdout(&output), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "the SDK round trip as {role} failed:\n{out}\n{err}\nserver log:\n{log}");
        let summary = out.lines().last().unwrap_or_default();
        assert!(summary.starts_with(&format!("sdk round trip as {role}:")) && summary.ends_with(" 0 failed"), "{out}");
        let passed: u32 = summary.split(": ").nth(1).and_then(|s| s.split(' ').next()?.parse().ok()).unwrap_or(0);
        assert!(passed > 300, "only {passed} checks ran as {role}:\n{out}");
        if role == "bot" {
            assert!(out.contains("refused to the bot as expected: Policy create"), "{out}");
        }
    }
}

#[test]
fn the_sdk_round_trips_every_type_on_sqlite() {
    if skipped() {
        return;
    }
    round_trip(Env::new());
}

#[test]
fn the_sdk_round_trips_every_type_on_postgres() {
    if skipped() {
        return;
    }
    let Some(database) = crate::replicas::fresh_postgres_database() else { return };
    round_trip(Env::new().set("DATABASE_URL", &database));
}
