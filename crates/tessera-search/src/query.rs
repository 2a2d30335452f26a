//! A [`SearchRequest`] as a tantivy query over the fields of `schema.rs`: filters score nothing,
//! the free text's words are scored (the whole name first, then shorter names whose words start
//! with the query's words, then words of descriptions, columns, tags and owners).

use crate::SearchError;
use crate::document::{MAX_PREFIX_CHARS, WORD_PATHS, words};
use crate::filter::{Bool, Filter};
use crate::request::{SearchRequest, SortField};
use crate::schema::{Fields, SEP, WHOLE_NAME};
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;

/// Free text longer than this is refused (a search box, not a document).
pub const MAX_TEXT_CHARS: usize = 128;

/// Paths the free text's words are looked up in, besides the name, with their weights.
const TEXT_PATHS: &[(&str, f32)] = &[
    ("name", 3.0),
    ("displayName", 3.0),
    ("description", 1.0),
    ("columns.name", 1.0),
    ("columns.displayName", 1.0),
    ("columns.description", 0.5),
    ("columns.children.name", 0.5),
    ("tags.tagFQN", 1.0),
    ("columns.tags.tagFQN", 0.5),
    ("owners.name", 1.0),
    ("owners.displayName", 1.0),
    ("query", 1.0),
];

