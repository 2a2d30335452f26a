//! A problem found in the configuration: which variable, what is wrong, how to fix it.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// The env var to change (or the file key, for file-only settings).
    pub var: String,
    pub message: String,
    pub fix: String,
}

impl Problem {
    pub fn error(var: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { severity: Severity::Error, var: var.into(), message: message.into(), fix: fix.into() }
    }

    pub fn warning(var: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, var: var.into(), message: message.into(), fix: fix.into() }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}: {}", self.var, self.message)?;
        if !self.fix.is_empty() {
            write!(f, "\n    fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// Renders a list of problems, errors first, with a closing count.
pub fn render_all(problems: &[Problem]) -> String {
    let mut sorted: Vec<&Problem> = problems.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.severity));
    let mut out: String = sorted.iter().map(|p| format!("{p}\n")).collect();
    let errors = problems.iter().filter(|p| p.is_error()).count();
    out.push_str(&format!("{errors} error(s), {} warning(s)\n", problems.len() - errors));
    out
}
