//! The e2e/idp OpenID provider (`oidc-provider`, configured like an Auth0 tenant) as a child process.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Provider {
    child: Child,
    pub issuer: String,
}

impl Provider {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// With extra command-line arguments, e.g. `--redirect-uri URL`, `--id-token-ttl S`.
    pub fn start_with(args: &[&str]) -> Self {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e/idp");
        assert!(
            root.join("node_modules/oidc-provider").exists(),
            "run `npm ci --prefix e2e/idp` first (./scripts/test.sh does)"
        );
        let mut child = Command::new("node")
            .arg(root.join("server.mjs"))
            .args(["--port", "0", "--exit-on-stdin-close"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node is installed");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let ready: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("provider did not start: {e}: {line:?}"));
        Self { child, issuer: ready["issuer"].as_str().unwrap().to_string() }
    }

    pub async fn tokens(&self, query: &str) -> Value {
        let url = format!("{}__test/tokens?{query}", self.issuer);
        let response = reqwest::get(&url).await.unwrap();
        let body: Value = response.json().await.unwrap();
        assert!(body.get("error").is_none(), "{url}: {body}");
        body
    }

    pub async fn rotate(&self) {
        let response =
            reqwest::Client::new().post(format!("{}__test/rotate?drop_old=1", self.issuer)).send().await.unwrap();
        assert!(response.status().is_success());
    }
}

impl Provider {
    /// Stops the provider now (it is unreachable afterwards).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
