//! Reads an env file the way docker compose does (`KEY=value` lines, `#` comments, quotes,
//! ` # comments` stripped from unquoted values, `${VAR:-default}` from earlier lines), keeping line
//! numbers and every line it could not read, so `tessera check-env` can point at them.

use crate::placeholder::{is_var_name, substitute};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub key: String,
    pub value: String,
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
                Ok((key, value)) => file.entries.push(Entry { line, key, value }),
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

fn parse_assignment(body: &str, earlier: &BTreeMap<String, String>) -> Result<(String, String), (String, String)> {
    let Some((key, rest)) = body.split_once('=') else {
        return Err(no_equals(body));
    };
    let key = key.trim();
    if !is_var_name(key) {
        if let Some((colon_key, _)) = key.split_once(':').filter(|(k, _)| is_var_name(k.trim())) {
            return Err(colon_form(colon_key.trim(), body));
        }
        return Err((
            format!("{key:?} is not a variable name"),
            "variable names are letters, digits and `_`, e.g. AUTHENTICATION_CLIENT_ID=...".into(),
        ));
    }
    let value = parse_value(rest.trim_start(), earlier)
        .map_err(|reason| (reason, format!("write {key}=\"...\" with matching quotes")))?;
    Ok((key.to_string(), value))
}

fn no_equals(body: &str) -> (String, String) {
    match body.split_once(':') {
        Some((key, _)) if is_var_name(key.trim()) => colon_form(key.trim(), body),
        _ => (
            "not a KEY=value assignment".into(),
            "write KEY=value, or start the line with # to make it a comment".into(),
        ),
    }
}

/// `KEY: value` (YAML style) appears in the seed document itself; compose skips such a line.
fn colon_form(key: &str, body: &str) -> (String, String) {
    let value = body.split_once(':').map(|(_, v)| v.trim()).unwrap_or_default();
    let value = value.split(" #").next().unwrap_or_default().trim_end();
    let suggestion = inner_default(value).unwrap_or(value).trim_matches('"');
    (
        format!("`{key}: ...` uses a colon, so docker compose skips this line and {key} keeps its default"),
        format!("write {key}={suggestion}"),
    )
}

/// The default inside a `${VAR:-default}` value, which is what the author meant.
fn inner_default(value: &str) -> Option<&str> {
    value.strip_prefix("${")?.strip_suffix('}')?.split_once(":-").map(|(_, d)| d)
}

fn parse_value(rest: &str, earlier: &BTreeMap<String, String>) -> Result<String, String> {
    if let Some(quoted) = rest.strip_prefix('\'') {
        let end = quoted.find('\'').ok_or("the single quote is not closed")?;
        return Ok(quoted[..end].to_string());
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
    let unquoted = match rest.find(" #").or_else(|| rest.find("\t#")) {
        Some(comment) => &rest[..comment],
        None if rest.starts_with('#') => "",
        None => rest,
    };
    interpolate(unquoted.trim_end(), earlier)
}

fn interpolate(value: &str, earlier: &BTreeMap<String, String>) -> Result<String, String> {
    if !value.contains("${") {
        return Ok(value.to_string());
    }
    substitute(value, earlier).map(|s| s.text)
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
    fn colon_lines_are_reported_with_the_intended_assignment() {
        let file = EnvFile::parse(
            "OIDC_DISCOVERY_URI: http://x/.well-known/openid-configuration\nOIDC_CALLBACK: ${OIDC_CALLBACK:-\"http://localhost:8585/callback\"}\nnonsense\n",
        );
        assert_eq!(file.entries.len(), 0);
        let bad = &file.bad_lines;
        assert_eq!(bad.len(), 3);
        assert_eq!(bad[0].line, 1);
        assert_eq!(bad[0].fix, "write OIDC_DISCOVERY_URI=http://x/.well-known/openid-configuration");
        assert_eq!(bad[1].fix, "write OIDC_CALLBACK=http://localhost:8585/callback");
        assert!(bad[2].reason.contains("not a KEY=value"));
    }

    #[test]
    fn unclosed_quotes() {
        let file = EnvFile::parse("A=\"open\n");
        assert_eq!(file.bad_lines[0].reason, "the double quote is not closed");
    }
}
