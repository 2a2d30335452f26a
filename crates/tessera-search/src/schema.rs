//! The index's fields. Values are split into terms here, in Rust (`document.rs`), and indexed
//! whole ("raw"), so what a query looks up is exactly what the document builder wrote.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Bumped whenever the schema or the way documents are built changes: an index written by
/// another version is rebuilt rather than read.
pub const SCHEMA_VERSION: u32 = 2;

/// Separates a path from its value in `keywords` and `words` terms (never in a JSON key or word).
pub const SEP: char = '\u{1f}';

/// Marks a whole lower-cased name among the `prefixes` (a word prefix never starts with it).
pub const WHOLE_NAME: char = '\u{2}';

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    /// The entity's id (stored: what a hit returns).
    pub id: Field,
    /// The entity type (`table`, ...).
    pub kind: Field,
    /// Sort and `search_after` on `fullyQualifiedName`.
    pub fqn: Field,
    /// Sort and `search_after` on `name.keyword`.
    pub name: Field,
    /// Sort on `updatedAt` (milliseconds).
    pub updated_at: Field,
    /// Lower-cased prefixes of the words of the name and display name, and the whole name:
    /// the free text's type-ahead, scored (shorter names first).
    pub prefixes: Field,
    /// `path␟word` for the words of the text fields (`match`, free text).
    pub words: Field,
    /// `path␟value` for every scalar of the document (`term`, `terms`, `wildcard`).
    pub keywords: Field,
    /// Every path that has a value (`exists`).
    pub paths: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let scored = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::WithFreqs)
                .set_fieldnorms(true),
        );
        let fields = Fields {
            id: builder.add_text_field("id", STRING | STORED),
            kind: builder.add_text_field("kind", STRING),
            fqn: builder.add_text_field("fqn", STRING | FAST),
            name: builder.add_text_field("name", STRING | FAST),
            updated_at: builder.add_i64_field("updated_at", INDEXED | FAST),
            prefixes: builder.add_text_field("prefixes", scored.clone()),
            words: builder.add_text_field("words", scored),
            keywords: builder.add_text_field("keywords", STRING),
            paths: builder.add_text_field("paths", STRING),
        };
        (builder.build(), fields)
    }
}
