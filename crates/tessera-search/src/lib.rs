//! Tessera's embedded search: a tantivy index of catalog entities on each replica, built from the
//! database's change feed (the database stays the source of truth), and the subset of
//! Elasticsearch's query language that 1.7's client and web UI send, answered exactly or refused
//! with the part named.

mod document;
mod filter;
mod index;
mod query;
mod request;
mod schema;

pub use document::{IndexedEntity, WORD_PATHS, words};
pub use filter::{Bool, Filter, FilterError, parse_filter};
pub use index::{Batch, Position, SearchIndex};
pub use query::MAX_TEXT_CHARS;
pub use request::{Hit, Hits, SearchRequest, Sort, SortField};
pub use schema::SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The request cannot be answered as asked; the text says what to change.
    #[error("{0}")]
    Invalid(String),
    #[error("the search index in {0} is in use by another Tessera process; give each replica its own TESSERA_DATA_DIR")]
    Locked(String),
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

impl SearchError {
    fn io(path: &std::path::Path, source: std::io::Error) -> SearchError {
        SearchError::Io { path: path.display().to_string(), source }
    }
}

impl From<FilterError> for SearchError {
    fn from(e: FilterError) -> Self {
        SearchError::Invalid(e.0)
    }
}
