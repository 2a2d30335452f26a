use crate::support::*;
use serde_json::Value;

#[test]
fn serves_on_sqlite_and_keeps_its_key_across_restarts() {
    let env = Env::new();
    let server = env.serve();
    let (status, body) = get(&format!("{}/api/v1/system/version", server.api)).unwrap();
    assert_eq!(status, 200);
    let version: Value = serde_json::from_str(&body).unwrap();
    assert!(version["version"].as_str().unwrap().starts_with("1.7."));
    let (_, jwks_before) = get(&format!("{}/api/v1/system/config/jwks", server.api)).unwrap();
    let (status, body) = get(&format!("{}/api/v1/users", server.api)).unwrap();
    assert_eq!(
        (status, body.as_str()),
        (401, r#"{"code":401,"message":"Not Authorized! Token not present","reason":"token_missing"}"#)
    );
    let (status, log) = server.stop();
    assert!(status.success(), "SIGTERM must end with exit 0: {status}\n{log}");
    assert!(log.contains("draining connections"), "{log}");

    let key = env.data_dir().join("jwt_private_key.der");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(env.data_dir()).unwrap().permissions().mode() & 0o777, 0o700);

    let server = env.serve();
    let (_, jwks_after) = get(&format!("{}/api/v1/system/config/jwks", server.api)).unwrap();
    assert_eq!(jwks_before, jwks_after, "the generated key must survive a restart");
    let (status, metrics) = get(&format!("{}/prometheus", server.admin)).unwrap();
    assert_eq!(status, 200);
    assert!(metrics.contains("http_requests_total"), "{metrics}");
}

