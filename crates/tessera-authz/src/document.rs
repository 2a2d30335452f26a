//! The stored form of policies, roles and teams (the `body` of an `access_entities` row):
//! references by name, so renaming never leaves a dangling id, and turned into a [`PolicyBook`].

use crate::condition::parse;
use crate::operation::Operation;
use crate::policy::{Effect, Policy, PolicyBook, Rule, TeamNode};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleDoc {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub resources: Vec<String>,
    pub operations: Vec<String>,
    pub effect: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Policy: its rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleDoc>,
    /// Role and team: policy names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<String>,
    /// Team: parent team names, default role names, team type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_type: Option<String>,
}

impl AccessDoc {
    /// A stored document as 1.7 reads it: operations of later versions (`NOT_IN_1_7`, which an
    /// older Tessera seeded) dropped from its rules. Unreadable text is an error for the caller.
    pub fn from_stored(body: &str) -> Result<AccessDoc, serde_json::Error> {
        let mut doc: AccessDoc = serde_json::from_str(body)?;
        for rule in &mut doc.rules {
            rule.operations.retain(|o| !crate::operation::NOT_IN_1_7.contains(&o.as_str()));
        }
        Ok(doc)
    }
}

/// A policy that cannot be saved: which rule, and what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule {rule:?}: {message}")]
pub struct InvalidRule {
    pub rule: String,
    pub message: String,
}

impl RuleDoc {
    /// Checks and compiles a rule: known operations, `allow`/`deny`, a condition that parses.
    pub fn compile(&self) -> Result<Rule, InvalidRule> {
        let invalid = |message: String| InvalidRule { rule: self.name.clone(), message };
        if self.name.trim().is_empty() {
            return Err(invalid("a rule needs a name".into()));
        }
        let effect = match self.effect.to_ascii_lowercase().as_str() {
            "allow" => Effect::Allow,
            "deny" => Effect::Deny,
            other => return Err(invalid(format!("effect {other:?} is neither allow nor deny"))),
        };
        if self.resources.is_empty() || self.operations.is_empty() {
            return Err(invalid("a rule needs at least one resource and one operation".into()));
        }
        let operations = self
            .operations
            .iter()
            .map(|o| Operation::parse(o).map_err(|e| invalid(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let condition = match self.condition.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(text) => Some(parse(text).map_err(|e| invalid(e.to_string()))?),
            None => None,
        };
        Ok(Rule {
            name: self.name.clone(),
            resources: self.resources.iter().map(|r| r.to_ascii_lowercase()).collect(),
            operations,
            effect,
            condition,
        })
    }
}

/// Builds the authorizer's book from stored (kind, name, document) triples. A stored rule that no
/// longer compiles (written by an older version) is skipped with a warning, never trusted.
pub fn book<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str, AccessDoc)>) -> PolicyBook {
    let mut book = PolicyBook::default();
    for (kind, name, doc) in entries {
        match kind {
            "policy" => {
                let rules = doc
                    .rules
                    .iter()
                    .filter_map(|r| r.compile().map_err(|e| tracing::warn!(policy = name, %e, "rule skipped")).ok())
                    .collect();
                book.policies.insert(name.to_string(), Arc::new(Policy { name: name.to_string(), rules }));
            }
            "role" => {
                book.roles.insert(name.to_string(), doc.policies);
            }
            _ => {
                let node = TeamNode { parents: doc.parents, default_roles: doc.default_roles, policies: doc.policies };
                book.teams.insert(name.to_string(), node);
            }
        }
    }
    book
}
