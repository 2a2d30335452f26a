//! `MetadataOperation`s: what a rule grants or denies, and what a request needs.

use std::fmt;

/// OpenMetadata 1.7's `MetadataOperation`, exactly (the 1.7 client's `Policy` model refuses any
/// other name). A policy naming an unknown one is refused when saved, with this list.
pub const OPERATIONS: &[&str] = &[
    "All",
    "Create",
    "CreateIngestionPipelineAutomator",
    "Delete",
    "ViewAll",
    "ViewBasic",
    "ViewUsage",
    "ViewTests",
    "ViewQueries",
    "ViewDataProfile",
    "ViewSampleData",
    "ViewTestCaseFailedRowsSample",
    "ViewProfilerGlobalConfiguration",
    "EditAll",
    "EditCustomFields",
    "EditDataProfile",
    "EditDescription",
    "EditDisplayName",
    "EditLineage",
    "EditPolicy",
    "EditOwners",
    "EditQueries",
    "EditReviewers",
    "EditRole",
    "EditSampleData",
    "EditStatus",
    "EditTags",
    "EditGlossaryTerms",
    "EditTeams",
    "EditTier",
    "EditTests",
    "EditUsers",
    "EditUsage",
    "EditLifeCycle",
    "EditKnowledgePanel",
    "EditPage",
    "EditEntityRelationship",
    "EditIngestionPipelineStatus",
    "DeleteTestCaseFailedRowsSample",
    "Deploy",
    "Trigger",
    "Kill",
    "GenerateToken",
];

/// Operations of later OpenMetadata versions that Tessera's own seed once wrote. They guard nothing
/// in 1.7: a stored rule drops them when it is read (see `AccessDoc::from_stored`), so older
/// databases keep their policies and answer only 1.7 names.
pub const NOT_IN_1_7: &[&str] = &["BulkCreate", "BulkUpdate", "EditCertification"];

/// One operation, by its index in [`OPERATIONS`] (cheap to copy and compare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Operation(u8);

impl Operation {
    pub fn parse(name: &str) -> Option<Self> {
        // `EditOwner` is the name before 1.6; policies written for it keep working.
        let name = if name == "EditOwner" { "EditOwners" } else { name };
        OPERATIONS.iter().position(|o| *o == name).map(|i| Operation(i as u8))
    }

    /// For constants in code; panics on a name not in [`OPERATIONS`] (a programming error).
    pub fn named(name: &str) -> Self {
        Self::parse(name).unwrap_or_else(|| panic!("{name} is not a MetadataOperation"))
    }

    pub fn name(self) -> &'static str {
        OPERATIONS[self.0 as usize]
    }

    /// Whether a rule granting or denying `self` covers `wanted`: `All` covers everything,
    /// `ViewAll` every `View…`, `EditAll` every `Edit…`.
    pub fn covers(self, wanted: Operation) -> bool {
        if self == wanted {
            return true;
        }
        match self.name() {
            "All" => true,
            "ViewAll" => wanted.name().starts_with("View"),
            "EditAll" => wanted.name().starts_with("Edit"),
            _ => false,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Operation;

    #[test]
    fn aggregates_cover_their_family() {
        let op = Operation::named;
        assert!(op("ViewAll").covers(op("ViewBasic")));
        assert!(!op("ViewAll").covers(op("EditTags")));
        assert!(op("EditAll").covers(op("EditTags")));
        assert!(!op("EditAll").covers(op("Delete")));
        assert!(op("All").covers(op("Delete")));
        assert!(!op("Create").covers(op("Delete")));
        assert_eq!(Operation::parse("EditOwner"), Some(op("EditOwners")));
        assert_eq!(Operation::parse("Execute"), None);
    }
}
