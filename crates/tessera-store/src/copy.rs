//! `tessera migrate-db`: every row of an SQLite Tessera database copied into an empty PostgreSQL
//! database at the same schema version. The SQLite side is read in one read transaction (a
//! consistent snapshot, even while a server writes); the PostgreSQL side is written in one
//! transaction, so a failure leaves it empty. Tables, columns, types and foreign keys are read
//! from the schemas, so a new migration needs no change here.

use crate::catalog_names::BACKFILL_SETTING;
use crate::catalog_rekey::REKEY_SETTING;
use crate::catalog_reseal::RESEAL_SETTING;
use crate::catalog_tags::BACKFILL_SETTING as TAG_USES_SETTING;
use crate::{LATEST_SCHEMA_VERSION, Pool, Store, StoreError};
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row, SqliteConnection};
use values::{Kind, bind, convert, insert_sql, kind_of};

mod values;

/// Rows per INSERT, fewer for wide tables (PostgreSQL takes at most 65,535 parameters).
const BATCH_ROWS: usize = 500;
const MAX_PARAMETERS: usize = 30_000;
/// Each side's migration bookkeeping, written by `Store::migrate`, never copied.
const BOOKKEEPING: &str = "tessera_schema_migrations";
/// How long to wait for the destination's table locks before calling it in use.
const LOCK_TIMEOUT: &str = "10s";

/// Why nothing was copied. Every message says what to change.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("migrate-db copies from an SQLite database into a PostgreSQL database")]
    Backends,
    #[error("{target} holds no Tessera schema; check that it is the tessera.db of a Tessera data directory")]
    NotTessera { target: String },
    #[error(
        "{target} has schema version {found}, older than this Tessera build's {latest}; bring it up to date first: \
         run `tessera migrate` of this build with TESSERA_DATA_DIR set to its directory and DATABASE_URL / DB_* unset, \
         then run migrate-db again"
    )]
    SourceOutdated { target: String, found: i64, latest: i64 },
    #[error(
        "{target} already holds data ({tables}); migrate-db copies only into an empty database and never merges: \
         create a new, empty PostgreSQL database (or drop and re-create this one) and run migrate-db before \
         starting Tessera on it (a first start writes users, bots and policies)"
    )]
    NotEmpty { target: String, tables: String },
    #[error(
        "the tables of {target} are in use (no lock within {LOCK_TIMEOUT}); stop every Tessera server using it, \
         then run migrate-db again"
    )]
    Busy { target: String },
    #[error("the SQLite and PostgreSQL schemas differ although both are at version {version}: {detail}")]
    SchemaMismatch { version: i64, detail: String },
    #[error(
        "{table}.{column} of the row with {row} holds {found}, which does not fit PostgreSQL's {expected} \
         column; correct that row in the SQLite database, then run migrate-db again"
    )]
    Value { table: String, column: String, row: String, found: String, expected: String },
    #[error(
        "{table} holds {copied} rows in PostgreSQL after the copy, but {source_rows} in SQLite; please report this"
    )]
    CountMismatch { table: String, source_rows: i64, copied: i64 },
}

/// What was copied: each table and its rows (equal on both sides), in copy order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub schema_version: i64,
    pub tables: Vec<(String, i64)>,
}

/// A destination column: its type decides how each SQLite value is converted.
struct Column {
    name: String,
    pg_type: String,
    kind: Kind,
    /// Filled from a sequence (`BIGSERIAL`, identity): the sequence moves past the copied values.
    serial: bool,
}

struct Table {
    name: String,
    columns: Vec<Column>,
}

