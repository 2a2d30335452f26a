//! Authorization: the DefaultAuthorizer's rule conditions, parsed by a grammar of our own into a
//! typed tree (the original evaluated them as SpEL, which allowed remote code execution,
//! CVE-2024-28254), policies, roles and teams, and the decision procedure.

pub mod access;
pub mod condition;
pub mod decide;
pub mod document;
pub mod edit;
pub mod manage;
pub mod operation;
pub mod permissions;
pub mod policy;
pub mod seed;
pub mod team_rules;

pub use condition::{Condition, ConditionError, Facts};
pub use decide::{Denied, check, require_admin};
pub use operation::Operation;
pub use policy::{Effect, Member, Policy, PolicyBook, Rule, Subject, Via};
