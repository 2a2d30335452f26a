//! One SQL text for both backends: written with `?` placeholders (SQLite's), rewritten to `$1..$n`
//! for PostgreSQL. The macros run the same binds against whichever pool the store holds.

/// `?` → `$1`, `$2`, ... (no `?` appears in our SQL other than as a placeholder).
pub(crate) fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// `exec!(store, executor_or_pool, "SQL", binds...)` → rows affected.
macro_rules! exec {
    ($store:expr, $sql:expr $(, $bind:expr)* $(,)?) => {{
        let result = match &$store.pool {
            $crate::Pool::Sqlite(pool) => sqlx::query($sql)$(.bind($bind))*.execute(pool).await.map(|r| r.rows_affected()),
            $crate::Pool::Postgres(pool) => sqlx::query(sqlx::AssertSqlSafe($crate::query::to_postgres($sql)))$(.bind($bind))*.execute(pool).await.map(|r| r.rows_affected()),
        };
        result.map_err(|e| $store.classify(e))
    }};
}

/// `fetch!(store, Type, fetch_all | fetch_optional | fetch_one, "SQL", binds...)` with `query_as`.
macro_rules! fetch {
    ($store:expr, $ty:ty, $method:ident, $sql:expr $(, $bind:expr)* $(,)?) => {{
        let result = match &$store.pool {
            $crate::Pool::Sqlite(pool) => sqlx::query_as::<_, $ty>($sql)$(.bind($bind))*.$method(pool).await,
            $crate::Pool::Postgres(pool) => sqlx::query_as::<_, $ty>(sqlx::AssertSqlSafe($crate::query::to_postgres($sql)))$(.bind($bind))*.$method(pool).await,
        };
        result.map_err(|e| $store.classify(e))
    }};
}

pub(crate) use {exec, fetch};

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders() {
        assert_eq!(
            super::to_postgres("SELECT a FROM t WHERE b = ? AND c = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $2"
        );
    }
}
