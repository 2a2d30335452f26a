//! Several tokens over one kept-alive connection, through Tessera's own connection handling: each
//! request is answered as its own token's holder, though the connection remembers its last token.

use crate::accounts::{api, bot_id, data_consumer, session};
use crate::catalog::bot_token;
use crate::server;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tessera_http::connections::{ConnectionLimits, serve};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One HTTP/1.1 connection that sends a request and reads the whole answer before the next.
struct KeptAlive(BufReader<TcpStream>);

impl KeptAlive {
    async fn logged_in_user(&mut self, token: &str) -> (u16, Value) {
        let request = format!(
            "GET /api/v1/users/loggedInUser HTTP/1.1\r\nHost: tessera\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        self.0.get_mut().write_all(request.as_bytes()).await.unwrap();
        let mut status_line = String::new();
        self.0.read_line(&mut status_line).await.unwrap();
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.0.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
            assert!(!line.to_ascii_lowercase().starts_with("connection: close"), "the server closed the connection");
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.0.read_exact(&mut body).await.unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }
}

#[tokio::test]
async fn each_request_on_a_connection_is_its_own_tokens() {
    let s = server(&[]).await;
    let admin = session(&s, "admin", "admin@open-metadata.org");
    let dana = data_consumer(&s, &admin).await;
    let bot_token = bot_token(&s).await;
    let bot_id = bot_id(&s, &admin).await;

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(60),
        max_connections: 4,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(serve(listener, s.api.clone(), limits, async {
        let _ = stopped.await;
    }));
    let mut connection = KeptAlive(BufReader::new(TcpStream::connect(address).await.unwrap()));

    for (token, name) in
        [(&dana, "dana"), (&dana, "dana"), (&admin, "admin"), (&bot_token, "ingestion-bot"), (&dana, "dana")]
    {
        let (status, me) = connection.logged_in_user(token).await;
        assert_eq!((status, me["name"].as_str()), (200, Some(name)), "{me}");
    }
    // Dana's token with its signature altered, cut short, or with a byte that is not text around
    // it (a header the original cannot read as text): refused; her own still works.
    let mut forged = dana.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let (nbsp_before, nbsp_after) = (format!("\u{a0}{dana}"), format!("{dana}\u{a0}"));
    for attempt in [forged.as_str(), &dana[..dana.len() - 1], &nbsp_before, &nbsp_after] {
        let (status, body) = connection.logged_in_user(attempt).await;
        assert_eq!(status, 401, "{body}");
    }
    assert_eq!(connection.logged_in_user(&dana).await.0, 200);

    // The bot's token, remembered by the connection, stops working once it is regenerated.
    assert_eq!(connection.logged_in_user(&bot_token).await.0, 200);
    let (status, _) =
        api(&s, "PUT", &format!("/api/v1/users/generateToken/{bot_id}"), &admin, Some(json!({"JWTTokenExpiry": "7"})))
            .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = connection.logged_in_user(&bot_token).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["message"], "Not Authorized! The given token does not match the current bot's token!");
    // And a deleted user's session, remembered too, stops with her.
    assert_eq!(connection.logged_in_user(&dana).await.0, 200);
    let (_, user) = api(&s, "GET", "/api/v1/users/name/dana", &admin, None).await;
    let dana_id = user["id"].as_str().unwrap().to_string();
    let (status, _) = api(&s, "DELETE", &format!("/api/v1/users/{dana_id}?hardDelete=true"), &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = connection.logged_in_user(&dana).await;
    assert_eq!(status, 401, "{body}");

    drop(connection);
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}
