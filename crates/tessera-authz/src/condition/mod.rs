//! Rule conditions such as `isOwner() && !matchAnyTag('PII.Sensitive')`.
//!
//! The grammar (both the symbol and the word forms the original accepted):
//!
//! ```text
//! expr    := and (("||" | "or") and)*
//! and     := unary (("&&" | "and") unary)*
//! unary   := ("!" | "not") unary | primary
//! primary := "(" expr ")" | name "(" [string ("," string)*] ")"
//! string  := '...' | "..."
//! ```
//!
//! Only the functions in [`Function`] exist; anything else — a Java type reference, a method call
//! on a result, a bare identifier — is a parse error with its position, so a condition can only
//! ever ask questions about the request, never run code.

mod eval;
mod lexer;
mod parser;

pub use eval::{Facts, Known, NoEntity, Owned};
pub use parser::parse;

/// A condition longer than this is refused (no legitimate rule comes close).
pub const MAX_LENGTH: usize = 2_000;
/// Nesting deeper than this is refused, so a hostile condition cannot exhaust the stack.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Call(Function),
    Not(Box<Condition>),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
}

/// The questions a condition may ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Function {
    IsOwner,
    NoOwner,
    MatchTeam,
    HasDomain,
    HasAnyRole(Vec<String>),
    InAnyTeam(Vec<String>),
    MatchAnyTag(Vec<String>),
    MatchAllTags(Vec<String>),
}

/// What the functions are called in a condition, and whether they take names.
pub const FUNCTIONS: &[(&str, bool)] = &[
    ("isOwner", false),
    ("noOwner", false),
    ("matchTeam", false),
    ("hasDomain", false),
    ("hasAnyRole", true),
    ("inAnyTeam", true),
    ("matchAnyTag", true),
    ("matchAllTags", true),
];

/// Where and why a condition does not parse. `position` counts characters from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Failed to parse the condition at position {position}: {message}")]
pub struct ConditionError {
    pub position: usize,
    pub message: String,
}

impl ConditionError {
    fn at(position: usize, message: impl Into<String>) -> Self {
        Self { position, message: message.into() }
    }
}

impl std::str::FromStr for Condition {
    type Err = ConditionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text)
    }
}
