//! The cost of one authorization decision for a cached subject holding 10 policies (3 seeded ones
//! through roles and the Organization team, 5 team policies and 2 role policies with conditions),
//! single-threaded: `cargo bench -p tessera-authz --bench decide` prints one JSON line. Three
//! cases: allowed by the first rule, allowed only by the last policy, and refused (every rule
//! seen, conditions evaluated, nothing allows).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;
use tessera_authz::condition::Known;
use tessera_authz::policy::{Member, TeamNode};
use tessera_authz::{Effect, Operation, Policy, Rule, check, condition, seed};

fn main() {
    let mut book = seed::book();
    let mut parents = vec!["Organization".to_string()];
    for i in 0..5 {
        let name = format!("Team{i}Policy");
        let rule = Rule {
            name: format!("Team{i}-Rule"),
            resources: vec!["table".into(), "dashboard".into()],
            operations: vec![Operation::EditLineage, Operation::EditTests],
            effect: Effect::Allow,
            condition: Some(condition::parse("isOwner() || matchAnyTag('Tier.Tier1', 'PII.Sensitive')").unwrap()),
        };
        book.policies.insert(name.clone(), Arc::new(Policy { name: name.clone(), rules: vec![rule] }));
        book.teams.insert(
            format!("Team{i}"),
            TeamNode { parents: parents.clone(), default_roles: vec![], policies: vec![name] },
        );
        parents = vec![format!("Team{i}")];
    }
    let mut roles = vec!["DataSteward".to_string()];
    for i in 0..2 {
        let name = format!("Dashboards{i}Policy");
        let rule = Rule {
            name: format!("Dashboards{i}-Rule"),
            resources: vec!["dashboard".into()],
            operations: vec![Operation::EditAll],
            effect: Effect::Deny,
            condition: Some(condition::parse("!hasAnyRole('DashboardEditors')").unwrap()),
        };
        book.policies.insert(name.clone(), Arc::new(Policy { name: name.clone(), rules: vec![rule] }));
        book.roles.insert(format!("Dashboards{i}"), vec![name]);
        roles.push(format!("Dashboards{i}"));
    }
    let teams = vec!["Team4".to_string()];
    let entity = Known { has_owner: true, tags: vec!["Tier.Tier2".into()], ..Known::default() };
    let subject = book.subject(&Member { name: "pat", roles: &roles, teams: &teams, ..Default::default() });
    let policies = subject.grants.len();
    let rounds = 1_000_000u32;
    let time = |wanted: &[Operation], expect_ok: bool| {
        assert_eq!(check(&subject, "table", wanted, &entity).is_ok(), expect_ok);
        let started = Instant::now();
        for _ in 0..rounds {
            black_box(check(black_box(&subject), "table", black_box(wanted), &entity).is_ok());
        }
        started.elapsed().as_nanos() as f64 / rounds as f64
    };
    let first = time(&[Operation::ViewBasic], true);
    let last = time(&[Operation::GenerateToken], true);
    let refused = time(&[Operation::EditTests], false);
    println!(
        "{{\"policies\": {policies}, \"allowed_first_rule_ns\": {first:.0}, \"allowed_after_all_rules_ns\": {last:.0}, \"refused_ns\": {refused:.0}}}"
    );
}
