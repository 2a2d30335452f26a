//! The `query_filter` of `GET /api/v1/search/query` (Elasticsearch query JSON, as 1.7's web UI and
//! client send it), read into what Tessera can answer exactly: one `term` on `tags.tagFQN`, alone
//! or inside `bool.must`/`bool.filter`, optionally wrapped in `{"query": …}`. Any other part is a
//! 400 naming it: a filter Tessera cannot apply never widens or narrows a result silently.

use crate::error::ApiError;
use crate::search::bad;
use serde_json::Value;

/// What a `query_filter` asks for.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct SearchFilter {
    /// Only entities labelled with this tag (`tags.tagFQN`).
    pub tag: Option<String>,
}

const SUPPORTED: &str =
    "Tessera filters with {\"term\": {\"tags.tagFQN\": \"<tag FQN>\"}}, alone or in bool.must/bool.filter";

/// The filter of a `query_filter` parameter (`None` or `""`: no filter).
pub(crate) fn parse(text: Option<&str>) -> Result<SearchFilter, ApiError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else { return Ok(SearchFilter::default()) };
    let json: Value =
        serde_json::from_str(text).map_err(|e| bad(format!("query_filter is not valid JSON ({e}); {SUPPORTED}")))?;
    let mut filter = SearchFilter::default();
    let query = match &json {
        Value::Object(map) if map.len() == 1 && map.contains_key("query") => &map["query"],
        other => other,
    };
    clause(query, "query_filter", &mut filter)?;
    Ok(filter)
}

fn one_key<'a>(value: &'a Value, at: &str) -> Result<(&'a str, &'a Value), ApiError> {
    match value {
        Value::Object(map) if map.len() == 1 => Ok(map.iter().next().map(|(k, v)| (k.as_str(), v)).expect("one key")),
        Value::Object(map) if map.is_empty() => Err(bad(format!("{at} is an empty object; {SUPPORTED}"))),
        _ => Err(bad(format!("{at} must be an object with one query type; {SUPPORTED}"))),
    }
}

fn clause(value: &Value, at: &str, filter: &mut SearchFilter) -> Result<(), ApiError> {
    match one_key(value, at)? {
        ("bool", Value::Object(parts)) => {
            for (occur, items) in parts {
                let here = format!("{at}.bool.{occur}");
                if !matches!(occur.as_str(), "must" | "filter") {
                    return Err(bad(format!("{here} is not supported; {SUPPORTED}")));
                }
                let items = match items {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                for (i, item) in items.into_iter().enumerate() {
                    clause(item, &format!("{here}[{i}]"), filter)?;
                }
            }
            Ok(())
        }
        ("term", Value::Object(fields)) if fields.len() == 1 => {
            let (field, wanted) = fields.iter().next().expect("one field");
            // `{"field": "value"}` or the long form `{"field": {"value": "value"}}`.
            let wanted = wanted.get("value").unwrap_or(wanted).as_str().map(str::to_string);
            match (field.as_str(), wanted) {
                ("tags.tagFQN", Some(tag)) if filter.tag.as_ref().is_none_or(|t| *t == tag) => {
                    filter.tag = Some(tag);
                    Ok(())
                }
                ("tags.tagFQN", Some(_)) => {
                    Err(bad(format!("{at}: one tags.tagFQN term per search is supported; search one tag at a time")))
                }
                ("tags.tagFQN", None) => Err(bad(format!("{at}.term.tags.tagFQN must be a tag FQN (a string)"))),
                (other, _) => Err(bad(format!("{at}.term.{other} is not supported; {SUPPORTED}"))),
            }
        }
        (kind, _) => Err(bad(format!("{at}.{kind} is not supported; {SUPPORTED}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> Option<String> {
        parse(Some(text)).unwrap().tag
    }

    fn refusal(text: &str) -> String {
        parse(Some(text)).unwrap_err().message
    }

    #[test]
    fn tag_terms_as_the_web_ui_and_client_send_them() {
        assert_eq!(parse(None).unwrap(), SearchFilter::default());
        assert_eq!(parse(Some(" ")).unwrap(), SearchFilter::default());
        assert_eq!(
            tag(r#"{"query":{"bool":{"must":[{"term":{"tags.tagFQN":"PII.Sensitive"}}]}}}"#).as_deref(),
            Some("PII.Sensitive")
        );
        assert_eq!(
            tag(r#"{"bool":{"filter":{"term":{"tags.tagFQN":{"value":"Tier.Tier1"}}}}}"#).as_deref(),
            Some("Tier.Tier1")
        );
        assert_eq!(tag(r#"{"term":{"tags.tagFQN":"A.B"}}"#).as_deref(), Some("A.B"));
        assert_eq!(tag(r#"{"bool":{"must":[]}}"#), None);
    }

    #[test]
    fn anything_else_is_named_in_the_refusal() {
        assert!(refusal("{").contains("not valid JSON"));
        assert!(refusal(r#"{"bool":{"should":[]}}"#).contains("query_filter.bool.should is not supported"));
        assert!(refusal(r#"{"query":{"match":{"name":"x"}}}"#).contains("query_filter.match is not supported"));
        assert!(refusal(r#"{"term":{"owners.name":"x"}}"#).contains("term.owners.name is not supported"));
        assert!(refusal(r#"{"term":{"tags.tagFQN":3}}"#).contains("must be a tag FQN"));
        assert!(
            refusal(r#"{"bool":{"must":[{"term":{"tags.tagFQN":"A.B"}},{"term":{"tags.tagFQN":"A.C"}}]}}"#)
                .contains("one tag at a time")
        );
        assert!(refusal(r#"{"term":{},"bool":{}}"#).contains("one query type"));
        assert!(refusal("[]").contains("one query type"));
        assert!(refusal("{}").contains("empty object"));
    }
}
