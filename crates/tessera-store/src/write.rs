//! A transaction described as data: the statements and their arguments, owned. Being data, a
//! write can wait in SQLite's group-commit queue (`group_commit.rs`), be run again on its own
//! if a batch fails, and run unchanged on PostgreSQL.

use crate::{Pool, Store, StoreError};
use std::borrow::Cow;

/// One bound value.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Real(f64),
    Int(i64),
    Bool(bool),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::Real(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

/// One SQL statement (SQLite's `?` placeholders; rewritten for PostgreSQL).
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    pub sql: Cow<'static, str>,
    pub args: Vec<Arg>,
    /// When set, changing no row fails the whole write with this [`StoreError::Conflict`] detail
    /// (an optimistic version check lost to another writer).
    pub conflict_unless_changed: Option<String>,
}

impl Statement {
    pub fn new(sql: impl Into<Cow<'static, str>>, args: Vec<Arg>) -> Self {
        Self { sql: sql.into(), args, conflict_unless_changed: None }
    }

    pub fn conflict_unless_changed(self, detail: String) -> Self {
        Self { conflict_unless_changed: Some(detail), ..self }
    }
}

/// Statements applied together or not at all.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteSet {
    pub statements: Vec<Statement>,
}

impl WriteSet {
    pub fn push(&mut self, statement: Statement) {
        self.statements.push(statement);
    }

    /// Adds the statements given (an `Option` for one that may not be needed).
    pub fn extend(&mut self, statements: impl IntoIterator<Item = Statement>) {
        self.statements.extend(statements);
    }
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for arg in $args {
            q = match arg {
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::Real(v) => q.bind(*v),
                Arg::Int(v) => q.bind(*v),
                Arg::Bool(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// Runs every statement of `write` on an open SQLite transaction; rows changed per statement.
pub(crate) async fn run_sqlite(
    conn: &mut sqlx::SqliteConnection,
    write: &WriteSet,
    store: &Store,
) -> Result<Vec<u64>, StoreError> {
    let mut changed = Vec::with_capacity(write.statements.len());
    for statement in &write.statements {
        let query = bind_all!(sqlx::query(sqlx::AssertSqlSafe(statement.sql.as_ref())), &statement.args);
        let rows = query.execute(&mut *conn).await.map_err(|e| store.classify(e))?.rows_affected();
        check_changed(statement, rows)?;
        changed.push(rows);
    }
    Ok(changed)
}

async fn run_postgres(conn: &mut sqlx::PgConnection, write: &WriteSet, store: &Store) -> Result<Vec<u64>, StoreError> {
    let mut changed = Vec::with_capacity(write.statements.len());
    for statement in &write.statements {
        let sql = crate::query::to_postgres(&statement.sql);
        let query = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql)), &statement.args);
        let rows = query.execute(&mut *conn).await.map_err(|e| store.classify(e))?.rows_affected();
        check_changed(statement, rows)?;
        changed.push(rows);
    }
    Ok(changed)
}

fn check_changed(statement: &Statement, rows: u64) -> Result<(), StoreError> {
    match &statement.conflict_unless_changed {
        Some(detail) if rows == 0 => Err(StoreError::Conflict { detail: detail.clone() }),
        _ => Ok(()),
    }
}

impl Store {
    /// SQLite's group commit so far: `(transactions committed, writes they carried)`; `None` on
    /// PostgreSQL (a transaction per write).
    pub fn group_commit_stats(&self) -> Option<(u64, u64)> {
        self.group_commit.as_ref().map(|g| g.stats())
    }

    /// Applies `write` in one transaction: rows changed per statement. On SQLite it joins the
    /// group commit (one transaction for every write queued meanwhile, one writer connection).
    pub(crate) async fn apply(&self, write: WriteSet) -> Result<Vec<u64>, StoreError> {
        match &self.pool {
            Pool::Sqlite(_) => {
                let group = self.group_commit.as_ref().expect("an SQLite store has a group commit");
                group.submit(self, write).await
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(|e| self.classify(e))?;
                let changed = run_postgres(&mut tx, &write, self).await?;
                tx.commit().await.map_err(|e| self.classify(e))?;
                Ok(changed)
            }
        }
    }
}
