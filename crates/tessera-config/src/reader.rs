//! Reads settings with a type, recording every problem instead of stopping at the first, and
//! falling back to the default so the rest of the configuration can still be checked.

use crate::problem::Problem;
use crate::settings::{Setting, setting};
use crate::source::{Origin, Sources};
use crate::value;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

pub struct Reader<'a> {
    sources: &'a Sources,
    pub problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    pub fn new(sources: &'a Sources) -> Self {
        Self { sources, problems: Vec::new() }
    }

    pub fn error(&mut self, var: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.problems.push(Problem::error(var, message, fix));
    }

    pub fn warn(&mut self, var: &str, message: impl Into<String>, fix: impl Into<String>) {
        self.problems.push(Problem::warning(var, message, fix));
    }

    /// True when the variable was set (in the environment or the file), not defaulted.
    pub fn is_set(&self, env: &str) -> bool {
        self.sources.raw(known(env)).map(|r| r.origin != Origin::Default).unwrap_or(true)
    }

    fn raw(&mut self, env: &str) -> (Value, &'static Setting) {
        let setting = known(env);
        match self.sources.raw(setting) {
            Ok(raw) => (raw.value, setting),
            Err(message) => {
                self.error(env, message, "write lists as [a, b] and quote values that contain `{` or `:`");
                (default_value(setting), setting)
            }
        }
    }

    fn typed<T>(&mut self, env: &str, convert: impl Fn(&Value) -> Result<T, String>) -> T {
        let (raw, setting) = self.raw(env);
        match convert(&raw) {
            Ok(v) => v,
            Err(message) => {
                self.error(env, message, format!("set it like the default: {}={}", env, setting.default));
                convert(&default_value(setting)).unwrap_or_else(|_| panic!("default of {env} is invalid"))
            }
        }
    }

    pub fn mapping_of_lists(&mut self, env: &str) -> BTreeMap<String, Vec<String>> {
        self.typed(env, value::mapping_of_lists)
    }

    pub fn text(&mut self, env: &str) -> String {
        self.typed(env, value::text)
    }

    pub fn boolean(&mut self, env: &str) -> bool {
        self.typed(env, value::boolean)
    }

    pub fn integer(&mut self, env: &str) -> Option<i64> {
        self.typed(env, value::integer)
    }

    pub fn map(&mut self, env: &str) -> BTreeMap<String, String> {
        self.typed(env, value::map)
    }

    /// A list; a lone value is accepted with a warning suggesting the `[a, b]` form.
    pub fn list(&mut self, env: &str) -> Vec<String> {
        let (items, was_scalar) = self.typed(env, value::list);
        if was_scalar {
            self.warn(
                env,
                "a single value was given where a list is expected",
                format!("write it as {env}=[{}]", items.join(", ")),
            );
        }
        items
    }

    /// A non-negative number of seconds (or a count); empty means `None`.
    pub fn seconds(&mut self, env: &str) -> Option<u64> {
        let n = self.integer(env)?;
        u64::try_from(n).ok().or_else(|| {
            self.error(env, format!("{n} is negative"), "use a number of seconds, 0 or more");
            None
        })
    }

    /// A TCP port, 1..=65535.
    pub fn port(&mut self, env: &str) -> u16 {
        match self.integer(env).map(u16::try_from) {
            Some(Ok(port)) if port > 0 => port,
            other => {
                let shown = match other {
                    None => "empty".to_string(),
                    Some(_) => format!("{:?}", self.text(env)),
                };
                self.error(env, format!("{shown} is not a TCP port"), "use a number from 1 to 65535");
                value::integer(&default_value(known(env))).ok().flatten().unwrap_or(1) as u16
            }
        }
    }

    /// One of a fixed set of values (compared ignoring letter case); returns the canonical spelling.
    pub fn one_of(&mut self, env: &str, allowed: &[&'static str]) -> &'static str {
        let given = self.text(env);
        if let Some(found) = allowed.iter().find(|a| a.eq_ignore_ascii_case(&given)) {
            return found;
        }
        self.error(env, format!("unsupported value {given:?}"), format!("use one of: {}", allowed.join(", ")));
        let fallback = value::text(&default_value(known(env))).unwrap_or_default();
        allowed.iter().find(|a| a.eq_ignore_ascii_case(&fallback)).unwrap_or(&allowed[0])
    }
}

impl Reader<'_> {
    /// A JWS algorithm's name, any case; an unknown one is an error naming the variable.
    pub fn algorithm(&mut self, env: &str) -> crate::JwsAlgorithm {
        let name = self.one_of(env, &crate::JwsAlgorithm::names());
        crate::JwsAlgorithm::parse(name).expect("one_of answers one of the names")
    }
}

fn known(env: &str) -> &'static Setting {
    setting(env).unwrap_or_else(|| panic!("{env} is not in the settings registry"))
}

fn default_value(setting: &Setting) -> Value {
    value::parse_fragment(setting.default).unwrap_or(Value::Null)
}