/// SIGTERM with TESSERA_DRAIN_SECONDS: `/ready` turns 503 at once while the API still answers,
/// then the listeners close and the process ends by itself with exit 0. `/live` does not look
/// at the database.
#[test]
fn drains_before_stopping() {
    let env = Env::new().set("TESSERA_DRAIN_SECONDS", "2");
    let server = env.serve();
    let ready = format!("{}/ready", server.admin);
    assert_eq!(get(&ready).unwrap(), (200, r#"{"ready":true}"#.to_string()));
    assert_eq!(get(&format!("{}/live", server.admin)).unwrap(), (200, r#"{"live":true}"#.to_string()));

    let signalled = std::time::Instant::now();
    server.terminate();
    let not_ready = loop {
        let (status, body) = get(&ready).expect("the admin port still answers while draining");
        if status == 503 {
            break body;
        }
        assert!(signalled.elapsed() < std::time::Duration::from_secs(1), "/ready still {status} 1 s after SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let reason: Value = serde_json::from_str(&not_ready).unwrap();
    assert_eq!(reason["ready"], false);
    assert!(reason["reason"].as_str().unwrap().contains("shutting down"), "{not_ready}");
    let (status, _) = get(&format!("{}/api/v1/system/version", server.api)).unwrap();
    assert_eq!(status, 200, "requests are still served while draining");

    let (status, log) = server.wait();
    assert!(status.success(), "a drained shutdown ends with exit 0: {status}\n{log}");
    assert!(signalled.elapsed() >= std::time::Duration::from_secs(2), "the listeners stayed open for the drain");
    assert!(log.contains("closing the listeners"), "{log}");
}

#[test]
fn logs_never_contain_the_token() {
    let env = Env::new();
    let server = env.serve();
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtbWFya2VyIn0.c2lnbmF0dXJl";
    let (status, _) =
        get_with(&format!("{}/api/v1/users", server.api), &[("Authorization", &format!("Bearer {token}"))]).unwrap();
    assert_eq!(status, 401);
    let (_, log) = server.stop();
    assert!(log.contains("/api/v1/users"), "the request is logged: {log}");
    assert!(!log.contains(token) && !log.contains("c2lnbmF0dXJl"), "{log}");
}

#[test]
fn noop_authorizer_and_filter_are_announced_loudly_at_start() {
    let env = Env::new()
        .set("AUTHORIZER_CLASS_NAME", "org.openmetadata.service.security.NoopAuthorizer")
        .set("AUTHORIZER_REQUEST_FILTER", "org.openmetadata.service.security.NoopFilter");
    let server = env.serve();
    let (_, log) = server.stop();
    assert!(log.contains("NoopAuthorizer allows every operation to every authenticated caller"), "{log}");
    assert!(log.contains("NoopFilter turns authentication off"), "{log}");
    assert!(log.contains("DefaultAuthorizer") && log.contains("JwtFilter"), "each says what to use instead: {log}");
}

#[test]
fn json_logs_on_request() {
    let env = Env::new().set("TESSERA_LOG_FORMAT", "json");
    let server = env.serve();
    let (_, log) = server.stop();
    let line = log.lines().find(|l| l.contains("Tessera is serving")).expect(&log);
    let json: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(json["level"], "INFO");
}

#[test]
fn migrate_then_version_and_config_show() {
    let env = Env::new().set("OIDC_CLIENT_SECRET", "hunter2-secret");
    let output = env.run(&["migrate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let latest = tessera_store::LATEST_SCHEMA_VERSION;
    assert!(stdout(&output).contains(&format!("schema version 0 -> {latest}")), "{}", stdout(&output));
    let again = env.run(&["migrate"]);
    let unchanged = format!("schema version {latest} -> {latest} (0 migration(s) applied)");
    assert!(stdout(&again).contains(&unchanged), "{}", stdout(&again));

    let shown = env.run(&["config", "show"]);
    let text = stdout(&shown);
    assert!(!text.contains("hunter2-secret"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("OIDC_CLIENT_SECRET") && l.contains("********") && l.ends_with("(env)")),
        "{text}"
    );

    let version = env.run(&["version"]);
    assert!(stdout(&version).starts_with("tessera 0.1.0 (OpenMetadata 1.7."), "{}", stdout(&version));
}

#[test]
fn config_file_is_read() {
    let env = Env::new();
    let file = env.dir.path().join("openmetadata.yaml");
    std::fs::write(
        &file,
        "authorizerConfiguration:\n  principalDomain: ${AUTHORIZER_PRINCIPAL_DOMAIN:-\"from-file.example\"}\n",
    )
    .unwrap();
    let output = env.command(&["config", "show", "--config", file.to_str().unwrap()]).output().unwrap();
    let text = stdout(&output);
    assert!(
        text.lines().any(|l| l.starts_with("AUTHORIZER_PRINCIPAL_DOMAIN")
            && l.contains("from-file.example")
            && l.ends_with("(file)")),
        "{text}"
    );
}

#[test]
fn serves_on_postgres_when_configured() {
    let Some(url) = tessera_store::testing::postgres_url() else { return };
    let env = Env::new().set("DATABASE_URL", &url);
    let server = env.serve();
    let (status, body) = get(&format!("{}/healthcheck", server.admin)).unwrap();
    assert_eq!((status, body.as_str()), (200, r#"{"database":{"healthy":true}}"#));
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");
    assert!(log.contains("postgresql://"), "{log}");
    assert!(!env.data_dir().join("tessera.db").exists(), "PostgreSQL, not SQLite, holds the data");
}

/// A request refused before its body arrives (here 401 without a token, and 405) still has its
/// body read, so the connection stays usable: the official client reuses connections, and after a
/// dropped one it retries once and takes whatever comes back, an error too, as a success.
#[test]
fn a_refused_request_whose_body_comes_late_keeps_the_connection() {
    use std::io::{Read, Write};
    let env = Env::new();
    let server = env.serve();
    let address = server.api.trim_start_matches("http://").to_string();
    let token = admin_token(&env.data_dir());
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let body = r#"[{"op":"add","path":"/description","value":"x"}]"#;
    let refused = [
        ("PATCH /api/v1/roles/00000000-0000-0000-0000-000000000000", Some(token.as_str()), "405"),
        ("PUT /api/v1/tables", None, "401"),
    ];
    for (request_line, token, status) in refused {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!(
            "{request_line} HTTP/1.1\r\nHost: t\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200)); // the answer could be sent by now
        stream.write_all(body.as_bytes()).unwrap();
        let answer = read_response(&mut stream);
        assert!(answer.starts_with(&format!("HTTP/1.1 {status}")), "{answer}");
    }
    stream.write_all(b"GET /api/v1/system/version HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let answer = read_response(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("\"version\""), "{answer}");

    /// One response: its head, then as many body bytes as its Content-Length says.
    fn read_response(stream: &mut std::net::TcpStream) -> String {
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while !bytes.ends_with(b"\r\n\r\n") {
            assert_eq!(
                stream.read(&mut byte).unwrap(),
                1,
                "the connection closed: {}",
                String::from_utf8_lossy(&bytes)
            );
            bytes.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&bytes).to_string();
        let length = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|n| n.trim().parse().unwrap()))
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).unwrap();
        head + &String::from_utf8_lossy(&body)
    }
}

/// The data directory is its owner's only (0700), and so are the database, its `-wal` and `-shm`
/// files and the generated key files (0600), even under a permissive umask; a database file an
/// operator left readable is made owner-only at start (attack review finding 13).
#[test]
fn data_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let server = env.serve();
    let data = env.data_dir();
    assert_eq!(mode(&data), 0o700, "data dir");
    for file in ["tessera.db", "tessera.db-wal", "tessera.db-shm", "jwt_private_key.der", "jwt_public_key.der"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    let (status, _) = server.stop();
    assert!(status.success());
    std::fs::set_permissions(data.join("tessera.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = env.serve();
    assert_eq!(mode(&data.join("tessera.db")), 0o600, "made owner-only again");
    let (_, log) = server.stop();
    assert!(log.contains("readable by others"), "{log}");
}
