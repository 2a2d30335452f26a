//! The load generator of the soak (bench/soak.py drives it; see bench/README.md, "Soak").
//!
//! Sends a mix of catalog reads, writes and identity calls to the replicas listed in
//! `SOAK_TARGETS` (a file, one base URL per line), with tokens from `SOAK_TOKENS` (a file of
//! `<role> <state> <kind> <token>` lines: role `reader` or `writer`, state `live` or
//! `revoked:<unix ms>`, kind a label for error samples).
//! Both files are re-read every 250 ms, so the driver can drain a replica, add new provider tokens
//! and revoke personal tokens while the load runs.
//!
//! `SOAK_RATE` > 0: open loop at that many requests per second (latency counted from when a
//! request was due, so a stalled server cannot hide its queue); 0: closed loop with
//! `SOAK_CONCURRENCY` workers (the saturation probe). Every `SOAK_WINDOW` seconds one JSON line goes
//! to `SOAK_OUT`: requests, successes, expected 401s (revoked tokens), errors by kind, p50/p99/max.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// After this long a revoked token must be refused on every replica (the change feed's promise
/// is one second).
const REVOCATION_GRACE_MS: u64 = 2_000;
const SCHEMA: &str = "soak.db.main";

#[derive(Clone)]
struct Token {
    writer: bool,
    /// What the driver says the token is (`bot`, `id`, `pat`), for error samples.
    kind: String,
    revoked_at: Option<u64>,
    value: String,
}

#[derive(Default)]
struct Pools {
    targets: Vec<String>,
    readers: Vec<Token>,
    writers: Vec<Token>,
}

#[derive(Default)]
struct Window {
    latencies_us: Vec<u32>,
    ok: u64,
    expected_401: u64,
    errors: BTreeMap<String, u64>,
    /// The first answer of each error kind in the window: what was sent and what came back.
    samples: BTreeMap<String, String>,
    shed_by_generator: u64,
}

struct Shared {
    pools: RwLock<Pools>,
    window: Mutex<Window>,
    client: reqwest::Client,
    tables: u64,
    counter: AtomicU64,
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn read_pools(targets: &str, tokens: &str) -> Pools {
    let mut pools = Pools {
        targets: std::fs::read_to_string(targets)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        ..Pools::default()
    };
    for line in std::fs::read_to_string(tokens).unwrap_or_default().lines() {
        let mut parts = line.split_whitespace();
        let (Some(role), Some(state), Some(kind), Some(value)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let revoked_at = state.strip_prefix("revoked:").and_then(|t| t.parse().ok());
        let token = Token { writer: role == "writer", kind: kind.to_string(), revoked_at, value: value.to_string() };
        if token.writer { pools.writers.push(token) } else { pools.readers.push(token) }
    }
    pools
}

/// A small, fast, good-enough random number (xorshift), seeded per request from a counter.
fn random(seed: u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

fn table_body(name: &str, n: u64) -> Value {
    json!({
        "name": name,
        "databaseSchema": SCHEMA,
        "description": format!("soak write {n}"),
        "columns": [
            {"name": "id", "dataType": "BIGINT"},
            {"name": "name", "dataType": "VARCHAR", "dataLength": 64},
            {"name": "created_at", "dataType": "TIMESTAMP"}
        ]
    })
}

async fn one_request(shared: Arc<Shared>, due: Instant) {
    let n = shared.counter.fetch_add(1, Ordering::Relaxed);
    let r = random(n);
    let (token, request) = {
        let pools = shared.pools.read().expect("pools");
        if pools.targets.is_empty() || pools.readers.is_empty() || pools.writers.is_empty() {
            drop(pools);
            record(&shared, due, Err("no target or token".into()));
            return;
        }
        let base = pools.targets[(r % pools.targets.len() as u64) as usize].clone();
        let table = format!("t{}", (r >> 8) % shared.tables);
        let kind = (r >> 32) % 100;
        let token = if kind < 10 {
            pools.writers[((r >> 16) as usize) % pools.writers.len()].clone()
        } else {
            pools.readers[((r >> 16) as usize) % pools.readers.len()].clone()
        };
        let client = &shared.client;
        let request = match kind {
            0..10 => client.put(format!("{base}/api/v1/tables")).json(&table_body(&table, n)),
            10..65 => client.get(format!("{base}/api/v1/tables/name/{SCHEMA}.{table}?fields=columns,tags,owners")),
            65..85 => client.get(format!("{base}/api/v1/tables?databaseSchema={SCHEMA}&limit=10")),
            _ => client.get(format!("{base}/api/v1/users/loggedInUser")),
        };
        (token, request)
    };
    let request = request.bearer_auth(&token.value).build().expect("request");
    let sent = format!("{} {} ({})", request.method(), request.url().path(), describe(&token));
    let (outcome, answer) = match shared.client.execute(request).await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.bytes().await.unwrap_or_default();
            (judge(&token, status), String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned())
        }
        Err(e) if e.is_connect() => (Err("connect".into()), error_chain(&e)),
        Err(e) if e.is_timeout() => (Err("timeout".into()), error_chain(&e)),
        Err(e) => (Err("transport".into()), error_chain(&e)),
    };
    if let Err(kind) = &outcome {
        shared.window.lock().expect("window").samples.entry(kind.clone()).or_insert(format!("{sent}: {answer}"));
    }
    record(&shared, due, outcome);
}

/// Which token a request carried, for an error's sample (never the token itself).
/// The error and its causes (reqwest's own text hides them: "error sending request for url").
fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    text
}

