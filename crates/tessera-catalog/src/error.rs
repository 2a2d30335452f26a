//! What can go wrong in the catalog, each with a message that says what to change.

use crate::Kind;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The request is wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// The original's wording: `table instance for a.b.c.d not found`.
    #[error("{kind} instance for {key} not found")]
    NotFound { kind: Kind, key: String },
    /// A reference in a request that names nothing: a tag label's tag (or glossary term), an
    /// owner (`user`, `team`); the original's `tag instance for PII.Foo not found`.
    #[error("{type_name} instance for {key} not found")]
    Unresolved { type_name: &'static str, key: String },
    /// No lineage edge where one was named; the original's text.
    #[error("{0}")]
    EdgeNotFound(String),
    #[error("Entity already exists")]
    Exists,
    /// The caller may create but not change this entity; the text is the authorizer's.
    #[error("{0}")]
    Forbidden(String),
    #[error("{kind} {fqn} is not empty: it has child entities. Delete with recursive=true to delete them too")]
    NotEmpty { kind: Kind, fqn: String },
    /// Other writers kept changing the entity during every attempt to write it.
    #[error("{kind} {id} was changed by other writers during every attempt to write it; send the request again")]
    Busy { kind: Kind, id: String },
    /// A stored document that does not parse: a server fault, never the client's.
    #[error("the stored document of {id} is damaged: {reason}")]
    Damaged { id: String, reason: String },
    /// Connection secrets sealed with another key (FERNET_KEY, or the signing key without it,
    /// changed): what the operator can do.
    #[error(
        "The connection secrets of {kind} {fqn} cannot be decrypted: they were saved under another \
         FERNET_KEY (or, without FERNET_KEY, another signing key). Set FERNET_KEY back to the key \
         they were saved with, or save the service again with its secrets (PUT \
         /api/v1/services/databaseServices with the connection) to encrypt them with the current key"
    )]
    SecretUnreadable { kind: Kind, fqn: String },
    /// The search index failed (a server fault: the database is unaffected).
    #[error("search index: {0}")]
    SearchIndex(String),
    #[error(transparent)]
    Store(#[from] tessera_store::StoreError),
}

impl From<crate::fqn::FqnError> for CatalogError {
    fn from(error: crate::fqn::FqnError) -> Self {
        CatalogError::Invalid(error.to_string())
    }
}

impl From<tessera_search::SearchError> for CatalogError {
    fn from(error: tessera_search::SearchError) -> Self {
        match error {
            tessera_search::SearchError::Invalid(message) => CatalogError::Invalid(message),
            other => CatalogError::SearchIndex(other.to_string()),
        }
    }
}
