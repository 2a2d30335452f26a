//! The Elasticsearch query JSON that 1.7's client and web UI send as `query_filter`, read into a
//! [`Filter`]: `bool` (`must`, `filter`, `should`, `must_not`, `minimum_should_match`), `term`,
//! `terms`, `match`, `exists`, `wildcard`, `prefix`, `match_all`, optionally inside `{"query": …}`.
//! Anything else is an error naming the part, so a filter is never silently ignored.

use serde_json::Value;

/// A filter on entity documents (paths as the API's JSON has them; `.keyword` is dropped).
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    All,
    /// The path has one of the values exactly (`term`, `terms`).
    Term {
        path: String,
        values: Vec<String>,
    },
    /// A word query on a text path: any of the words (`match`).
    Match {
        path: String,
        text: String,
    },
    /// The path has a value.
    Exists {
        path: String,
    },
    /// A value of the path matches a pattern with `*` and `?` (`wildcard`, `prefix`).
    Wildcard {
        path: String,
        pattern: String,
    },
    Bool(Bool),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bool {
    pub must: Vec<Filter>,
    pub should: Vec<Filter>,
    pub must_not: Vec<Filter>,
    /// At least this many `should` clauses must match (Elasticsearch's default: 1 when there is
    /// no `must`/`filter`, else 0).
    pub minimum_should_match: usize,
}

/// Why a `query_filter` cannot be answered; the text names the part at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

const SUPPORTED: &str = "Tessera answers bool (must, filter, should, must_not), term, terms, match, exists, \
     wildcard, prefix and match_all";

/// Reads a `query_filter` (`None` or blank: no filter).
pub fn parse_filter(text: Option<&str>) -> Result<Filter, FilterError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else { return Ok(Filter::All) };
    let json: Value = serde_json::from_str(text)
        .map_err(|e| FilterError(format!("query_filter is not valid JSON ({e}); {SUPPORTED}")))?;
    let query = match &json {
        Value::Object(map) if map.len() == 1 && map.contains_key("query") => &map["query"],
        other => other,
    };
    clause(query, "query_filter", 0)
}

const MAX_DEPTH: usize = 16;

fn clause(value: &Value, at: &str, depth: usize) -> Result<Filter, FilterError> {
    if depth > MAX_DEPTH {
        return Err(FilterError(format!("{at}: bool clauses nest deeper than {MAX_DEPTH}; flatten the query")));
    }
    let (kind, body) = one_key(value, at)?;
    let here = format!("{at}.{kind}");
    match kind {
        "bool" => boolean(body, &here, depth),
        "match_all" => Ok(Filter::All),
        "term" => {
            let (path, wanted) = field(body, &here)?;
            let wanted = wanted.get("value").unwrap_or(wanted);
            Ok(Filter::Term { path: path_of(path), values: vec![scalar(wanted, &format!("{here}.{path}"))?] })
        }
        "terms" => {
            let (path, wanted) = field(body, &here)?;
            let Value::Array(items) = wanted else {
                return Err(FilterError(format!("{here}.{path} must be an array of values")));
            };
            let values = items.iter().map(|v| scalar(v, &format!("{here}.{path}"))).collect::<Result<_, _>>()?;
            Ok(Filter::Term { path: path_of(path), values })
        }
        "match" => {
            let (path, wanted) = field(body, &here)?;
            let wanted = wanted.get("query").unwrap_or(wanted);
            Ok(Filter::Match { path: path_of(path), text: scalar(wanted, &format!("{here}.{path}"))? })
        }
        "exists" => match body.get("field").and_then(Value::as_str) {
            Some(path) if body.as_object().is_some_and(|m| m.len() == 1) => Ok(Filter::Exists { path: path_of(path) }),
            _ => Err(FilterError(format!("{here} must be {{\"field\": \"<path>\"}}"))),
        },
        "wildcard" | "prefix" => {
            let (path, wanted) = field(body, &here)?;
            let key = if kind == "wildcard" { "wildcard" } else { "prefix" };
            let wanted = wanted.get("value").or_else(|| wanted.get(key)).unwrap_or(wanted);
            let text = wanted.as_str().ok_or_else(|| FilterError(format!("{here}.{path} must be a string")))?;
            let pattern = if kind == "prefix" { format!("{}*", escape_wildcards(text)) } else { text.to_string() };
            Ok(Filter::Wildcard { path: path_of(path), pattern })
        }
        other => Err(FilterError(format!("{at}.{other} is not supported; {SUPPORTED}"))),
    }
}

