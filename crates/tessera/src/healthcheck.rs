//! `tessera healthcheck`: asks the admin port's `/healthcheck` of the server configured by the same
//! environment, so a container image needs no curl for its HEALTHCHECK. Plain HTTP/1.1 over TCP:
//! the admin port is local and never TLS.

use anyhow::{Context, bail};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;
use tessera_config::Config;

const TIMEOUT: Duration = Duration::from_secs(5);

pub fn run(config: &Config) -> anyhow::Result<ExitCode> {
    // A server bound to every address is reached on loopback; otherwise on the address it binds.
    let host = match config.server.host.as_str() {
        "0.0.0.0" | "" => "127.0.0.1",
        "::" | "[::]" => "::1",
        other => other,
    };
    let port = config.server.admin_port;
    let (status, body) = get(host, port, "/healthcheck")
        .with_context(|| format!("nothing answers on the admin port {host}:{port} (SERVER_ADMIN_PORT)"))?;
    if status != 200 {
        bail!("unhealthy: http://{host}:{port}/healthcheck answered {status}: {}", body.trim());
    }
    println!("healthy");
    Ok(ExitCode::SUCCESS)
}

fn get(host: &str, port: u16, path: &str) -> anyhow::Result<(u16, String)> {
    let address = (host, port).to_socket_addrs()?.next().context("the address does not resolve")?;
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let host_header = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    // The health answer is a few bytes: cap what is read from whatever listens there.
    stream.take(64 * 1024).read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let status = text
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .context("the answer is not HTTP")?;
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default();
    Ok((status, body))
}
