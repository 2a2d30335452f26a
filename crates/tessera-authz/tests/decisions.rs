//! The decision procedure over the seeded policies: admins, data consumers, stewards, owners,
//! the ingestion bot, deny-before-allow, and the original's messages.

use tessera_authz::condition::Known;
use tessera_authz::policy::{Member, TeamNode};
use tessera_authz::{Denied, Operation, check, seed};

fn entity(owner: bool, has_owner: bool) -> Known {
    Known { owner, has_owner, ..Known::default() }
}

fn ops(names: &[&str]) -> Vec<Operation> {
    names.iter().map(|n| Operation::parse(n).unwrap()).collect()
}

#[test]
fn a_data_consumer_reads_and_describes_but_does_not_write() {
    let book = seed::book();
    let alice = book.subject(&Member { name: "alice", ..Default::default() });
    assert!(check(&alice, "table", &ops(&["ViewAll"]), &entity(false, true)).is_ok());
    assert!(check(&alice, "table", &ops(&["ViewBasic", "EditDescription"]), &entity(false, true)).is_ok());
    let refused = check(&alice, "table", &ops(&["Create"]), &entity(false, true)).unwrap_err();
    assert_eq!(refused.to_string(), "Principal: CatalogPrincipal{name='alice'} operations [Create] not allowed");
    let refused = check(&alice, "table", &ops(&["EditDisplayName", "Delete"]), &entity(false, true)).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Principal: CatalogPrincipal{name='alice'} operations [EditDisplayName, Delete] not allowed"
    );
    // Owners may do more with what they own (OrganizationPolicy, through the Organization team).
    assert!(check(&alice, "table", &ops(&["EditDisplayName", "Delete"]), &entity(true, true)).is_ok());
    assert!(check(&alice, "table", &ops(&["EditOwners"]), &entity(false, false)).is_ok());
    assert!(check(&alice, "table", &ops(&["EditOwners"]), &entity(false, true)).is_err());
}

#[test]
fn stewards_admins_and_bots() {
    let book = seed::book();
    let roles = vec!["DataSteward".to_string()];
    let steward = book.subject(&Member { name: "sam", roles: &roles, ..Default::default() });
    assert!(check(&steward, "table", &ops(&["EditLineage", "EditOwners"]), &entity(false, true)).is_ok());
    assert!(check(&steward, "table", &ops(&["Delete"]), &entity(false, true)).is_err());

    let admin = book.subject(&Member { name: "admin", is_admin: true, ..Default::default() });
    assert!(check(&admin, "bot", &ops(&["All"]), &entity(false, true)).is_ok());

    let roles = vec!["DefaultBotRole".to_string(), "IngestionBotRole".to_string()];
    let bot = book.subject(&Member { name: "ingestion-bot", is_bot: true, roles: &roles, ..Default::default() });
    assert!(check(&bot, "table", &ops(&["Create", "EditAll", "Delete"]), &entity(false, true)).is_ok());
    // Deny rules win, with the original's message naming role, policy and rule.
    let denied = check(&bot, "table", &ops(&["EditDisplayName"]), &entity(false, true)).unwrap_err();
    assert_eq!(
        denied.to_string(),
        "Principal: CatalogPrincipal{name='ingestion-bot'} operation EditDisplayName denied by role IngestionBotRole, policy IngestionBotPolicy, rule DisplayName-Deny"
    );
    assert!(matches!(check(&bot, "bot", &ops(&["Create"]), &entity(false, true)), Err(Denied::ByRule { .. })));
    // Bots get only their own roles: not the Organization's DataConsumer.
    let plain = book.subject(&Member { name: "other-bot", is_bot: true, ..Default::default() });
    assert!(check(&plain, "table", &ops(&["ViewAll"]), &entity(false, true)).is_err());
}

#[test]
fn teams_up_the_hierarchy_and_team_denies() {
    let mut book = seed::book();
    let deny = tessera_authz::Policy {
        name: "NoDeletes".into(),
        rules: vec![tessera_authz::Rule {
            name: "NoDeletes-Rule".into(),
            resources: vec!["all".into()],
            operations: ops(&["Delete"]),
            effect: tessera_authz::Effect::Deny,
            condition: None,
        }],
    };
    book.policies.insert("NoDeletes".into(), std::sync::Arc::new(deny));
    book.teams.insert(
        "Finance".into(),
        TeamNode { parents: vec!["Organization".into()], default_roles: vec![], policies: vec!["NoDeletes".into()] },
    );
    book.teams.insert("Payroll".into(), TeamNode { parents: vec!["Finance".into()], ..Default::default() });
    let teams = vec!["Payroll".to_string()];
    let pat = book.subject(&Member { name: "pat", teams: &teams, ..Default::default() });
    assert_eq!(pat.teams, vec!["Payroll", "Finance", "Organization"]);
    // Organization's default role still applies up the hierarchy ...
    assert!(check(&pat, "table", &ops(&["ViewAll"]), &entity(false, true)).is_ok());
    // ... and Finance's deny beats OrganizationPolicy's owner allow.
    let denied = check(&pat, "table", &ops(&["Delete"]), &entity(true, true)).unwrap_err();
    assert_eq!(
        denied.to_string(),
        "Principal: CatalogPrincipal{name='pat'} operation Delete denied policy NoDeletes, rule NoDeletes-Rule"
    );
    // A cycle in the hierarchy does not hang.
    book.teams.get_mut("Finance").unwrap().parents.push("Payroll".into());
    assert_eq!(book.subject(&Member { name: "pat", teams: &teams, ..Default::default() }).teams.len(), 3);
}
