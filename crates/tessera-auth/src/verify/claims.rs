//! Token claims, looked up ignoring letter case as the original does (`EMAIL` finds `email`).
//! The exact spelling is tried first; claim sets are small, so the fallback scan is cheap and
//! nothing is copied.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Default)]
pub struct Claims(Map<String, Value>);

impl Claims {
    pub fn from_json(map: Map<String, Value>) -> Self {
        Self(map)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).or_else(|| self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
    }

    /// A non-empty string claim; other types count as absent.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
    }

    /// A numeric date claim in seconds.
    pub fn seconds(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
    }

    /// `aud` as a list (it may be one string or an array).
    pub fn audiences(&self) -> Vec<&str> {
        match self.get("aud") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    pub fn is_true(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Value::Bool(true)))
    }

    /// The claim names present, for diagnostics (never the values).
    pub fn names(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }
}