pub(crate) fn build(fields: &Fields, request: &SearchRequest<'_>) -> Result<Box<dyn Query>, SearchError> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let kinds = request.kinds.iter().map(|k| term(fields.kind, k)).collect();
    clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::union(kinds)), 0.0))));
    if let Some(deleted) = request.deleted {
        clauses.push((Occur::Must, score_nothing(keyword(fields, "deleted", &deleted.to_string()))));
    }
    if request.filter != &Filter::All {
        clauses.push((Occur::Must, score_nothing(filter(fields, request.filter)?)));
    }
    let text_words = text_words(request.text)?;
    for word in &text_words {
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let prefix: String = word.chars().take(MAX_PREFIX_CHARS).collect();
        any.push((Occur::Should, boosted(term(fields.prefixes, &prefix), 2.0)));
        for (path, weight) in TEXT_PATHS {
            any.push((Occur::Should, boosted(term(fields.words, &format!("{path}{SEP}{word}")), *weight)));
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if !text_words.is_empty() {
        let whole = request.text.trim().trim_matches('*').to_lowercase();
        clauses.push((Occur::Should, boosted(term(fields.prefixes, &format!("{WHOLE_NAME}{whole}")), 10.0)));
    }
    if let Some(after) = request.search_after {
        clauses.push((Occur::Must, score_nothing(after_query(fields, request, after)?)));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// The words of a free-text query; a `*` may end (or start) a word, nowhere else.
pub(crate) fn text_words(text: &str) -> Result<Vec<String>, SearchError> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(SearchError::Invalid(format!("q is too long: search with {MAX_TEXT_CHARS} characters at most")));
    }
    let mut found = Vec::new();
    for token in text.split_whitespace() {
        let bare = token.trim_matches('*');
        if bare.contains(['*', '?']) {
            return Err(SearchError::Invalid(format!(
                "q={text:?}: a * may only end a word (a prefix); remove the other wildcards"
            )));
        }
        found.extend(words(bare));
    }
    Ok(found)
}

fn filter(fields: &Fields, filter: &Filter) -> Result<Box<dyn Query>, SearchError> {
    Ok(match filter {
        Filter::All => Box::new(AllQuery),
        Filter::Term { path, values } => {
            let terms = values.iter().map(|v| keyword(fields, path, v)).collect();
            Box::new(BooleanQuery::union(terms))
        }
        Filter::Exists { path } => term(fields.paths, path),
        Filter::Match { path, text } => {
            if !WORD_PATHS.contains(&path.as_str()) {
                return Err(SearchError::Invalid(format!(
                    "match on {path} is not supported: Tessera matches the words of {}; use term for an exact value",
                    WORD_PATHS.join(", ")
                )));
            }
            let any: Vec<Box<dyn Query>> =
                words(text).map(|w| term(fields.words, &format!("{path}{SEP}{w}"))).collect();
            if any.is_empty() { Box::new(EmptyQuery) } else { Box::new(BooleanQuery::union(any)) }
        }
        Filter::Wildcard { path, pattern } => {
            let regex = format!("{}{}", regex_escape(&format!("{path}{SEP}")), wildcard_regex(pattern));
            let query = RegexQuery::from_pattern(&regex, fields.keywords).map_err(|e| {
                SearchError::Invalid(format!("wildcard on {path}: {pattern:?} cannot be searched ({e})"))
            })?;
            Box::new(query)
        }
        Filter::Bool(parts) => boolean(fields, parts)?,
    })
}

fn boolean(fields: &Fields, parts: &Bool) -> Result<Box<dyn Query>, SearchError> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for must in &parts.must {
        clauses.push((Occur::Must, filter(fields, must)?));
    }
    let shoulds = parts.should.iter().map(|s| filter(fields, s)).collect::<Result<Vec<_>, _>>()?;
    match parts.minimum_should_match {
        0 => clauses.extend(shoulds.into_iter().map(|q| (Occur::Should, q))),
        _ if shoulds.len() < parts.minimum_should_match => return Ok(Box::new(EmptyQuery)),
        1 => clauses.push((Occur::Must, Box::new(BooleanQuery::union(shoulds)))),
        n => clauses.push((Occur::Must, Box::new(BooleanQuery::union_with_minimum_required_clauses(shoulds, n)))),
    }
    for not in &parts.must_not {
        clauses.push((Occur::MustNot, filter(fields, not)?));
    }
    // Only exclusions (or nothing): everything but them, as Elasticsearch reads it.
    if !clauses.iter().any(|(occur, _)| *occur != Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

fn after_query(fields: &Fields, request: &SearchRequest<'_>, after: &str) -> Result<Box<dyn Query>, SearchError> {
    let bound = |t: Term| {
        if request.sort.descending {
            (Bound::Unbounded, Bound::Excluded(t))
        } else {
            (Bound::Excluded(t), Bound::Unbounded)
        }
    };
    let (lower, upper) = match request.sort.field {
        SortField::FullyQualifiedName => bound(Term::from_field_text(fields.fqn, after)),
        SortField::Name => bound(Term::from_field_text(fields.name, after)),
        SortField::UpdatedAt => {
            let millis = after.parse::<i64>().map_err(|_| {
                SearchError::Invalid(format!(
                    "search_after {after:?} must be a number of milliseconds with sort_field=updatedAt"
                ))
            })?;
            bound(Term::from_field_i64(fields.updated_at, millis))
        }
        SortField::Score => {
            return Err(SearchError::Invalid(
                "search_after needs sort_field fullyQualifiedName, name.keyword or updatedAt (scores are not stable across pages); page with from and size".into(),
            ));
        }
    };
    Ok(Box::new(RangeQuery::new(lower, upper)))
}

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn keyword(fields: &Fields, path: &str, value: &str) -> Box<dyn Query> {
    term(fields.keywords, &format!("{path}{SEP}{value}"))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn score_nothing(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// Elasticsearch's wildcard syntax (`*`, `?`, `\` escapes) as a regular expression.
fn wildcard_regex(pattern: &str) -> String {
    let mut regex = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => regex.push_str(".*"),
            '?' => regex.push('.'),
            '\\' => {
                if let Some(next) = chars.next() {
                    regex.push_str(&regex_escape(&next.to_string()));
                }
            }
            other => regex.push_str(&regex_escape(&other.to_string())),
        }
    }
    regex
}

fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == ' ' || c == '_' || c == '-' {
            escaped.push(c);
        } else if c.is_ascii() {
            escaped.push('\\');
            escaped.push(c);
        } else {
            escaped.push(c);
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_become_anchored_regexes_with_everything_else_literal() {
        assert_eq!(wildcard_regex("svc.*.t?"), "svc\\..*\\.t.");
        assert_eq!(wildcard_regex("a\\*b"), "a\\*b");
        assert_eq!(wildcard_regex("(x)+"), "\\(x\\)\\+");
    }

    #[test]
    fn free_text_takes_a_star_at_the_ends_of_words_only() {
        assert_eq!(text_words(" *Ord* my.tab*").unwrap(), ["ord", "my", "tab"]);
        assert!(text_words("").unwrap().is_empty());
        assert!(text_words("*").unwrap().is_empty());
        assert!(text_words("a*b").unwrap_err().to_string().contains("remove the other wildcards"));
        assert!(text_words("a?").unwrap_err().to_string().contains("remove the other wildcards"));
        assert!(text_words(&"x".repeat(200)).unwrap_err().to_string().contains("q is too long"));
    }
}
