//! Tessera's configuration: the original OpenMetadata server's env vars (same names, defaults and
//! YAML-fragment syntax), an optional `openmetadata.yaml`-style file, validation that reports every
//! problem at once, and the env-file linter behind `tessera check-env`.

pub mod envfile;
mod fernet_key;
mod issuer;
mod jws;
pub mod lint;
mod lint_placeholders;
mod lint_providers;
mod load;
mod load_auth;
mod load_database;
mod load_ldap;
mod load_login;
pub mod model;
pub mod password_policy;
pub mod placeholder;
pub mod problem;
mod reader;
pub mod secret_box;
pub mod settings;
pub mod show;
pub mod source;
pub mod value;

pub use fernet_key::decode as decode_fernet_key;
pub use issuer::IssuerRule;
pub use jws::JwsAlgorithm;
pub use load::{Loaded, SYSTEM_BOTS, load};
pub use load_auth::is_oidc_provider;
pub use model::*;
pub use problem::{Problem, Severity};
pub use secret_box::SecretBox;
pub use source::Sources;
