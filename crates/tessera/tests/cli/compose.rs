//! The deployment files, checked with the real parsers rather than by eye (no Docker engine runs
//! here): docker-compose.yml passes every setting Tessera reads and Docker Compose v2 itself
//! interpolates the seed document's env files into exactly the values Tessera's env-file reader
//! (behind `tessera check-env`) predicts; BuildKit's parser reads the Dockerfile; nginx accepts
//! deploy/nginx.conf; the example env files lint clean. The parsers come from
//! `scripts/compose-env.sh` (.venv-compose/ in the checkout).

use crate::check_env::seed_block;
use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use tessera_config::envfile::EnvFile;
use tessera_config::settings::SETTINGS;

/// The services that run the Tessera image and so get its whole environment.
const TESSERA_SERVICES: &[&str] = &["execute-migrate-all", "tessera", "tessera-replica"];

/// Where the compose file's default differs from Tessera's own: the database is the postgresql
/// service next to it, not the embedded SQLite.
const DEPLOYMENT_DEFAULTS: &[(&str, &str)] = &[
    ("DB_DRIVER_CLASS", "org.postgresql.Driver"),
    ("DB_SCHEME", "postgresql"),
    ("DB_HOST", "postgresql"),
    ("DB_PORT", "5432"),
];

const EXAMPLE_ENV_FILES: &[&str] =
    &["deploy/openmetadata_auth0_public.env", "deploy/openmetadata_auth0_confidential.env"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The venv with the parsers: TESSERA_COMPOSE_VENV (set by scripts/test.sh), else made now.
fn venv() -> PathBuf {
    if let Ok(dir) = std::env::var("TESSERA_COMPOSE_VENV") {
        return PathBuf::from(dir);
    }
    let output = Command::new("bash").arg(workspace().join("scripts/compose-env.sh")).output().unwrap();
    assert!(output.status.success(), "scripts/compose-env.sh failed:\n{}", String::from_utf8_lossy(&output.stderr));
    PathBuf::from(String::from_utf8_lossy(&output.stdout).lines().last().expect("the venv path").trim())
}

/// The default the compose file must give `env`: Tessera's own (an empty YAML string `""` is
/// written as nothing, which Tessera reads as its default too), or the deployment's.
fn compose_default(env: &str, tessera_default: &str) -> String {
    match DEPLOYMENT_DEFAULTS.iter().find(|(name, _)| *name == env) {
        Some((_, value)) => value.to_string(),
        None if tessera_default == "\"\"" => String::new(),
        None => tessera_default.to_string(),
    }
}

fn compose_file() -> serde_yaml_ng::Value {
    let text = std::fs::read_to_string(workspace().join("docker-compose.yml")).unwrap();
    serde_yaml_ng::from_str(&text).expect("docker-compose.yml is YAML")
}

#[test]
fn every_setting_is_passed_as_var_with_its_default() {
    let file = compose_file();
    for service in TESSERA_SERVICES {
        let environment = file["services"][*service]["environment"]
            .as_mapping()
            .unwrap_or_else(|| panic!("service {service} has an environment mapping"));
        let mut missing = Vec::new();
        for setting in SETTINGS {
            let expected = format!("${{{}:-{}}}", setting.env, compose_default(setting.env, setting.default));
            match environment.get(setting.env).and_then(|v| v.as_str()) {
                Some(written) if written == expected => {}
                Some(written) => missing.push(format!("{}: {written}    (expected {expected})", setting.env)),
                None => missing.push(format!("{}: missing    (expected {expected})", setting.env)),
            }
        }
        assert!(missing.is_empty(), "service {service}:\n{}", missing.join("\n"));
        // Nothing else: a name Tessera does not read would look configurable but do nothing.
        for key in environment.keys() {
            let key = key.as_str().unwrap();
            assert!(
                SETTINGS.iter().any(|s| s.env == key),
                "service {service} passes {key}, which Tessera does not read"
            );
        }
    }
    for (env, _) in DEPLOYMENT_DEFAULTS {
        assert!(SETTINGS.iter().any(|s| s.env == *env), "{env} is no longer a setting");
    }
}

/// `docker compose --env-file FILE [--profile replicas] config --format json`, with nothing else
/// in the environment (compose interpolates from the process environment too), and no warnings.
fn compose_config(env_file: &Path, profile: Option<&str>) -> Value {
    let (config, warnings) = compose_config_and_warnings(env_file, profile);
    // No "variable is not set" or deprecation warnings either.
    assert!(warnings.trim().is_empty(), "docker compose config warned:\n{warnings}");
    config
}

fn compose_config_and_warnings(env_file: &Path, profile: Option<&str>) -> (Value, String) {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(venv().join("bin/docker-compose-v2"));
    command
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .arg("--project-directory")
        .arg(workspace())
        .arg("--file")
        .arg(workspace().join("docker-compose.yml"))
        .arg("--env-file")
        .arg(env_file);
    if let Some(profile) = profile {
        command.args(["--profile", profile]);
    }
    let output = command.args(["config", "--format", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "docker compose config failed:\n{stderr}");
    (serde_json::from_slice(&output.stdout).expect("docker compose config printed JSON"), stderr)
}

/// A service's environment as the container gets it (`config` prints a literal `$` as `$$`).
fn environment(config: &Value, service: &str) -> BTreeMap<String, String> {
    let map = config["services"][service]["environment"].as_object().unwrap_or_else(|| panic!("{service}: {config}"));
    map.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().replace("$$", "$"))).collect()
}

