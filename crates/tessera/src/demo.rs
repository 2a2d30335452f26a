//! `tessera demo`: Tessera on SQLite with the built-in development identity provider, wired through
//! the very variables a real Auth0 setup uses, so what a newcomer sees is what production runs.

use crate::cli::DemoArgs;
use crate::serve::Companion;
use std::collections::BTreeMap;
use std::process::ExitCode;
use tessera_config::Sources;
use tessera_demo_idp::{CONFIDENTIAL_CLIENT_ID, DemoIdp, Options, PUBLIC_CLIENT_ID};

/// The demo users' email domain; `admin` is the admin principal.
const PRINCIPAL_DOMAIN: &str = "example.com";

/// Settings the user may still choose from the environment (they change nothing about sign-in).
const PASSED_THROUGH: &[&str] = &["LOG_LEVEL", "TESSERA_LOG_FORMAT", "FERNET_KEY"];

/// What the variables are derived from.
pub struct Plan {
    pub port: u16,
    pub admin_port: u16,
    /// The provider's issuer without the trailing slash, as Auth0 env files write it.
    pub authority: String,
    /// `Some` for the confidential client.
    pub client_secret: Option<String>,
}

impl Plan {
    fn origin(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// The sign-in variables, exactly as an env file for an Auth0 tenant would set them.
    pub fn auth_settings(&self) -> Vec<(&'static str, String)> {
        let (origin, authority) = (self.origin(), &self.authority);
        let client_id = if self.client_secret.is_some() { CONFIDENTIAL_CLIENT_ID } else { PUBLIC_CLIENT_ID };
        let mut vars = vec![
            ("AUTHENTICATION_PROVIDER", "auth0".to_string()),
            ("AUTHENTICATION_CLIENT_TYPE", if self.client_secret.is_some() { "confidential" } else { "public" }.into()),
            ("AUTHENTICATION_AUTHORITY", authority.clone()),
            ("AUTHENTICATION_CLIENT_ID", client_id.into()),
            ("AUTHENTICATION_CALLBACK_URL", format!("{origin}/callback")),
            (
                "AUTHENTICATION_PUBLIC_KEYS",
                format!("[{authority}/.well-known/jwks.json, {origin}/api/v1/system/config/jwks]"),
            ),
            ("AUTHORIZER_ADMIN_PRINCIPALS", "[admin]".into()),
            ("AUTHORIZER_PRINCIPAL_DOMAIN", PRINCIPAL_DOMAIN.into()),
            ("AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN", "true".into()),
        ];
        if let Some(secret) = &self.client_secret {
            vars.extend([
                ("OIDC_TYPE", "auth0".to_string()),
                ("OIDC_CLIENT_ID", CONFIDENTIAL_CLIENT_ID.into()),
                ("OIDC_CLIENT_SECRET", secret.clone()),
                ("OIDC_DISCOVERY_URI", format!("{authority}/.well-known/openid-configuration")),
                ("OIDC_CALLBACK", format!("{origin}/callback")),
                ("OIDC_SERVER_URL", origin.clone()),
                ("OIDC_SCOPE", "openid email profile offline_access".into()),
            ]);
        }
        vars
    }

    /// Everything Tessera is started with: the sign-in variables, loopback ports and the data dir.
    pub fn variables(&self, data_dir: &std::path::Path, env: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut vars: BTreeMap<String, String> =
            env.iter().filter(|(name, _)| PASSED_THROUGH.contains(&name.as_str())).map(clone_pair).collect();
        vars.extend(self.auth_settings().into_iter().map(|(name, value)| (name.to_string(), value)));
        vars.extend([
            // Anyone can sign in as the admin: never listen beyond this machine.
            ("SERVER_HOST".to_string(), "127.0.0.1".to_string()),
            ("SERVER_PORT".into(), self.port.to_string()),
            ("SERVER_ADMIN_PORT".into(), self.admin_port.to_string()),
            ("TESSERA_DATA_DIR".into(), data_dir.display().to_string()),
            ("TESSERA_ALLOWED_REDIRECT_ORIGINS".into(), format!("[http://127.0.0.1:{}]", self.port)),
        ]);
        vars
    }
}

fn clone_pair((name, value): (&String, &String)) -> (String, String) {
    (name.clone(), value.clone())
}

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let idp = DemoIdp::bind(Options::new(args.idp_port, args.port, PRINCIPAL_DOMAIN))?;
    let plan = Plan {
        port: args.port,
        admin_port: args.admin_port,
        authority: idp.authority().to_string(),
        client_secret: args.confidential.then(|| idp.confidential_secret().to_string()),
    };
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let config = crate::commands::validated(&Sources::from_vars(plan.variables(&args.data_dir, &env)))?;
    let banner = banner(&plan, &idp, args);
    let companion = Companion { banner, serve: Box::new(move |shutdown| Box::pin(idp.serve(shutdown.wait()))) };
    crate::serve::run(config, Some(companion))
}

