//! The operations an edit needs, from the fields it changes (one mapping for PATCH and PUT), as the
//! original's `JsonPatchUtils.getMetadataOperations` maps patch paths: `description` →
//! EditDescription, `displayName` → EditDisplayName, `owners` → EditOwners, `tags` → EditTags
//! (EditTier for `Tier.` labels, EditGlossaryTerms for glossary terms), `extension` →
//! EditCustomFields, `reviewers`, `users`, `roles`, `policies`, `teams`, and anything else EditAll.
//!
//! Stricter than the original: an edit needs every operation of every field it changes, EditAll
//! included when one field has no finer operation, so a deny rule on a finer operation (the
//! ingestion bot's `DisplayName-Deny`) holds even when the edit also changes other fields.

use crate::operation::Operation;

/// The operations for changed `fields` and the tag labels (tagFQN, source) added or removed.
pub fn operations<'a>(fields: impl IntoIterator<Item = &'a str>, tags: &[(&str, &str)]) -> Vec<Operation> {
    let mut needed = Vec::new();
    let mut push = |operation: Operation| {
        if !needed.contains(&operation) {
            needed.push(operation);
        }
    };
    for field in fields {
        match field {
            "description" => push(Operation::EditDescription),
            "displayName" => push(Operation::EditDisplayName),
            "owners" => push(Operation::EditOwners),
            "reviewers" => push(Operation::EditReviewers),
            "extension" => push(Operation::EditCustomFields),
            "users" => push(Operation::EditUsers),
            "roles" | "defaultRoles" => push(Operation::EditRole),
            "policies" => push(Operation::EditPolicy),
            "teams" => push(Operation::EditTeams),
            "tags" if tags.is_empty() => push(Operation::EditTags),
            "tags" => {
                for (fqn, source) in tags {
                    push(if fqn.starts_with("Tier.") {
                        Operation::EditTier
                    } else if source.eq_ignore_ascii_case("Glossary") {
                        Operation::EditGlossaryTerms
                    } else {
                        Operation::EditTags
                    });
                }
            }
            _ => push(Operation::EditAll),
        }
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::operations;
    use crate::operation::Operation::*;

    #[test]
    fn fields_map_to_the_originals_operations() {
        assert_eq!(operations(["description"], &[]), [EditDescription]);
        assert_eq!(operations(["displayName", "sourceHash"], &[]), [EditDisplayName, EditAll]);
        assert_eq!(operations(["tags"], &[("Tier.Tier1", "Classification")]), [EditTier]);
        assert_eq!(
            operations(["tags"], &[("PII.Sensitive", "Classification"), ("Sales.Revenue", "Glossary")]),
            [EditTags, EditGlossaryTerms]
        );
        assert_eq!(operations(["connection"], &[]), [EditAll], "secrets: EditAll");
        assert_eq!(operations(["*"], &[]), [EditAll]);
        assert_eq!(operations(["roles", "defaultRoles", "teams"], &[]), [EditRole, EditTeams]);
    }
}
