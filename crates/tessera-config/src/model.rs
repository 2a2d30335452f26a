//! The typed, validated configuration every other crate reads.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// A secret value: never printed by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the code that uses it (never for logs).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"********\"" })
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    pub log: LogConfig,
    pub data_dir: PathBuf,
    pub cluster_name: String,
    pub authorizer: AuthorizerConfig,
    pub authentication: AuthenticationConfig,
    pub oidc: OidcConfig,
    pub jwt: JwtConfig,
    pub database: DatabaseConfig,
    pub fernet_key: Option<Secret>,
    pub tokens: TokenPolicy,
    pub login: LoginConfig,
    /// With `AUTHENTICATION_PROVIDER=ldap`.
    pub ldap: Option<LdapConfig>,
}

/// Where the LDAP directory is and how Tessera finds users in it.
#[derive(Debug, Clone)]
pub struct LdapConfig {
    pub host: String,
    pub port: u16,
    /// `ldaps://` (TLS from the first byte).
    pub tls: bool,
    pub trust: LdapTrust,
    /// The lookup account that searches for users.
    pub admin_dn: String,
    pub admin_password: Secret,
    pub user_base_dn: String,
    /// The attribute holding a user's email (usually `mail`).
    pub mail_attribute: String,
    /// Connections of the lookup account kept open.
    pub pool_size: usize,
    /// Roles from directory groups, when configured.
    pub groups: Option<LdapGroups>,
}

/// Which directory groups give which roles.
#[derive(Debug, Clone)]
pub struct LdapGroups {
    pub base_dn: String,
    /// `(<attribute>=<value>)` marks an entry as a group, e.g. `objectClass` = `groupOfNames`.
    pub attribute: String,
    pub value: String,
    /// The group attribute holding members' DNs, e.g. `member`.
    pub member_attribute: String,
    /// A mapped role of this name makes the user an admin.
    pub admin_role: String,
    /// Group DN (lower-cased) → role names.
    pub mapping: std::collections::BTreeMap<String, Vec<String>>,
    /// Which roles (and whether the admin flag) each sign-in takes from the groups.
    pub reassign: RoleReassignment,
}

/// `AUTH_REASSIGN_ROLES`: the roles the directory decides. `[*]` is all of them (and the admin
/// flag); otherwise only the listed ones (the admin flag if its role name is listed), while other
/// roles a user has stay as an admin set them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleReassignment {
    All,
    Only(std::collections::BTreeSet<String>),
}

impl RoleReassignment {
    fn covers(&self, role: &str) -> bool {
        match self {
            RoleReassignment::All => true,
            RoleReassignment::Only(names) => names.contains(role),
        }
    }

    /// The roles a user has after a sign-in: the `mapped` ones the directory decides, plus the
    /// `current` ones it does not; in `current` order first, without repeats.
    pub fn roles_after(&self, current: &[String], mapped: &[String]) -> Vec<String> {
        let kept = current.iter().filter(|r| !self.covers(r));
        let given = mapped.iter().filter(|r| self.covers(r));
        let mut roles: Vec<String> = Vec::new();
        for role in kept.chain(given) {
            if !roles.contains(role) {
                roles.push(role.clone());
            }
        }
        roles
    }

    /// Whether the directory decides the admin flag (through the role named `admin_role`).
    pub fn decides_admin(&self, admin_role: &str) -> bool {
        !admin_role.is_empty() && self.covers(admin_role)
    }
}

/// Which certificates Tessera accepts from the directory over TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LdapTrust {
    /// The system's trusted CAs.
    System,
    /// Only the CA(s) in this PEM file.
    CaFile(std::path::PathBuf),
}

/// Password sign-in's limits (`AUTHENTICATION_PROVIDER=basic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginConfig {
    /// Failed logins in a row after which an account is blocked.
    pub max_failed_attempts: u32,
    /// How long a blocked account stays blocked, from its last failed login.
    pub block_seconds: u64,
    /// The lifetime of the access token a login returns.
    pub token_seconds: u64,
}

