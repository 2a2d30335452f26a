//! The catalog's domain: data-asset entities (`databaseService`, `database`, `databaseSchema`,
//! `table`, `storedProcedure`) and ingestion pipelines with their run statuses; fully qualified
//! names exactly as the ingestion client builds them, create requests checked against the 1.7
//! shapes, versions with change descriptions, `sourceHash`, JSON Patch.
//! Knows the store's functions, never SQL; knows nothing of HTTP.

pub mod change;
pub mod civil_date;
mod classification;
pub mod column;
pub mod connection_type;
pub mod create;
mod derived;
pub mod edit;
pub mod entity;
mod error;
pub mod fqn;
mod fqn_pattern;
pub mod hash;
pub mod joins;
pub mod kind;
mod labels;
pub mod lineage;
mod lineage_walk;
mod list;
mod list_total;
mod migrate;
mod owners;
pub mod patch;
mod pipeline;
mod pipeline_status;
mod query;
pub mod query_cost;
mod search;
mod search_feed;
mod search_index;
pub mod secrets;
mod service;
mod tag_labels;
pub mod usage;

pub use derived::derives_fields;
pub use edit::{AnyEdit, Edit, EditGate, EntityFacts, TagChange};
pub use entity::{Entity, Fields, render};
pub use error::CatalogError;
pub use fqn_pattern::is_pattern;
pub use kind::Kind;
pub use lineage_walk::{Edge, Lineage, MAX_DEPTH};
pub use list::{Include, ListQuery, Page};
pub use migrate::{migrate, seal_stored_secrets};
pub use pipeline::PIPELINE_TYPES;
pub use pipeline_status::{MAX_LISTED, PIPELINE_STATES};
pub use search::{MAX_SEARCH_SIZE, SearchPage};
pub use search_feed::{CatchUp, SEARCHED_KINDS, SearchFeed};
pub use search_index::{Found, QueriesOf, Search};
pub use service::{Catalog, Outcome, Write};
pub use tessera_search::{Filter, Hit, SearchIndex, Sort, SortField, parse_filter};
