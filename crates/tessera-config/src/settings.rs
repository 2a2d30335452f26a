//! The registry of every variable Tessera knows: the original's env vars (same name, same default,
//! same value syntax) plus Tessera's own. One table drives loading, `config show`, the unknown-variable
//! warnings and the env-file linter, so a variable cannot be known to one and missing from another.

/// One configurable value.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Environment variable name, as in OpenMetadata's `openmetadata.yaml`.
    pub env: &'static str,
    /// Where the value lives in an `openmetadata.yaml`-style file (`a.b[0].c`).
    pub path: &'static str,
    /// Tessera's default, written in the same YAML-fragment syntax as an env value.
    pub default: &'static str,
    /// Secrets are redacted wherever the configuration is printed.
    pub secret: bool,
    /// The original's default, when Tessera deliberately differs (see docs/compatibility.md).
    pub original_default: Option<&'static str>,
}

const fn s(env: &'static str, path: &'static str, default: &'static str) -> Setting {
    Setting { env, path, default, secret: false, original_default: None }
}

const fn secret(env: &'static str, path: &'static str, default: &'static str) -> Setting {
    Setting { env, path, default, secret: true, original_default: None }
}

const fn differs(env: &'static str, path: &'static str, default: &'static str, original: &'static str) -> Setting {
    Setting { env, path, default, secret: false, original_default: Some(original) }
}

