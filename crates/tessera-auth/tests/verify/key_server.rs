//! A small JWKS server and token factory for adversarial tests.

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tessera_auth::{RevocationState, SigningKeys, Verifier};
use tessera_config::{Sources, load};

pub const CLIENT_ID: &str = "tessera-spa";

/// An RSA key with a kid.
pub struct TestKey {
    pub kid: String,
    encoding: EncodingKey,
    pub n: Vec<u8>,
    pub e: Vec<u8>,
}

impl TestKey {
    pub fn new(kid: &str) -> Self {
        use aws_lc_rs::encoding::AsDer;
        use aws_lc_rs::signature::KeyPair as _;
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let pkcs8 = pair.as_der().unwrap();
        let pkcs1 = pkcs8::PrivateKeyInfo::try_from(pkcs8.as_ref()).unwrap().private_key.to_vec();
        let public = pair.public_key();
        Self {
            kid: kid.into(),
            encoding: EncodingKey::from_rsa_der(&pkcs1),
            n: public.modulus().big_endian_without_leading_zero().to_vec(),
            e: public.exponent().big_endian_without_leading_zero().to_vec(),
        }
    }

    /// The same key material under another kid.
    pub fn with_kid(&self, kid: &str) -> Self {
        Self { kid: kid.into(), encoding: self.encoding.clone(), n: self.n.clone(), e: self.e.clone() }
    }

    pub fn jwk(&self) -> Value {
        json!({"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256", "n": URL_SAFE_NO_PAD.encode(&self.n), "e": URL_SAFE_NO_PAD.encode(&self.e)})
    }

    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }

    pub fn sign_with_header(&self, header: Header, claims: &Value) -> String {
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Garbage,
    Hang,
}

#[derive(Clone)]
pub struct KeyServer {
    pub url: String,
    pub issuer: String,
    jwks: Arc<Mutex<Value>>,
    mode: Arc<Mutex<Mode>>,
    hits: Arc<AtomicUsize>,
}

impl KeyServer {
    pub async fn start(keys: &[&TestKey]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = Self {
            url: format!("{base}/.well-known/jwks.json"),
            issuer: format!("{base}/"),
            jwks: Arc::new(Mutex::new(json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()}))),
            mode: Arc::new(Mutex::new(Mode::Serve)),
            hits: Arc::new(AtomicUsize::new(0)),
        };
        let app = axum::Router::new().route("/.well-known/jwks.json", get(serve_jwks)).with_state(server.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        server
    }

    pub fn set_keys(&self, jwks: Value) {
        *self.jwks.lock().unwrap() = jwks;
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// Claims of a good ID token for `user`.
    pub fn claims(&self, email: &str) -> Value {
        let now = tessera_auth::verify::unix_now();
        json!({"iss": self.issuer, "aud": CLIENT_ID, "sub": format!("auth0|{email}"), "email": email, "iat": now, "exp": now + 3600})
    }
}

async fn serve_jwks(State(server): State<KeyServer>) -> axum::response::Response {
    server.hits.fetch_add(1, Ordering::SeqCst);
    let mode = *server.mode.lock().unwrap();
    match mode {
        Mode::Serve => axum::Json(server.jwks.lock().unwrap().clone()).into_response(),
        Mode::Garbage => "<html>Moved</html>".into_response(),
        Mode::Hang => {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            "late".into_response()
        }
    }
}

/// A verifier configured like an Auth0 deployment pointing at `server`, plus Tessera's own keys.
pub struct Setup {
    pub verifier: Verifier,
    pub keys: SigningKeys,
    pub revocation: Arc<RevocationState>,
    _dir: tempfile::TempDir,
}

pub fn setup(server: &KeyServer, extra: &[(&str, &str)]) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let authority = server.issuer.trim_end_matches('/').to_string();
    let mut vars: BTreeMap<String, String> = [
        ("AUTHENTICATION_PROVIDER", "auth0"),
        ("AUTHENTICATION_CLIENT_ID", CLIENT_ID),
        ("AUTHORIZER_PRINCIPAL_DOMAIN", "example.com"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    vars.insert("AUTHENTICATION_AUTHORITY".into(), authority);
    vars.insert(
        "AUTHENTICATION_PUBLIC_KEYS".into(),
        format!("[{}, http://localhost:8585/api/v1/system/config/jwks]", server.url),
    );
    vars.insert("TESSERA_DATA_DIR".into(), dir.path().display().to_string());
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    let loaded = load(&Sources::from_vars(vars));
    let config = loaded.config.unwrap_or_else(|| panic!("{:?}", loaded.problems));
    let keys = SigningKeys::load_or_generate(&config.jwt, &config.data_dir).unwrap();
    let revocation = Arc::new(RevocationState::default());
    let verifier = Verifier::new(Arc::new(config), &keys, revocation.clone());
    Setup { verifier, keys, revocation, _dir: dir }
}
