//! `tessera backup` while the server writes: the copy starts a working server with every entity
//! stored before the backup began, the same signing key and the same bot token.

use crate::support::*;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

#[test]
fn a_backup_taken_while_writing_restores_into_a_working_server() {
    let env = Env::new();
    let server = env.serve();
    let token = stdout(&env.run(&["token", "bot", "ingestion-bot"])).trim().to_string();
    let auth = format!("Bearer {token}");
    let service = r#"{"name":"svc","serviceType":"SQLite","connection":{"config":{"type":"SQLite"}}}"#;
    let (status, body) = send(
        "PUT",
        &format!("{}/api/v1/services/databaseServices", server.api),
        &[("Authorization", &auth)],
        Some(service),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");

    // A writer creates databases, one after another, for as long as the backup runs.
    let (stop, written) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writer = {
        let (stop, written, api, auth) = (stop.clone(), written.clone(), server.api.clone(), auth.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let n = written.load(Ordering::Relaxed);
                let body = format!(r#"{{"name":"db{n}","service":"svc"}}"#);
                let (status, answer) =
                    send("PUT", &format!("{api}/api/v1/databases"), &[("Authorization", &auth)], Some(&body)).unwrap();
                assert_eq!(status, 201, "{answer}");
                written.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    while written.load(Ordering::Relaxed) < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let stored_before = written.load(Ordering::Relaxed);
    let destination = env.dir.path().join("backup");
    let output = env.run(&["backup", destination.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("backup written: "), "{}", stdout(&output));
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let stored_after = written.load(Ordering::Relaxed);

    use std::os::unix::fs::PermissionsExt;
    for file in ["tessera.db", "jwt_private_key.der"] {
        let mode = std::fs::metadata(destination.join(file)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file} holds secrets: owner-only");
    }
    let again = env.run(&["backup", destination.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already exists; give `tessera backup` a new directory"), "{}", stderr(&again));
    let (_, jwks) = get(&format!("{}/api/v1/system/config/jwks", server.api)).unwrap();
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");

    let restored = Env::new().set("TESSERA_DATA_DIR", destination.to_str().unwrap());
    let server = restored.serve();
    assert_eq!(get(&format!("{}/api/v1/system/config/jwks", server.api)).unwrap().1, jwks, "the same signing key");
    let url = format!("{}/api/v1/databases?service=svc&limit=1", server.api);
    let (status, body) = get_with(&url, &[("Authorization", &auth)]).unwrap();
    assert_eq!(status, 200, "the original bot token works on the restored server: {body}");
    let total = serde_json::from_str::<Value>(&body).unwrap()["paging"]["total"].as_u64().unwrap() as usize;
    assert!(
        (stored_before..=stored_after).contains(&total),
        "the snapshot holds {total} databases: at least the {stored_before} stored before it began, at most {stored_after}"
    );
}

#[test]
fn postgres_is_pointed_at_pg_dump() {
    let env = Env::new().set("DATABASE_URL", "postgresql://tessera@127.0.0.1:1/tessera");
    let output = env.run(&["backup", env.dir.path().join("b").to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("back it up with pg_dump"), "{message}");
    assert!(!env.dir.path().join("b").exists(), "nothing written");
}
