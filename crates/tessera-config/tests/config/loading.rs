use std::collections::BTreeMap;
use tessera_config::{ClientType, DatabaseConfig, RequestFilter, Sources, load};

fn vars(pairs: &[(&str, &str)]) -> Sources {
    Sources::from_vars(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>())
}

fn error_vars(pairs: &[(&str, &str)]) -> Vec<String> {
    load(&vars(pairs)).errors().map(|p| p.var.clone()).collect()
}

#[test]
fn defaults_load_cleanly_with_sqlite_in_the_data_dir() {
    let loaded = load(&vars(&[]));
    let config = loaded.config.expect("defaults must be valid");
    assert_eq!((config.server.port, config.server.admin_port), (8585, 8586));
    assert_eq!(config.authorizer.admin_principals, vec!["admin"]);
    assert_eq!(config.authorizer.principal_domain, "open-metadata.org");
    assert_eq!(config.authentication.jwt_principal_claims, vec!["email", "preferred_username", "sub"]);
    assert_eq!(config.authentication.public_key_urls, vec!["http://localhost:8585/api/v1/system/config/jwks"]);
    assert_eq!(config.jwt.key_id, "Gb389a-9f76-gdjs-a92j-0242bk94356");
    assert!(config.jwt.key_files.is_none(), "no shipped key: Tessera generates one");
    assert!(matches!(config.database, DatabaseConfig::Sqlite { ref path } if path.ends_with("data/tessera.db")));
    // The default provider is basic (password sign-in): no remark, and the original's login limits.
    assert!(loaded.problems.iter().all(|p| p.var != "AUTHENTICATION_PROVIDER"), "{:?}", loaded.problems);
    assert_eq!(
        (config.login.max_failed_attempts, config.login.block_seconds, config.login.token_seconds),
        (3, 600, 3600)
    );
    assert!(config.authorizer.admin_passwords.is_empty());
}

#[test]
fn admin_principals_may_carry_a_first_password() {
    let loaded = load(&vars(&[("AUTHORIZER_ADMIN_PRINCIPALS", "[Admin:Adm1n-Pass:word!, jane]")]));
    let config = loaded.config.expect("valid");
    assert_eq!(config.authorizer.admin_principals, vec!["admin", "jane"]);
    let (name, password) = &config.authorizer.admin_passwords[0];
    assert_eq!((name.as_str(), password.expose()), ("admin", "Adm1n-Pass:word!"), "only the first colon separates");
    let weak = load(&vars(&[("AUTHORIZER_ADMIN_PRINCIPALS", "[admin:admin]")]));
    assert!(weak.errors().any(|p| p.var == "AUTHORIZER_ADMIN_PRINCIPALS" && p.message.contains("too weak")));
    let elsewhere = load(&vars(&[
        ("AUTHORIZER_ADMIN_PRINCIPALS", "[admin:Adm1n-Pass!]"),
        ("AUTHENTICATION_PROVIDER", "auth0"),
        ("AUTHENTICATION_AUTHORITY", "https://t.example.com"),
        ("AUTHENTICATION_CLIENT_ID", "c"),
    ]));
    assert!(elsewhere.problems.iter().any(|p| p.var == "AUTHORIZER_ADMIN_PRINCIPALS" && p.message.contains("ignored")));
    let shown = tessera_config::show::effective(&vars(&[("AUTHORIZER_ADMIN_PRINCIPALS", "[admin:Adm1n-Pass!, jane]")]));
    assert!(shown.contains("[admin:********, jane]") && !shown.contains("Adm1n-Pass!"), "{shown}");
}

#[test]
fn the_seed_documents_values_as_compose_passes_them() {
    let loaded = load(&vars(&[
        ("AUTHORIZER_CLASS_NAME", "org.openmetadata.service.security.DefaultAuthorizer"),
        ("AUTHORIZER_REQUEST_FILTER", "org.openmetadata.service.security.JwtFilter"),
        ("AUTHORIZER_ADMIN_PRINCIPALS", "[admin, john.doe]"),
        ("AUTHORIZER_PRINCIPAL_DOMAIN", "example.com"),
        ("AUTHENTICATION_PROVIDER", "auth0"),
        (
            "AUTHENTICATION_PUBLIC_KEYS",
            "[https://dev-x.us.auth0.com/.well-known/jwks.json, https://om.example.com/api/v1/system/config/jwks]",
        ),
        ("AUTHENTICATION_AUTHORITY", "https://dev-x.us.auth0.com"),
        ("AUTHENTICATION_CLIENT_ID", "abc123"),
        ("AUTHENTICATION_CALLBACK_URL", "http://localhost:8585/callback"),
        ("AUTHENTICATION_CLIENT_TYPE", " public"),
    ]));
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let config = loaded.config.unwrap();
    assert_eq!(config.authentication.client_type, ClientType::Public);
    assert_eq!(config.authorizer.admin_principals, vec!["admin", "john.doe"]);
    assert_eq!(config.authentication.public_key_urls.len(), 2);
    assert_eq!(config.authorizer.request_filter, RequestFilter::Jwt);
}

