//! Values are YAML fragments, as in the original (env values are pasted into `openmetadata.yaml`
//! before it is parsed): `[a, b]` is a list, `"x"` a quoted string, ` # note` a comment, `true` a
//! boolean. These helpers turn a fragment into the typed value a setting needs, or say what is wrong.

use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// Parses an env value or default the way the original does.
pub fn parse_fragment(text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Value::Null);
    }
    // "All" in the original's lists (`AUTH_REASSIGN_ROLES=[*]`), which YAML reads as an alias.
    if trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')).is_some_and(|t| t.trim() == "*") {
        return Ok(Value::Sequence(vec![Value::String("*".into())]));
    }
    serde_yaml_ng::from_str(trimmed).map_err(|e| {
        let detail = e.to_string();
        let detail = detail.split(" at line").next().unwrap_or(&detail).to_string();
        format!("`{trimmed}` is not a valid value ({detail})")
    })
}

/// A single text value. Numbers and booleans are accepted as their text.
pub fn text(value: &Value) -> Result<String, String> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Sequence(_) => Err("expected a single value but got a list".into()),
        Value::Mapping(_) => Err(format!(
            "expected a single value but got `{}`, which YAML reads as a mapping (a leftover `{{placeholder}}`?)",
            render(value)
        )),
        Value::Tagged(t) => text(&t.value),
    }
}

/// `true` or `false`, in any letter case.
pub fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
        other => Err(format!("expected true or false, got `{}`", render(other))),
    }
}

/// A whole number; an empty value is `None`.
pub fn integer(value: &Value) -> Result<Option<i64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_i64().map(Some).ok_or_else(|| format!("expected a whole number, got `{n}`")),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s.trim().parse().map(Some).map_err(|_| format!("expected a whole number, got `{s}`")),
        other => Err(format!("expected a whole number, got `{}`", render(other))),
    }
}

/// A list of text values. A lone value is accepted as a one-element list; the flag says so, so the
/// caller can suggest the `[a, b]` form.
pub fn list(value: &Value) -> Result<(Vec<String>, bool), String> {
    match value {
        Value::Null => Ok((Vec::new(), false)),
        Value::Sequence(items) => {
            let items = items
                .iter()
                .map(text)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("a list item is wrong: {e}"))?;
            Ok((items.into_iter().filter(|i| !i.is_empty()).collect(), false))
        }
        Value::String(s) if s.trim().is_empty() => Ok((Vec::new(), false)),
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok((vec![text(value)?], true)),
        Value::Mapping(_) => Err(format!(
            "expected a list like [a, b] but got `{}`, which YAML reads as a mapping (a leftover `{{placeholder}}`?)",
            render(value)
        )),
        Value::Tagged(t) => list(&t.value),
    }
}

/// A list as the linter reads it: as [`list`] reads the YAML, or, where the text is not valid YAML
/// yet (placeholders such as `{Domain}` left in it), split leniently at its commas.
pub fn loose_list(text: &str) -> Vec<String> {
    if let Ok((items, _)) = parse_fragment(text).and_then(|value| list(&value)) {
        return items;
    }
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    inner.split(',').map(|s| s.trim().trim_matches(['"', '\'']).to_string()).filter(|s| !s.is_empty()).collect()
}

/// A mapping of text keys to text values (`{}` or `{a: b}`).
pub fn map(value: &Value) -> Result<BTreeMap<String, String>, String> {
    match value {
        Value::Null => Ok(BTreeMap::new()),
        Value::String(s) if s.trim().is_empty() => Ok(BTreeMap::new()),
        Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| Ok((text(k)?, text(v)?)))
            .collect::<Result<_, String>>()
            .map_err(|e| format!("a mapping entry is wrong: {e}")),
        other => Err(format!("expected a mapping like {{key: value}}, got `{}`", render(other))),
    }
}

