//! Columns (nested through `children`) and table constraints, typed so that nothing the 1.7
//! models do not know is stored, with the value lists of the 1.7 schema.

use crate::fqn;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `table.json#/definitions/dataType` in 1.7.
pub const DATA_TYPES: &[&str] = &[
    "NUMBER",
    "TINYINT",
    "SMALLINT",
    "INT",
    "BIGINT",
    "BYTEINT",
    "BYTES",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
    "NUMERIC",
    "TIMESTAMP",
    "TIMESTAMPZ",
    "TIME",
    "DATE",
    "DATETIME",
    "INTERVAL",
    "STRING",
    "MEDIUMTEXT",
    "TEXT",
    "CHAR",
    "LONG",
    "VARCHAR",
    "BOOLEAN",
    "BINARY",
    "VARBINARY",
    "ARRAY",
    "BLOB",
    "LONGBLOB",
    "MEDIUMBLOB",
    "MAP",
    "STRUCT",
    "UNION",
    "SET",
    "GEOGRAPHY",
    "ENUM",
    "JSON",
    "UUID",
    "VARIANT",
    "GEOMETRY",
    "BYTEA",
    "AGGREGATEFUNCTION",
    "ERROR",
    "FIXED",
    "RECORD",
    "NULL",
    "SUPER",
    "HLLSKETCH",
    "PG_LSN",
    "PG_SNAPSHOT",
    "TSQUERY",
    "TXID_SNAPSHOT",
    "XML",
    "MACADDR",
    "TSVECTOR",
    "UNKNOWN",
    "CIDR",
    "INET",
    "CLOB",
    "ROWID",
    "LOWCARDINALITY",
    "YEAR",
    "POINT",
    "POLYGON",
    "TUPLE",
    "SPATIAL",
    "TABLE",
    "NTEXT",
    "IMAGE",
    "IPV4",
    "IPV6",
    "DATETIMERANGE",
    "HLL",
    "LARGEINT",
    "QUANTILE_STATE",
    "AGG_STATE",
    "BITMAP",
    "UINT",
    "BIT",
    "MONEY",
    "MEASURE HIDDEN",
    "MEASURE VISIBLE",
];
pub const COLUMN_CONSTRAINTS: &[&str] = &["NULL", "NOT_NULL", "UNIQUE", "PRIMARY_KEY"];
pub const CONSTRAINT_TYPES: &[&str] = &["UNIQUE", "PRIMARY_KEY", "FOREIGN_KEY", "SORT_KEY", "DIST_KEY", "CLUSTER_KEY"];
pub const RELATIONSHIP_TYPES: &[&str] = &["ONE_TO_ONE", "ONE_TO_MANY", "MANY_TO_ONE", "MANY_TO_MANY"];
pub const TABLE_TYPES: &[&str] = &[
    "Regular",
    "External",
    "Dynamic",
    "View",
    "SecureView",
    "MaterializedView",
    "Iceberg",
    "Local",
    "Partitioned",
    "Foreign",
    "Transient",
    "Stream",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Column {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub data_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub array_data_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_length: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_type_display: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Always recomputed from the table's FQN; a sent value is ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    /// `[]` when absent: the client patches in `tags: []` on every column that lacks it.
    #[serde(default)]
    pub tags: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinal_position: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<Column>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableConstraint {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    /// Column FQNs of the referred table (foreign keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referred_columns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship_type: Option<String>,
}

fn one_of(what: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!("{what} {value:?} is not one of {}", allowed.join(", ")))
    }
}

/// Parses `columns`, checks names and value lists, and sets every column's FQN under `table_fqn`.
pub fn columns(value: &Value, table_fqn: &str) -> Result<Vec<Column>, String> {
    let Value::Array(items) = value else { return Err("columns must be a list of columns".into()) };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let column = Column::deserialize(item).map_err(|e| format!("columns[{i}]: {e}"))?;
        out.push(column);
    }
    check_level(&mut out, table_fqn, "columns")?;
    Ok(out)
}

fn check_level(columns: &mut [Column], parent_fqn: &str, path: &str) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for (i, column) in columns.iter_mut().enumerate() {
        let at = format!("{path}[{i}]");
        if column.name.is_empty() || column.name.chars().count() > 256 {
            return Err(format!("{at}: name must have 1 to 256 characters"));
        }
        if !seen.insert(column.name.clone()) {
            return Err(format!("{at}: column name {:?} appears twice; column names must be unique", column.name));
        }
        one_of(&format!("{at}: dataType"), &column.data_type, DATA_TYPES)?;
        if let Some(t) = &column.array_data_type {
            one_of(&format!("{at}: arrayDataType"), t, DATA_TYPES)?;
        }
        if let Some(c) = &column.constraint {
            one_of(&format!("{at}: constraint"), c, COLUMN_CONSTRAINTS)?;
        }
        crate::labels::check_tags(&Value::Array(column.tags.clone()), &format!("{at}.tags"))?;
        let own = fqn::child(parent_fqn, &column.name).map_err(|e| format!("{at}: {e}"))?;
        if let Some(children) = column.children.as_mut() {
            check_level(children, &own, &format!("{at}.children"))?;
        }
        column.fully_qualified_name = Some(own);
    }
    Ok(())
}

