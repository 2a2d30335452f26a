//! Turns sources into a validated [`Config`], reporting every problem at once.

use crate::load_auth::{read_authentication, read_oidc};
use crate::load_database::read_database;
use crate::model::*;
use crate::problem::Problem;
use crate::reader::Reader;
use crate::settings::{STRICT_PREFIXES, closest_known, is_known};
use crate::source::Sources;
use std::path::PathBuf;

/// The outcome of a load: the configuration when there was no error, and every problem found.
#[derive(Debug)]
pub struct Loaded {
    pub config: Option<Config>,
    pub problems: Vec<Problem>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }
}

/// Well-known bot accounts of the original; none of them may be an admin principal.
pub const SYSTEM_BOTS: &[&str] = &[
    "ingestion-bot",
    "profiler-bot",
    "lineage-bot",
    "usage-bot",
    "testsuite-bot",
    "quality-bot",
    "autoclassification-bot",
];

const SECURITY: &str = "org.openmetadata.service.security.";

pub fn load(sources: &Sources) -> Loaded {
    let mut r = Reader::new(sources);
    let server = read_server(&mut r);
    let log = read_log(&mut r);
    let data_dir = PathBuf::from(r.text("TESSERA_DATA_DIR"));
    if data_dir.as_os_str().is_empty() {
        r.error(
            "TESSERA_DATA_DIR",
            "the data directory is empty",
            "set TESSERA_DATA_DIR to a writable folder, e.g. ./data",
        );
    }
    let cluster_name = r.text("OPENMETADATA_CLUSTER_NAME");
    let authorizer = read_authorizer(&mut r);
    let authentication = read_authentication(&mut r);
    let oidc = read_oidc(&mut r, authentication.client_type);
    if authentication.client_type == ClientType::Confidential
        && oidc.preferred_jws_algorithm != authentication.token_validation_algorithm
    {
        // The ID token from the code flow is also the UI's bearer token: one algorithm must accept it.
        r.error(
            "OIDC_PREFERRED_JWS",
            format!(
                "{} differs from AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM ({})",
                oidc.preferred_jws_algorithm, authentication.token_validation_algorithm
            ),
            "set both to the algorithm of your provider's signing keys (RS256 for Auth0)",
        );
    }
    let jwt = read_jwt(&mut r);
    let database = read_database(&mut r, &data_dir);
    let fernet_key = read_fernet(&mut r);
    let tokens = read_token_policy(&mut r);
    let login = crate::load_login::read_login(&mut r);
    let ldap = crate::load_ldap::read_ldap(&mut r, &authentication.provider);
    crate::load_login::check_admin_passwords(&mut r, &authentication.provider, &authorizer.admin_passwords);
    warn_unknown_vars(&mut r, sources);

    let problems = r.problems;
    let config = (!problems.iter().any(Problem::is_error)).then_some(Config {
        server,
        log,
        data_dir,
        cluster_name,
        authorizer,
        authentication,
        oidc,
        jwt,
        database,
        fernet_key,
        tokens,
        login,
        ldap,
    });
    Loaded { config, problems }
}

const MAX_DRAIN_SECONDS: u64 = 300;

fn read_server(r: &mut Reader) -> ServerConfig {
    let host = r.text("SERVER_HOST");
    if host.is_empty() || host.contains(['/', ' ']) {
        r.error(
            "SERVER_HOST",
            format!("{host:?} is not an address to listen on"),
            "use 0.0.0.0 (all interfaces), 127.0.0.1 or a host name",
        );
    }
    let port = r.port("SERVER_PORT");
    let admin_port = r.port("SERVER_ADMIN_PORT");
    if port == admin_port {
        r.error(
            "SERVER_ADMIN_PORT",
            format!("the API and admin ports are both {port}"),
            "give SERVER_ADMIN_PORT another port, e.g. 8586",
        );
    }
    // Longer than any orchestrator waits before its SIGKILL is a mistake, not a choice.
    let drain_seconds = r.seconds("TESSERA_DRAIN_SECONDS").unwrap_or(0);
    if drain_seconds > MAX_DRAIN_SECONDS {
        r.error(
            "TESSERA_DRAIN_SECONDS",
            format!("{drain_seconds} s is longer than the {MAX_DRAIN_SECONDS} s Tessera waits at most"),
            "use 0 (stop at once) to 300; 5-15 suits a load balancer that polls /ready",
        );
    }
    let header_read_timeout_seconds = seconds_within(
        r,
        "TESSERA_HEADER_READ_TIMEOUT_SECONDS",
        20,
        MAX_HEADER_READ_TIMEOUT_SECONDS,
        "use 1 to 120; 10-30 lets slow networks through and sheds clients that only hold a socket",
    );
    let idle_timeout_seconds = seconds_within(
        r,
        "TESSERA_IDLE_TIMEOUT_SECONDS",
        60,
        MAX_IDLE_TIMEOUT_SECONDS,
        "use 1 to 3600; keep it above the idle timeout of a proxy in front of Tessera",
    );
    let max_connections = match r.integer("TESSERA_MAX_CONNECTIONS") {
        None | Some(0) => None,
        Some(n) if n > 0 => Some(n as u64),
        Some(n) => {
            r.error(
                "TESSERA_MAX_CONNECTIONS",
                format!("{n} is negative"),
                "use 0 (derived from the open-file limit) or a positive number of connections",
            );
            None
        }
    };
    ServerConfig {
        host,
        port,
        admin_port,
        drain_seconds: drain_seconds.min(MAX_DRAIN_SECONDS),
        header_read_timeout_seconds,
        idle_timeout_seconds,
        max_connections,
    }
}

