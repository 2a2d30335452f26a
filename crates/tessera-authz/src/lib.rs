//! Authorization: the DefaultAuthorizer's rule conditions, parsed by a grammar of our own into a
//! typed tree (the original evaluated them as SpEL, which allowed remote code execution,
//! CVE-2024-28254), policies and the decision procedure.

pub mod condition;

pub use condition::{Condition, ConditionError, Facts};
