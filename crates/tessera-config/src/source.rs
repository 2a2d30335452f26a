//! Where each setting's raw value comes from: the environment, an optional
//! `openmetadata.yaml`-style file with `${VAR:-default}` placeholders, or Tessera's default.

use crate::placeholder::substitute;
use crate::settings::Setting;
use crate::value::parse_fragment;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where an effective value came from (shown by `tessera config show`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Env,
    File,
    Default,
}

impl Origin {
    pub fn label(&self) -> &'static str {
        match self {
            Origin::Env => "env",
            Origin::File => "file",
            Origin::Default => "default",
        }
    }
}

/// A setting's value before it is given a type.
#[derive(Debug, Clone)]
pub struct RawValue {
    pub value: Value,
    pub origin: Origin,
}

/// The inputs of one configuration load.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    vars: BTreeMap<String, String>,
    file: Option<(PathBuf, Value)>,
}

impl Sources {
    /// The process environment.
    pub fn from_env() -> Self {
        Self::from_vars(std::env::vars().collect())
    }

    /// An explicit set of variables (tests, `check-env`).
    pub fn from_vars(vars: BTreeMap<String, String>) -> Self {
        Self { vars, file: None }
    }

    /// Adds an `openmetadata.yaml`-style file; its placeholders read the same variables.
    pub fn with_file(self, path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
        self.with_yaml(path, &text)
    }

    /// Adds a configuration file's text, read from `path` (named in errors).
    pub fn with_yaml(mut self, path: &Path, text: &str) -> Result<Self, String> {
        let doc: Value = serde_yaml_ng::from_str(text)
            .map_err(|e| format!("the configuration file {} is not valid YAML: {e}", path.display()))?;
        self.file = Some((path.to_path_buf(), doc));
        Ok(self)
    }

    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    pub fn file_path(&self) -> Option<&Path> {
        self.file.as_ref().map(|(p, _)| p.as_path())
    }

    /// The raw value of a setting. With a file, the file decides (as in the original, where only
    /// the placeholders in the YAML read the environment); without one, the env var or the default.
    pub fn raw(&self, setting: &Setting) -> Result<RawValue, String> {
        if let Some(found) = self.file.as_ref().and_then(|(_, doc)| lookup(doc, setting.path)) {
            return self.resolve_file_value(found);
        }
        match self.vars.get(setting.env).filter(|v| !v.trim().is_empty()) {
            Some(text) => Ok(RawValue { value: parse_fragment(text)?, origin: Origin::Env }),
            None => Ok(RawValue { value: parse_fragment(setting.default)?, origin: Origin::Default }),
        }
    }

    fn resolve_file_value(&self, found: &Value) -> Result<RawValue, String> {
        match found {
            Value::String(s) if s.contains("${") => {
                let substituted = substitute(s, &self.vars)?;
                let origin = if substituted.vars_used.is_empty() { Origin::File } else { Origin::Env };
                Ok(RawValue { value: parse_fragment(&substituted.text)?, origin })
            }
            other => Ok(RawValue { value: other.clone(), origin: Origin::File }),
        }
    }
}

/// Follows a path like `server.applicationConnectors[0].port` through a YAML document.
fn lookup<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(doc, |node, segment| {
        let (key, index) = match segment.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let child = node.get(key)?;
        match index {
            Some(i) => child.get(i),
            None => Some(child),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::setting;
    use std::io::Write;

    #[test]
    fn env_wins_over_default_and_empty_means_default() {
        let vars = BTreeMap::from([
            ("SERVER_PORT".to_string(), "9000".to_string()),
            ("SERVER_ADMIN_PORT".to_string(), "".to_string()),
        ]);
        let sources = Sources::from_vars(vars);
        let port = sources.raw(setting("SERVER_PORT").unwrap()).unwrap();
        assert_eq!((port.value.as_u64(), port.origin), (Some(9000), Origin::Env));
        let admin = sources.raw(setting("SERVER_ADMIN_PORT").unwrap()).unwrap();
        assert_eq!((admin.value.as_u64(), admin.origin), (Some(8586), Origin::Default));
    }

    #[test]
    fn file_placeholders_read_the_environment() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "server:\n  applicationConnectors:\n    - type: http\n      port: ${{SERVER_PORT:-8585}}\n\
             authorizerConfiguration:\n  adminPrincipals: ${{AUTHORIZER_ADMIN_PRINCIPALS:-[admin]}}\n  principalDomain: \"example.com\""
        )
        .unwrap();
        let vars = BTreeMap::from([("AUTHORIZER_ADMIN_PRINCIPALS".to_string(), "[alice, bob]".to_string())]);
        let sources = Sources::from_vars(vars).with_file(file.path()).unwrap();
        let port = sources.raw(setting("SERVER_PORT").unwrap()).unwrap();
        assert_eq!((port.value.as_u64(), port.origin), (Some(8585), Origin::File));
        let admins = sources.raw(setting("AUTHORIZER_ADMIN_PRINCIPALS").unwrap()).unwrap();
        assert_eq!(admins.origin, Origin::Env);
        assert_eq!(admins.value.as_sequence().unwrap().len(), 2);
        let domain = sources.raw(setting("AUTHORIZER_PRINCIPAL_DOMAIN").unwrap()).unwrap();
        assert_eq!(domain.value.as_str(), Some("example.com"));
        // Not in the file: Tessera's default.
        let filter = sources.raw(setting("AUTHORIZER_REQUEST_FILTER").unwrap()).unwrap();
        assert_eq!(filter.origin, Origin::Default);
    }

    #[test]
    fn unreadable_or_invalid_files_are_clear_errors() {
        let err = Sources::default().with_file(Path::new("/nonexistent/openmetadata.yaml")).unwrap_err();
        assert!(err.contains("cannot read the configuration file /nonexistent/openmetadata.yaml"), "{err}");
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "a: [unclosed").unwrap();
        assert!(Sources::default().with_file(file.path()).unwrap_err().contains("not valid YAML"));
    }
}