/// Every setting Tessera reads.
pub const SETTINGS: &[Setting] = &[
    // Server (Dropwizard `server:` block).
    s("SERVER_HOST", "server.applicationConnectors[0].bindHost", "0.0.0.0"),
    s("SERVER_PORT", "server.applicationConnectors[0].port", "8585"),
    s("SERVER_ADMIN_PORT", "server.adminConnectors[0].port", "8586"),
    s("LOG_LEVEL", "logging.level", "INFO"),
    s("OPENMETADATA_CLUSTER_NAME", "clusterName", "openmetadata"),
    // Authorizer.
    s(
        "AUTHORIZER_CLASS_NAME",
        "authorizerConfiguration.className",
        "org.openmetadata.service.security.DefaultAuthorizer",
    ),
    s(
        "AUTHORIZER_REQUEST_FILTER",
        "authorizerConfiguration.containerRequestFilter",
        "org.openmetadata.service.security.JwtFilter",
    ),
    // A secret because entries may be `name:password` (password sign-in); `config show` keeps the names.
    secret("AUTHORIZER_ADMIN_PRINCIPALS", "authorizerConfiguration.adminPrincipals", "[admin]"),
    s("AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN", "authorizerConfiguration.allowedEmailRegistrationDomains", "[\"all\"]"),
    s("AUTHORIZER_INGESTION_PRINCIPALS", "authorizerConfiguration.botPrincipals", "[ingestion-bot]"),
    s("AUTHORIZER_PRINCIPAL_DOMAIN", "authorizerConfiguration.principalDomain", "\"open-metadata.org\""),
    s("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN", "authorizerConfiguration.enforcePrincipalDomain", "false"),
    s("AUTHORIZER_ALLOWED_DOMAINS", "authorizerConfiguration.allowedDomains", "[]"),
    s("AUTHORIZER_ENABLE_SECURE_SOCKET", "authorizerConfiguration.enableSecureSocketConnection", "false"),
    s("AUTHORIZER_USE_ROLES_FROM_PROVIDER", "authorizerConfiguration.useRolesFromProvider", "false"),
    s("TESSERA_PROVIDER_ROLES_CLAIM", "tessera.providerRolesClaim", "\"\""),
    // Authentication.
    s("AUTHENTICATION_PROVIDER", "authenticationConfiguration.provider", "basic"),
    differs("AUTHENTICATION_RESPONSE_TYPE", "authenticationConfiguration.responseType", "code", "id_token"),
    s("CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME", "authenticationConfiguration.providerName", "\"\""),
    s(
        "AUTHENTICATION_PUBLIC_KEYS",
        "authenticationConfiguration.publicKeyUrls",
        "[http://localhost:8585/api/v1/system/config/jwks]",
    ),
    s("AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM", "authenticationConfiguration.tokenValidationAlgorithm", "\"RS256\""),
    s("AUTHENTICATION_AUTHORITY", "authenticationConfiguration.authority", "https://accounts.google.com"),
    s("AUTHENTICATION_CLIENT_ID", "authenticationConfiguration.clientId", "\"\""),
    s("AUTHENTICATION_CALLBACK_URL", "authenticationConfiguration.callbackUrl", "\"\""),
    s(
        "AUTHENTICATION_JWT_PRINCIPAL_CLAIMS",
        "authenticationConfiguration.jwtPrincipalClaims",
        "[email,preferred_username,sub]",
    ),
    s("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING", "authenticationConfiguration.jwtPrincipalClaimsMapping", "[]"),
    s("AUTHENTICATION_ENABLE_SELF_SIGNUP", "authenticationConfiguration.enableSelfSignup", "true"),
    s("AUTHENTICATION_CLIENT_TYPE", "authenticationConfiguration.clientType", "public"),
    // OIDC relying party (confidential clients).
    s("OIDC_CLIENT_ID", "authenticationConfiguration.oidcConfiguration.id", "\"\""),
    s("OIDC_TYPE", "authenticationConfiguration.oidcConfiguration.type", "\"\""),
    secret("OIDC_CLIENT_SECRET", "authenticationConfiguration.oidcConfiguration.secret", "\"\""),
    s("OIDC_SCOPE", "authenticationConfiguration.oidcConfiguration.scope", "\"openid email profile\""),
    s("OIDC_DISCOVERY_URI", "authenticationConfiguration.oidcConfiguration.discoveryUri", "\"\""),
    s("OIDC_USE_NONCE", "authenticationConfiguration.oidcConfiguration.useNonce", "true"),
    s("OIDC_PREFERRED_JWS", "authenticationConfiguration.oidcConfiguration.preferredJwsAlgorithm", "\"RS256\""),
    s("OIDC_RESPONSE_TYPE", "authenticationConfiguration.oidcConfiguration.responseType", "\"code\""),
    differs("OIDC_DISABLE_PKCE", "authenticationConfiguration.oidcConfiguration.disablePkce", "false", "true"),
    s(
        "OIDC_CALLBACK",
        "authenticationConfiguration.oidcConfiguration.callbackUrl",
        "\"http://localhost:8585/callback\"",
    ),
    s("OIDC_SERVER_URL", "authenticationConfiguration.oidcConfiguration.serverUrl", "\"http://localhost:8585\""),
    s(
        "OIDC_CLIENT_AUTH_METHOD",
        "authenticationConfiguration.oidcConfiguration.clientAuthenticationMethod",
        "\"client_secret_post\"",
    ),
    s("OIDC_TENANT", "authenticationConfiguration.oidcConfiguration.tenant", "\"\""),
    s("OIDC_MAX_CLOCK_SKEW", "authenticationConfiguration.oidcConfiguration.maxClockSkew", "\"\""),
    s("OIDC_OM_REFRESH_TOKEN_VALIDITY", "authenticationConfiguration.oidcConfiguration.tokenValidity", "\"3600\""),
    s("OIDC_CUSTOM_PARAMS", "authenticationConfiguration.oidcConfiguration.customParams", "{}"),
    s("OIDC_MAX_AGE", "authenticationConfiguration.oidcConfiguration.maxAge", "\"\""),
    s("OIDC_PROMPT_TYPE", "authenticationConfiguration.oidcConfiguration.prompt", "\"\""),
    s("OIDC_SESSION_EXPIRY", "authenticationConfiguration.oidcConfiguration.sessionExpiry", "604800"),
    // Tessera's own signing keys for bot and personal access tokens.
    differs("RSA_PUBLIC_KEY_FILE_PATH", "jwtTokenConfiguration.rsapublicKeyFilePath", "\"\"", "./conf/public_key.der"),
    differs(
        "RSA_PRIVATE_KEY_FILE_PATH",
        "jwtTokenConfiguration.rsaprivateKeyFilePath",
        "\"\"",
        "./conf/private_key.der",
    ),
    s("JWT_ISSUER", "jwtTokenConfiguration.jwtissuer", "\"open-metadata.org\""),
    s("JWT_KEY_ID", "jwtTokenConfiguration.keyId", "\"Gb389a-9f76-gdjs-a92j-0242bk94356\""),
    // A signing-key rotation: the replaced key, published and trusted until retired.
    s("TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH", "tessera.previousPublicKeyFilePath", "\"\""),
    s("TESSERA_PREVIOUS_JWT_KEY_ID", "tessera.previousKeyId", "\"\""),
    // Database. Unset DB_* means the embedded SQLite database in TESSERA_DATA_DIR.
    differs("DB_DRIVER_CLASS", "database.driverClass", "\"\"", "com.mysql.cj.jdbc.Driver"),
    differs("DB_SCHEME", "database.scheme", "\"\"", "mysql"),
    differs("DB_HOST", "database.host", "\"\"", "localhost"),
    differs("DB_PORT", "database.port", "\"\"", "3306"),
    s("DB_USER", "database.user", "openmetadata_user"),
    secret("DB_USER_PASSWORD", "database.password", "openmetadata_password"),
    s("OM_DATABASE", "database.name", "openmetadata_db"),
    differs("DB_PARAMS", "database.params", "\"\"", "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC"),
    s("DB_USE_SSL", "database.useSsl", "false"),
    s("DB_CONNECTION_POOL_MAX_SIZE", "database.maxSize", "50"),
    secret("DATABASE_URL", "database.databaseUrl", "\"\""),
    // Secrets at rest. Tessera ships no well-known key: unset means generated in the data directory.
    Setting {
        env: "FERNET_KEY",
        path: "fernetConfiguration.fernetKey",
        default: "\"\"",
        secret: true,
        original_default: Some("jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA="),
    },
    // Tessera's own.
    s("TESSERA_DATA_DIR", "tessera.dataDir", "./data"),
    // Token verification: Tessera's stricter defaults and the switches back to the original.
    differs("TESSERA_TOKEN_LEEWAY_SECONDS", "tessera.tokenLeewaySeconds", "60", "0"),
    s("TESSERA_API_AUDIENCES", "tessera.apiAudiences", "[]"),
    differs("TESSERA_INSECURE_SKIP_ISSUER_CHECK", "tessera.insecureSkipIssuerCheck", "false", "true"),
    differs("TESSERA_INSECURE_SKIP_AUDIENCE_CHECK", "tessera.insecureSkipAudienceCheck", "false", "true"),
    s("TESSERA_JWKS_REFRESH_SECONDS", "tessera.jwksRefreshSeconds", "600"),
    s("TESSERA_MAX_PERSONAL_TOKENS", "tessera.maxPersonalTokens", "100"),
    s("TESSERA_ALLOW_UNVERIFIED_EMAIL", "tessera.allowUnverifiedEmail", "false"),
    s("TESSERA_ALLOWED_REDIRECT_ORIGINS", "tessera.allowedRedirectOrigins", "[]"),
    s("TESSERA_AZURE_TENANT_IDS", "tessera.azureTenantIds", "[]"),
    // Password sign-in (the original's `loginConfig` names).
    // LDAP sign-in (authenticationConfiguration.ldapConfiguration).
    s("AUTHENTICATION_LDAP_HOST", "authenticationConfiguration.ldapConfiguration.host", "\"\""),
    s("AUTHENTICATION_LDAP_PORT", "authenticationConfiguration.ldapConfiguration.port", "\"\""),
    s("AUTHENTICATION_LDAP_POOL_SIZE", "authenticationConfiguration.ldapConfiguration.maxPoolSize", "3"),
    s("AUTHENTICATION_LDAP_SSL_ENABLED", "authenticationConfiguration.ldapConfiguration.sslEnabled", "false"),
    s(
        "AUTHENTICATION_LDAP_TRUSTSTORE_TYPE",
        "authenticationConfiguration.ldapConfiguration.truststoreConfigType",
        "TrustAll",
    ),
    s(
        "AUTHENTICATION_LDAP_TRUSTSTORE_PATH",
        "authenticationConfiguration.ldapConfiguration.trustStoreConfig.customTrustManagerConfig.trustStoreFilePath",
        "\"\"",
    ),
    s("AUTHENTICATION_LOOKUP_ADMIN_DN", "authenticationConfiguration.ldapConfiguration.dnAdminPrincipal", "\"\""),
    secret("AUTHENTICATION_LOOKUP_ADMIN_PWD", "authenticationConfiguration.ldapConfiguration.dnAdminPassword", "\"\""),
    s("AUTHENTICATION_USER_LOOKUP_BASEDN", "authenticationConfiguration.ldapConfiguration.userBaseDN", "\"\""),
    s("AUTHENTICATION_USER_MAIL_ATTR", "authenticationConfiguration.ldapConfiguration.mailAttributeName", "mail"),
    s("AUTHENTICATION_GROUP_LOOKUP_BASEDN", "authenticationConfiguration.ldapConfiguration.groupBaseDN", "\"\""),
    s("AUTHENTICATION_USER_GROUP_ATTR", "authenticationConfiguration.ldapConfiguration.groupAttributeName", "\"\""),
    s(
        "AUTHENTICATION_USER_GROUP_ATTR_VALUE",
        "authenticationConfiguration.ldapConfiguration.groupAttributeValue",
        "\"\"",
    ),
    s(
        "AUTHENTICATION_USER_GROUP_MEMBER_ATTR",
        "authenticationConfiguration.ldapConfiguration.groupMemberAttributeName",
        "\"\"",
    ),
    s("AUTHENTICATION_USER_ROLE_ADMIN_NAME", "authenticationConfiguration.ldapConfiguration.roleAdminName", "\"\""),
    s("AUTH_ROLES_MAPPING", "authenticationConfiguration.ldapConfiguration.authRolesMapping", "\"\""),
    s("AUTH_REASSIGN_ROLES", "authenticationConfiguration.ldapConfiguration.authReassignRoles", "[]"),
    s("OM_MAX_FAILED_LOGIN_ATTEMPTS", "applicationConfig.loginConfig.maxLoginFailAttempts", "3"),
    s("OM_LOGIN_ACCESS_BLOCK_TIME", "applicationConfig.loginConfig.accessBlockTime", "600"),
    s("OM_JWT_EXPIRY_TIME", "applicationConfig.loginConfig.jwtTokenExpiryTime", "3600"),
    s("TESSERA_AZURE_ACCEPT_V1_TOKENS", "tessera.azureAcceptV1Tokens", "false"),
    s("TESSERA_SESSION_IDLE_SECONDS", "tessera.sessionIdleSeconds", "86400"),
    s("TESSERA_LOG_FORMAT", "tessera.logFormat", "text"),
    s("TESSERA_DRAIN_SECONDS", "tessera.drainSeconds", "0"),
    s("TESSERA_HEADER_READ_TIMEOUT_SECONDS", "tessera.headerReadTimeoutSeconds", "20"),
    s("TESSERA_IDLE_TIMEOUT_SECONDS", "tessera.idleTimeoutSeconds", "60"),
    s("TESSERA_MAX_CONNECTIONS", "tessera.maxConnections", "0"),
];

