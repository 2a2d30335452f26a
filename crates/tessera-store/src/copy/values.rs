//! Values on their way from SQLite to PostgreSQL: read by their SQLite storage class, checked
//! against the destination column's type, bound with their own type and cast to the column's.

use super::{Column, Table, quoted};
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, Row, TypeInfo, ValueRef};

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Bool,
    Int,
    Float,
    /// Text as such, or parsed by PostgreSQL's cast (timestamps, JSON, UUIDs).
    Text,
    Bytes,
}

/// One value on its way: bound with its own type, then cast to the column's.
pub(super) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

pub(super) fn kind_of(pg_type: &str) -> Option<Kind> {
    Some(match pg_type {
        "boolean" => Kind::Bool,
        "smallint" | "integer" | "bigint" => Kind::Int,
        "real" | "double precision" | "numeric" => Kind::Float,
        "text"
        | "character varying"
        | "json"
        | "jsonb"
        | "uuid"
        | "date"
        | "timestamp with time zone"
        | "timestamp without time zone" => Kind::Text,
        "bytea" => Kind::Bytes,
        _ => return None,
    })
}

/// `INSERT INTO t (a, b) VALUES (CAST($1 AS text), CAST($2 AS boolean)), ...`
pub(super) fn insert_sql(table: &Table, names: &[String], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", quoted(&table.name), names.join(", "));
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for (i, column) in table.columns.iter().enumerate() {
            n += 1;
            let separator = if i == 0 { "" } else { ", " };
            sql.push_str(&format!("{separator}CAST(${n} AS {})", column.pg_type));
        }
        sql.push(')');
    }
    sql
}

/// The SQLite value at `index` as the destination column wants it; `Err` describes what was found.
pub(super) fn convert(row: &SqliteRow, index: usize, column: &Column) -> Result<Value, String> {
    let raw = row.try_get_raw(index).map_err(|e| e.to_string())?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let class = raw.type_info().name().to_string();
    let read = |e: sqlx::Error| e.to_string();
    Ok(match (column.kind, class.as_str()) {
        (Kind::Bool, "INTEGER") => match row.try_get_unchecked::<i64, _>(index).map_err(read)? {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            other => return Err(format!("the integer {other} (a boolean is 0 or 1)")),
        },
        (Kind::Int, "INTEGER") => Value::Int(row.try_get_unchecked(index).map_err(read)?),
        (Kind::Float, "REAL") => Value::Float(row.try_get_unchecked(index).map_err(read)?),
        (Kind::Float, "INTEGER") => Value::Float(row.try_get_unchecked::<i64, _>(index).map_err(read)? as f64),
        (Kind::Text, "TEXT") => Value::Text(row.try_get_unchecked(index).map_err(read)?),
        (Kind::Bytes, "BLOB" | "TEXT") => Value::Bytes(row.try_get_unchecked(index).map_err(read)?),
        (_, other) => return Err(format!("a value of SQLite type {other}")),
    })
}

pub(super) fn bind(
    query: sqlx::query::Query<'_, Postgres, PgArguments>,
    value: Value,
) -> sqlx::query::Query<'_, Postgres, PgArguments> {
    match value {
        Value::Null => query.bind(None::<String>),
        Value::Bool(v) => query.bind(v),
        Value::Int(v) => query.bind(v),
        Value::Float(v) => query.bind(v),
        Value::Text(v) => query.bind(v),
        Value::Bytes(v) => query.bind(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cast_per_value() {
        let column = |name: &str, pg_type: &str| Column {
            name: name.into(),
            pg_type: pg_type.into(),
            kind: kind_of(pg_type).unwrap(),
            serial: false,
        };
        let t = Table { name: "t".into(), columns: vec![column("a", "text"), column("b", "boolean")] };
        assert_eq!(
            insert_sql(&t, &["\"a\"".into(), "\"b\"".into()], 2),
            "INSERT INTO \"t\" (\"a\", \"b\") VALUES (CAST($1 AS text), CAST($2 AS boolean)), \
             (CAST($3 AS text), CAST($4 AS boolean))"
        );
        assert!(kind_of("USER-DEFINED").is_none());
        assert_eq!(quoted("we\"ird"), "\"we\"\"ird\"");
    }
}