fn boolean(body: &Value, at: &str, depth: usize) -> Result<Filter, FilterError> {
    let Value::Object(parts) = body else { return Err(FilterError(format!("{at} must be an object"))) };
    let mut result = Bool::default();
    let mut minimum = None;
    for (occur, items) in parts {
        let here = format!("{at}.{occur}");
        let target = match occur.as_str() {
            "must" | "filter" => &mut result.must,
            "should" => &mut result.should,
            "must_not" => &mut result.must_not,
            "minimum_should_match" => {
                minimum = Some(minimum_should_match(items, &here)?);
                continue;
            }
            "boost" | "_name" => continue,
            _ => return Err(FilterError(format!("{here} is not supported; {SUPPORTED}"))),
        };
        let items: Vec<&Value> = match items {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        for (i, item) in items.into_iter().enumerate() {
            target.push(clause(item, &format!("{here}[{i}]"), depth + 1)?);
        }
    }
    result.minimum_should_match = minimum.unwrap_or(usize::from(result.must.is_empty() && !result.should.is_empty()));
    Ok(Filter::Bool(result))
}

fn minimum_should_match(value: &Value, at: &str) -> Result<usize, FilterError> {
    match value {
        Value::Number(n) => n.as_u64().map(|n| n as usize),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| FilterError(format!("{at} must be a whole number of clauses (percentages are not supported)")))
}

fn one_key<'a>(value: &'a Value, at: &str) -> Result<(&'a str, &'a Value), FilterError> {
    match value {
        Value::Object(map) if map.len() == 1 => Ok(map.iter().next().map(|(k, v)| (k.as_str(), v)).expect("one key")),
        Value::Object(map) if map.is_empty() => Err(FilterError(format!("{at} is an empty object; {SUPPORTED}"))),
        _ => Err(FilterError(format!("{at} must be an object with one query type; {SUPPORTED}"))),
    }
}

/// `{"<path>": <value>}`, the shape of `term`, `terms`, `match`, `wildcard`.
fn field<'a>(body: &'a Value, at: &str) -> Result<(&'a str, &'a Value), FilterError> {
    let fields: Vec<(&String, &Value)> = match body {
        Value::Object(map) => map.iter().filter(|(k, _)| k.as_str() != "boost").collect(),
        _ => Vec::new(),
    };
    match fields.as_slice() {
        [(path, value)] => Ok((path.as_str(), *value)),
        _ => Err(FilterError(format!("{at} must name one field: {{\"<field>\": <value>}}"))),
    }
}

fn scalar(value: &Value, at: &str) -> Result<String, FilterError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(FilterError(format!("{at} must be a string, number or boolean"))),
    }
}

/// `service.name.keyword` → `service.name`: every path is indexed both ways in Tessera.
fn path_of(path: &str) -> String {
    path.strip_suffix(".keyword").unwrap_or(path).to_string()
}

