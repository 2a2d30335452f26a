//! What a subject may do, operation by operation, for the permissions API (the web UI shows or
//! hides actions with it). A rule with a condition makes the answer conditional: it depends on
//! the entity.

use crate::operation::Operation;
use crate::policy::{Effect, Subject, Via};
use serde::Serialize;

/// The resource types Tessera serves, as the permissions API lists them.
pub const RESOURCES: &[&str] = &[
    "bot",
    "classification",
    "database",
    "databaseSchema",
    "databaseService",
    "ingestionPipeline",
    "policy",
    "role",
    "storedProcedure",
    "table",
    "tag",
    "team",
    "testConnectionDefinition",
    "user",
];

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    pub operation: &'static str,
    pub access: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// Every concrete operation (not the `All`/`ViewAll`/`EditAll` aggregates) on `resource`.
pub fn permissions(subject: &Subject, resource: &str) -> Vec<Permission> {
    concrete().map(|op| one(subject, resource, op, None)).collect()
}

/// The same for one entity: conditions are evaluated against it, so the answers are definite.
pub fn entity_permissions(subject: &Subject, resource: &str, entity: &dyn crate::Facts) -> Vec<Permission> {
    concrete().map(|op| one(subject, resource, op, Some(entity))).collect()
}

fn concrete() -> impl Iterator<Item = Operation> {
    Operation::ALL.iter().copied().filter(|o| !o.is_aggregate())
}

fn one(subject: &Subject, resource: &str, wanted: Operation, entity: Option<&dyn crate::Facts>) -> Permission {
    let verdict = |access: &'static str, source: Option<(&Via, &str, &str)>| {
        let (role, policy, rule) = match source {
            Some((via, policy, rule)) => {
                let role = match via {
                    Via::Role(role) => Some(role.clone()),
                    Via::Team(_) => None,
                };
                (role, Some(policy.to_string()), Some(rule.to_string()))
            }
            None => (None, None, None),
        };
        Permission { operation: wanted.name(), access, role, policy, rule }
    };
    if subject.is_admin {
        return verdict("allow", None);
    }
    // Strongest first: deny, conditional deny, allow, conditional allow.
    let mut best: Option<(u8, &'static str, (&Via, &str, &str))> = None;
    for grant in &subject.grants {
        for rule in grant.policy.rules.iter().filter(|r| r.applies_to(resource)) {
            if !rule.operations.iter().any(|o| o.covers(wanted)) {
                continue;
            }
            let conditional = match (&rule.condition, entity) {
                (Some(condition), Some(facts)) => {
                    if !condition.evaluate(facts) {
                        continue; // does not apply to this entity
                    }
                    false
                }
                (Some(_), None) => true,
                (None, _) => false,
            };
            let (rank, access) = match (rule.effect, conditional) {
                (Effect::Deny, false) => (4, "deny"),
                (Effect::Deny, true) => (3, "conditionalDeny"),
                (Effect::Allow, false) => (2, "allow"),
                (Effect::Allow, true) => (1, "conditionalAllow"),
            };
            if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                best = Some((rank, access, (&grant.via, &grant.policy.name, &rule.name)));
            }
        }
    }
    match best {
        Some((_, access, source)) => verdict(access, Some(source)),
        None => verdict("notAllow", None),
    }
}
