//! Reads an env file the way docker compose v2 does (`KEY=value` and YAML-style `KEY: value` lines,
//! `#` comments, quotes, ` # comments` stripped from unquoted values, `${VAR:-default}` from earlier
//! lines), keeping line numbers and every line it could not read, so `tessera check-env` can point
//! at them. The compose file test (crates/tessera/tests/cli/compose.rs) checks it against compose.

use crate::placeholder::{is_var_name, substitute};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub key: String,
    pub value: String,
    /// Written `KEY: value`: docker compose v2 reads it, v1 (`docker-compose`) and shells skip it.
    pub colon: bool,
    /// Variables the value refers to (`$NAME`, `${NAME}`) that no earlier line sets: compose puts
    /// nothing in their place, which is rarely what a `$` in a password meant.
    pub unset_refs: Vec<String>,
}

/// A line docker compose would reject or skip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub text: String,
    pub reason: String,
    pub fix: String,
}

#[derive(Debug, Default)]
pub struct EnvFile {
    pub entries: Vec<Entry>,
    pub bad_lines: Vec<BadLine>,
}

impl EnvFile {
    pub fn parse(text: &str) -> Self {
        let mut file = EnvFile::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let body = trimmed.strip_prefix("export ").map(str::trim_start).unwrap_or(trimmed);
            match parse_assignment(body, &file.vars()) {
                Ok(Assignment { key, value, colon, unset_refs }) => {
                    file.entries.push(Entry { line, key, value, colon, unset_refs })
                }
                Err((reason, fix)) => file.bad_lines.push(BadLine { line, text: trimmed.to_string(), reason, fix }),
            }
        }
        file
    }

    /// The variables as docker compose would pass them (the last definition wins).
    pub fn vars(&self) -> BTreeMap<String, String> {
        self.entries.iter().map(|e| (e.key.clone(), e.value.clone())).collect()
    }

    /// The line of the last definition of `key`.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.entries.iter().rev().find(|e| e.key == key).map(|e| e.line)
    }
}

fn parse_assignment(body: &str, earlier: &BTreeMap<String, String>) -> Result<Assignment, (String, String)> {
    // Docker compose v2 ends the name at the first `=` or `:` (`KEY: value` is its YAML style).
    let Some(separator) = body.find(['=', ':']) else {
        return Err((
            "not a KEY=value assignment".into(),
            "write KEY=value, or start the line with # to make it a comment".into(),
        ));
    };
    let (key, rest) = (body[..separator].trim(), &body[separator + 1..]);
    if !is_var_name(key) {
        return Err((
            format!("{key:?} is not a variable name"),
            "variable names are letters, digits and `_`, e.g. AUTHENTICATION_CLIENT_ID=...".into(),
        ));
    }
    let (value, unset_refs) = parse_value(rest.trim_start(), earlier)
        .map_err(|reason| (reason, format!("write {key}=\"...\" with matching quotes")))?;
    Ok(Assignment { key: key.to_string(), value, colon: body.as_bytes()[separator] == b':', unset_refs })
}

struct Assignment {
    key: String,
    value: String,
    colon: bool,
    unset_refs: Vec<String>,
}

/// The value and the unset variables it refers to. Single quotes keep everything literally.
fn parse_value(rest: &str, earlier: &BTreeMap<String, String>) -> Result<(String, Vec<String>), String> {
    if let Some(quoted) = rest.strip_prefix('\'') {
        let end = quoted.find('\'').ok_or("the single quote is not closed")?;
        return Ok((quoted[..end].to_string(), Vec::new()));
    }
    if let Some(quoted) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = quoted.chars();
        loop {
            match chars.next().ok_or("the double quote is not closed")? {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(c) => out.push(c),
                    None => return Err("the double quote is not closed".into()),
                },
                c => out.push(c),
            }
        }
        return interpolate(&out, earlier);
    }
    // Only a space starts a comment: compose keeps `a\t#b` whole.
    let unquoted = match rest.find(" #") {
        Some(comment) => &rest[..comment],
        None if rest.starts_with('#') => "",
        None => rest,
    };
    interpolate(unquoted.trim_end(), earlier)
}

