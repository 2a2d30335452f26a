//! Usage of data assets as 1.7 counts it (`/api/v1/usage`): a day's count for a table, added or
//! replacing the day's, also added to its schema and database; 7- and 30-day sums; percentile
//! ranks among the same type's entities that day, computed when asked. Tessera keeps usage for
//! tables (1.7 also for dashboards, charts, pipelines and ML models, which it does not serve).

use crate::civil_date::Day;
use crate::entity::Entity;
use crate::error::CatalogError;
use crate::kind::Kind;
use crate::service::Catalog;
use serde_json::{Value, json};
use tessera_store::{DailyCount, UsageMerge, UsageRow, UsageStore};

/// The most days one read covers (1.7 clamps `days` to 1..30).
pub const MAX_DAYS: i64 = 30;

fn invalid(message: String) -> CatalogError {
    CatalogError::Invalid(message)
}

/// The kind usage is kept for, from a path's entity type.
pub fn usage_kind(type_name: &str) -> Result<Kind, CatalogError> {
    match Kind::parse(type_name) {
        Some(Kind::Table) => Ok(Kind::Table),
        _ => Err(invalid(format!("Entity type {type_name} not supported: Tessera keeps usage for tables"))),
    }
}

/// The kind whose day a percentile computation ranks: a table, or the schemas and databases a
/// table's counts are added to (the client ranks tables, then databases).
pub fn ranked_kind(type_name: &str) -> Result<Kind, CatalogError> {
    match Kind::parse(type_name) {
        Some(kind @ (Kind::Table | Kind::DatabaseSchema | Kind::Database)) => Ok(kind),
        _ => Err(invalid(format!(
            "Entity type {type_name} not supported: Tessera ranks the usage of tables, databaseSchemas and databases"
        ))),
    }
}

/// A `YYYY-MM-DD` day, or a 400 that says so.
pub fn day(text: &str, at: &str) -> Result<Day, CatalogError> {
    Day::parse(text).ok_or_else(|| invalid(format!("{at} must be a date as YYYY-MM-DD, not {text:?}")))
}

/// 1.7's `DailyCount`: `{"count": <whole number ≥ 0>, "date": "YYYY-MM-DD"}`.
pub fn parse_daily_count(body: &Value) -> Result<(i64, Day), CatalogError> {
    let shape = "the body must be {\"count\": <a whole number, 0 or more>, \"date\": \"YYYY-MM-DD\"}";
    let Value::Object(fields) = body else { return Err(invalid(shape.into())) };
    if let Some(extra) = fields.keys().find(|k| !["count", "date"].contains(&k.as_str())) {
        return Err(invalid(format!("{extra} is not a field of DailyCount; {shape}")));
    }
    let count = fields.get("count").and_then(Value::as_i64).filter(|c| *c >= 0).ok_or_else(|| invalid(shape.into()))?;
    let date = fields.get("date").and_then(Value::as_str).ok_or_else(|| invalid(shape.into()))?;
    Ok((count, day(date, "date")?))
}

fn stats(count: i64, rank: f64) -> Value {
    json!({"count": count, "percentileRank": rank})
}

/// One day as 1.7's `UsageDetails`.
fn details(row: &UsageRow) -> Value {
    json!({
        "date": row.usage_date,
        "dailyStats": stats(row.count1, row.percentile1),
        "weeklyStats": stats(row.count7, row.percentile7),
        "monthlyStats": stats(row.count30, row.percentile30),
    })
}

impl Catalog {
    /// Records `count` for `table` on `date` (and adds it to its schema's and database's day);
    /// the table's usage summary before and after.
    pub async fn record_usage(
        &self,
        table: &Entity,
        count: i64,
        date: Day,
        merge: UsageMerge,
    ) -> Result<(Value, Value), CatalogError> {
        let before = self.usage_summary(table).await?;
        let (text, week, month) = (date.text(), date.minus(6).text(), date.minus(29).text());
        let parent =
            |key: &str| table.doc.get(key).and_then(|r| r.get("id")).and_then(Value::as_str).map(str::to_string);
        let mut counts = vec![(table.id().to_string(), Kind::Table, merge)];
        counts.extend(parent("databaseSchema").map(|id| (id, Kind::DatabaseSchema, UsageMerge::Add)));
        counts.extend(parent("database").map(|id| (id, Kind::Database, UsageMerge::Add)));
        let days: Vec<(DailyCount<'_>, UsageMerge)> = counts
            .iter()
            .map(|(id, kind, merge)| {
                let day = DailyCount {
                    entity_id: id,
                    kind: kind.name(),
                    date: &text,
                    week_start: &week,
                    month_start: &month,
                    count,
                };
                (day, *merge)
            })
            .collect();
        self.store.usage_record(&days).await?;
        Ok((before, self.usage_summary(table).await?))
    }

    /// The entity's days from `date − (days − 1)` to `date`, newest first (`days` clamped to
    /// 1..30, as 1.7).
    pub async fn usage(&self, entity: &Entity, date: Day, days: i64) -> Result<Vec<Value>, CatalogError> {
        let first = date.minus(days.clamp(1, MAX_DAYS) - 1);
        let rows = self.store.usage_days(entity.id(), &first.text(), &date.text()).await?;
        Ok(rows.iter().map(details).collect())
    }

    /// The entity's `usageSummary`: its newest day, or zeros dated today.
    pub async fn usage_summary(&self, entity: &Entity) -> Result<Value, CatalogError> {
        Ok(match self.store.usage_latest(entity.id()).await? {
            Some(row) => details(&row),
            None => {
                let today = Day::of_millis(self.now()).text();
                json!({"date": today, "dailyStats": stats(0, 0.0), "weeklyStats": stats(0, 0.0), "monthlyStats": stats(0, 0.0)})
            }
        })
    }

    /// Ranks the entities of `kind` on `date` by each count; how many were ranked.
    pub async fn rank_usage(&self, kind: Kind, date: Day) -> Result<u64, CatalogError> {
        Ok(self.store.usage_rank(kind.name(), &date.text()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_counts_are_read_strictly() {
        let (count, date) = parse_daily_count(&json!({"count": 12, "date": "2025-05-02"})).unwrap();
        assert_eq!((count, date.text()), (12, "2025-05-02".to_string()));
        for bad in [
            json!({"count": -1, "date": "2025-05-02"}),
            json!({"count": 1.5, "date": "2025-05-02"}),
            json!({"count": 1}),
            json!({"count": 1, "date": "2025-02-30"}),
            json!({"count": 1, "date": "2025-05-02", "extra": 1}),
            json!([1]),
        ] {
            assert!(parse_daily_count(&bad).is_err(), "{bad}");
        }
        assert!(usage_kind("dashboard").unwrap_err().to_string().contains("Tessera keeps usage for tables"));
    }
}
