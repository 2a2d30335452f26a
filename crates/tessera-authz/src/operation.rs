//! `MetadataOperation`s: what a rule grants or denies, and what a request needs. An enum, so code
//! names operations that exist; text from policies and requests is parsed with an error.

use std::fmt;

/// Declares [`Operation`] with one variant per name and the list of every one, in order.
macro_rules! operations {
    ($($name:ident),+ $(,)?) => {
        /// OpenMetadata 1.7's `MetadataOperation`, exactly (the 1.7 client's `Policy` model refuses
        /// any other name).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            $($name),+
        }

        impl Operation {
            /// Every operation, in the 1.7 enum's order.
            pub const ALL: &'static [Operation] = &[$(Operation::$name),+];

            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$name => stringify!($name)),+
                }
            }
        }
    };
}

operations! {
    All,
    Create,
    CreateIngestionPipelineAutomator,
    Delete,
    ViewAll,
    ViewBasic,
    ViewUsage,
    ViewTests,
    ViewQueries,
    ViewDataProfile,
    ViewSampleData,
    ViewTestCaseFailedRowsSample,
    ViewProfilerGlobalConfiguration,
    EditAll,
    EditCustomFields,
    EditDataProfile,
    EditDescription,
    EditDisplayName,
    EditLineage,
    EditPolicy,
    EditOwners,
    EditQueries,
    EditReviewers,
    EditRole,
    EditSampleData,
    EditStatus,
    EditTags,
    EditGlossaryTerms,
    EditTeams,
    EditTier,
    EditTests,
    EditUsers,
    EditUsage,
    EditLifeCycle,
    EditKnowledgePanel,
    EditPage,
    EditEntityRelationship,
    EditIngestionPipelineStatus,
    DeleteTestCaseFailedRowsSample,
    Deploy,
    Trigger,
    Kill,
    GenerateToken,
}

/// Operations of later OpenMetadata versions that Tessera's own seed once wrote. They guard nothing
/// in 1.7: a stored rule drops them when it is read (see `AccessDoc::from_stored`), so older
/// databases keep their policies and answer only 1.7 names.
pub const NOT_IN_1_7: &[&str] = &["BulkCreate", "BulkUpdate", "EditCertification"];

/// A name that is not a 1.7 `MetadataOperation`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown operation {0:?}; known: {known}", known = Operation::names().join(", "))]
pub struct UnknownOperation(pub String);

impl Operation {
    /// `EditOwner` is the name before 1.6; policies written for it keep working.
    pub fn parse(name: &str) -> Result<Self, UnknownOperation> {
        let name = if name == "EditOwner" { "EditOwners" } else { name };
        Operation::ALL.iter().copied().find(|o| o.name() == name).ok_or_else(|| UnknownOperation(name.to_string()))
    }

    pub fn names() -> Vec<&'static str> {
        Operation::ALL.iter().map(|o| o.name()).collect()
    }

    /// Whether a rule granting or denying `self` covers `wanted`: `All` covers everything,
    /// `ViewAll` every `View…`, `EditAll` every `Edit…`.
    pub fn covers(self, wanted: Operation) -> bool {
        self == wanted
            || match self {
                Operation::All => true,
                Operation::ViewAll => wanted.name().starts_with("View"),
                Operation::EditAll => wanted.name().starts_with("Edit"),
                _ => false,
            }
    }

    /// The aggregates a rule may name (`All`, `ViewAll`, `EditAll`), which no request asks alone.
    pub fn is_aggregate(self) -> bool {
        matches!(self, Operation::All | Operation::ViewAll | Operation::EditAll)
    }
}

impl std::str::FromStr for Operation {
    type Err = UnknownOperation;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Operation::parse(name)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Operation::*;
    use super::*;

    #[test]
    fn aggregates_cover_their_family() {
        assert!(ViewAll.covers(ViewBasic));
        assert!(!ViewAll.covers(EditTags));
        assert!(EditAll.covers(EditTags));
        assert!(!EditAll.covers(Delete));
        assert!(All.covers(Delete));
        assert!(!Create.covers(Delete));
    }

    #[test]
    fn names_parse_with_an_error_that_lists_them() {
        assert_eq!(Operation::parse("EditOwner"), Ok(EditOwners));
        assert_eq!("GenerateToken".parse(), Ok(GenerateToken));
        let error = Operation::parse("Execute").unwrap_err().to_string();
        assert!(error.starts_with("unknown operation \"Execute\"; known: All, Create,"), "{error}");
        for later in NOT_IN_1_7 {
            assert!(Operation::parse(later).is_err(), "{later} is not a 1.7 operation");
        }
        assert!(Operation::ALL.iter().all(|o| Operation::parse(o.name()) == Ok(*o)));
        assert_eq!(Operation::ALL.len(), 43, "the 1.7.7 enum");
    }
}