/// Parses `tableConstraints`; constrained columns must be the table's own (top-level) columns.
pub fn constraints(value: &Value, columns: &[Column]) -> Result<Vec<TableConstraint>, String> {
    let Value::Array(items) = value else { return Err("tableConstraints must be a list".into()) };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("tableConstraints[{i}]");
        let constraint = TableConstraint::deserialize(item).map_err(|e| format!("{at}: {e}"))?;
        if let Some(t) = &constraint.constraint_type {
            one_of(&format!("{at}: constraintType"), t, CONSTRAINT_TYPES)?;
        }
        if let Some(t) = &constraint.relationship_type {
            one_of(&format!("{at}: relationshipType"), t, RELATIONSHIP_TYPES)?;
        }
        for name in constraint.columns.iter().flatten() {
            if !columns.iter().any(|c| &c.name == name) {
                return Err(format!("{at}: column {name:?} is not a column of this table"));
            }
        }
        for referred in constraint.referred_columns.iter().flatten() {
            if fqn::split(referred).map(|p| p.len()).unwrap_or(0) < 5 {
                return Err(format!(
                    "{at}: referredColumns must be column FQNs (service.database.schema.table.column), not {referred:?}"
                ));
            }
        }
        out.push(constraint);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_columns_get_fqns_and_tags() {
        let cols = columns(
            &json!([{"name": "id", "dataType": "INT", "constraint": "PRIMARY_KEY"},
                    {"name": "a.b", "dataType": "STRUCT", "children": [{"name": "x", "dataType": "INT"}]}]),
            "s.d.m.t",
        )
        .unwrap();
        assert_eq!(cols[0].fully_qualified_name.as_deref(), Some("s.d.m.t.id"));
        let children = cols[1].children.as_ref().unwrap();
        assert_eq!(children[0].fully_qualified_name.as_deref(), Some("s.d.m.t.\"a.b\".x"));
        let out = serde_json::to_value(&cols[0]).unwrap();
        assert_eq!(out["tags"], json!([]));
        assert!(out.get("children").is_none());
    }

    #[test]
    fn bad_columns_say_what_to_change() {
        let err = |v: Value| columns(&v, "s.d.m.t").unwrap_err();
        assert!(err(json!([{"name": "x", "dataType": "WHATEVER"}])).contains("columns[0]: dataType \"WHATEVER\""));
        assert!(err(json!([{"name": "x", "dataType": "INT", "colour": 1}])).contains("unknown field `colour`"));
        assert!(err(json!([{"name": "x"}])).contains("missing field `dataType`"));
        assert!(err(json!([{"name": "x", "dataType": "INT"}, {"name": "x", "dataType": "INT"}])).contains("twice"));
        assert!(err(json!([{"name": "q\"", "dataType": "INT"}])).contains("double quote"));
        assert!(err(json!({"name": "x"})).contains("must be a list"));
        let nested = json!([{"name": "s", "dataType": "STRUCT", "children": [{"name": "c", "dataType": "NOPE"}]}]);
        assert!(err(nested).contains("columns[0].children[0]: dataType"));
    }

    #[test]
    fn foreign_keys_refer_to_column_fqns() {
        let cols = columns(&json!([{"name": "customer_id", "dataType": "INT"}]), "s.d.m.orders").unwrap();
        let fk = json!([{"constraintType": "FOREIGN_KEY", "columns": ["customer_id"],
                         "referredColumns": ["s.d.m.customers.id"], "relationshipType": "MANY_TO_ONE"}]);
        assert_eq!(constraints(&fk, &cols).unwrap()[0].referred_columns.as_ref().unwrap()[0], "s.d.m.customers.id");
        let bad = json!([{"constraintType": "FOREIGN_KEY", "columns": ["customer_id"], "referredColumns": ["id"]}]);
        assert!(constraints(&bad, &cols).unwrap_err().contains("column FQNs"));
        let missing = json!([{"constraintType": "UNIQUE", "columns": ["nope"]}]);
        assert!(constraints(&missing, &cols).unwrap_err().contains("\"nope\" is not a column"));
    }
}