/// Copies every row of every application table of `source` (SQLite, at the latest schema) into
/// `destination` (PostgreSQL, migrated here first, and empty), then checks the row counts.
pub async fn copy_sqlite_to_postgres(source: &Store, destination: &Store) -> Result<CopyReport, CopyError> {
    let (Pool::Sqlite(sqlite), Pool::Postgres(pg)) = (&source.pool, &destination.pool) else {
        return Err(CopyError::Backends);
    };
    match source.check_schema_not_newer().await? {
        0 => return Err(CopyError::NotTessera { target: source.target.clone() }),
        found if found < LATEST_SCHEMA_VERSION => {
            return Err(CopyError::SourceOutdated {
                target: source.target.clone(),
                found,
                latest: LATEST_SCHEMA_VERSION,
            });
        }
        _ => {}
    }
    destination.migrate().await?;

    let mut write = pg.begin().await.map_err(|e| destination.unavailable(e))?;
    let tables = destination_tables(destination, &mut write).await?;
    lock_and_check_empty(destination, &mut write, &tables).await?;
    let mut reader = sqlite.acquire().await.map_err(|e| source.unavailable(e))?;
    let mut read = reader.begin().await.map_err(|e| source.unavailable(e))?;
    check_source_tables(source, &mut read, &tables).await?;

    let mut report = CopyReport { schema_version: LATEST_SCHEMA_VERSION, tables: Vec::with_capacity(tables.len()) };
    for table in &tables {
        let copied = copy_table(source, destination, &mut read, &mut write, table).await?;
        let count = format!("SELECT COUNT(*) FROM {}", quoted(&table.name));
        let in_source: i64 = sqlx::query_scalar(AssertSqlSafe(count.clone()))
            .fetch_one(&mut *read)
            .await
            .map_err(|e| source.unavailable(e))?;
        let in_destination: i64 = sqlx::query_scalar(AssertSqlSafe(count))
            .fetch_one(&mut *write)
            .await
            .map_err(|e| destination.unavailable(e))?;
        if in_source != copied || in_destination != copied {
            return Err(CopyError::CountMismatch {
                table: table.name.clone(),
                source_rows: in_source,
                copied: in_destination,
            });
        }
        tracing::info!(table = %table.name, rows = copied, "copied");
        report.tables.push((table.name.clone(), copied));
    }
    advance_sequences(destination, &mut write, &tables).await?;
    write.commit().await.map_err(|e| destination.unavailable(e))?;
    // The read transaction only held the snapshot.
    read.rollback().await.map_err(|e| source.unavailable(e))?;
    Ok(report)
}

/// The destination's tables (the bookkeeping table aside), parents before the tables whose
/// foreign keys point at them.
async fn destination_tables(store: &Store, conn: &mut PgConnection) -> Result<Vec<Table>, CopyError> {
    let columns: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, \
             COALESCE(c.column_default LIKE 'nextval(%' OR c.is_identity = 'YES', FALSE) \
         FROM information_schema.columns c JOIN information_schema.tables t \
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| store.unavailable(e))?;
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT child.relname::text, parent.relname::text FROM pg_constraint k \
         JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid \
         JOIN pg_namespace n ON n.oid = k.connamespace \
         WHERE k.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| store.unavailable(e))?;

    let mut tables: Vec<Table> = Vec::new();
    for (table, name, pg_type, serial) in columns.into_iter().filter(|c| c.0 != BOOKKEEPING) {
        let kind = kind_of(&pg_type).ok_or_else(|| CopyError::SchemaMismatch {
            version: LATEST_SCHEMA_VERSION,
            detail: format!("{table}.{name} has the PostgreSQL type {pg_type}, which migrate-db cannot fill"),
        })?;
        let column = Column { name, pg_type, kind, serial };
        match tables.last_mut() {
            Some(last) if last.name == table => last.columns.push(column),
            _ => tables.push(Table { name: table, columns: vec![column] }),
        }
    }
    in_dependency_order(tables, &references)
}

/// Repeatedly takes the tables (by name, for a stable order) whose parents are all taken.
fn in_dependency_order(mut left: Vec<Table>, references: &[(String, String)]) -> Result<Vec<Table>, CopyError> {
    left.sort_by(|a, b| a.name.cmp(&b.name));
    let mut ordered: Vec<Table> = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready = left.iter().position(|table| {
            references
                .iter()
                .filter(|(child, parent)| *child == table.name && parent != child)
                .all(|(_, parent)| ordered.iter().any(|t| t.name == *parent) || !left.iter().any(|t| t.name == *parent))
        });
        let Some(ready) = ready else {
            let names: Vec<&str> = left.iter().map(|t| t.name.as_str()).collect();
            return Err(CopyError::SchemaMismatch {
                version: LATEST_SCHEMA_VERSION,
                detail: format!("the foreign keys of {} form a cycle", names.join(", ")),
            });
        };
        ordered.push(left.remove(ready));
    }
    Ok(ordered)
}

/// Rows the migrations themselves insert: not data, and replaced by the source's own.
fn written_by_migrations(table: &str) -> Option<String> {
    (table == "tessera_settings")
        .then(|| format!("key IN ('{BACKFILL_SETTING}', '{TAG_USES_SETTING}', '{REKEY_SETTING}', '{RESEAL_SETTING}')"))
}