/// The original's variables that Tessera accepts and ignores (SAML, LDAP, basic-auth and other
/// features it does not implement), so a full OpenMetadata env file raises no false warnings.
pub const IGNORED: &[&str] = &[
    "AUTHENTICATION_USER_ALL_ATTR",
    "AUTHENTICATION_USER_NAME_ATTR",
    "AUTHENTICATION_LDAP_KEYSTORE_PASSWORD",
    "AUTHENTICATION_LDAP_SSL_KEY_FORMAT",
    "AUTHENTICATION_LDAP_SSL_VERIFY_CERT_HOST",
    "AUTHENTICATION_LDAP_EXAMINE_VALIDITY_DATES",
    "AUTHENTICATION_LDAP_ALLOW_WILDCARDS",
    "AUTHENTICATION_LDAP_ALLOWED_HOSTNAMES",
    "SAML_DEBUG_MODE",
    "SAML_IDP_ENTITY_ID",
    "SAML_IDP_SSO_LOGIN_URL",
    "SAML_IDP_CERTIFICATE",
    "SAML_AUTHORITY_URL",
    "SAML_IDP_NAME_ID",
    "SAML_SP_ENTITY_ID",
    "SAML_SP_ACS",
    "SAML_SP_CERTIFICATE",
    "SAML_SP_PRIVATE_KEY",
    "SAML_SP_CALLBACK",
    "SAML_STRICT_MODE",
    "SAML_VALIDATE_XML",
    "SAML_SP_TOKEN_VALIDITY",
    "SAML_SEND_ENCRYPTED_NAME_ID",
    "SAML_SEND_SIGNED_AUTH_REQUEST",
    "SAML_SIGNED_SP_METADATA",
    "SAML_WANT_MESSAGE_SIGNED",
    "SAML_WANT_ASSERTION_SIGNED",
    "SAML_WANT_ASSERTION_ENCRYPTED",
    "SAML_KEYSTORE_FILE_PATH",
    "SAML_KEYSTORE_ALIAS",
    "SAML_KEYSTORE_PASSWORD",
    "SECRET_MANAGER",
    "SERVER_HOST_API_URL",
    "OPENMETADATA_HEAP_OPTS",
    "MASK_PASSWORDS_API",
    "SEARCH_TYPE",
];

