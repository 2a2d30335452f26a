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
        "Everyone may view, and edit descriptions, tags, glossary terms, tier and certification.",
        &[(
            "DataConsumerPolicy-EditRule",
            &["all"],
            &["ViewAll", "EditDescription", "EditTags", "EditGlossaryTerms", "EditTier", "EditCertification"],
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
            (
                "IngestionBotRule-Allow",
                &["all"],
                &["Create", "BulkCreate", "BulkUpdate", "EditAll", "ViewAll", "Delete"],
                "allow",
                None,
            ),
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

/// The seed as a [`crate::PolicyBook`] (what a fresh database holds).
pub fn book() -> crate::PolicyBook {
    use crate::policy::{Effect, Policy, Rule, TeamNode};
    use std::sync::Arc;
    let mut book = crate::PolicyBook::default();
    for (name, _, rules) in POLICIES {
        let rules = rules
            .iter()
            .map(|(rule, resources, operations, effect, condition)| Rule {
                name: rule.to_string(),
                resources: resources.iter().map(|r| r.to_ascii_lowercase()).collect(),
                operations: operations.iter().map(|o| crate::Operation::named(o)).collect(),
                effect: if *effect == "deny" { Effect::Deny } else { Effect::Allow },
                condition: condition.map(|c| crate::condition::parse(c).expect("seeded conditions parse")),
            })
            .collect();
        book.policies.insert(name.to_string(), Arc::new(Policy { name: name.to_string(), rules }));
    }
    for (role, policies) in ROLES {
        book.roles.insert(role.to_string(), policies.iter().map(|p| p.to_string()).collect());
    }
    book.teams.insert(
        crate::policy::ORGANIZATION.to_string(),
        TeamNode {
            parents: vec![],
            default_roles: ORGANIZATION_DEFAULT_ROLES.iter().map(|r| r.to_string()).collect(),
            policies: ORGANIZATION_POLICIES.iter().map(|p| p.to_string()).collect(),
        },
    );
    book
}