/// What each setting should be once compose has read `text` as an env file: the file's value
/// when set and not empty (`${VAR:-default}` semantics), else the compose file's default.
fn expected_environment(text: &str) -> BTreeMap<String, String> {
    let vars = EnvFile::parse(text).vars();
    SETTINGS
        .iter()
        .map(|s| {
            let value = vars.get(s.env).filter(|v| !v.is_empty()).cloned();
            (s.env.to_string(), value.unwrap_or_else(|| compose_default(s.env, s.default)))
        })
        .collect()
}

/// The syntaxes env files use, and the traps around them, on variables compose passes on.
const EDGE_CASES: &str = "\
AUTHORIZER_ADMIN_PRINCIPALS=[admin]                 # john.doe from john.doe@example.com
AUTHENTICATION_CLIENT_TYPE= public
export OIDC_TYPE=\"quoted # kept\"  # gone
OIDC_TENANT='${NOT_INTERPOLATED} $literal'
OIDC_SERVER_URL=${AUTHENTICATION_CLIENT_TYPE:-x}/y
OIDC_MAX_AGE=
OIDC_PROMPT_TYPE=a#b
OIDC_DISCOVERY_URI: http://x/.well-known/openid-configuration   # a colon, as in the seed
OIDC_CALLBACK: ${OIDC_CALLBACK:-\"http://localhost:8585/callback\"}
OIDC_CLIENT_ID:nospace
OIDC_CLIENT_SECRET=abc$def
DB_USER_PASSWORD=\"p$$ss${NONE}word\"
JWT_ISSUER=tab\t#kept
TESSERA_PROVIDER_ROLES_CLAIM=\"https://example.com/roles\\n\"
LOG_LEVEL = DEBUG
OIDC_SCOPE=\"openid email\"profile
AUTHENTICATION_AUTHORITY=https://a.example.com
AUTHENTICATION_AUTHORITY=https://b.example.com
";

fn env_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> =
        ["implicit", "authcode"].iter().map(|name| (format!("seed {name} block"), seed_block(name))).collect();
    for path in EXAMPLE_ENV_FILES {
        files.push((path.to_string(), std::fs::read_to_string(workspace().join(path)).unwrap()));
    }
    files.push(("edge cases".to_string(), EDGE_CASES.to_string()));
    files
}