/// Locks every table against writers (a server starting on the database meanwhile waits for the
/// commit), then refuses any data already there.
async fn lock_and_check_empty(store: &Store, conn: &mut PgConnection, tables: &[Table]) -> Result<(), CopyError> {
    let names: Vec<String> = tables.iter().map(|t| quoted(&t.name)).collect();
    sqlx::query(AssertSqlSafe(format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")))
        .execute(&mut *conn)
        .await
        .map_err(|e| store.unavailable(e))?;
    let lock = format!("LOCK TABLE {} IN EXCLUSIVE MODE", names.join(", "));
    if let Err(error) = sqlx::query(AssertSqlSafe(lock)).execute(&mut *conn).await {
        return Err(match &error {
            sqlx::Error::Database(db) if db.code().as_deref() == Some("55P03") => {
                CopyError::Busy { target: store.target.clone() }
            }
            _ => store.unavailable(error).into(),
        });
    }
    let mut holding = Vec::new();
    for table in tables {
        let filter = written_by_migrations(&table.name).map(|c| format!(" WHERE NOT ({c})")).unwrap_or_default();
        let count = format!("SELECT COUNT(*) FROM {}{filter}", quoted(&table.name));
        let rows: i64 =
            sqlx::query_scalar(AssertSqlSafe(count)).fetch_one(&mut *conn).await.map_err(|e| store.unavailable(e))?;
        if rows > 0 {
            holding.push(format!("{}: {rows} {}", table.name, if rows == 1 { "row" } else { "rows" }));
        }
    }
    if holding.is_empty() {
        return Ok(());
    }
    Err(CopyError::NotEmpty { target: store.target.clone(), tables: holding.join(", ") })
}

/// The source must have exactly the destination's tables and columns: nothing left behind.
async fn check_source_tables(store: &Store, conn: &mut SqliteConnection, tables: &[Table]) -> Result<(), CopyError> {
    let mut names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?",
    )
    .bind(BOOKKEEPING)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| store.unavailable(e))?;
    let mismatch = |detail: String| CopyError::SchemaMismatch { version: LATEST_SCHEMA_VERSION, detail };
    let only_in_postgres: Vec<&str> =
        tables.iter().map(|t| t.name.as_str()).filter(|name| !names.iter().any(|n| n == name)).collect();
    if !only_in_postgres.is_empty() {
        return Err(mismatch(format!(
            "the PostgreSQL database has tables Tessera does not know ({}); give Tessera a database of its own",
            only_in_postgres.join(", ")
        )));
    }
    names.retain(|name| !tables.iter().any(|t| t.name == *name));
    if !names.is_empty() {
        return Err(mismatch(format!("the SQLite database has tables PostgreSQL lacks ({})", names.join(", "))));
    }
    for table in tables {
        let mut columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(&table.name)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| store.unavailable(e))?;
        columns.sort();
        let mut wanted: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        wanted.sort();
        if columns != wanted {
            return Err(mismatch(format!(
                "{} has the columns {columns:?} in SQLite, {wanted:?} in PostgreSQL",
                table.name
            )));
        }
    }
    Ok(())
}

/// Copies one table in batches, in rowid order (or primary-key order for a `WITHOUT ROWID`
/// table); returns the rows copied.
async fn copy_table(
    source: &Store,
    destination: &Store,
    read: &mut SqliteConnection,
    write: &mut PgConnection,
    table: &Table,
) -> Result<i64, CopyError> {
    if let Some(condition) = written_by_migrations(&table.name) {
        let delete = format!("DELETE FROM {} WHERE {condition}", quoted(&table.name));
        sqlx::query(AssertSqlSafe(delete)).execute(&mut *write).await.map_err(|e| destination.unavailable(e))?;
    }
    let names: Vec<String> = table.columns.iter().map(|c| quoted(&c.name)).collect();
    let batch = BATCH_ROWS.min(MAX_PARAMETERS / table.columns.len().max(1)).max(1);
    let mut walk = Walk::of(source, read, table).await?;
    let mut copied = 0_i64;
    loop {
        let select = walk.select(table, &names, batch);
        let query = walk.bind_cursor(sqlx::query(AssertSqlSafe(select.as_str())));
        let rows = query.fetch_all(&mut *read).await.map_err(|e| source.unavailable(e))?;
        let Some(last) = rows.last() else { break };
        walk.advance(last).map_err(|e| source.unavailable(e))?;
        let mut values = Vec::with_capacity(rows.len() * table.columns.len());
        for row in &rows {
            for (i, column) in table.columns.iter().enumerate() {
                values.push(convert(row, i + 1, column).map_err(|found| CopyError::Value {
                    table: table.name.clone(),
                    column: column.name.clone(),
                    row: walk.describe(row),
                    found,
                    expected: column.pg_type.clone(),
                })?);
            }
        }
        let insert = insert_sql(table, &names, rows.len());
        let mut query = sqlx::query(AssertSqlSafe(insert));
        for value in values {
            query = bind(query, value);
        }
        query.execute(&mut *write).await.map_err(|e| destination.classify(e))?;
        copied += rows.len() as i64;
    }
    Ok(copied)
}

/// How a table's rows are walked in batches: after the last rowid, or, for a `WITHOUT ROWID`
/// table, after the last primary key (whose columns are text in Tessera's schema).
enum Walk {
    Rowid(i64),
    PrimaryKey { columns: Vec<usize>, after: Option<Vec<String>> },
}

