//! Which columns and tables a table is joined with (`PUT /tables/{id}/joins`, `fields=joins`), as
//! 1.7 keeps them: a day's counts for pairs of columns (`columnJoins`) and of tables
//! (`directTableJoins`), each pair counted once for both of its tables, the day's count replaced
//! by a later report; a table shows the sums of the last 30 days.

use crate::civil_date::Day;
use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::list::Include;
use crate::service::Catalog;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use tessera_store::{JoinCount, JoinKind, JoinStore};

/// Days a table's joins cover, and the oldest day a report may be for (1.7: 30).
pub const JOIN_DAYS: i64 = 30;
/// Pairs one report may name (the client sends a table's day, a handful); each is looked up and
/// written in one transaction.
pub const MAX_PAIRS: usize = 1000;

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// One reported pair: the FQN on the table's side, the FQN joined with, the day's count.
#[derive(Debug, Clone, PartialEq)]
struct Pair {
    kind: JoinKind,
    near: String,
    far: String,
    count: i64,
}

/// A checked `TableJoins` report.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinReport {
    date: Day,
    pairs: Vec<Pair>,
}

const SHAPE: &str = "the body must be TableJoins: {\"startDate\": \"YYYY-MM-DD\", \"dayCount\": 1, \"columnJoins\": \
     [{\"columnName\": \"<column>\", \"joinedWith\": [{\"fullyQualifiedName\": \"<column FQN>\", \"joinCount\": 1}]}], \
     \"directTableJoins\": [{\"fullyQualifiedName\": \"<table FQN>\", \"joinCount\": 1}]}";

fn object<'a>(value: &'a Value, at: &str, fields: &[&str]) -> Result<&'a Map<String, Value>, CatalogError> {
    let Value::Object(object) = value else { return Err(invalid(format!("{at} must be an object; {SHAPE}"))) };
    if let Some(extra) = object.keys().find(|k| !fields.contains(&k.as_str())) {
        return Err(invalid(format!("{extra} is not a field of {at}; {SHAPE}")));
    }
    Ok(object)
}

fn list<'a>(object: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], CatalogError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(invalid(format!("{key} must be a list; {SHAPE}"))),
    }
}

/// `{"fullyQualifiedName": …, "joinCount": n}`, both required (1.7 would store a missing count
/// as a null day).
fn joined_with(value: &Value, at: &str) -> Result<(String, i64), CatalogError> {
    let object = object(value, at, &["fullyQualifiedName", "joinCount"])?;
    let fqn = object.get("fullyQualifiedName").and_then(Value::as_str).filter(|f| !f.is_empty());
    let count = object.get("joinCount").and_then(Value::as_i64).filter(|c| *c >= 0);
    match (fqn, count) {
        (Some(fqn), Some(count)) => Ok((fqn.to_string(), count)),
        _ => Err(invalid(format!(
            "{at} needs fullyQualifiedName (a string) and joinCount (a whole number, 0 or more); {SHAPE}"
        ))),
    }
}

/// Reads a `TableJoins` body for `table` (FQNs of its side built from its name). Checks the shape
/// only; [`Catalog::record_joins`] checks the names against the catalog.
pub fn parse_table_joins(table: &Entity, body: &Value) -> Result<JoinReport, CatalogError> {
    let report = object(body, "TableJoins", &["startDate", "dayCount", "columnJoins", "directTableJoins"])?;
    let start = report
        .get("startDate")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("startDate is required; {SHAPE}")))?;
    let date =
        Day::parse(start).ok_or_else(|| invalid(format!("startDate must be a date as YYYY-MM-DD, not {start:?}")))?;
    if report.get("dayCount").is_some_and(|d| !d.is_i64() && !d.is_null()) {
        return Err(invalid(format!("dayCount must be a whole number; {SHAPE}")));
    }
    let mut pairs = Vec::new();
    for (i, join) in list(report, "columnJoins")?.iter().enumerate() {
        let at = format!("columnJoins[{i}]");
        let join = object(join, &at, &["columnName", "joinedWith"])?;
        let column = join
            .get("columnName")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("{at}.columnName is required")))?;
        let near = crate::fqn::child(table.fqn(), column).map_err(|e| invalid(format!("{at}.columnName: {e}")))?;
        for (j, with) in list(join, "joinedWith")?.iter().enumerate() {
            let (far, count) = joined_with(with, &format!("{at}.joinedWith[{j}]"))?;
            pairs.push(Pair { kind: JoinKind::Column, near: near.clone(), far, count });
        }
    }
    for (i, with) in list(report, "directTableJoins")?.iter().enumerate() {
        let (far, count) = joined_with(with, &format!("directTableJoins[{i}]"))?;
        pairs.push(Pair { kind: JoinKind::Table, near: table.fqn().to_string(), far, count });
    }
    if pairs.len() > MAX_PAIRS {
        return Err(invalid(format!(
            "a TableJoins report names at most {MAX_PAIRS} joined columns and tables, this one {}; send the rest in \
             another report",
            pairs.len()
        )));
    }
    Ok(JoinReport { date, pairs })
}

