//! `${VAR}` and `${VAR:-default}` placeholders, as in `openmetadata.yaml` and docker compose files.
//! An unset or empty variable takes the default (bash `:-` semantics, which is what docker compose
//! applies before the server ever sees the value).

use std::collections::BTreeMap;

/// The text with every placeholder replaced, and the variables that were read from `vars`.
#[derive(Debug, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    pub vars_used: Vec<String>,
}

/// Replaces placeholders in `text`; an unterminated `${` is an error naming where it starts.
pub fn substitute(text: &str, vars: &BTreeMap<String, String>) -> Result<Substituted, String> {
    let mut out = String::with_capacity(text.len());
    let mut vars_used = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = matching_brace(after)
            .ok_or_else(|| format!("unterminated placeholder starting at `{}`", &rest[start..]))?;
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name.trim(), Some(default)),
            None => (inner.trim(), None),
        };
        if !is_var_name(name) {
            return Err(format!("`${{{inner}}}` is not a placeholder: a variable name is letters, digits and `_`"));
        }
        match vars.get(name).filter(|v| !v.is_empty()) {
            Some(value) => {
                out.push_str(value);
                vars_used.push(name.to_string());
            }
            None => out.push_str(default.unwrap_or("")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Substituted { text: out, vars_used })
}

/// The index of the `}` closing a placeholder body, counting nested braces (`${X:-{}}`).
fn matching_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// True for `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_apply_when_unset_or_empty() {
        let v = vars(&[("EMPTY", ""), ("SET", "x")]);
        let out = substitute("${UNSET:-a} ${EMPTY:-b} ${SET:-c} ${UNSET}", &v).unwrap();
        assert_eq!(out.text, "a b x ");
        assert_eq!(out.vars_used, vec!["SET"]);
    }

    #[test]
    fn defaults_may_hold_yaml() {
        let out = substitute("${L:-[http://a/jwks, https://b]}", &vars(&[])).unwrap();
        assert_eq!(out.text, "[http://a/jwks, https://b]");
    }

    #[test]
    fn defaults_may_hold_braces() {
        let set = vars(&[("P", "{a: b}")]);
        assert_eq!(substitute("${P:-{}}", &set).unwrap().text, "{a: b}");
        assert_eq!(substitute("${Q:-{}} tail", &set).unwrap().text, "{} tail");
    }

    #[test]
    fn unterminated_or_bad_placeholders_are_errors() {
        assert!(substitute("${OPEN", &vars(&[])).unwrap_err().contains("unterminated"));
        assert!(substitute("${not a name}", &vars(&[])).unwrap_err().contains("not a placeholder"));
    }
}