/// Prefixes of the original's variables for features Tessera leaves out (search, pipelines, mail,
/// web headers...). Variables under them are accepted without a warning.
pub const IGNORED_PREFIXES: &[&str] = &[
    "ELASTICSEARCH_",
    "OM_ELASTICSEARCH_",
    "PIPELINE_SERVICE_CLIENT_",
    "WEB_CONF_",
    "OM_EMAIL_",
    "SMTP_",
    "EVENT_MONITOR",
    "AIRFLOW_",
    "OM_SM_",
    "OM_URI",
    "OM_RESOURCE_PACKAGES",
    "OM_CUSTOM_LOGO",
    "OM_SUPPORT_URL",
    "OPENMETADATA_",
];

/// Prefixes where Tessera expects to know every variable: an unknown one there is most likely a typo
/// (the original itself once shipped `AUTHENTICATION_CALBACK_URL`).
pub const STRICT_PREFIXES: &[&str] = &["AUTHENTICATION_", "AUTHORIZER_", "OIDC_", "JWT_"];

/// Looks a setting up by its env var name.
pub fn setting(env: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.env == env)
}

/// True when Tessera reads or knowingly ignores this variable.
pub fn is_known(env: &str) -> bool {
    setting(env).is_some() || IGNORED.contains(&env) || IGNORED_PREFIXES.iter().any(|p| env.starts_with(p))
}

