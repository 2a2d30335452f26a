//! Starting and stopping the binary in a temp directory on free ports.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_tessera");

/// A free TCP port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A working directory with a data dir and two free ports.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub admin_port: u16,
    pub vars: BTreeMap<String, String>,
    /// (soft, hard) open-file limits the server starts under, as `ulimit -n` sets them.
    pub open_file_limits: Option<(u64, u64)>,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (port, admin_port) = (free_port(), free_port());
        let vars = BTreeMap::from([
            ("SERVER_HOST".to_string(), "127.0.0.1".to_string()),
            ("SERVER_PORT".to_string(), port.to_string()),
            ("SERVER_ADMIN_PORT".to_string(), admin_port.to_string()),
            ("TESSERA_DATA_DIR".to_string(), dir.path().join("data").display().to_string()),
        ]);
        Self { dir, port, admin_port, vars, open_file_limits: None }
    }

    pub fn set(mut self, key: &str, value: &str) -> Self {
        self.vars.insert(key.into(), value.into());
        self
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn with_open_file_limits(mut self, soft: u64, hard: u64) -> Self {
        self.open_file_limits = Some((soft, hard));
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = match self.open_file_limits {
            // The shell sets the limits, then becomes the binary (same pid).
            Some((soft, hard)) => {
                let mut shell = Command::new("sh");
                shell
                    .arg("-c")
                    .arg(format!("ulimit -S -n {soft} && ulimit -H -n {hard} && exec \"$0\" \"$@\""))
                    .arg(BIN);
                shell
            }
            None => Command::new(BIN),
        };
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(&self.vars)
            .current_dir(self.dir.path());
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Starts `tessera serve` and waits until the admin port answers healthy. Keep the `Env`
    /// alive as long as the server: its temp dir holds the server's data.
    pub fn serve(&self) -> Server {
        let mut child = self.command(&["serve"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        // Read stderr as it comes: a server logging more than a pipe holds (64 KiB) would
        // otherwise block on its next log line and stop answering.
        let mut pipe = child.stderr.take().unwrap();
        let log = std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = std::io::Read::read_to_end(&mut pipe, &mut text);
            String::from_utf8_lossy(&text).into_owned()
        });
        let mut server = Server {
            child: Some(child),
            log: Some(log),
            admin: format!("http://127.0.0.1:{}", self.admin_port),
            api: format!("http://127.0.0.1:{}", self.port),
        };
        server.wait_healthy();
        server
    }
}

pub struct Server {
    child: Option<Child>,
    /// Everything the server wrote to stderr, once it has exited.
    log: Option<std::thread::JoinHandle<String>>,
    pub api: String,
    pub admin: String,
}

impl Server {
    fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                self.child.take();
                let log = self.log.take().unwrap().join().unwrap();
                panic!("tessera exited with {status} before becoming healthy:\n{log}");
            }
            if get(&format!("{}/healthcheck", self.admin)).is_some_and(|(status, _)| status == 200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("tessera did not become healthy within 20 s");
    }

    /// SIGTERM, then the exit status and everything it logged.
    pub fn stop(self) -> (std::process::ExitStatus, String) {
        self.terminate();
        self.wait()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Sends SIGTERM and returns at once.
    pub fn terminate(&self) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    }

    /// Waits for the process to end: its exit status and everything it logged.
    pub fn wait(mut self) -> (std::process::ExitStatus, String) {
        let status = self.child.take().unwrap().wait().unwrap();
        (status, self.log.take().unwrap().join().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A minimal HTTP/1.1 GET over loopback: status and body, or `None` if nothing answers.
pub fn get(url: &str) -> Option<(u16, String)> {
    get_with(url, &[])
}

pub fn get_with(url: &str, headers: &[(&str, &str)]) -> Option<(u16, String)> {
    send("GET", url, headers, None)
}

/// One HTTP/1.1 request with an optional JSON body.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    // Longer than the server's own waits (5 s for a database connection), so a slow answer is
    // seen and reported by the test rather than lost as no answer.
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An nginx prefix directory in `dir` whose main configuration includes `site` inside `http {}`,
/// as the nginx image's conf.d does: returns Debian's nginx binary and the main configuration.
pub fn nginx_prefix(dir: &std::path::Path, site: &str, foreground: bool) -> (PathBuf, PathBuf) {
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let d = dir.display();
    let daemon = if foreground { "daemon off;\n" } else { "" };
    let main = format!(
        "{daemon}pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/site.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| std::path::Path::new(p).exists());
    (binary.expect("nginx is installed (scripts/test.sh installs Debian's)").into(), dir.join("nginx.conf"))
}

/// The signing keys kept in `dir` (a data directory, or a directory of `jwt_*_key.der` files for
/// `RSA_*_KEY_FILE_PATH`), generated there first if there are none, with Tessera's default key id.
pub fn keys_in(dir: &std::path::Path) -> tessera_auth::SigningKeys {
    let config = tessera_config::JwtConfig {
        key_files: None,
        issuer: "open-metadata.org".into(),
        key_id: "Gb389a-9f76-gdjs-a92j-0242bk94356".into(),
        previous: None,
    };
    tessera_auth::SigningKeys::load_or_generate(&config, dir).unwrap()
}

/// A user's session token signed with the keys kept in `dir` (see [`keys_in`]), as Tessera
/// issues them.
pub fn session_token(dir: &std::path::Path, name: &str, email: &str) -> String {
    use tessera_auth::{Expiry, Subject, TokenType};
    let subject = Subject { name, email, roles: &[], is_bot: false };
    let now = tessera_auth::verify::unix_now();
    keys_in(dir).mint("open-metadata.org", &subject, TokenType::OmUser, Expiry::OneHour, now).token
}

/// The `admin` user's session token (see [`session_token`]).
pub fn admin_token(dir: &std::path::Path) -> String {
    session_token(dir, "admin", "admin@open-metadata.org")
}

/// One API call with a bearer token over reqwest: status and JSON body (`Null` when not JSON).
pub async fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method.parse().unwrap(), format!("{}{path}", server.api)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}