#[test]
fn every_problem_is_reported_at_once_naming_its_variable() {
    let errors = error_vars(&[
        ("SERVER_PORT", "eighty"),
        ("SERVER_ADMIN_PORT", "70000"),
        ("AUTHORIZER_CLASS_NAME", "com.example.MyAuthorizer"),
        ("AUTHENTICATION_CLIENT_TYPE", "secret"),
        ("AUTHENTICATION_ENABLE_SELF_SIGNUP", "maybe"),
        ("AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM", "none"),
        ("AUTHENTICATION_PUBLIC_KEYS", "[not-a-url]"),
        ("AUTHORIZER_ADMIN_PRINCIPALS", "[ingestion-bot]"),
        ("RSA_PRIVATE_KEY_FILE_PATH", "/keys/private.der"),
        ("FERNET_KEY", "short"),
        ("LOG_LEVEL", "LOUD"),
    ]);
    for var in [
        "SERVER_PORT",
        "SERVER_ADMIN_PORT",
        "AUTHORIZER_CLASS_NAME",
        "AUTHENTICATION_CLIENT_TYPE",
        "AUTHENTICATION_ENABLE_SELF_SIGNUP",
        "AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM",
        "AUTHENTICATION_PUBLIC_KEYS",
        "AUTHORIZER_ADMIN_PRINCIPALS",
        "RSA_PUBLIC_KEY_FILE_PATH",
        "FERNET_KEY",
        "LOG_LEVEL",
    ] {
        assert!(errors.contains(&var.to_string()), "{var} missing from {errors:?}");
    }
}

#[test]
fn unsupported_authorizer_message_lists_the_choices() {
    let loaded = load(&vars(&[("AUTHORIZER_CLASS_NAME", "org.example.Custom")]));
    let problem = loaded.errors().next().unwrap();
    assert!(problem.fix.contains("org.openmetadata.service.security.DefaultAuthorizer"), "{problem}");
    assert!(problem.fix.contains("org.openmetadata.service.security.NoopAuthorizer"), "{problem}");
}

#[test]
fn unknown_auth_variables_warn_with_the_closest_name() {
    let loaded = load(&vars(&[("AUTHENTICATION_CALBACK_URL", "http://localhost:8585/callback")]));
    let warning = loaded.warnings().find(|p| p.var == "AUTHENTICATION_CALBACK_URL").expect("warning");
    assert!(warning.fix.contains("AUTHENTICATION_CALLBACK_URL"), "{warning}");
    assert!(loaded.config.is_some(), "a warning does not stop the server");
}

#[test]
fn confidential_clients_need_their_oidc_settings() {
    let errors = error_vars(&[
        ("AUTHENTICATION_PROVIDER", "auth0"),
        ("AUTHENTICATION_AUTHORITY", "https://t.auth0.com"),
        ("AUTHENTICATION_CLIENT_ID", "abc"),
        ("AUTHENTICATION_CLIENT_TYPE", "confidential"),
    ]);
    assert!(errors.contains(&"OIDC_CLIENT_ID".to_string()), "{errors:?}");
    assert!(errors.contains(&"OIDC_DISCOVERY_URI".to_string()), "{errors:?}");
}

#[test]
fn claims_mapping_needs_both_keys() {
    let loaded = load(&vars(&[("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING", "[username:preferred_username]")]));
    let problem = loaded.errors().next().expect("error");
    assert!(problem.message.contains("Both username and email should be present"), "{problem}");
    let ok =
        load(&vars(&[("AUTHENTICATION_JWT_PRINCIPAL_CLAIMS_MAPPING", "[username:preferred_username, email:email]")]));
    let mapping = ok.config.unwrap().authentication.jwt_principal_claims_mapping.unwrap();
    assert_eq!((mapping.username.as_str(), mapping.email.as_str()), ("preferred_username", "email"));
}