/// The known variable closest to a misspelt one, if any is close enough to be a likely typo.
pub fn closest_known(env: &str) -> Option<&'static str> {
    let length = env.chars().count();
    SETTINGS
        .iter()
        .map(|s| s.env)
        .chain(IGNORED.iter().copied())
        // The distance is at least the difference in length: skip what cannot be close (and a
        // pasted-in kilobyte of text costs nothing).
        .filter(|known| length.abs_diff(known.len()) <= likely_typo(known))
        .map(|known| (strsim::damerau_levenshtein(env, known), known))
        .filter(|(distance, known)| *distance <= likely_typo(known))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

/// How many edits away from `known` a name may be and still be taken for a typo of it.
fn likely_typo(known: &str) -> usize {
    3.max(known.len() / 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = SETTINGS.iter().map(|s| s.env).chain(IGNORED.iter().copied()).collect();
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(before, names.len(), "a variable is listed twice");
    }

    #[test]
    fn the_originals_typo_points_to_the_right_name() {
        assert_eq!(closest_known("AUTHENTICATION_CALBACK_URL"), Some("AUTHENTICATION_CALLBACK_URL"));
        assert_eq!(closest_known("OIDC_CLIENTSECRET"), Some("OIDC_CLIENT_SECRET"));
        assert_eq!(closest_known("COMPLETELY_UNRELATED_THING"), None);
    }

    #[test]
    fn ignored_families_are_known() {
        assert!(is_known("ELASTICSEARCH_HOST"));
        assert!(is_known("SAML_SP_ACS"));
        assert!(!is_known("AUTHENTICATION_CALBACK_URL"));
    }
}