fn banner(plan: &Plan, idp: &DemoIdp, args: &DemoArgs) -> String {
    let users: String = idp.users().iter().map(|u| format!("    {:<40} {}\n", u.email, u.shows)).collect();
    let settings: String = plan
        .auth_settings()
        .into_iter()
        .map(|(name, value)| match name {
            "OIDC_CLIENT_SECRET" => format!("    {name}=(generated for this run, not shown)\n"),
            _ => format!("    {name}={value}\n"),
        })
        .collect();
    format!(
        "\nTessera demo: DEVELOPMENT ONLY. Anyone on this machine can sign in as the admin; everything listens on \
         127.0.0.1.\n\n  Open {origin} and sign in as:\n{users}\n  Identity provider  {issuer} (Auth0-like: \
         /authorize, /oauth/token, /.well-known/jwks.json, /userinfo, /v2/logout)\n  Data               {data} \
         (SQLite; delete it to start over)\n  Stop               Ctrl-C\n\n  Sign-in uses the variables of a real Auth0 \
         setup; with your tenant, put these in your env file:\n{settings}",
        origin = plan.origin(),
        issuer = idp.issuer(),
        data = args.data_dir.display(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(secret: Option<&str>) -> Plan {
        Plan {
            port: 8585,
            admin_port: 8586,
            authority: "http://127.0.0.1:8587".into(),
            client_secret: secret.map(str::to_string),
        }
    }

    fn load(plan: &Plan, env: &BTreeMap<String, String>) -> tessera_config::Config {
        let vars = plan.variables(std::path::Path::new("/tmp/demo"), env);
        let loaded = tessera_config::load(&Sources::from_vars(vars));
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        loaded.config.expect("a valid configuration")
    }

    #[test]
    fn both_client_types_give_a_valid_configuration_on_loopback() {
        for secret in [None, Some("s3cret")] {
            let config = load(&plan(secret), &BTreeMap::new());
            assert_eq!(config.server.host, "127.0.0.1");
            assert_eq!(config.data_dir, std::path::PathBuf::from("/tmp/demo"));
        }
    }

    #[test]
    fn the_environment_cannot_move_the_demo_off_sqlite_or_loopback() {
        let env = BTreeMap::from([
            ("DATABASE_URL".to_string(), "postgres://db/production".to_string()),
            ("SERVER_HOST".into(), "0.0.0.0".into()),
            ("AUTHORIZER_ADMIN_PRINCIPALS".into(), "[mallory]".into()),
            ("LOG_LEVEL".into(), "DEBUG".into()),
        ]);
        let vars = plan(None).variables(std::path::Path::new("/tmp/demo"), &env);
        assert!(!vars.contains_key("DATABASE_URL"));
        assert_eq!(vars["SERVER_HOST"], "127.0.0.1");
        assert_eq!(vars["AUTHORIZER_ADMIN_PRINCIPALS"], "[admin]");
        assert_eq!(vars["LOG_LEVEL"], "DEBUG");
    }

    #[test]
    fn the_printed_settings_are_a_clean_env_file() {
        for secret in [None, Some("s3cret")] {
            let text: String =
                plan(secret).auth_settings().iter().map(|(name, value)| format!("{name}={value}\n")).collect();
            let report = tessera_config::lint::lint(&text);
            // Plain http is a warning for a real tenant; nothing may be an error.
            assert!(report.exit_code() < 2, "{}", report.render("demo.env"));
        }
    }
}
