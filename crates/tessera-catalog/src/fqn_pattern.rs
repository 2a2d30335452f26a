//! FQNs with wildcards, as the ingestion client sends them to `search/fieldQuery` when a view's
//! SQL names a table without its database or schema (`svc.*.*.orders`): each part a glob (`*` any
//! run of characters, `?` one), compared ignoring case as the search index's normalised keyword.
//! The last part must be a name: it is looked up in the name index, and only its hits are matched
//! against the pattern, so the cost is bounded by the name's hits, never the catalog's size.

use crate::entity::Entity;
use crate::error::CatalogError;
use crate::fqn;
use crate::kind::Kind;
use crate::list::Include;
use crate::search::MAX_SEARCH_SIZE;
use crate::service::Catalog;
use tessera_store::SEARCH_WINDOW;

/// Whether an FQN as sent holds a wildcard.
pub fn is_pattern(fqn: &str) -> bool {
    fqn.contains('*') || fqn.contains('?')
}

/// `pattern` matches `text` (`*` any run, `?` one character), ignoring case.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) =
        (pattern.to_lowercase().chars().collect(), text.to_lowercase().chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether the parts of `fqn` match the parts of `pattern`, one by one.
fn matches(pattern: &[String], fqn: &str) -> bool {
    let Ok(parts) = fqn::split(fqn) else { return false };
    parts.len() == pattern.len() && pattern.iter().zip(&parts).all(|(p, part)| glob(p, part))
}

impl Catalog {
    /// Entities of `kind` whose FQN matches `pattern`, in name-search order: the page from `from`
    /// of at most `size`, and how many matched (within the name's search window).
    pub async fn by_fqn_pattern(
        &self,
        kind: Kind,
        pattern: &str,
        include: Include,
        from: i64,
        size: i64,
    ) -> Result<(Vec<Entity>, i64), CatalogError> {
        let parts = fqn::split(pattern)?;
        let name = parts.last().map(String::as_str).unwrap_or_default();
        if name.is_empty() || is_pattern(name) {
            return Err(CatalogError::Invalid(format!(
                "fieldValue {pattern:?}: wildcards may stand for the service, database or schema, not the name (the last part)"
            )));
        }
        let (mut matched, mut total, mut offset) = (Vec::new(), 0, 0);
        loop {
            let page = self.search_names(&[kind], name, include, offset, MAX_SEARCH_SIZE).await?;
            for entity in &page.items {
                if matches(&parts, entity.fqn()) {
                    if total >= from && (matched.len() as i64) < size {
                        matched.push(entity.clone());
                    }
                    total += 1;
                }
            }
            offset += MAX_SEARCH_SIZE;
            if page.items.is_empty() || offset >= page.total || offset + MAX_SEARCH_SIZE > SEARCH_WINDOW {
                break;
            }
        }
        Ok((matched, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_per_part_ignoring_case() {
        assert!(glob("*", "anything"));
        assert!(glob("ord*", "ORDERS"));
        assert!(glob("o?ders", "orders"));
        assert!(glob("*rs", "orders") && !glob("*rx", "orders"));
        assert!(glob("a*b*c", "axxbyyc") && !glob("a*b*c", "axxbyy"));
        let pattern: Vec<String> = ["svc", "*", "*", "orders"].map(String::from).to_vec();
        assert!(matches(&pattern, "svc.db.main.orders"));
        assert!(matches(&pattern, "SVC.db.\"my.schema\".Orders"));
        assert!(!matches(&pattern, "svc.db.main.big_orders"));
        assert!(!matches(&pattern, "other.db.main.orders"));
        assert!(!matches(&pattern, "svc.db.orders"));
    }
}