impl Walk {
    async fn of(source: &Store, read: &mut SqliteConnection, table: &Table) -> Result<Walk, CopyError> {
        let sql: Option<String> = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
            .bind(&table.name)
            .fetch_optional(&mut *read)
            .await
            .map_err(|e| source.unavailable(e))?;
        if !sql.unwrap_or_default().to_uppercase().contains("WITHOUT ROWID") {
            return Ok(Walk::Rowid(i64::MIN));
        }
        let keys: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk")
            .bind(&table.name)
            .fetch_all(&mut *read)
            .await
            .map_err(|e| source.unavailable(e))?;
        let columns = keys
            .iter()
            .map(|key| table.columns.iter().position(|c| c.name == *key))
            .collect::<Option<Vec<usize>>>()
            .ok_or_else(|| CopyError::SchemaMismatch {
                version: LATEST_SCHEMA_VERSION,
                detail: format!("the primary key of {} names a column PostgreSQL does not have", table.name),
            })?;
        Ok(Walk::PrimaryKey { columns, after: None })
    }

    /// The next batch's query: column 0 is the rowid (NULL when walking by key), then the columns.
    fn select(&self, table: &Table, names: &[String], batch: usize) -> String {
        let (columns, from) = (names.join(", "), quoted(&table.name));
        match self {
            Walk::Rowid(_) => {
                format!("SELECT rowid, {columns} FROM {from} WHERE rowid > ? ORDER BY rowid LIMIT {batch}")
            }
            Walk::PrimaryKey { columns: keys, after } => {
                let keys: Vec<&str> = keys.iter().map(|&i| names[i].as_str()).collect();
                let order = keys.join(", ");
                let filter = match after {
                    Some(_) => format!(" WHERE ({order}) > ({})", vec!["?"; keys.len()].join(", ")),
                    None => String::new(),
                };
                format!("SELECT NULL, {columns} FROM {from}{filter} ORDER BY {order} LIMIT {batch}")
            }
        }
    }

    fn bind_cursor<'q>(
        &'q self,
        query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
        match self {
            Walk::Rowid(after) => query.bind(*after),
            Walk::PrimaryKey { after, .. } => after.iter().flatten().fold(query, |q, v| q.bind(v.as_str())),
        }
    }

    fn advance(&mut self, last: &sqlx::sqlite::SqliteRow) -> Result<(), sqlx::Error> {
        match self {
            Walk::Rowid(after) => *after = last.try_get(0)?,
            Walk::PrimaryKey { columns, after } => {
                *after = Some(columns.iter().map(|&i| last.try_get::<String, _>(i + 1)).collect::<Result<_, _>>()?);
            }
        }
        Ok(())
    }

    /// Which row, for an error message.
    fn describe(&self, row: &sqlx::sqlite::SqliteRow) -> String {
        match self {
            Walk::Rowid(_) => format!("rowid {}", row.try_get::<i64, _>(0).unwrap_or_default()),
            Walk::PrimaryKey { columns, .. } => {
                let key: Vec<String> =
                    columns.iter().map(|&i| row.try_get::<String, _>(i + 1).unwrap_or_default()).collect();
                format!("primary key ({})", key.join(", "))
            }
        }
    }
}

/// Sequences are not part of the rows: without this, the next `auth_changes` row would collide
/// with a copied one. (`setval` is not transactional; after a rollback the tables stay empty and
/// only a sequence has moved, which is harmless.)
async fn advance_sequences(store: &Store, conn: &mut PgConnection, tables: &[Table]) -> Result<(), CopyError> {
    for table in tables {
        for column in table.columns.iter().filter(|c| c.serial) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                quoted(&column.name),
                quoted(&table.name)
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(quoted(&table.name))
                .bind(&column.name)
                .execute(&mut *conn)
                .await
                .map_err(|e| store.unavailable(e))?;
        }
    }
    Ok(())
}

/// A quoted identifier (names come from the schemas, never from input; quoted all the same).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table { name: name.into(), columns: vec![] }
    }

    #[test]
    fn parents_come_before_the_tables_that_reference_them() {
        let tables = vec![table("bots"), table("users"), table("memberships"), table("auth_changes")];
        let refs = [("bots", "users"), ("memberships", "users"), ("users", "users")]
            .map(|(c, p)| (c.to_string(), p.to_string()));
        let order: Vec<String> = in_dependency_order(tables, &refs).unwrap().into_iter().map(|t| t.name).collect();
        assert_eq!(order, ["auth_changes", "users", "bots", "memberships"]);
    }

    #[test]
    fn a_cycle_is_refused_not_looped_on() {
        let refs = [("a", "b"), ("b", "a")].map(|(c, p)| (c.to_string(), p.to_string()));
        let error = in_dependency_order(vec![table("a"), table("b")], &refs).err().unwrap();
        assert!(error.to_string().contains("form a cycle"), "{error}");
    }
}