fn escape_wildcards(text: &str) -> String {
    text.replace('\\', "\\\\").replace('*', "\\*").replace('?', "\\?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(path: &str, value: &str) -> Filter {
        Filter::Term { path: path.into(), values: vec![value.into()] }
    }

    fn refusal(text: &str) -> String {
        parse_filter(Some(text)).unwrap_err().0
    }

    #[test]
    fn the_lineage_workflow_filter_is_read_whole() {
        let text = r#"{"query":{"bool":{"must":[{"bool":{"should":[{"term":{"service.name.keyword":"svc"}}]}},
            {"bool":{"should":[{"term":{"tableType":"View"}},{"term":{"tableType":"MaterializedView"}}]}},
            {"bool":{"should":[{"term":{"deleted":false}}]}},{"bool":{"should":[{"exists":{"field":"schemaDefinition"}}]}},
            {"bool":{"should":[{"term":{"processedLineage":false}},{"bool":{"must_not":{"exists":{"field":"processedLineage"}}}}]}}]}}}"#;
        let Filter::Bool(top) = parse_filter(Some(text)).unwrap() else { panic!("a bool") };
        assert_eq!(top.must.len(), 5);
        assert_eq!(top.minimum_should_match, 0);
        let Filter::Bool(service) = &top.must[0] else { panic!("a bool") };
        assert_eq!(service.should, [term("service.name", "svc")]);
        assert_eq!(service.minimum_should_match, 1);
        let Filter::Bool(deleted) = &top.must[2] else { panic!("a bool") };
        assert_eq!(deleted.should, [term("deleted", "false")]);
        let Filter::Bool(processed) = &top.must[4] else { panic!("a bool") };
        let Filter::Bool(missing) = &processed.should[1] else { panic!("a bool") };
        assert_eq!(missing.must_not, [Filter::Exists { path: "processedLineage".into() }]);
    }

    #[test]
    fn every_query_type_reads_in_its_long_and_short_forms() {
        assert_eq!(parse_filter(None).unwrap(), Filter::All);
        assert_eq!(parse_filter(Some(" ")).unwrap(), Filter::All);
        assert_eq!(
            parse_filter(Some(r#"{"term":{"tags.tagFQN":{"value":"PII.Sensitive"}}}"#)).unwrap(),
            term("tags.tagFQN", "PII.Sensitive")
        );
        assert_eq!(
            parse_filter(Some(r#"{"terms":{"tableType":["View","Regular"]}}"#)).unwrap(),
            Filter::Term { path: "tableType".into(), values: vec!["View".into(), "Regular".into()] }
        );
        assert_eq!(
            parse_filter(Some(r#"{"match":{"description":{"query":"orders"}}}"#)).unwrap(),
            Filter::Match { path: "description".into(), text: "orders".into() }
        );
        assert_eq!(
            parse_filter(Some(r#"{"prefix":{"name.keyword":"dim*"}}"#)).unwrap(),
            Filter::Wildcard { path: "name".into(), pattern: "dim\\**".into() }
        );
        assert_eq!(parse_filter(Some(r#"{"match_all":{}}"#)).unwrap(), Filter::All);
    }

    #[test]
    fn anything_else_is_named_in_the_refusal() {
        assert!(refusal("{").contains("not valid JSON"));
        assert!(refusal(r#"{"query":{"fuzzy":{"name":"x"}}}"#).contains("query_filter.fuzzy is not supported"));
        assert!(
            refusal(r#"{"bool":{"must":[{"range":{"updatedAt":{}}}]}}"#)
                .contains("query_filter.bool.must[0].range is not supported")
        );
        assert!(refusal(r#"{"bool":{"should":[],"minimum_should_match":"50%"}}"#).contains("whole number of clauses"));
        assert!(refusal(r#"{"term":{"tags.tagFQN":[1]}}"#).contains("must be a string, number or boolean"));
        assert!(refusal(r#"{"term":{"a":"x","b":"y"}}"#).contains("must name one field"));
        assert!(refusal(r#"{"exists":{"path":"x"}}"#).contains("{\"field\": \"<path>\"}"));
        assert!(refusal(r#"{"term":{},"bool":{}}"#).contains("one query type"));
        assert!(refusal("[]").contains("one query type"));
        assert!(refusal("{}").contains("empty object"));
        let deep = format!("{}{}{}", r#"{"bool":{"must":"#.repeat(40), r#"{"match_all":{}}"#, "}}".repeat(40));
        assert!(refusal(&deep).contains("nest deeper"), "{}", refusal(&deep));
    }
}
