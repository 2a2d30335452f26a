//! The entity types of this catalog: their names, collections, parents and the fields their 1.7
//! create requests and `fields` parameters know.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    DatabaseService,
    Database,
    DatabaseSchema,
    Table,
    StoredProcedure,
    /// A run configuration of a service (`metadata`, `usage`, ...); its statuses live apart
    /// (`pipeline_status.rs`).
    IngestionPipeline,
    /// A set of tags (`PII`, `Tier`), possibly mutually exclusive.
    Classification,
    /// A tag of a classification (`PII.Sensitive`).
    Tag,
    /// SQL a database service ran (`<service>.<checksum>`).
    Query,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::DatabaseService,
        Kind::Database,
        Kind::DatabaseSchema,
        Kind::Table,
        Kind::StoredProcedure,
        Kind::IngestionPipeline,
        Kind::Classification,
        Kind::Tag,
        Kind::Query,
    ];

    /// The entity type as the original names it (references' `type`, authorization resources).
    pub fn name(self) -> &'static str {
        match self {
            Kind::DatabaseService => "databaseService",
            Kind::Database => "database",
            Kind::DatabaseSchema => "databaseSchema",
            Kind::Table => "table",
            Kind::StoredProcedure => "storedProcedure",
            Kind::IngestionPipeline => "ingestionPipeline",
            Kind::Classification => "classification",
            Kind::Tag => "tag",
            Kind::Query => "query",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The REST collection under `/api/v1/`.
    pub fn collection(self) -> &'static str {
        match self {
            Kind::DatabaseService => "services/databaseServices",
            Kind::Database => "databases",
            Kind::DatabaseSchema => "databaseSchemas",
            Kind::Table => "tables",
            Kind::StoredProcedure => "storedProcedures",
            Kind::IngestionPipeline => "services/ingestionPipelines",
            Kind::Classification => "classifications",
            Kind::Tag => "tags",
            Kind::Query => "queries",
        }
    }

    pub fn parent(self) -> Option<Kind> {
        match self {
            Kind::DatabaseService | Kind::Classification => None,
            Kind::Database | Kind::IngestionPipeline | Kind::Query => Some(Kind::DatabaseService),
            Kind::DatabaseSchema => Some(Kind::Database),
            Kind::Table | Kind::StoredProcedure => Some(Kind::DatabaseSchema),
            Kind::Tag => Some(Kind::Classification),
        }
    }

    /// Whether `other` lives under entities of this kind (its parent, or its parent's parent...).
    /// Keys are FQN hashes, so a classification's tags and a service of the same name's databases
    /// share a key range: recursive deletes and restores only touch the kinds they own.
    pub fn owns(self, other: Kind) -> bool {
        std::iter::successors(other.parent(), |k| k.parent()).any(|k| k == self)
    }

    /// The top-level kind this one lives under (itself for a service or a classification).
    pub fn root(self) -> Kind {
        std::iter::successors(Some(self), |k| k.parent()).last().unwrap_or(self)
    }

    /// Whether the top-level name is the whole FQN, quoted when it holds a dot (a service's, a
    /// classification's), so a request naming it as a parent sends the bare name.
    /// Services, databases, schemas, tables and stored procedures: what the `all` and
    /// `dataAsset` search aliases cover.
    pub fn is_data_asset(self) -> bool {
        matches!(
            self,
            Kind::DatabaseService | Kind::Database | Kind::DatabaseSchema | Kind::Table | Kind::StoredProcedure
        )
    }

    pub fn is_root(self) -> bool {
        self.parent().is_none()
    }

    /// Whether other entities live under this one's FQN (recursive delete and restore go there).
    /// A pipeline's FQN can equal a database's, so kinds without children never look.
    pub fn contains_entities(self) -> bool {
        matches!(self, Kind::DatabaseService | Kind::Database | Kind::DatabaseSchema | Kind::Classification)
    }

    /// Whether the entity repeats its service's `serviceType` (the 1.7 models of pipelines have no
    /// such field, and refuse it).
    pub fn carries_service_type(self) -> bool {
        !matches!(self, Kind::IngestionPipeline | Kind::Classification | Kind::Tag | Kind::Query)
    }

    /// The field lists filter on within the kind (stored as the row's subtype).
    pub fn subtype_field(self) -> Option<&'static str> {
        (self == Kind::IngestionPipeline).then_some("pipelineType")
    }

    /// Whether the create request names the parent by an `EntityReference` (`{id, type}`) rather
    /// than by FQN.
    pub fn parent_by_reference(self) -> bool {
        self == Kind::IngestionPipeline
    }

    /// The create request's field naming the parent by FQN (`service`, `database`, ...).
    pub fn parent_field(self) -> Option<&'static str> {
        self.parent().map(|p| match p {
            Kind::DatabaseService => "service",
            other => other.name(),
        })
    }

    /// Fields of the create request (1.7 `Create*Request`) stored as given. The name, the parent
    /// and the type-checked fields (`columns`, `tableConstraints`) are handled apart.
    /// (field, part) shown only to callers holding `ViewAll` on the kind, on every read path: a
    /// pipeline's source configuration (a dbt source's credentials live there), as the original.
    pub fn view_all_fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::IngestionPipeline => &[("sourceConfig", "config")],
            _ => &[],
        }
    }

    pub fn stored_fields(self) -> &'static [&'static str] {
        match self {
            Kind::DatabaseService => &["displayName", "description", "tags", "owners", "connection"],
            Kind::Database | Kind::DatabaseSchema => &[
                "displayName",
                "description",
                "tags",
                "owners",
                "default",
                "retentionPeriod",
                "extension",
                "sourceUrl",
                "lifeCycle",
                "sourceHash",
            ],
            Kind::Table => &[
                "displayName",
                "description",
                "tags",
                "owners",
                "tableType",
                "schemaDefinition",
                "tablePartition",
                "tableProfilerConfig",
                "locationPath",
                "retentionPeriod",
                "extension",
                "sourceUrl",
                "fileFormat",
                "lifeCycle",
                "sourceHash",
                // Not in 1.7's create request, but the lineage workflow PATCHes it.
                "processedLineage",
            ],
            Kind::StoredProcedure => &[
                "displayName",
                "description",
                "tags",
                "owners",
                "storedProcedureCode",
                "storedProcedureType",
                "extension",
                "sourceUrl",
                "lifeCycle",
                "sourceHash",
            ],
            Kind::IngestionPipeline => &[
                "displayName",
                "description",
                "owners",
                "pipelineType",
                "sourceConfig",
                "airflowConfig",
                "loggerLevel",
                "raiseOnError",
                "provider",
            ],
            // `disabled` and `deprecated` are not in the 1.7 create requests, but PATCH sets them.
            Kind::Classification => &["displayName", "description", "provider", "mutuallyExclusive", "disabled"],
            Kind::Tag => &[
                "displayName",
                "description",
                "style",
                "associatedTags",
                "provider",
                "mutuallyExclusive",
                "disabled",
                "deprecated",
            ],
            Kind::Query => &[
                "displayName",
                "description",
                "owners",
                "tags",
                "query",
                "query_type",
                "exclude_usage",
                "duration",
                "users",
                "usedBy",
                "dialect",
                "queryDate",
                "queryUsedIn",
                "processedLineage",
                "checksum",
            ],
        }
    }

    /// Create-request fields Tessera does not take yet; naming them gets a clear 400 rather than
    /// a silently dropped value.
    pub fn unsupported_fields(self) -> &'static [&'static str] {
        match self {
            Kind::DatabaseService => &["dataProducts", "domain", "ingestionRunner"],
            Kind::Database | Kind::DatabaseSchema => &["dataProducts", "domain"],
            Kind::Table => &["dataProducts", "domain", "dataModel"],
            Kind::StoredProcedure => &["dataProducts", "domain"],
            Kind::IngestionPipeline => &["domain"],
            Kind::Classification => &["domain"],
            // Nested tags (a tag under a tag) are not kept yet.
            Kind::Tag => &["domain", "parent"],
            Kind::Query => &["domain", "triggeredBy"],
        }
    }

    /// Names the `fields` parameter accepts (the original's list for the type); the fields
    /// Tessera holds are returned when named, the others are accepted and absent.
    pub fn field_names(self) -> &'static [&'static str] {
        match self {
            Kind::DatabaseService => &["pipelines", "owners", "tags", "domain", "followers", "dataProducts"],
            Kind::Database => &[
                "owners",
                "databaseSchemas",
                "usageSummary",
                "location",
                "tags",
                "extension",
                "domain",
                "votes",
                "lifeCycle",
                "sourceHash",
                "followers",
                "dataProducts",
                "databaseProfilerConfig",
                "certification",
            ],
            Kind::DatabaseSchema => &[
                "owners",
                "tables",
                "usageSummary",
                "tags",
                "extension",
                "domain",
                "votes",
                "lifeCycle",
                "sourceHash",
                "followers",
                "dataProducts",
                "databaseSchemaProfilerConfig",
                "certification",
            ],
            Kind::Table => &[
                "tableConstraints",
                "tablePartition",
                "usageSummary",
                "owners",
                "customMetrics",
                "columns",
                "tags",
                "followers",
                "joins",
                "schemaDefinition",
                "dataModel",
                "extension",
                "testSuite",
                "domain",
                "dataProducts",
                "lifeCycle",
                "sourceHash",
                "tableProfilerConfig",
                "votes",
                "certification",
                "profile",
                "location",
            ],
            Kind::StoredProcedure => &[
                "owners",
                "tags",
                "followers",
                "votes",
                "extension",
                "domain",
                "sourceHash",
                "lifeCycle",
                "dataProducts",
            ],
            // pipelineStatuses is the latest run's status, added by the HTTP layer when named.
            Kind::IngestionPipeline => &["owners", "followers", "pipelineStatuses"],
            // Counted when named (`classification_counts.rs`).
            Kind::Classification => &["usageCount", "termCount"],
            Kind::Tag => &["children", "usageCount"],
            Kind::Query => &["owners", "followers", "users", "votes", "tags", "queryUsedIn"],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Fields returned only when the `fields` parameter names them (or is `*`); all others always.
/// `columns` is always there: the client validates every list item as a full `Table`.
pub const OPTIONAL_FIELDS: &[&str] = &[
    "owners",
    "tags",
    "followers",
    "extension",
    "tableConstraints",
    "tablePartition",
    "schemaDefinition",
    "sourceHash",
    "lifeCycle",
    "tableProfilerConfig",
];
