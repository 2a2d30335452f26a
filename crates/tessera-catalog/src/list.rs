//! Keyset-paged lists over the FQN key, filtered by FQN prefix, with `include=` and `paging.total`.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::fqn;
use crate::hash::{fqn_hash, is_hash};
use crate::kind::Kind;
use crate::list_total::RangeKey;
use crate::service::Catalog;
use tessera_store::CatalogRange;
use tessera_store::CatalogStore;

/// Which entities a read covers (`include=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Include {
    #[default]
    NonDeleted,
    Deleted,
    All,
}

impl Include {
    pub fn parse(text: Option<&str>) -> Result<Include, CatalogError> {
        match text {
            None | Some("non-deleted") => Ok(Include::NonDeleted),
            Some("deleted") => Ok(Include::Deleted),
            Some("all") => Ok(Include::All),
            Some(other) => {
                Err(CatalogError::Invalid(format!("include must be non-deleted, deleted or all, not {other:?}")))
            }
        }
    }

    pub fn admits(self, deleted: bool) -> bool {
        match self {
            Include::NonDeleted => !deleted,
            Include::Deleted => deleted,
            Include::All => true,
        }
    }

    pub(crate) fn bounds(self) -> (bool, bool) {
        match self {
            Include::NonDeleted => (false, false),
            Include::Deleted => (true, true),
            Include::All => (false, true),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub limit: i64,
    pub after: Option<String>,
    pub before: Option<String>,
    pub include: Include,
    /// FQN-prefix filters: (`service` | `database` | `databaseSchema` | `parent`, value), and the
    /// kind's subtype filter (`pipelineType`).
    pub filters: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Entity>,
    pub total: i64,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Catalog {
    pub async fn list(&self, kind: Kind, query: &ListQuery) -> Result<Page, CatalogError> {
        let (mut lower, mut upper) =
            (CatalogRange::UNBOUNDED_LOWER.to_string(), CatalogRange::UNBOUNDED_UPPER.to_string());
        if let Some(prefix) = prefix_of(kind, &query.filters)? {
            (lower, upper) = (format!("{prefix}."), format!("{prefix}/"));
        }
        let deleted = query.include.bounds();
        let subtype = subtype_of(kind, &query.filters)?;
        let key = RangeKey { kind, lower: lower.clone(), upper: upper.clone(), deleted, subtype: subtype.into() };
        let total = self.total(key).await?;
        let (page_lower, page_upper, backwards) = match (&query.after, &query.before) {
            (Some(_), Some(_)) => return Err(CatalogError::Invalid("give after or before, not both".into())),
            (Some(after), None) => (cursor("after", after)?.max(lower.clone()), upper.clone(), false),
            (None, Some(before)) => (lower.clone(), cursor("before", before)?.min(upper.clone()), true),
            (None, None) => (lower.clone(), upper.clone(), false),
        };
        let range = CatalogRange { kind: kind.name(), lower: &page_lower, upper: &page_upper, deleted, subtype };
        let mut rows = self.store.catalog_list(&range, query.limit + 1, backwards).await?;
        let more = rows.len() as i64 > query.limit;
        rows.truncate(query.limit as usize);
        if backwards {
            rows.reverse();
        }
        let items = rows.iter().map(Entity::from_row).collect::<Result<Vec<_>, _>>()?;
        let first = items.first().map(|e| e.fqn_hash.clone());
        let last = items.last().map(|e| e.fqn_hash.clone());
        let (before, after) = if backwards {
            (if more { first } else { None }, last)
        } else {
            (if query.after.is_some() { first } else { None }, if more { last } else { None })
        };
        Ok(Page { items, total, before, after })
    }

    /// `paging.total`: a kept count while valid, else one query.
    pub(crate) async fn total(&self, key: RangeKey) -> Result<i64, CatalogError> {
        if let Some(total) = self.totals.get(&key) {
            return Ok(total);
        }
        let generation = self.totals.generation();
        let range = CatalogRange {
            kind: key.kind.name(),
            lower: &key.lower,
            upper: &key.upper,
            deleted: key.deleted,
            subtype: &key.subtype,
        };
        let total = self.store.catalog_count(&range).await?;
        self.totals.keep(key, generation, total);
        Ok(total)
    }
}

fn cursor(name: &str, text: &str) -> Result<String, CatalogError> {
    if is_hash(text) {
        Ok(text.to_string())
    } else {
        Err(CatalogError::Invalid(format!(
            "{name} is not a cursor returned by this server; use paging.{name} of a previous page"
        )))
    }
}

/// The FQN-prefix filters as one key prefix (the most specific; filters that disagree match
/// nothing). `service=` is a service name; `database=` and `databaseSchema=` are FQNs (the client
/// sends a schema's FQN as `database=` when it lists tables).
fn prefix_of(kind: Kind, filters: &[(String, String)]) -> Result<Option<String>, CatalogError> {
    let mut best: Option<String> = None;
    for (field, value) in filters {
        let allowed = match kind {
            Kind::DatabaseService | Kind::Classification => false,
            // `parent=PII`: a classification's name (quoted if it holds a dot).
            Kind::Tag => field == "parent",
            Kind::Database | Kind::IngestionPipeline | Kind::Query => field == "service",
            Kind::DatabaseSchema => matches!(field.as_str(), "service" | "database"),
            Kind::Table | Kind::StoredProcedure => {
                matches!(field.as_str(), "service" | "database" | "databaseSchema")
            }
        };
        if !allowed {
            continue; // the original ignores filters a type does not have
        }
        let fqn = if field == "service" { fqn::quote_name(value)? } else { value.clone() };
        let key = fqn_hash(&fqn).map_err(|_| {
            CatalogError::Invalid(format!(
                "{field}={value:?} is not a fully qualified name; quote parts with dots: a.\"b.c\""
            ))
        })?;
        best = match best {
            None => Some(key),
            Some(current) if key.starts_with(&current) => Some(key),
            Some(current) if current.starts_with(&key) => Some(current),
            Some(_) => Some("ffffffff.none".to_string()), // disjoint filters: an empty range
        };
    }
    Ok(best)
}

/// The subtype filter of the kind (`pipelineType=` for pipelines), `""` for none; a value outside
/// the type's list is refused with the list.
fn subtype_of(kind: Kind, filters: &[(String, String)]) -> Result<&str, CatalogError> {
    let Some(field) = kind.subtype_field() else { return Ok("") };
    let Some((_, value)) = filters.iter().find(|(f, _)| f == field) else { return Ok("") };
    if !crate::pipeline::PIPELINE_TYPES.contains(&value.as_str()) {
        return Err(CatalogError::Invalid(format!(
            "{field} must be one of {}, not {value:?}",
            crate::pipeline::PIPELINE_TYPES.join(", ")
        )));
    }
    Ok(value)
}
