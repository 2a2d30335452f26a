//! The decision (compat §5.2): admins may do anything; otherwise a matching deny rule refuses at
//! once, then allow rules must cover every requested operation. The messages are the original's.

use crate::condition::Facts;
use crate::operation::Operation;
use crate::policy::{Effect, Subject, Via};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Principal: CatalogPrincipal{{name='{user}'}} operation {operation} denied {}policy {policy}, rule {rule}", by(.via))]
    ByRule { user: String, operation: Operation, via: Via, policy: String, rule: String },
    #[error("Principal: CatalogPrincipal{{name='{user}'}} operations [{}] not allowed", list(.operations))]
    NotAllowed { user: String, operations: Vec<Operation> },
    #[error("Principal: CatalogPrincipal{{name='{0}'}} is not admin")]
    NotAdmin(String),
}

fn by(via: &Via) -> String {
    match via {
        Via::Role(role) => format!("by role {role}, "),
        Via::Team(_) => String::new(),
    }
}

fn list(operations: &[Operation]) -> String {
    operations.iter().map(|o| o.name()).collect::<Vec<_>>().join(", ")
}

/// May `subject` perform every one of `wanted` on a `resource` (an entity type such as `table`)?
pub fn check(subject: &Subject, resource: &str, wanted: &[Operation], facts: &dyn Facts) -> Result<(), Denied> {
    if subject.is_admin {
        return Ok(());
    }
    let holds = |rule: &crate::policy::Rule| rule.condition.as_ref().is_none_or(|c| c.evaluate(facts));
    for grant in &subject.grants {
        for rule in grant.policy.rules.iter().filter(|r| r.effect == Effect::Deny && r.applies_to(resource)) {
            let hit = wanted.iter().find(|w| rule.operations.iter().any(|o| o.covers(**w)));
            if let Some(&operation) = hit
                && holds(rule)
            {
                return Err(Denied::ByRule {
                    user: subject.name.clone(),
                    operation,
                    via: grant.via.clone(),
                    policy: grant.policy.name.clone(),
                    rule: rule.name.clone(),
                });
            }
        }
    }
    let mut pending: Vec<Operation> = wanted.to_vec();
    for grant in &subject.grants {
        for rule in grant.policy.rules.iter().filter(|r| r.effect == Effect::Allow && r.applies_to(resource)) {
            if pending.iter().any(|w| rule.operations.iter().any(|o| o.covers(*w))) && holds(rule) {
                pending.retain(|w| !rule.operations.iter().any(|o| o.covers(*w)));
                if pending.is_empty() {
                    return Ok(());
                }
            }
        }
    }
    if pending.is_empty() {
        Ok(())
    } else {
        Err(Denied::NotAllowed { user: subject.name.clone(), operations: pending })
    }
}

/// Admin-only operations (`authorizeAdmin`).
pub fn require_admin(subject: &Subject) -> Result<(), Denied> {
    if subject.is_admin { Ok(()) } else { Err(Denied::NotAdmin(subject.name.clone())) }
}
