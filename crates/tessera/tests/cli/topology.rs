//! The `replicas` topology of docker-compose.yml without Docker: PostgreSQL, two Tessera
//! processes sharing one signing key, and Debian's nginx in front with deploy/nginx.conf (the
//! compose service names mapped to the processes' loopback ports). Under a steady load of
//! authenticated requests through nginx, a rolling restart of both replicas fails no request, and
//! a bot token replaced through one replica is refused through nginx within a second.

use crate::replicas::fresh_postgres_database;
use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// nginx skips a replica that failed for this long (deploy/nginx.conf's `fail_timeout`): a rolling
/// restart waits this long between replicas, as docs/operations.md tells operators to.
const NGINX_FAIL_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Nginx {
    child: Child,
    pub(crate) url: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// deploy/nginx.conf with `tessera` and `tessera-replica` pointing at the two processes.
    fn start(first: &Env, second: &Env) -> Self {
        Self::start_on(free_port(), first, second)
    }

    /// As [`Nginx::start`], listening on `port` (known before the replicas start, for their URLs).
    pub(crate) fn start_on(port: u16, first: &Env, second: &Env) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let conf = std::fs::read_to_string(workspace().join("deploy/nginx.conf")).unwrap();
        let local = conf
            .replace("server tessera:8585", &format!("server 127.0.0.1:{}", first.port))
            .replace("server tessera-replica:8585", &format!("server 127.0.0.1:{}", second.port))
            .replace("server tessera:8586", &format!("server 127.0.0.1:{}", first.admin_port))
            .replace("server tessera-replica:8586", &format!("server 127.0.0.1:{}", second.admin_port))
            .replace("listen 8585;", &format!("listen 127.0.0.1:{port};"));
        assert!(!local.contains("tessera:85") && !local.contains("tessera-replica:"), "unmapped upstream:\n{local}");
        let (binary, main) = nginx_prefix(dir.path(), &local, true);
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(main)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let nginx = Nginx { child, url: format!("http://127.0.0.1:{port}"), _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while get(&format!("{}/api/v1/system/version", nginx.url)).is_none_or(|(status, _)| status != 200) {
            assert!(Instant::now() < deadline, "nginx did not answer within 10 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }
}

impl Nginx {
    fn error_log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    /// SIGTERM: the master stops its workers before exiting (SIGKILL would orphan them, still
    /// running after the test).
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Clients sending authenticated requests through nginx, one after another each, until stopped.
struct Load {
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
    failures: Arc<Mutex<Vec<String>>>,
    clients: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(url: &str, token: &str, clients: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicUsize::new(0));
        let failures = Arc::new(Mutex::new(Vec::<String>::new()));
        let clients = (0..clients)
            .map(|_| {
                let (stop, sent, failures) = (Arc::clone(&stop), Arc::clone(&sent), Arc::clone(&failures));
                let (url, auth) = (format!("{url}/api/v1/users/loggedInUser"), format!("Bearer {token}"));
                let began = Instant::now();
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let at = began.elapsed();
                        let answer = get_with(&url, &[("Authorization", &auth)]);
                        sent.fetch_add(1, Ordering::Relaxed);
                        let failed = match answer {
                            Some((200, _)) => continue,
                            Some((status, body)) => format!("{status}: {body}"),
                            None => "no answer from nginx".into(),
                        };
                        failures.lock().unwrap().push(format!("at {at:?} (took {:?}): {failed}", began.elapsed() - at));
                    }
                })
            })
            .collect();
        Load { stop, sent, failures, clients }
    }

    /// Stops the clients: requests sent, and every failure.
    fn finish(self) -> (usize, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        self.clients.into_iter().for_each(|c| c.join().unwrap());
        (self.sent.load(Ordering::Relaxed), self.failures.lock().unwrap().clone())
    }
}

/// SIGTERM, then the same replica again on the same ports (healthy before it returns).
fn restart(env: &Env, server: Server) -> Server {
    let (status, log) = server.stop();
    assert!(status.success(), "a replica must stop cleanly: {status}\n{log}");
    env.serve()
}

#[test]
fn rolling_restart_behind_nginx_fails_no_request_and_revocation_crosses_replicas() {
    let Some(database) = fresh_postgres_database() else { return };
    let first = Env::new().set("DATABASE_URL", &database);
    let mut a = first.serve();
    let keys = first.data_dir();
    let second = Env::new()
        .set("DATABASE_URL", &database)
        .set("RSA_PRIVATE_KEY_FILE_PATH", keys.join("jwt_private_key.der").to_str().unwrap())
        .set("RSA_PUBLIC_KEY_FILE_PATH", keys.join("jwt_public_key.der").to_str().unwrap());
    let mut b = second.serve();
    let nginx = Nginx::start(&first, &second);
    let token = stdout(&first.run(&["token", "bot", "ingestion-bot"])).trim().to_string();

    let load = Load::start(&nginx.url, &token, 4);
    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    a = restart(&first, a);
    std::thread::sleep(NGINX_FAIL_TIMEOUT + Duration::from_secs(1));
    b = restart(&second, b);
    std::thread::sleep(Duration::from_secs(2));
    let took = started.elapsed();
    let (sent, failures) = load.finish();
    eprintln!("restart of a at 1 s; of b at {:?}", NGINX_FAIL_TIMEOUT + Duration::from_secs(2));
    eprintln!("rolling restart under load: {sent} requests through nginx in {took:?}, {} failed", failures.len());
    assert!(sent > 200, "the load must be steady: only {sent} requests");
    assert!(
        failures.is_empty(),
        "{} of {sent} requests failed during the rolling restart: {failures:#?}\nnginx's error log:\n{}",
        failures.len(),
        nginx.error_log()
    );

    // The bot's token replaced through replica `a`: through nginx (either replica) the old token
    // is refused within a second.
    let admin = format!("Bearer {}", admin_token(&keys));
    let headers = [("Authorization", admin.as_str())];
    let (status, bot) = get_with(&format!("{}/api/v1/bots/name/ingestion-bot", nginx.url), &headers).unwrap();
    assert_eq!(status, 200, "{bot}");
    let bot: serde_json::Value = serde_json::from_str(&bot).unwrap();
    let id = bot["botUser"]["id"].as_str().unwrap();
    let body = Some(r#"{"JWTTokenExpiry":"Unlimited"}"#);
    let (status, answer) = send("PUT", &format!("{}/api/v1/users/generateToken/{id}", a.api), &headers, body).unwrap();
    assert_eq!(status, 200, "{answer}");
    std::thread::sleep(Duration::from_secs(1));
    let old = format!("Bearer {token}");
    for _ in 0..6 {
        let (status, body) =
            get_with(&format!("{}/api/v1/users/loggedInUser", nginx.url), &[("Authorization", &old)]).unwrap();
        assert_eq!(status, 401, "the replaced token must be refused by both replicas within a second: {body}");
    }
    drop((a, b));
}