/// How bearer tokens are checked beyond their signature.
#[derive(Debug, Clone)]
pub struct TokenPolicy {
    /// Seconds of clock skew accepted on `exp`, `nbf` and `iat`.
    pub leeway_seconds: u64,
    /// Audiences accepted besides the client id (an Auth0 API's identifier).
    pub api_audiences: Vec<String>,
    /// The original never checks `iss` of provider tokens; this restores that (unsafe).
    pub insecure_skip_issuer_check: bool,
    /// The original never checks `aud` of provider tokens; this restores that (unsafe).
    pub insecure_skip_audience_check: bool,
    /// How often provider JWKS are refreshed in the background.
    pub jwks_refresh_seconds: u64,
    /// The most personal access tokens a user may hold at once (unexpired ones).
    pub max_personal_tokens: u64,
    /// Accept provider tokens whose `email_verified` is false (refused by default).
    pub allow_unverified_email: bool,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub admin_port: u16,
    /// After SIGTERM, answer `/ready` with 503 but keep serving this long before closing the
    /// listeners, so a load balancer stops sending new requests first (TESSERA_DRAIN_SECONDS).
    pub drain_seconds: u64,
    /// How long a request's head may take to arrive, and how long its body may stall
    /// (TESSERA_HEADER_READ_TIMEOUT_SECONDS).
    pub header_read_timeout_seconds: u64,
    /// How long a keep-alive connection may wait for its next request (TESSERA_IDLE_TIMEOUT_SECONDS).
    pub idle_timeout_seconds: u64,
    /// The most connections the API port holds at once; `None` derives it from the open-file
    /// limit (TESSERA_MAX_CONNECTIONS, 0 = derive).
    pub max_connections: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    /// The `tracing` filter directive for this level.
    pub fn directive(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub level: LogLevel,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizerKind {
    /// `org.openmetadata.service.security.DefaultAuthorizer`: roles and policies decide.
    Default,
    /// `org.openmetadata.service.security.NoopAuthorizer`: everything is allowed.
    Noop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFilter {
    /// `org.openmetadata.service.security.JwtFilter`: every API request carries a verified token.
    Jwt,
    /// `org.openmetadata.service.security.NoopFilter`: no authentication at all.
    Noop,
}

#[derive(Debug, Clone)]
pub struct AuthorizerConfig {
    pub kind: AuthorizerKind,
    pub request_filter: RequestFilter,
    pub admin_principals: Vec<String>,
    /// `name:password` entries of `AUTHORIZER_ADMIN_PRINCIPALS` (password sign-in's first
    /// passwords; ignored by other providers).
    pub admin_passwords: Vec<(String, Secret)>,
    pub allowed_registration_domains: Vec<String>,
    pub bot_principals: Vec<String>,
    pub principal_domain: String,
    pub enforce_principal_domain: bool,
    pub allowed_domains: Vec<String>,
    pub enable_secure_socket: bool,
    pub use_roles_from_provider: bool,
    /// The claim holding role names when `use_roles_from_provider`.
    pub provider_roles_claim: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientType {
    Public,
    Confidential,
}

impl ClientType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientType::Public => "public",
            ClientType::Confidential => "confidential",
        }
    }
}

/// `jwtPrincipalClaimsMapping`: which claims give the user name and the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsMapping {
    pub username: String,
    pub email: String,
}

#[derive(Debug, Clone)]
pub struct AuthenticationConfig {
    pub provider: String,
    pub provider_name: String,
    pub client_type: ClientType,
    pub response_type: String,
    pub public_key_urls: Vec<String>,
    pub token_validation_algorithm: crate::JwsAlgorithm,
    pub authority: String,
    /// The `iss` (and Entra ID `tid`) values that name the provider, derived from the authority.
    pub issuer_rule: crate::IssuerRule,
    pub client_id: String,
    pub callback_url: String,
    pub jwt_principal_claims: Vec<String>,
    /// The mapping entries as written (`username:claim`), echoed by `/system/config/auth`.
    pub jwt_principal_claims_mapping_raw: Vec<String>,
    pub jwt_principal_claims_mapping: Option<ClaimsMapping>,
    pub enable_self_signup: bool,
}

#[derive(Debug, Clone)]
pub struct OidcConfig {
    pub client_id: String,
    pub oidc_type: String,
    pub client_secret: Secret,
    pub scope: String,
    pub discovery_uri: String,
    pub use_nonce: bool,
    pub preferred_jws_algorithm: crate::JwsAlgorithm,
    pub response_type: String,
    pub disable_pkce: bool,
    pub callback_url: String,
    pub server_url: String,
    pub client_auth_method: String,
    pub tenant: String,
    pub max_clock_skew_seconds: Option<u64>,
    pub token_validity_seconds: u64,
    pub custom_params: BTreeMap<String, String>,
    pub max_age_seconds: Option<u64>,
    pub prompt: String,
    pub session_expiry_seconds: u64,
    /// Origins (`scheme://host[:port]`) besides `server_url`'s that sign-in may redirect to.
    pub allowed_redirect_origins: Vec<String>,
    pub session_idle_seconds: u64,
}

#[derive(Debug, Clone)]
pub struct JwtConfig {
    /// Both paths, or neither (then Tessera keeps a generated pair in the data directory).
    pub key_files: Option<KeyFiles>,
    pub issuer: String,
    pub key_id: String,
    /// The key pair this one replaced, still published and trusted until it is retired.
    pub previous: Option<PreviousKey>,
}

/// `TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH` and `TESSERA_PREVIOUS_JWT_KEY_ID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousKey {
    pub public_key: PathBuf,
    pub key_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    pub private_key: PathBuf,
    pub public_key: PathBuf,
}

#[derive(Debug, Clone)]
pub enum DatabaseConfig {
    /// The embedded database, `tessera.db` in the data directory.
    Sqlite { path: PathBuf },
    /// A PostgreSQL server.
    Postgres(PostgresConfig),
}

#[derive(Debug, Clone)]
pub struct PostgresConfig {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Secret,
    pub database: String,
    /// libpq-style parameters passed on (`sslmode`, `application_name`, ...).
    pub params: BTreeMap<String, String>,
    pub max_connections: u32,
}

impl PostgresConfig {
    /// The connection target without the password, for messages and logs.
    pub fn describe(&self) -> String {
        format!("postgresql://{}@{}:{}/{}", self.user, self.host, self.port, self.database)
    }
}
