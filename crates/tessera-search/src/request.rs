//! What a search asks for and what it finds.

use crate::filter::Filter;

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    /// Relevance to the free text (ties in index order).
    Score,
    FullyQualifiedName,
    /// `name.keyword`.
    Name,
    UpdatedAt,
}

impl SortField {
    /// A `sort_field` as 1.7's client and web UI send it.
    pub fn parse(name: &str) -> Result<SortField, String> {
        Ok(match name {
            "_score" => SortField::Score,
            "fullyQualifiedName" | "fullyQualifiedName.keyword" => SortField::FullyQualifiedName,
            "name" | "name.keyword" => SortField::Name,
            "updatedAt" => SortField::UpdatedAt,
            other => {
                return Err(format!(
                    "sort_field {other:?} is not supported; sort by _score, fullyQualifiedName, name.keyword or updatedAt"
                ));
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
}

/// One search over the entities of some kinds.
#[derive(Debug, Clone)]
pub struct SearchRequest<'a> {
    /// Free text: every word must start a word of the name or display name, or be a word of the
    /// description, columns, tags, owners or query text. `""` or `*` matches everything.
    pub text: &'a str,
    /// Entity types (`table`, ...); at least one.
    pub kinds: &'a [&'a str],
    /// `Some(false)` live entities only, `Some(true)` soft-deleted only, `None` both.
    pub deleted: Option<bool>,
    pub filter: &'a Filter,
    pub sort: Sort,
    /// Continue after this sort value (the previous page's last hit's `sort`).
    pub search_after: Option<&'a str>,
    pub from: usize,
    pub size: usize,
}

/// One entity found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    /// The relevance score when sorted by it.
    pub score: Option<f32>,
    /// The hit's sort value, as text (what `search_after` takes back).
    pub sort: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    /// Every match, not only this page's.
    pub total: usize,
    pub hits: Vec<Hit>,
}