/// `{key: [a, b], ...}` (JSON is a YAML flow mapping, so `{"k":["a"]}` reads the same); empty: none.
pub fn mapping_of_lists(value: &Value) -> Result<BTreeMap<String, Vec<String>>, String> {
    match value {
        Value::Null => Ok(BTreeMap::new()),
        Value::String(s) if s.trim().is_empty() => Ok(BTreeMap::new()),
        Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| {
                let items = match v {
                    Value::Sequence(items) => items.iter().map(text).collect::<Result<Vec<_>, _>>()?,
                    one => vec![text(one)?],
                };
                Ok((text(k)?, items))
            })
            .collect::<Result<_, String>>()
            .map_err(|e| format!("a mapping entry is wrong: {e}")),
        other => Err(format!("expected a mapping like {{\"key\": [\"a\", \"b\"]}}, got `{}`", render(other))),
    }
}

/// Compact one-line rendering of a value for messages.
pub fn render(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Sequence(items) => format!("[{}]", items.iter().map(render).collect::<Vec<_>>().join(", ")),
        Value::Mapping(m) => {
            let entries: Vec<String> = m
                .iter()
                .map(|(k, v)| match v {
                    Value::Null => render(k),
                    _ => format!("{}: {}", render(k), render(v)),
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Tagged(t) => render(&t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_lists_with_spaces_quotes_and_comments() {
        let v = parse_fragment("[https://x/.well-known/jwks.json, http://localhost:8585/api/v1/system/config/jwks]")
            .unwrap();
        assert_eq!(
            list(&v).unwrap().0,
            vec!["https://x/.well-known/jwks.json", "http://localhost:8585/api/v1/system/config/jwks"]
        );
        let v = parse_fragment(r#"  ["all", 'b' ]   # a comment docker compose would strip"#).unwrap();
        assert_eq!(list(&v).unwrap(), (vec!["all".to_string(), "b".to_string()], false));
        let v = parse_fragment("[admin]                 # john.doe from john.doe@example.com").unwrap();
        assert_eq!(list(&v).unwrap().0, vec!["admin"]);
    }

    #[test]
    fn scalars_trim_and_unquote() {
        assert_eq!(text(&parse_fragment(" public").unwrap()).unwrap(), "public");
        assert_eq!(text(&parse_fragment("\"open-metadata.org\"").unwrap()).unwrap(), "open-metadata.org");
        assert_eq!(
            text(&parse_fragment("open-metadata.org       # Update with your Domain").unwrap()).unwrap(),
            "open-metadata.org"
        );
        assert_eq!(
            text(&parse_fragment("http://localhost:8585/callback#frag").unwrap()).unwrap(),
            "http://localhost:8585/callback#frag"
        );
        assert_eq!(text(&parse_fragment("").unwrap()).unwrap(), "");
    }

    #[test]
    fn booleans_and_numbers() {
        assert!(boolean(&parse_fragment("TRUE").unwrap()).unwrap());
        assert!(!boolean(&parse_fragment("\"false\"").unwrap()).unwrap());
        assert!(boolean(&parse_fragment("yes").unwrap()).is_err());
        assert_eq!(integer(&parse_fragment("\"3600\"").unwrap()).unwrap(), Some(3600));
        assert_eq!(integer(&parse_fragment("\"\"").unwrap()).unwrap(), None);
        assert!(integer(&parse_fragment("soon").unwrap()).is_err());
    }

    #[test]
    fn placeholders_left_in_values_are_explained() {
        let err = text(&parse_fragment("{Client ID}").unwrap()).unwrap_err();
        assert!(err.contains("placeholder"), "{err}");
        assert!(parse_fragment("[{Domain}/.well-known/jwks.json, https://x]").is_err());
    }

    #[test]
    fn a_lone_value_is_a_one_element_list_but_flagged() {
        assert_eq!(list(&parse_fragment("admin").unwrap()).unwrap(), (vec!["admin".to_string()], true));
    }

    #[test]
    fn maps() {
        assert!(map(&parse_fragment("{}").unwrap()).unwrap().is_empty());
        let m = map(&parse_fragment("{customParamKey1: audience, customParamValue1: https://api}").unwrap()).unwrap();
        assert_eq!(m["customParamValue1"], "https://api");
    }
}
