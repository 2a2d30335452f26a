//! Clients that hold sockets without finishing requests (attack review finding 5): they are
//! closed after the header-read or idle timeout, displaced at the connection cap, and never stop
//! others from being served, even when the process is short of file descriptors.

use crate::support::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A request head that never ends: the blank line is missing.
const PARTIAL_HEAD: &[u8] = b"GET /api/v1/system/version HTTP/1.1\r\nHost: t\r\n";

fn connect(port: u16) -> TcpStream {
    TcpStream::connect(("127.0.0.1", port)).unwrap()
}

/// What the server sent before it closed the connection, or `None` if it was still open after `wait`.
fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => Some(String::from_utf8_lossy(&received).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
            Some(String::from_utf8_lossy(&received).into_owned())
        }
        Err(_) => None,
    }
}

fn open_file_limits(pid: u32) -> String {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap()
        .split_whitespace()
        .skip(3)
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn four_hundred_partial_connections_under_ulimit_256_do_not_stop_a_request() {
    let env = Env::new().with_open_file_limits(256, 256);
    let server = env.serve();
    assert_eq!(open_file_limits(server.pid()), "256 256", "the server runs under ulimit -n 256");

    let mut holders: Vec<TcpStream> = (0..400)
        .map(|_| {
            let mut stream = connect(env.port);
            stream.write_all(PARTIAL_HEAD).unwrap();
            stream
        })
        .collect();
    // `get` waits at most 5 s for the answer.
    let (status, body) = get(&format!("{}/api/v1/system/version", server.api)).expect("an answer within 5 s");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"version\""), "{body}");
    let (status, _) = get(&format!("{}/healthcheck", server.admin)).expect("the admin port answers within 5 s");
    assert_eq!(status, 200);

    // The longest-waiting holders were closed to make room, without an answer.
    let closed = holders.iter_mut().take(50).filter_map(|s| read_until_closed(s, Duration::from_millis(200))).count();
    assert!(closed > 0, "no holder was displaced");
    drop(holders);
    let (status, _) = get(&format!("{}/api/v1/system/version", server.api)).unwrap();
    assert_eq!(status, 200, "still serving after the flood");
    let (exit, log) = server.stop();
    assert!(exit.success(), "{log}");
    assert!(log.contains("max_connections=96"), "the cap comes from the open-file limit: {log}");
}

#[test]
fn the_soft_open_file_limit_is_raised_to_the_hard_limit() {
    let env = Env::new().with_open_file_limits(256, 1024);
    let server = env.serve();
    assert_eq!(open_file_limits(server.pid()), "1024 1024");
    let (_, log) = server.stop();
    assert!(log.contains("open-file limit raised"), "{log}");
}

#[test]
fn a_head_that_never_ends_and_an_idle_connection_are_closed_after_their_timeouts() {
    let env = Env::new().set("TESSERA_HEADER_READ_TIMEOUT_SECONDS", "1").set("TESSERA_IDLE_TIMEOUT_SECONDS", "2");
    let _server = env.serve();

    let mut silent = connect(env.port);
    let mut partial = connect(env.port);
    partial.write_all(PARTIAL_HEAD).unwrap();
    let mut kept_alive = connect(env.port);
    kept_alive.write_all(b"GET /api/v1/system/version HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let mut answer = [0u8; 512];
    kept_alive.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let n = kept_alive.read(&mut answer).unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..n]));

    for (name, stream) in [("silent", &mut silent), ("partial head", &mut partial)] {
        let closed = read_until_closed(stream, Duration::from_secs(10));
        assert_eq!(closed.as_deref(), Some(""), "{name}: closed without an answer");
    }
    // Still open past the header timeout: a served connection gets the (longer) idle timeout.
    let open = read_until_closed(&mut kept_alive, Duration::from_millis(500));
    assert_eq!(open, None, "closed before its idle timeout");
    assert_eq!(read_until_closed(&mut kept_alive, Duration::from_secs(10)).as_deref(), Some(""));
}

#[test]
fn a_body_that_stalls_is_a_408_and_busy_connections_at_the_cap_make_newcomers_a_503() {
    let env = Env::new().set("TESSERA_HEADER_READ_TIMEOUT_SECONDS", "3").set("TESSERA_MAX_CONNECTIONS", "2");
    let server = env.serve();
    // A declared body of 100 bytes of which 2 arrive: each connection holds a request in progress.
    let stalled: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = connect(env.port);
            stream
                .write_all(b"PUT /api/v1/tables HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"")
                .unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500)); // both are accepted and being read

    let mut newcomer = connect(env.port);
    let refused = read_until_closed(&mut newcomer, Duration::from_secs(5)).expect("answered and closed");
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains(r#""reason":"overloaded""#) && refused.contains("TESSERA_MAX_CONNECTIONS"), "{refused}");

    for mut stream in stalled {
        let answer = read_until_closed(&mut stream, Duration::from_secs(10)).expect("answered");
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains(r#""reason":"body_timeout""#), "{answer}");
    }
    let (status, _) = get(&format!("{}/api/v1/system/version", server.api)).unwrap();
    assert_eq!(status, 200, "served again once the stalled requests ended");
}
