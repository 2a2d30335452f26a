//! The accept loop and each connection's task.

use super::connection::Connection;
use super::limits::ConnectionLimits;
use super::registry::Registry;
use super::tracked_io::TrackedIo;
use crate::authn::ConnectionToken;
use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

/// Serves `router` on `listener` until `stop` resolves; then stops accepting, lets requests in
/// progress finish, closes idle connections, and returns once every connection has closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let registry = Arc::new(Registry::new(limits.max_connections));
    let (stopping, stop_seen) = watch::channel(false);
    let mut stop = pin!(stop);
    let mut descriptor_warning = RateLimited::every(Duration::from_secs(10));
    let mut overload_warning = RateLimited::every(Duration::from_secs(10));
    loop {
        let accepted = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        let pause = match accepted {
            Ok((stream, _)) => {
                match registry.admit() {
                    Some(connection) => {
                        let task = ConnectionTask {
                            stream,
                            connection,
                            registry: registry.clone(),
                            router: router.clone(),
                            limits,
                        };
                        tokio::spawn(task.run(stop_seen.clone()));
                    }
                    None => refuse_overloaded(&stream, &mut overload_warning),
                }
                continue;
            }
            Err(error) if is_per_connection(&error) => continue,
            Err(error) if is_out_of_descriptors(&error) => {
                if descriptor_warning.ready() {
                    tracing::warn!(
                        %error,
                        "out of file descriptors accepting a connection: closing the connection idle the longest; \
                         raise the open-file limit (ulimit -n) or lower TESSERA_MAX_CONNECTIONS"
                    );
                }
                // The descriptor frees once the evicted connection's task drops its socket.
                if registry.shed_one() { Duration::from_millis(5) } else { Duration::from_millis(100) }
            }
            Err(error) => {
                tracing::warn!(%error, "accepting a connection failed; retrying");
                Duration::from_millis(100)
            }
        };
        tokio::select! {
            () = &mut stop => break,
            () = tokio::time::sleep(pause) => {}
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    registry.all_closed().await;
    Ok(())
}

/// The task of one connection.
struct ConnectionTask {
    stream: TcpStream,
    connection: Arc<Connection>,
    registry: Arc<Registry>,
    router: Router,
    limits: ConnectionLimits,
}

impl ConnectionTask {
    async fn run(self, mut stop_seen: watch::Receiver<bool>) {
        let Self { stream, connection, registry, router, limits } = self;
        // Small answers go out at once rather than waiting for Nagle's timer.
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(TrackedIo::new(stream, connection.clone()));
        let requests = connection.clone();
        let last_token = ConnectionToken::default();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let in_flight = requests.request_started();
            request.extensions_mut().insert(last_token.clone());
            let answer = router.clone().oneshot(request.map(Body::new));
            async move {
                let response = answer.await;
                drop(in_flight);
                response
            }
        });
        // The header-read and idle timeouts are the watchdog's below (hyper's would run one timer
        // for both).
        let http = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(None)
            .serve_connection(io, service);
        let mut http = pin!(http);
        let mut stopping = *stop_seen.borrow();
        if stopping {
            http.as_mut().graceful_shutdown();
        }
        loop {
            let recheck = connection.deadline(&limits).unwrap_or_else(|| Instant::now() + limits.idle_timeout);
            tokio::select! {
                result = http.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                    break;
                }
                () = tokio::time::sleep_until(recheck.into()) => {
                    if connection.deadline(&limits).is_some_and(|deadline| deadline <= Instant::now()) {
                        tracing::debug!("closing a connection that sent no complete request in time");
                        break;
                    }
                }
                () = connection.evicted.notified() => {
                    // A request that began meanwhile finishes; the connection is no longer counted.
                    if !connection.is_handling_a_request() {
                        tracing::debug!("closing the connection idle the longest to make room");
                        break;
                    }
                }
                _ = stop_seen.changed(), if !stopping => {
                    stopping = true;
                    http.as_mut().graceful_shutdown();
                }
            }
        }
        registry.closed(&connection);
    }
}

/// Every connection is busy with a request: answer 503 without reading, and close.
fn refuse_overloaded(stream: &TcpStream, warning: &mut RateLimited) {
    const BODY: &str = r#"{"code":503,"message":"Tessera holds as many connections as it may (TESSERA_MAX_CONNECTIONS) and all are busy; retry in a moment","reason":"overloaded"}"#;
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = stream.try_write(response.as_bytes());
    if warning.ready() {
        tracing::warn!(
            "connections refused with 503: every connection is handling a request (TESSERA_MAX_CONNECTIONS)"
        );
    }
}

/// Errors that concern only the connection being accepted.
fn is_per_connection(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(error.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted)
}

fn is_out_of_descriptors(error: &std::io::Error) -> bool {
    const EMFILE: i32 = 24; // the process's open-file limit
    const ENFILE: i32 = 23; // the system's
    matches!(error.raw_os_error(), Some(EMFILE | ENFILE))
}

/// Logs at most once per period, so a flood does not flood the log.
struct RateLimited {
    period: Duration,
    last: Option<Instant>,
}

impl RateLimited {
    fn every(period: Duration) -> Self {
        Self { period, last: None }
    }

    fn ready(&mut self) -> bool {
        let now = Instant::now();
        let ready = self.last.is_none_or(|last| now.duration_since(last) >= self.period);
        if ready {
            self.last = Some(now);
        }
        ready
    }
}