#[test]
fn postgres_from_db_settings_or_url_and_mysql_refused() {
    let config = load(&vars(&[
        ("DB_SCHEME", "postgresql"),
        ("DB_DRIVER_CLASS", "org.postgresql.Driver"),
        ("DB_HOST", "postgresql"),
        ("DB_PARAMS", "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC"),
    ]))
    .config
    .unwrap();
    let DatabaseConfig::Postgres(pg) = config.database else { panic!("expected PostgreSQL") };
    assert_eq!(
        (pg.host.as_str(), pg.port, pg.database.as_str(), pg.user.as_str()),
        ("postgresql", 5432, "openmetadata_db", "openmetadata_user")
    );
    assert!(pg.params.is_empty(), "JDBC-only parameters are dropped: {:?}", pg.params);

    let config =
        load(&vars(&[("DATABASE_URL", "postgresql://me:p%40ss@db.internal:6543/cat?sslmode=require")])).config.unwrap();
    let DatabaseConfig::Postgres(pg) = config.database else { panic!("expected PostgreSQL") };
    assert_eq!((pg.password.expose(), pg.port, pg.params["sslmode"].as_str()), ("p@ss", 6543, "require"));
    assert!(!format!("{pg:?}").contains("p@ss"), "Debug must not show the password");

    assert_eq!(error_vars(&[("DB_SCHEME", "mysql")]), vec!["DB_SCHEME"]);
}

#[test]
fn config_file_with_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openmetadata.yaml");
    std::fs::write(
        &path,
        "server:\n  applicationConnectors:\n    - type: http\n      port: ${SERVER_PORT:-8585}\n  adminConnectors:\n    - type: http\n      port: ${SERVER_ADMIN_PORT:-8586}\n\
         authenticationConfiguration:\n  provider: ${AUTHENTICATION_PROVIDER:-basic}\n  publicKeyUrls: ${AUTHENTICATION_PUBLIC_KEYS:-[http://localhost:8585/api/v1/system/config/jwks]}\n",
    )
    .unwrap();
    let sources =
        Sources::from_vars(BTreeMap::from([("SERVER_PORT".to_string(), "9585".to_string())])).with_file(&path).unwrap();
    let config = load(&sources).config.unwrap();
    assert_eq!((config.server.port, config.server.admin_port), (9585, 8586));
    assert_eq!(config.authentication.public_key_urls.len(), 1);
}

/// deploy/openmetadata.yaml carries every setting as `${VAR:-default}`: with no variables it
/// yields exactly the defaults, and each placeholder reads its own variable.
#[test]
fn the_shipped_yaml_matches_the_registry() {
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/openmetadata.yaml"));
    let with_file = Sources::default().with_file(path).unwrap();
    let without = Sources::default();
    for setting in tessera_config::settings::SETTINGS {
        let from_file = with_file.raw(setting).unwrap();
        assert_eq!(from_file.origin, tessera_config::source::Origin::File, "{} is not in the file", setting.env);
        assert_eq!(from_file.value, without.raw(setting).unwrap().value, "{}: the file's default differs", setting.env);
        let vars = BTreeMap::from([(setting.env.to_string(), "sentinel-value".to_string())]);
        let read = Sources::from_vars(vars).with_file(path).unwrap().raw(setting).unwrap();
        assert_eq!(read.value.as_str(), Some("sentinel-value"), "{}'s placeholder reads another variable", setting.env);
    }
    assert!(load(&with_file).config.is_some());
}

#[test]
fn sign_in_settings_are_checked() {
    let confidential = [
        ("AUTHENTICATION_PROVIDER", "auth0"),
        ("AUTHENTICATION_CLIENT_TYPE", "confidential"),
        ("AUTHENTICATION_CLIENT_ID", "web"),
        ("OIDC_CLIENT_ID", "web"),
        ("OIDC_CLIENT_SECRET", "s3cret"),
        ("OIDC_DISCOVERY_URI", "https://t.example/.well-known/openid-configuration"),
    ];
    let config = load(&vars(&confidential)).config.expect("a complete confidential client loads");
    assert!(config.oidc.allowed_redirect_origins.is_empty());
    assert_eq!(config.oidc.session_idle_seconds, 86_400);

    let mut mismatched = confidential.to_vec();
    mismatched.push(("OIDC_PREFERRED_JWS", "RS512"));
    assert_eq!(error_vars(&mismatched), vec!["OIDC_PREFERRED_JWS"]);

    let origins = [("TESSERA_ALLOWED_REDIRECT_ORIGINS", "[https://ui.example.com, http://localhost:3000/]")];
    let config = load(&vars(&origins)).config.unwrap();
    assert_eq!(config.oidc.allowed_redirect_origins, vec!["https://ui.example.com", "http://localhost:3000"]);
    let bad = [("TESSERA_ALLOWED_REDIRECT_ORIGINS", "[https://ui.example.com/app, ui.example.com]")];
    assert_eq!(error_vars(&bad), vec!["TESSERA_ALLOWED_REDIRECT_ORIGINS", "TESSERA_ALLOWED_REDIRECT_ORIGINS"]);
}
