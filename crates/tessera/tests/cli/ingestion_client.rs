//! The official client's REST layer (openmetadata-ingestion 1.7.7.4, `metadata.ingestion.ometa`)
//! against the real binary over real sockets, with the ingestion bot's token from
//! `tessera token bot`: `scripts/client_roundtrip.py` (create-or-update, reads, lists, versions,
//! the patch mixin's JSON Patches, deletes) in the venv `scripts/python-env.sh` makes.
//! TESSERA_TEST_SKIP_PYTHON=1 skips it, saying so.

use crate::support::{Env, stdout};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn venv() -> PathBuf {
    if let Ok(dir) = std::env::var("TESSERA_INGESTION_VENV") {
        return PathBuf::from(dir);
    }
    let output = Command::new("bash").arg(workspace().join("scripts/python-env.sh")).output().unwrap();
    assert!(
        output.status.success(),
        "scripts/python-env.sh failed (TESSERA_TEST_SKIP_PYTHON=1 skips this test):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(stdout(&output).lines().last().unwrap_or_default().trim())
}

#[test]
fn the_official_client_creates_reads_lists_and_deletes() {
    if std::env::var("TESSERA_TEST_SKIP_PYTHON").as_deref() == Ok("1") {
        eprintln!("SKIPPED: the official-client round trip (TESSERA_TEST_SKIP_PYTHON=1)");
        return;
    }
    let env = Env::new();
    let server = env.serve();
    let token = env.run(&["token", "bot", "ingestion-bot"]);
    assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
    let token_file = env.dir.path().join("bot.jwt");
    std::fs::write(&token_file, stdout(&token).trim()).unwrap();
    let output = Command::new(venv().join("bin/python"))
        .arg(workspace().join("scripts/client_roundtrip.py"))
        .arg(&server.api)
        .arg(&token_file)
        .output()
        .unwrap();
    let (out, err) = (stdout(&output), String::from_utf8_lossy(&output.stderr));
    let (_, log) = server.stop();
    assert!(output.status.success(), "the client failed:\n{out}\n{err}\nserver log:\n{log}");
    assert!(out.contains("client round trip ok") && out.contains("patches"), "{out}");
}
