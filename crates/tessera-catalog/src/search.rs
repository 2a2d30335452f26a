//! Name search: entities of some kinds whose name, or a word of it, starts with a text, ignoring
//! case; and the entities carrying a tag. The store answers both from indexes (`catalog_names`,
//! `catalog_tag_uses`), within a bounded window.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::Catalog;
use tessera_store::{CatalogNameStore, CatalogTagStore};
use tessera_store::{NAME_KEY_CHARS, NameSearch, SEARCH_WINDOW, name_key};

/// The most hits one page may ask for.
pub const MAX_SEARCH_SIZE: i64 = 100;

#[derive(Debug, Clone)]
pub struct SearchPage {
    /// Whole-name matches first, then word matches; each group by name.
    pub items: Vec<Entity>,
    pub total: i64,
    /// False when there may be more matches than `total` (the window was full).
    pub exact: bool,
}

impl Catalog {
    /// `text` is matched as a prefix (a trailing `*` is allowed; `*` or `""` alone matches every
    /// name); `from` and `size` page through the hits.
    pub async fn search_names(
        &self,
        kinds: &[Kind],
        text: &str,
        include: Include,
        from: i64,
        size: i64,
    ) -> Result<SearchPage, CatalogError> {
        let prefix = text.trim().trim_end_matches('*');
        if prefix.contains('*') || prefix.contains('?') {
            return Err(CatalogError::Invalid(format!(
                "q={text:?}: only a name prefix is searched (with an optional * at the end); remove the other wildcards"
            )));
        }
        let prefix = name_key(prefix);
        if prefix.chars().count() >= NAME_KEY_CHARS {
            return Err(CatalogError::Invalid(format!(
                "q is too long: search with the first {} characters of the name at most",
                NAME_KEY_CHARS - 1
            )));
        }
        check_page(from, size)?;
        let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
        let search = NameSearch { kinds: &names, prefix: &prefix, deleted: include.bounds(), from, size };
        let hits = self.store.catalog_search_names(&search).await?;
        let items = hits.rows.iter().map(Entity::from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(SearchPage { items, total: hits.total, exact: hits.exact })
    }

    /// Entities of some kinds labelled with the tag `tag_fqn` (on themselves, as 1.7's
    /// `tags.tagFQN` search field), in a stable order; `from` and `size` page through them.
    pub async fn tagged(
        &self,
        kinds: &[Kind],
        tag_fqn: &str,
        include: Include,
        from: i64,
        size: i64,
    ) -> Result<SearchPage, CatalogError> {
        check_page(from, size)?;
        let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
        let hits = self.store.catalog_tagged(&names, tag_fqn, include.bounds(), from, size).await?;
        let items = hits.rows.iter().map(Entity::from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(SearchPage { items, total: hits.total, exact: hits.exact })
    }
}

/// A page within the search window, of at most [`MAX_SEARCH_SIZE`] hits.
fn check_page(from: i64, size: i64) -> Result<(), CatalogError> {
    if !(0..=MAX_SEARCH_SIZE).contains(&size) {
        return Err(CatalogError::Invalid(format!(
            "size must be between 0 and {MAX_SEARCH_SIZE}, not {size}; page with from"
        )));
    }
    if from < 0 || from.saturating_add(size) > SEARCH_WINDOW {
        return Err(CatalogError::Invalid(format!(
            "from + size must be at most {SEARCH_WINDOW} (from={from}, size={size}); narrow the search"
        )));
    }
    Ok(())
}
