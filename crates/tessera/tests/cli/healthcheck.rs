//! `tessera healthcheck`, the Docker image's HEALTHCHECK: the same environment as the server, exit 0
//! when its admin port says healthy, a clear failure naming SERVER_ADMIN_PORT otherwise.

use crate::support::*;

#[test]
fn healthy_server_then_nothing_listening() {
    let env = Env::new();
    let server = env.serve();
    let output = env.run(&["healthcheck"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "healthy\n");
    let (status, _) = server.stop();
    assert!(status.success());

    let output = env.run(&["healthcheck"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message
            .contains(&format!("nothing answers on the admin port 127.0.0.1:{} (SERVER_ADMIN_PORT)", env.admin_port)),
        "{message}"
    );
}

#[test]
fn wildcard_bind_address_is_asked_on_loopback() {
    let env = Env::new().set("SERVER_HOST", "0.0.0.0");
    let _server = env.serve();
    let output = env.run(&["healthcheck"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn an_unhealthy_answer_fails_with_the_body() {
    // Something that answers 503 on the admin port, as Tessera does when its database is down.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.ends_with(b"\r\n\r\n") {
            let n = stream.read(&mut buffer).unwrap();
            assert!(n > 0, "the request ended early: {:?}", String::from_utf8_lossy(&request));
            request.extend_from_slice(&buffer[..n]);
        }
        let body = r#"{"database":{"healthy":false,"message":"connection refused"}}"#;
        write!(stream, "HTTP/1.1 503 Service Unavailable\r\ncontent-length: {}\r\n\r\n{body}", body.len()).unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    let env = Env::new().set("SERVER_ADMIN_PORT", &port.to_string());
    let output = env.run(&["healthcheck"]);
    let request = answer.join().unwrap();
    assert!(request.starts_with("GET /healthcheck HTTP/1.1\r\n"), "{request}");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("answered 503"), "{}", stderr(&output));
    assert!(stderr(&output).contains("connection refused"), "{}", stderr(&output));
}