/// Compose's interpolation in unquoted and double-quoted values: `${NAME}`, `${NAME:-default}` and
/// bare `$NAME` from earlier lines (nothing when unset), `$$` for a literal `$`.
fn interpolate(value: &str, earlier: &BTreeMap<String, String>) -> Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(value.len());
    let mut unset = Vec::new();
    let mut rest = value;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if after.starts_with('{') {
            let end = dollar + 1 + closing_brace(after);
            let placeholder = &rest[dollar..end];
            let name = placeholder[2..].trim_end_matches('}').split(":-").next().unwrap_or_default().trim();
            if !placeholder.contains(":-") && !earlier.contains_key(name) {
                unset.push(name.to_string());
            }
            out.push_str(&substitute(placeholder, earlier)?.text);
            rest = &rest[end..];
        } else {
            let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            if len == 0 || !is_var_name(&after[..len]) {
                out.push('$');
                rest = after;
                continue;
            }
            let name = &after[..len];
            match earlier.get(name) {
                Some(v) => out.push_str(v),
                None => unset.push(name.to_string()),
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok((out, unset))
}

/// The length of `{...}` at the start of `text`, counting nested braces (`${X:-{}}`); the whole
/// text when unbalanced (then `substitute` reports it).
fn closing_brace(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_rules() {
        let file = EnvFile::parse(
            "# comment\n\nA=[admin]                 # john.doe\nB= public\nexport C=\"quoted # kept\"  # gone\nD='${NOT}'\nE=${B:-x}/y\nF=\n",
        );
        assert!(file.bad_lines.is_empty(), "{:?}", file.bad_lines);
        let vars = file.vars();
        assert_eq!(vars["A"], "[admin]");
        assert_eq!(vars["B"], "public");
        assert_eq!(vars["C"], "quoted # kept");
        assert_eq!(vars["D"], "${NOT}");
        assert_eq!(vars["E"], "public/y");
        assert_eq!(vars["F"], "");
        assert_eq!(file.line_of("B"), Some(4));
    }

    #[test]
    fn colon_lines_are_read_as_compose_v2_reads_them() {
        let file = EnvFile::parse(
            "OIDC_DISCOVERY_URI: http://x/.well-known/openid-configuration   # Update\nOIDC_CALLBACK: ${OIDC_CALLBACK:-\"http://localhost:8585/callback\"}\nJ:nospace\nnonsense\n",
        );
        let vars = file.vars();
        assert_eq!(vars["OIDC_DISCOVERY_URI"], "http://x/.well-known/openid-configuration");
        assert_eq!(vars["OIDC_CALLBACK"], "\"http://localhost:8585/callback\"");
        assert_eq!(vars["J"], "nospace");
        assert!(file.entries.iter().all(|e| e.colon));
        assert_eq!(file.bad_lines.len(), 1);
        assert_eq!(file.bad_lines[0].line, 4);
        assert!(file.bad_lines[0].reason.contains("not a KEY=value"));
    }

    #[test]
    fn dollars_as_compose_reads_them() {
        let file = EnvFile::parse(
            "B=a\nD=abc$def\nE=\"x$B-$$\"\nF='abc$def'\nG=abc$$def\nH=${B}${NONE}\nI=$ 5$\nL=tab\t#x\nM=${B:-{}}\n",
        );
        assert!(file.bad_lines.is_empty(), "{:?}", file.bad_lines);
        let vars = file.vars();
        assert_eq!(vars["D"], "abc");
        assert_eq!(vars["E"], "xa-$");
        assert_eq!(vars["F"], "abc$def");
        assert_eq!(vars["G"], "abc$def");
        assert_eq!(vars["H"], "a");
        assert_eq!(vars["I"], "$ 5$");
        assert_eq!(vars["L"], "tab\t#x");
        assert_eq!(vars["M"], "a");
        let unset: Vec<(&str, &[String])> = file
            .entries
            .iter()
            .filter(|e| !e.unset_refs.is_empty())
            .map(|e| (e.key.as_str(), &e.unset_refs[..]))
            .collect();
        assert_eq!(unset, [("D", &["def".to_string()][..]), ("H", &["NONE".to_string()][..])]);
        assert!(EnvFile::parse("A=${OPEN\n").bad_lines[0].reason.contains("unterminated"));
    }

    #[test]
    fn unclosed_quotes() {
        let file = EnvFile::parse("A=\"open\n");
        assert_eq!(file.bad_lines[0].reason, "the double quote is not closed");
    }
}
