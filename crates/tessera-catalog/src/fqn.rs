//! Fully qualified names exactly as the ingestion client builds and splits them
//! (`metadata/utils/fqn.py`, mirroring the original's `FullyQualifiedName`): parts joined by `.`;
//! a part containing `.` is wrapped in double quotes; a bare `"` inside a name is invalid.

/// A name or FQN the client's rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FqnError {
    #[error("Invalid name {0:?}: a name may not contain a double quote (\") or a line break")]
    InvalidName(String),
    #[error(
        "Invalid fully qualified name {0:?}: parts are separated by dots, and a part that contains a dot is \
         wrapped in double quotes, like service.db.schema.\"my.table\""
    )]
    InvalidFqn(String),
}

/// The client's `quote_name`: `"a.b"` stays quoted, `"ab"` loses its quotes, `a.b` gains them.
pub fn quote_name(name: &str) -> Result<String, FqnError> {
    // Python's `.` in `^(.*)$` matches anything but a newline: such names are invalid there too.
    if name.contains('\n') {
        return Err(FqnError::InvalidName(name.to_string()));
    }
    if let Some(inner) = name.strip_prefix('"').and_then(|n| n.strip_suffix('"'))
        && !inner.is_empty()
        && !inner.contains('"')
    {
        return Ok(if inner.contains('.') { name.to_string() } else { inner.to_string() });
    }
    if name.contains('"') {
        return Err(FqnError::InvalidName(name.to_string()));
    }
    Ok(if name.contains('.') { format!("\"{name}\"") } else { name.to_string() })
}

/// Joins names (each quoted as needed) into an FQN.
pub fn build<S: AsRef<str>>(names: &[S]) -> Result<String, FqnError> {
    let quoted: Result<Vec<String>, FqnError> = names.iter().map(|n| quote_name(n.as_ref())).collect();
    Ok(quoted?.join("."))
}

/// Appends one name to an FQN.
pub fn child(parent: &str, name: &str) -> Result<String, FqnError> {
    Ok(format!("{parent}.{}", quote_name(name)?))
}

/// The client's `split` (its ANTLR grammar): dots outside double quotes separate parts; a quoted
/// part keeps its quotes and must contain a dot; no part is empty.
pub fn split(fqn: &str) -> Result<Vec<String>, FqnError> {
    let invalid = || FqnError::InvalidFqn(fqn.to_string());
    let mut parts = Vec::new();
    let mut rest = fqn;
    loop {
        let (part, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').ok_or_else(invalid)?;
            let inner = &quoted[..end];
            if !inner.contains('.') {
                return Err(invalid());
            }
            (&rest[..end + 2], &quoted[end + 1..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let part = &rest[..end];
            if part.is_empty() || part.contains('"') {
                return Err(invalid());
            }
            (part, &rest[end..])
        };
        parts.push(part.to_string());
        match after.strip_prefix('.') {
            Some(next) => rest = next,
            None if after.is_empty() => return Ok(parts),
            None => return Err(invalid()),
        }
    }
}

/// A part without its surrounding quotes (the client's `unquote_name`).
pub fn unquote(part: &str) -> &str {
    part.strip_prefix('"').and_then(|p| p.strip_suffix('"')).unwrap_or(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_the_client() {
        assert_eq!(quote_name("customers").unwrap(), "customers");
        assert_eq!(quote_name("my.table").unwrap(), "\"my.table\"");
        assert_eq!(quote_name("\"my.table\"").unwrap(), "\"my.table\"");
        assert_eq!(quote_name("\"ab\"").unwrap(), "ab");
        assert_eq!(quote_name("a b é").unwrap(), "a b é");
        assert_eq!(quote_name("").unwrap(), "");
        for bad in ["quo\"te", "\"a\"b\"", "\"\"", "line\nbreak", "\"a.b"] {
            assert!(quote_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn building_matches_the_observed_fqns() {
        assert_eq!(
            build(&["local_sqlite", "sample", "main", "customers"]).unwrap(),
            "local_sqlite.sample.main.customers"
        );
        assert_eq!(build(&["edge_sqlite", "edge", "main", "my.table"]).unwrap(), "edge_sqlite.edge.main.\"my.table\"");
        assert_eq!(
            child("edge_sqlite.edge.main.\"my.table\"", "weird.col").unwrap(),
            "edge_sqlite.edge.main.\"my.table\".\"weird.col\""
        );
    }

    #[test]
    fn splitting_follows_the_grammar() {
        assert_eq!(split("a.b.c").unwrap(), ["a", "b", "c"]);
        assert_eq!(split("a.\"b.c\".d").unwrap(), ["a", "\"b.c\"", "d"]);
        assert_eq!(split("s.\"x.y\"").unwrap(), ["s", "\"x.y\""]);
        assert_eq!(split("a b.ü").unwrap(), ["a b", "ü"]);
        for bad in ["a.\"b\".c", "a..b", "\"a.b", "a.", ".a", "", "a\"b.c", "\"a.b\"c"] {
            assert!(split(bad).is_err(), "{bad:?}");
        }
        assert_eq!(unquote("\"b.c\""), "b.c");
    }

    #[test]
    fn build_then_split_round_trips() {
        for names in [vec!["svc", "db.x", "sch", "t a.b"], vec!["s", "d", "s", "ü😀"]] {
            let fqn = build(&names).unwrap();
            let parts: Vec<String> = split(&fqn).unwrap().iter().map(|p| unquote(p).to_string()).collect();
            assert_eq!(parts, names);
        }
    }
}