/// Whether `columns` (and their children) hold one with this FQN.
fn has_column(columns: Option<&Value>, fqn: &str) -> bool {
    columns.and_then(Value::as_array).is_some_and(|columns| {
        columns.iter().any(|c| {
            c.get("fullyQualifiedName").and_then(Value::as_str) == Some(fqn) || has_column(c.get("children"), fqn)
        })
    })
}

/// The table FQN of a column FQN (its first four parts), if it has more than four.
fn table_of_column(fqn: &str) -> Option<String> {
    let parts = crate::fqn::split(fqn).ok()?;
    (parts.len() > 4).then(|| crate::fqn::build(&parts[..4]).ok()).flatten()
}

impl Catalog {
    /// Checks `report` against the catalog (1.7's messages) and records it; the table's joins
    /// after.
    pub async fn record_joins(&self, table: &Entity, report: JoinReport) -> Result<Value, CatalogError> {
        let today = Day::of_millis(self.now());
        if report.date > today || report.date <= today.minus(JOIN_DAYS) {
            return Err(invalid("Date range can only include past 30 days starting today".into()));
        }
        let mut joined_tables: BTreeMap<String, Entity> = BTreeMap::new();
        for pair in &report.pairs {
            match pair.kind {
                JoinKind::Column => {
                    if !has_column(table.doc.get("columns"), &pair.near) {
                        let name = &pair.near[table.fqn().len() + 1..];
                        return Err(invalid(format!("Invalid column name {}", crate::fqn::unquote(name))));
                    }
                    let wrong = || invalid(format!("Invalid fully qualified column name {}", pair.far));
                    let other = table_of_column(&pair.far).ok_or_else(wrong)?;
                    if !joined_tables.contains_key(&other) {
                        let found = self.by_name(Kind::Table, &other, Include::NonDeleted).await?;
                        joined_tables.insert(other.clone(), found);
                    }
                    if !has_column(joined_tables[&other].doc.get("columns"), &pair.far) {
                        return Err(wrong());
                    }
                }
                JoinKind::Table => {
                    let found = self.by_name(Kind::Table, &pair.far, Include::NonDeleted).await;
                    if matches!(found, Err(CatalogError::NotFound { .. })) {
                        return Err(invalid(format!("Invalid table name {}", pair.far)));
                    }
                    found?;
                }
            }
        }
        let date = report.date.text();
        let counts: Vec<JoinCount<'_>> = report
            .pairs
            .iter()
            .map(|p| JoinCount { kind: p.kind, one: &p.near, other: &p.far, date: &date, count: p.count })
            .collect();
        self.store.joins_record(&counts, &today.minus(JOIN_DAYS - 1).text()).await?;
        self.joins_of(table).await
    }

    /// The table's `joins`: each pair naming it or its columns, summed over the last 30 days.
    pub async fn joins_of(&self, table: &Entity) -> Result<Value, CatalogError> {
        let today = Day::of_millis(self.now());
        let since = today.minus(JOIN_DAYS - 1).text();
        let fqn = table.fqn();
        let columns = self.store.join_totals(JoinKind::Column, &format!("{fqn}."), &format!("{fqn}/"), &since).await?;
        let tables = self.store.join_totals(JoinKind::Table, fqn, &format!("{fqn}\u{1}"), &since).await?;
        let mut by_column: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for total in columns {
            // `T.` starts only this table's column FQNs (a table name with a dot is quoted).
            let Some(name) = total.near.strip_prefix(fqn).and_then(|rest| rest.strip_prefix('.')) else { continue };
            let column = crate::fqn::split(name).ok().filter(|parts| !parts.is_empty()).map(|p| p.join("."));
            let Some(column) = column else { continue };
            by_column
                .entry(column)
                .or_default()
                .push(json!({"fullyQualifiedName": total.far, "joinCount": total.count}));
        }
        let column_joins: Vec<Value> =
            by_column.into_iter().map(|(column, joined)| json!({"columnName": column, "joinedWith": joined})).collect();
        let direct: Vec<Value> =
            tables.into_iter().map(|t| json!({"fullyQualifiedName": t.far, "joinCount": t.count})).collect();
        Ok(json!({
            "startDate": today.minus(JOIN_DAYS).text(),
            "dayCount": JOIN_DAYS,
            "columnJoins": column_joins,
            "directTableJoins": direct,
        }))
    }
}