fn describe(token: &Token) -> String {
    let kind = &token.kind;
    match token.revoked_at {
        Some(at) => format!("{kind} token revoked {} ms before", unix_ms().saturating_sub(at)),
        None => format!("live {kind} token"),
    }
}

/// `Ok(true)`: a success; `Ok(false)`: the 401 a revoked token must get; `Err`: an error's kind.
fn judge(token: &Token, status: u16) -> Result<bool, String> {
    let settled = token.revoked_at.is_some_and(|at| unix_ms() > at + REVOCATION_GRACE_MS);
    match (token.revoked_at, status) {
        (Some(_), 401) => Ok(false),
        (Some(_), 200..300) if settled => Err("revoked token accepted".into()),
        (_, 200..300) => Ok(true),
        (_, status) => Err(format!("HTTP {status}")),
    }
}

fn record(shared: &Shared, due: Instant, outcome: Result<bool, String>) {
    let micros = due.elapsed().as_micros().min(u32::MAX as u128) as u32;
    let mut window = shared.window.lock().expect("window");
    window.latencies_us.push(micros);
    match outcome {
        Ok(true) => window.ok += 1,
        Ok(false) => window.expected_401 += 1,
        Err(kind) => *window.errors.entry(kind).or_default() += 1,
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

fn flush(shared: &Shared, started: Instant, out: &mut std::fs::File) {
    use std::io::Write;
    let window = std::mem::take(&mut *shared.window.lock().expect("window"));
    let mut latencies = window.latencies_us;
    latencies.sort_unstable();
    let line = json!({
        "t": started.elapsed().as_secs_f64().round(),
        "requests": latencies.len(),
        "ok": window.ok,
        "expected_401": window.expected_401,
        "errors": window.errors,
        "error_samples": window.samples,
        "shed_by_generator": window.shed_by_generator,
        "p50_ms": percentile(&latencies, 0.50),
        "p99_ms": percentile(&latencies, 0.99),
        "max_ms": percentile(&latencies, 1.0),
    });
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[tokio::main]
async fn main() {
    let targets = env("SOAK_TARGETS", "targets.txt");
    let tokens = env("SOAK_TOKENS", "tokens.txt");
    let rate: f64 = env("SOAK_RATE", "0").parse().expect("SOAK_RATE: requests per second");
    let concurrency: usize = env("SOAK_CONCURRENCY", "64").parse().expect("SOAK_CONCURRENCY");
    let seconds: u64 = env("SOAK_SECONDS", "20").parse().expect("SOAK_SECONDS");
    let window_seconds: u64 = env("SOAK_WINDOW", "10").parse().expect("SOAK_WINDOW");
    let tables: u64 = env("SOAK_TABLES", "500").parse().expect("SOAK_TABLES");
    let mut out = std::fs::File::create(env("SOAK_OUT", "soak.jsonl")).expect("SOAK_OUT");

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(concurrency)
        // Drop an idle connection before the server's idle timeout (60 s) closes it: reusing one the
        // server is closing at that moment fails the request (a keep-alive race, not a server fault).
        .pool_idle_timeout(Duration::from_secs(45))
        .build()
        .expect("client");
    let shared = Arc::new(Shared {
        pools: RwLock::new(read_pools(&targets, &tokens)),
        window: Mutex::new(Window::default()),
        client,
        tables,
        counter: AtomicU64::new(0),
    });
    {
        let shared = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let pools = read_pools(&targets, &tokens);
                *shared.pools.write().expect("pools") = pools;
            }
        });
    }

    let started = Instant::now();
    let end = started + Duration::from_secs(seconds);
    let mut next_flush = started + Duration::from_secs(window_seconds);
    if rate <= 0.0 {
        for _ in 0..concurrency {
            let shared = shared.clone();
            tokio::spawn(async move {
                while Instant::now() < end {
                    one_request(shared.clone(), Instant::now()).await;
                }
            });
        }
        while Instant::now() < end {
            tokio::time::sleep_until(next_flush.min(end).into()).await;
            flush(&shared, started, &mut out);
            next_flush += Duration::from_secs(window_seconds);
        }
        return;
    }

    let in_flight = Arc::new(Semaphore::new(concurrency));
    let mut ticker = tokio::time::interval(Duration::from_millis(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent = 0u64;
    while Instant::now() < end {
        ticker.tick().await;
        let now = Instant::now();
        let due_total = (now.duration_since(started).as_secs_f64() * rate) as u64;
        while sent < due_total {
            sent += 1;
            let due = started + Duration::from_secs_f64(sent as f64 / rate);
            match in_flight.clone().try_acquire_owned() {
                Ok(permit) => {
                    let shared = shared.clone();
                    tokio::spawn(async move {
                        one_request(shared, due).await;
                        drop(permit);
                    });
                }
                Err(_) => shared.window.lock().expect("window").shed_by_generator += 1,
            }
        }
        if now >= next_flush {
            flush(&shared, started, &mut out);
            next_flush += Duration::from_secs(window_seconds);
        }
    }
    // Let what is in flight finish, then the last window.
    let _ = in_flight.acquire_many(concurrency as u32).await;
    flush(&shared, started, &mut out);
}