const MAX_HEADER_READ_TIMEOUT_SECONDS: u64 = 120;
const MAX_IDLE_TIMEOUT_SECONDS: u64 = 3600;

/// A timeout in seconds, 1..=max: 0 would close every connection at once and a day-long timeout
/// is no timeout.
fn seconds_within(r: &mut Reader, env: &str, default: u64, max: u64, fix: &str) -> u64 {
    match r.seconds(env) {
        Some(n) if (1..=max).contains(&n) => n,
        Some(n) => {
            r.error(env, format!("{n} s is outside 1 to {max} s"), fix);
            default
        }
        None => default,
    }
}

fn read_log(r: &mut Reader) -> LogConfig {
    let level = match r.one_of("LOG_LEVEL", &["OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL"]) {
        "OFF" => LogLevel::Off,
        "ERROR" => LogLevel::Error,
        "WARN" => LogLevel::Warn,
        "DEBUG" => LogLevel::Debug,
        "TRACE" | "ALL" => LogLevel::Trace,
        _ => LogLevel::Info,
    };
    let format = match r.one_of("TESSERA_LOG_FORMAT", &["text", "json"]) {
        "json" => LogFormat::Json,
        _ => LogFormat::Text,
    };
    LogConfig { level, format }
}

/// Accepts the original's class names, with or without the package.
fn class_name(r: &mut Reader, env: &str, choices: &[&'static str]) -> &'static str {
    let given = r.text(env);
    let short = given.strip_prefix(SECURITY).unwrap_or(&given);
    if let Some(found) = choices.iter().find(|c| **c == short) {
        return found;
    }
    let full: Vec<String> = choices.iter().map(|c| format!("{SECURITY}{c}")).collect();
    r.error(env, format!("unsupported class {given:?}"), format!("use one of: {}", full.join(", ")));
    choices[0]
}

fn read_authorizer(r: &mut Reader) -> AuthorizerConfig {
    let kind = match class_name(r, "AUTHORIZER_CLASS_NAME", &["DefaultAuthorizer", "NoopAuthorizer"]) {
        "NoopAuthorizer" => AuthorizerKind::Noop,
        _ => AuthorizerKind::Default,
    };
    let request_filter = match class_name(r, "AUTHORIZER_REQUEST_FILTER", &["JwtFilter", "NoopFilter"]) {
        "NoopFilter" => RequestFilter::Noop,
        _ => RequestFilter::Jwt,
    };
    let mut admin_principals = Vec::new();
    let mut admin_passwords = Vec::new();
    for entry in r.list("AUTHORIZER_ADMIN_PRINCIPALS") {
        let (name, password) = crate::load_login::split_admin_entry(&entry);
        if let Some(password) = password {
            admin_passwords.push((name.clone(), password));
        }
        admin_principals.push(name);
    }
    let bot_principals = r.list("AUTHORIZER_INGESTION_PRINCIPALS");
    for admin in &admin_principals {
        let is_bot =
            SYSTEM_BOTS.contains(&admin.as_str()) || bot_principals.iter().any(|b| b.eq_ignore_ascii_case(admin));
        if is_bot {
            r.error(
                "AUTHORIZER_ADMIN_PRINCIPALS",
                format!("{admin:?} is a bot; bots cannot be admins"),
                format!("remove {admin} from AUTHORIZER_ADMIN_PRINCIPALS and give the bot a role instead"),
            );
        } else if admin.contains('@') {
            r.error(
                "AUTHORIZER_ADMIN_PRINCIPALS",
                format!("{admin:?} is an email address; admin principals are user names"),
                format!("write the part before the @: {}", admin.split('@').next().unwrap_or_default()),
            );
        }
    }
    let principal_domain = r.text("AUTHORIZER_PRINCIPAL_DOMAIN").to_lowercase();
    if principal_domain.is_empty() || principal_domain.contains(['@', '/', ' ']) {
        r.error(
            "AUTHORIZER_PRINCIPAL_DOMAIN",
            format!("{principal_domain:?} is not an email domain"),
            "use your users' email domain, e.g. example.com",
        );
    }
    let config = AuthorizerConfig {
        kind,
        request_filter,
        admin_principals,
        admin_passwords,
        allowed_registration_domains: r.list("AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN"),
        bot_principals,
        principal_domain,
        enforce_principal_domain: r.boolean("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN"),
        allowed_domains: r.list("AUTHORIZER_ALLOWED_DOMAINS").iter().map(|d| d.to_lowercase()).collect(),
        enable_secure_socket: r.boolean("AUTHORIZER_ENABLE_SECURE_SOCKET"),
        use_roles_from_provider: r.boolean("AUTHORIZER_USE_ROLES_FROM_PROVIDER"),
        provider_roles_claim: provider_roles_claim(r),
    };
    if config.request_filter == RequestFilter::Noop {
        r.warn(
            "AUTHORIZER_REQUEST_FILTER",
            "NoopFilter turns authentication off: anyone who can reach the port is treated as a user",
            "use org.openmetadata.service.security.JwtFilter outside local experiments",
        );
    }
    if config.kind == AuthorizerKind::Noop {
        r.warn(
            "AUTHORIZER_CLASS_NAME",
            "NoopAuthorizer allows every operation to every authenticated caller",
            "use org.openmetadata.service.security.DefaultAuthorizer outside local experiments",
        );
    }
    config
}

fn read_jwt(r: &mut Reader) -> JwtConfig {
    let private_key = r.text("RSA_PRIVATE_KEY_FILE_PATH");
    let public_key = r.text("RSA_PUBLIC_KEY_FILE_PATH");
    let key_files = match (private_key.is_empty(), public_key.is_empty()) {
        (true, true) => None,
        (false, false) => Some(KeyFiles { private_key: private_key.into(), public_key: public_key.into() }),
        (true, false) => {
            r.error("RSA_PRIVATE_KEY_FILE_PATH", "only the public key file is set", "set both RSA_PRIVATE_KEY_FILE_PATH and RSA_PUBLIC_KEY_FILE_PATH, or neither to let Tessera generate a key pair");
            None
        }
        (false, true) => {
            r.error("RSA_PUBLIC_KEY_FILE_PATH", "only the private key file is set", "set both RSA_PRIVATE_KEY_FILE_PATH and RSA_PUBLIC_KEY_FILE_PATH, or neither to let Tessera generate a key pair");
            None
        }
    };
    let issuer = r.text("JWT_ISSUER");
    if issuer.is_empty() {
        r.error(
            "JWT_ISSUER",
            "the issuer of Tessera's own tokens is empty",
            "set JWT_ISSUER to your domain, e.g. open-metadata.org",
        );
    }
    let key_id = r.text("JWT_KEY_ID");
    if key_id.is_empty() {
        r.error(
            "JWT_KEY_ID",
            "the key id of Tessera's signing key is empty",
            "set JWT_KEY_ID to a UUID generated once and kept",
        );
    }
    let previous = read_previous_key(r, &key_id);
    JwtConfig { key_files, issuer, key_id, previous }
}

/// The retiring key of a rotation: its public half (X.509 DER) and its key id (the current
/// JWT_KEY_ID when unset, as it was before the rotation).
fn read_previous_key(r: &mut Reader, current_key_id: &str) -> Option<PreviousKey> {
    let public_key = r.text("TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH");
    let key_id = r.text("TESSERA_PREVIOUS_JWT_KEY_ID");
    if public_key.is_empty() {
        if !key_id.is_empty() {
            r.warn(
                "TESSERA_PREVIOUS_JWT_KEY_ID",
                "set without TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH, so it has no effect",
                "set both while a previous signing key is still trusted, or neither",
            );
        }
        return None;
    }
    if r.text("FERNET_KEY").is_empty() {
        r.error(
            "TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH",
            "a signing-key rotation without FERNET_KEY: the secrets stored so far (bot tokens, connection passwords) \
             are sealed with a key derived from the previous private key, which the new one cannot open",
            "set FERNET_KEY to what `tessera secrets-key` printed with the previous RSA_*_KEY_FILE_PATH, then restart",
        );
    }
    let key_id = if key_id.is_empty() { current_key_id.to_string() } else { key_id };
    Some(PreviousKey { public_key: public_key.into(), key_id })
}

fn read_fernet(r: &mut Reader) -> Option<Secret> {
    let key = r.text("FERNET_KEY");
    if key.is_empty() {
        return None;
    }
    if crate::fernet_key::decode(&key).is_none() {
        r.error("FERNET_KEY", "not a Fernet key (32 bytes in base64)", "generate one with: openssl rand -base64 32");
    } else if key == crate::settings::setting("FERNET_KEY").and_then(|s| s.original_default).unwrap_or_default() {
        r.warn("FERNET_KEY", "this is the key published in OpenMetadata's sample configuration: anyone can decrypt secrets stored with it", "generate your own with: openssl rand -base64 32");
    }
    Some(Secret::new(key))
}

fn read_token_policy(r: &mut Reader) -> TokenPolicy {
    let policy = TokenPolicy {
        leeway_seconds: r.seconds("TESSERA_TOKEN_LEEWAY_SECONDS").unwrap_or(60),
        api_audiences: r.list("TESSERA_API_AUDIENCES"),
        insecure_skip_issuer_check: r.boolean("TESSERA_INSECURE_SKIP_ISSUER_CHECK"),
        insecure_skip_audience_check: r.boolean("TESSERA_INSECURE_SKIP_AUDIENCE_CHECK"),
        jwks_refresh_seconds: r.seconds("TESSERA_JWKS_REFRESH_SECONDS").unwrap_or(600).max(10),
        max_personal_tokens: r.integer("TESSERA_MAX_PERSONAL_TOKENS").unwrap_or(100).clamp(1, 10_000) as u64,
        allow_unverified_email: r.boolean("TESSERA_ALLOW_UNVERIFIED_EMAIL"),
    };
    if policy.insecure_skip_issuer_check {
        r.warn(
            "TESSERA_INSECURE_SKIP_ISSUER_CHECK",
            "provider tokens are accepted whatever their issuer",
            "leave it false unless you must match the original server",
        );
    }
    if policy.insecure_skip_audience_check {
        r.warn(
            "TESSERA_INSECURE_SKIP_AUDIENCE_CHECK",
            "tokens minted for any application of your identity provider are accepted",
            "leave it false; add your API's audience to TESSERA_API_AUDIENCES instead",
        );
    }
    if policy.leeway_seconds > 600 {
        r.warn(
            "TESSERA_TOKEN_LEEWAY_SECONDS",
            format!("{} seconds of clock skew is a lot: expired tokens stay valid that long", policy.leeway_seconds),
            "use 60 or less and keep clocks in sync (NTP)",
        );
    }
    policy
}

fn warn_unknown_vars(r: &mut Reader, sources: &Sources) {
    for name in sources.vars().keys() {
        if !STRICT_PREFIXES.iter().any(|p| name.starts_with(p)) || is_known(name) {
            continue;
        }
        let fix = match closest_known(name) {
            Some(known) => format!("did you mean {known}?"),
            None => "remove it; see docs/configuration.md for the variables Tessera reads".to_string(),
        };
        r.warn(name, "unknown variable: neither Tessera nor OpenMetadata reads it", fix);
    }
}

/// `TESSERA_PROVIDER_ROLES_CLAIM`, or where the provider puts role names when it is empty:
/// Cognito's user-pool groups, Keycloak's realm roles, Okta's groups, else `roles` (Entra ID's
/// app roles).
fn provider_roles_claim(r: &mut Reader) -> String {
    let claim = r.text("TESSERA_PROVIDER_ROLES_CLAIM");
    if !claim.is_empty() {
        return claim;
    }
    let provider = r.text("AUTHENTICATION_PROVIDER");
    let authority = r.text("AUTHENTICATION_AUTHORITY");
    let default = match provider.as_str() {
        "aws-cognito" => "cognito:groups",
        "okta" => "groups",
        _ if authority.contains("/realms/") => "realm_access.roles",
        _ => "roles",
    };
    default.to_string()
}