#[test]
fn compose_interpolates_the_env_files_as_check_env_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in env_files() {
        let path = dir.path().join("openmetadata_auth0.env");
        std::fs::write(&path, &text).unwrap();
        let expected = expected_environment(&text);
        let (config, warnings) = compose_config_and_warnings(&path, Some("replicas"));
        if name == "edge cases" {
            // Compose warns about the unset names, as check-env does.
            // (compose logs them logfmt-style, quotes escaped)
            assert!(warnings.contains(r#"\"def\" variable is not set"#), "{warnings}");
            assert!(warnings.contains(r#"\"NONE\" variable is not set"#), "{warnings}");
        } else {
            assert!(warnings.trim().is_empty(), "{name}: docker compose config warned:\n{warnings}");
        }
        for service in TESSERA_SERVICES {
            let actual = environment(&config, service);
            let differences: Vec<String> = expected
                .iter()
                .filter(|(k, v)| actual.get(*k) != Some(*v))
                .map(|(k, v)| format!("{k}: compose passes {:?}, expected {v:?}", actual.get(k)))
                .collect();
            assert!(differences.is_empty(), "{name}, service {service}:\n{}", differences.join("\n"));
            assert_eq!(actual.len(), expected.len(), "{name}, service {service}: {actual:?}");
        }
        // What the container gets is a configuration Tessera accepts without a remark, on PostgreSQL.
        if EXAMPLE_ENV_FILES.contains(&name.as_str()) {
            let loaded = tessera_config::load(&tessera_config::Sources::from_vars(environment(&config, "tessera")));
            assert!(loaded.problems.is_empty(), "{name}: {:?}", loaded.problems);
            match loaded.config.unwrap().database {
                tessera_config::DatabaseConfig::Postgres(pg) => {
                    assert_eq!(pg.describe(), "postgresql://openmetadata_user@postgresql:5432/openmetadata_db")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // PostgreSQL is created with the credentials Tessera connects with.
        let postgres = environment(&config, "postgresql");
        assert_eq!(postgres["POSTGRES_USER"], expected["DB_USER"], "{name}");
        assert_eq!(postgres["POSTGRES_PASSWORD"], expected["DB_USER_PASSWORD"], "{name}");
        assert_eq!(postgres["POSTGRES_DB"], expected["OM_DATABASE"], "{name}");
    }
    // The seed's confidential block writes two lines as `KEY: value`; compose v2 passes them.
    let authcode = expected_environment(&seed_block("authcode"));
    assert_eq!(authcode["OIDC_DISCOVERY_URI"], "http://{Domain}/.well-known/openid-configuration");
    assert_eq!(authcode["OIDC_CALLBACK"], "\"http://localhost:8585/callback\"");
    assert_eq!(authcode["AUTHENTICATION_CLIENT_TYPE"], "confidential");
    assert_eq!(authcode["AUTHORIZER_ADMIN_PRINCIPALS"], "[admin]");
    // The traps, as compose resolves them (and the reader above agreed with, line by line).
    let edge = expected_environment(EDGE_CASES);
    assert_eq!(edge["OIDC_CLIENT_SECRET"], "abc");
    assert_eq!(edge["DB_USER_PASSWORD"], "p$ssword");
    assert_eq!(edge["OIDC_TENANT"], "${NOT_INTERPOLATED} $literal");
    assert_eq!(edge["JWT_ISSUER"], "tab\t#kept");
    assert_eq!(edge["OIDC_SCOPE"], "openid email");
    assert_eq!(edge["AUTHENTICATION_AUTHORITY"], "https://b.example.com");
}

#[test]
fn default_topology_and_replicas_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openmetadata_auth0.env");
    std::fs::write(&path, seed_block("implicit")).unwrap();
    let names = |config: &Value| -> Vec<String> { config["services"].as_object().unwrap().keys().cloned().collect() };

    let single = compose_config(&path, None);
    assert_eq!(names(&single), ["execute-migrate-all", "postgresql", "tessera"]);
    let tessera = &single["services"]["tessera"];
    let published: Vec<(u64, String)> = tessera["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["target"].as_u64().unwrap(), p["published"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(published, [(8585, "8585".to_string()), (8586, "8586".to_string())]);
    assert_eq!(tessera["depends_on"]["execute-migrate-all"]["condition"], "service_completed_successfully");
    assert_eq!(single["services"]["execute-migrate-all"]["command"], serde_json::json!(["migrate"]));
    assert_eq!(single["services"]["execute-migrate-all"]["depends_on"]["postgresql"]["condition"], "service_healthy");
    assert_eq!(tessera["healthcheck"]["test"], serde_json::json!(["CMD", "tessera", "healthcheck"]));
    let postgres = &single["services"]["postgresql"];
    assert!(postgres["healthcheck"]["test"][1].as_str().unwrap().contains("pg_isready"), "{postgres}");
    assert!(postgres.get("ports").is_none(), "PostgreSQL stays on the compose network: {postgres}");
    let volume = |service: &Value| service["volumes"][0]["source"].as_str().unwrap().to_string();
    assert_eq!(volume(postgres), "tessera-postgresql-data");
    assert_eq!(volume(tessera), "tessera-data");
    assert_eq!(tessera["volumes"][0]["target"], "/opt/tessera/data");

    let replicas = compose_config(&path, Some("replicas"));
    assert_eq!(names(&replicas), ["execute-migrate-all", "nginx", "postgresql", "tessera", "tessera-replica"]);
    let replica = &replicas["services"]["tessera-replica"];
    // One data volume: the second replica reads the signing key the first generated.
    assert_eq!(volume(replica), "tessera-data");
    assert_eq!(replica["depends_on"]["tessera"]["condition"], "service_healthy");
    let nginx = &replicas["services"]["nginx"];
    assert_eq!(nginx["volumes"][0]["source"], workspace().join("deploy/nginx.conf").display().to_string());
    assert_eq!(nginx["ports"][0]["published"], "8080");
    for upstream in ["tessera", "tessera-replica"] {
        assert_eq!(nginx["depends_on"][upstream]["condition"], "service_healthy");
    }
}

#[test]
fn buildkit_parses_the_dockerfile() {
    let script = r#"
import dockerfile, json, sys
print(json.dumps([[c.cmd, list(c.flags), list(c.value)] for c in dockerfile.parse_file(sys.argv[1])]))
"#;
    let output = Command::new(venv().join("bin/python"))
        .args(["-c", script])
        .arg(workspace().join("Dockerfile"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let instructions: Vec<(String, Vec<String>, Vec<String>)> = serde_json::from_slice(&output.stdout).unwrap();
    let stages: Vec<&Vec<String>> = instructions.iter().filter(|(cmd, ..)| cmd == "FROM").map(|(_, _, v)| v).collect();
    assert_eq!(stages.len(), 4, "chef, planner, builder, runtime: {stages:?}");
    assert!(stages[0][0].starts_with("rust:"), "{stages:?}");
    assert!(stages[3][0].starts_with("debian:") && stages[3][0].ends_with("-slim"), "{stages:?}");
    // The runtime stage: everything after its FROM.
    let runtime_start = instructions.iter().rposition(|(cmd, ..)| cmd == "FROM").unwrap();
    let runtime = &instructions[runtime_start..];
    let one = |name: &str| -> &(String, Vec<String>, Vec<String>) {
        let found: Vec<_> = runtime.iter().filter(|(cmd, ..)| cmd == name).collect();
        assert_eq!(found.len(), 1, "one {name} in the runtime stage: {runtime:?}");
        found[0]
    };
    assert_eq!(one("USER").2, ["tessera:tessera"]);
    assert_eq!(one("EXPOSE").2, ["8585", "8586"]);
    assert_eq!(one("VOLUME").2, ["/opt/tessera/data"]);
    assert_eq!(one("WORKDIR").2, ["/opt/tessera"], "TESSERA_DATA_DIR's default ./data is the volume");
    assert_eq!(one("HEALTHCHECK").2, ["CMD", "tessera", "healthcheck"]);
    assert_eq!(one("ENTRYPOINT").2, ["tessera"]);
    assert_eq!(one("CMD").2, ["serve"]);
    let setup = &one("RUN").2[0];
    assert!(setup.contains("/etc/openmetadata/jwtkeys"), "the original's key folder exists: {setup}");
    assert!(setup.contains("ca-certificates"), "{setup}");
    // The dependency layer comes before the sources are copied into the builder.
    let builder: Vec<&str> = instructions[..runtime_start]
        .iter()
        .skip_while(|(cmd, _, v)| !(cmd == "FROM" && v.last().is_some_and(|s| s == "builder")))
        .map(|(cmd, _, v)| if cmd == "RUN" { v[0].as_str() } else { cmd.as_str() })
        .collect();
    let cook = builder.iter().position(|s| s.starts_with("cargo chef cook")).expect("a cargo chef cook layer");
    let copy = builder.iter().rposition(|s| *s == "COPY").unwrap();
    assert!(cook < copy, "{builder:?}");
}

/// Debian's nginx checks deploy/nginx.conf, included in `http {}` as the image's conf.d does; the
/// compose service names are mapped to loopback addresses since nothing resolves them here.
#[test]
fn nginx_accepts_the_replicas_config() {
    let dir = tempfile::tempdir().unwrap();
    let conf = std::fs::read_to_string(workspace().join("deploy/nginx.conf")).unwrap();
    assert!(conf.contains("server tessera:8585") && conf.contains("server tessera-replica:8585"), "{conf}");
    let local =
        conf.replace("server tessera:", "server 127.0.0.1:").replace("server tessera-replica:", "server 127.0.0.2:");
    let (nginx, main) = nginx_prefix(dir.path(), &local, false);
    let output = Command::new(nginx).arg("-t").arg("-p").arg(dir.path()).arg("-c").arg(main).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && stderr.contains("test is successful"), "{stderr}");
}

#[test]
fn example_env_files_lint_clean() {
    let env = Env::new();
    for path in EXAMPLE_ENV_FILES {
        let file = workspace().join(path);
        let output = env.run(&["check-env", file.to_str().unwrap()]);
        let out = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "tessera check-env {path}:\n{out}{}", stderr(&output));
        assert!(out.contains("no problems found"), "{out}");
    }
    // And as the server reads them: both load without a problem.
    for path in EXAMPLE_ENV_FILES {
        let text = std::fs::read_to_string(workspace().join(path)).unwrap();
        let loaded = tessera_config::load(&tessera_config::Sources::from_vars(EnvFile::parse(&text).vars()));
        assert!(loaded.problems.is_empty(), "{path}: {:?}", loaded.problems);
    }
}
