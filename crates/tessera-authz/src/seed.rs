//! What every Tessera starts with (compat §5.3): team `Organization`, the roles `DataConsumer`,
//! `DataSteward`, `DefaultBotRole`, `IngestionBotRole`, and their policies. Seeded items carry
//! `provider: system` and cannot be deleted.

/// (policy, description, rules: (name, resources, operations, effect, condition))
pub type SeedRule =
    (&'static str, &'static [&'static str], &'static [&'static str], &'static str, Option<&'static str>);
pub type SeedPolicy = (&'static str, &'static str, &'static [SeedRule]);

pub const POLICIES: &[SeedPolicy] = &[
    (
        "OrganizationPolicy",
        "Owners may edit, view and delete what they own; anyone may claim what has no owner.",
        &[
            ("OrganizationPolicy-Owner-Rule", &["all"], &["EditAll", "ViewAll", "Delete"], "allow", Some("isOwner()")),
            ("OrganizationPolicy-NoOwner-Rule", &["all"], &["EditOwners"], "allow", Some("noOwner()")),
        ],
    ),
    (
        "DataConsumerPolicy",
        "Everyone may view, and edit descriptions, tags, glossary terms and tier.",
        &[(
            "DataConsumerPolicy-EditRule",
            &["all"],
            &["ViewAll", "EditDescription", "EditTags", "EditGlossaryTerms", "EditTier"],
            "allow",
            None,
        )],
    ),
    (
        "DataStewardPolicy",
        "Data stewards may also edit display names, lineage and owners.",
        &[(
            "DataStewardPolicy-EditRule",
            &["all"],
            &["ViewAll", "EditDescription", "EditDisplayName", "EditLineage", "EditOwners", "EditTags"],
            "allow",
            None,
        )],
    ),
    (
        "DefaultBotPolicy",
        "No bot may create or delete bots.",
        &[("BotRule-Deny", &["bot"], &["Create", "Delete"], "deny", None)],
    ),
    (
        "IngestionBotPolicy",
        "Ingestion bots create, update and delete data entities, but never rename them for display.",
        &[
            ("IngestionBotRule-Allow", &["all"], &["Create", "EditAll", "ViewAll", "Delete"], "allow", None),
            ("DisplayName-Deny", &["all"], &["EditDisplayName"], "deny", None),
        ],
    ),
];

/// (role, its policies)
pub const ROLES: &[(&str, &[&str])] = &[
    ("DataConsumer", &["DataConsumerPolicy"]),
    ("DataSteward", &["DataStewardPolicy"]),
    ("DefaultBotRole", &["DefaultBotPolicy"]),
    ("IngestionBotRole", &["IngestionBotPolicy"]),
];

/// The root team: every user belongs to it; its default role and policy apply to everyone.
pub const ORGANIZATION_DEFAULT_ROLES: &[&str] = &["DataConsumer"];
pub const ORGANIZATION_POLICIES: &[&str] = &["OrganizationPolicy"];

/// Roles every bot has, and the ones a named bot adds.
pub const BOT_ROLES: &[&str] = &["DefaultBotRole"];
pub const BOT_SPECIFIC_ROLES: &[(&str, &[&str])] = &[("ingestion-bot", &["IngestionBotRole"])];

/// The seed as stored documents: (kind, name, document).
pub fn documents() -> Vec<(&'static str, &'static str, crate::document::AccessDoc)> {
    use crate::document::{AccessDoc, RuleDoc};
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out = Vec::new();
    for (name, description, rules) in POLICIES {
        let rules = rules
            .iter()
            .map(|(rule, resources, operations, effect, condition)| RuleDoc {
                name: rule.to_string(),
                description: None,
                resources: strings(resources),
                operations: strings(operations),
                effect: effect.to_string(),
                condition: condition.map(str::to_string),
            })
            .collect();
        out.push((
            "policy",
            *name,
            AccessDoc { description: Some(description.to_string()), rules, ..Default::default() },
        ));
    }
    for (name, policies) in ROLES {
        out.push(("role", *name, AccessDoc { policies: strings(policies), ..Default::default() }));
    }
    out.push((
        "team",
        crate::policy::ORGANIZATION,
        AccessDoc {
            description: Some("The whole organization: every user belongs to it.".into()),
            team_type: Some("Organization".into()),
            default_roles: strings(ORGANIZATION_DEFAULT_ROLES),
            policies: strings(ORGANIZATION_POLICIES),
            ..Default::default()
        },
    ));
    out
}

/// The seed as a [`crate::PolicyBook`] (what a fresh database holds).
pub fn book() -> crate::PolicyBook {
    crate::document::book(documents())
}
