//! PostgreSQL restarted under a steady load of requests that need it: while it is down every
//! such request is answered 503 with a message (never a 500, never a hang), `/ready` says not
//! ready while `/live` stays up, and once it is back the requests succeed again by themselves,
//! with nothing written before the outage lost. The test runs its own PostgreSQL (the suite's
//! shared one must not be restarted under the other tests).

use crate::support::*;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A PostgreSQL server of this test's own, run as the user scripts/test.sh runs it as.
struct OwnPostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl OwnPostgres {
    fn start() -> Option<Self> {
        let Ok(bin) = std::env::var("TESSERA_TEST_PG_BIN") else {
            assert!(
                std::env::var("TESSERA_REQUIRE_POSTGRES").is_err(),
                "TESSERA_REQUIRE_POSTGRES is set but TESSERA_TEST_PG_BIN is not (scripts/test.sh exports both)"
            );
            eprintln!("skipped: TESSERA_TEST_PG_BIN is not set");
            return None;
        };
        // Under /tmp: the postgres user must reach it, and socket paths are short.
        let dir = tempfile::Builder::new().prefix("tessera-pg-restart").tempdir_in("/tmp").unwrap();
        if let Ok(user) = std::env::var("TESSERA_TEST_PG_USER")
            && running_as_root()
        {
            assert!(Command::new("chown").arg(&user).arg(dir.path()).status().unwrap().success());
        }
        let pg = OwnPostgres { bin: bin.into(), dir, port: free_port() };
        let data = pg.dir.path().join("data");
        let init = pg.as_pg("initdb").arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust"]).output().unwrap();
        assert!(init.status.success(), "initdb: {}", String::from_utf8_lossy(&init.stderr));
        pg.ctl("start");
        Some(pg)
    }

    fn as_pg(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        match std::env::var("TESSERA_TEST_PG_USER") {
            Ok(user) if user != "root" && running_as_root() => {
                let mut command = Command::new("runuser");
                command.args(["-u", &user, "--"]).arg(program);
                command
            }
            _ => Command::new(program),
        }
    }

    /// `pg_ctl start` or `stop`, waiting until done.
    fn ctl(&self, action: &str) {
        let dir = self.dir.path();
        let options = format!("-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off", self.port, dir.display());
        let mut command = self.as_pg("pg_ctl");
        command.arg("-D").arg(dir.join("data")).arg("-l").arg(dir.join("log")).args(["-w", "-t", "30"]);
        let output = match action {
            "start" => command.args(["-o", &options, "start"]).output().unwrap(),
            _ => command.args(["-m", "fast", "stop"]).output().unwrap(),
        };
        assert!(output.status.success(), "pg_ctl {action}: {}", String::from_utf8_lossy(&output.stderr));
    }

    fn url(&self) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ =
            self.as_pg("pg_ctl").arg("-D").arg(self.dir.path().join("data")).args(["-m", "immediate", "stop"]).output();
    }
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn requests_fail_cleanly_while_postgres_restarts_and_recover_by_themselves() {
    let Some(pg) = OwnPostgres::start() else { return };
    let env = Env::new().set("DATABASE_URL", &pg.url());
    let server = env.serve();
    let token = stdout(&env.run(&["token", "bot", "ingestion-bot"])).trim().to_string();
    let auth = format!("Bearer {token}");
    let service = r#"{"name":"svc","serviceType":"SQLite","connection":{"config":{"type":"SQLite"}}}"#;
    let url = format!("{}/api/v1/services/databaseServices", server.api);
    let (status, body) = send("PUT", &url, &[("Authorization", &auth)], Some(service)).unwrap();
    assert_eq!(status, 201, "{body}");

    // Two clients read the service (a database query each time) throughout.
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::<(Duration, Duration, u16, String)>::new()));
    let began = Instant::now();
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let (stop, answers, auth) = (stop.clone(), answers.clone(), auth.clone());
            let url = format!("{url}/name/svc");
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let at = began.elapsed();
                    let (status, body) = get_with(&url, &[("Authorization", &auth)]).unwrap_or((0, "no answer".into()));
                    answers.lock().unwrap().push((at, began.elapsed() - at, status, body));
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    pg.ctl("stop");
    let stopped_at = began.elapsed();
    std::thread::sleep(Duration::from_secs(1));
    let asked = Instant::now();
    let (ready, reason) = get(&format!("{}/ready", server.admin)).unwrap();
    assert_eq!(ready, 503, "not ready while the database is down: {reason}");
    assert!(asked.elapsed() < Duration::from_secs(3), "a readiness probe is answered promptly: {:?}", asked.elapsed());
    assert!(reason.contains("unavailable"), "{reason}");
    assert_eq!(get(&format!("{}/live", server.admin)).unwrap().0, 200, "alive all the same");
    // Down for longer than a request waits for a connection (5 s), so some are answered 503;
    // a shorter restart is ridden through: the requests wait and then succeed.
    std::thread::sleep((stopped_at + Duration::from_millis(6500)).saturating_sub(began.elapsed()));
    pg.ctl("start");
    let started_at = began.elapsed();
    let deadline = Instant::now() + Duration::from_secs(15);
    while answers.lock().unwrap().last().is_none_or(|a| a.0 < started_at || a.2 != 200) {
        assert!(Instant::now() < deadline, "requests did not recover within 15 s of PostgreSQL's restart");
        std::thread::sleep(Duration::from_millis(50));
    }
    let recovered_at = began.elapsed();
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    clients.into_iter().for_each(|c| c.join().unwrap());

    let answers = answers.lock().unwrap();
    let unavailable = answers.iter().filter(|a| a.2 == 503).count();
    let slowest = answers.iter().map(|a| a.1).max().unwrap_or_default();
    eprintln!(
        "{} requests; database down at {stopped_at:?}, back at {started_at:?}; {unavailable} answered 503; \
         first success after the restart at {recovered_at:?}; slowest answer {slowest:?}",
        answers.len()
    );
    for (at, took, status, body) in answers.iter() {
        assert!(matches!(status, 200 | 503), "at {at:?}: {status} {body}");
        assert!(*took < Duration::from_secs(7), "at {at:?} an answer took {took:?}: {status} {body}");
        if *status == 503 {
            let message: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
            assert_eq!(message["code"], 503, "{body}");
            assert!(message["message"].as_str().unwrap().contains("is unavailable"), "{body}");
        }
    }
    assert!(unavailable > 0, "the outage was seen");
    assert!(answers.iter().rev().take_while(|a| a.0 > recovered_at).all(|a| a.2 == 200), "steady after recovery");
    let (status, body) = get_with(&format!("{url}/name/svc"), &[("Authorization", &auth)]).unwrap();
    assert_eq!(status, 200, "written before the outage, still there: {body}");
    assert_eq!(get(&format!("{}/ready", server.admin)).unwrap().0, 200);
    drop(server);
}
