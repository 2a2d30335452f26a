//! The condition grammar: what parses, what each function answers, and that the original's SpEL
//! remote-code-execution payloads (CVE-2024-28254) are rejected with a position, never run.

use tessera_authz::Condition;
use tessera_authz::condition::Known;
use tessera_authz::condition::{Function, MAX_DEPTH, parse};

fn alice() -> Known {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    Known {
        owner: true,
        has_domain: true,
        roles: strings(&["DataSteward"]),
        teams: strings(&["Finance"]),
        tags: strings(&["PII.Sensitive", "Tier.Tier1"]),
        ..Known::default()
    }
}

fn eval(text: &str) -> bool {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).evaluate(&alice())
}

#[test]
fn functions_and_operators() {
    assert!(eval("isOwner()"));
    assert!(!eval("noOwner()"));
    assert!(eval("hasAnyRole('DataConsumer', 'DataSteward')"));
    assert!(!eval("hasAnyRole(\"DataConsumer\")"));
    assert!(eval("inAnyTeam('Finance')"));
    assert!(eval("matchAnyTag('PII.Sensitive', 'PersonalData.Personal')"));
    assert!(!eval("matchAllTags('PII.Sensitive', 'PersonalData.Personal')"));
    assert!(eval("matchAllTags('PII.Sensitive', 'Tier.Tier1')"));
    assert!(eval("hasDomain() && !matchTeam()"));
    assert!(!eval("isOwner() && !matchAnyTag('PII.Sensitive')"));
    assert!(eval("noOwner() || isOwner() && hasAnyRole('DataSteward')"), "&& binds tighter than ||");
    assert!(!eval("(noOwner() || isOwner()) && hasAnyRole('DataConsumer')"));
    assert!(eval("not noOwner() and (isOwner() or noOwner())"), "the word forms SpEL accepted");
    assert_eq!(parse("  isOwner( )  ").unwrap(), Condition::Call(Function::IsOwner), "spaces anywhere between tokens");
}

#[test]
fn errors_name_the_position() {
    for (text, position, contains) in [
        ("", 0, "empty"),
        ("isOwner(", 8, "expected )"),
        ("isOwner() &&", 12, "expected a function"),
        ("isOwner() & noOwner()", 10, "expected &&"),
        ("isowner()", 0, "unknown function \"isowner\""),
        ("isOwner('me')", 0, "takes no arguments"),
        ("hasAnyRole()", 0, "needs at least one"),
        ("hasAnyRole(DataSteward)", 11, "quoted names"),
        ("matchAnyTag('PII.Sensitive)", 12, "never closed"),
        ("isOwner() noOwner()", 10, "expected && or ||"),
        ("(isOwner()", 10, "expected )"),
        ("isOwner() == true", 10, "unexpected character '='"),
    ] {
        let error = parse(text).expect_err(text);
        assert_eq!(error.position, position, "{text}: {error}");
        assert!(error.message.contains(contains), "{text}: {error}");
    }
}

/// SpEL payloads of the kind used against the original (CVE-2024-28254 and the Metasploit
/// module that chains it with CVE-2024-28255): none parses, each error points at the offending spot.
#[test]
fn spel_code_execution_payloads_are_rejected() {
    for (payload, position) in [
        ("T(java.lang.Runtime).getRuntime().exec('id')", 0),
        ("isOwner() && T(java.lang.Runtime).getRuntime().exec('touch /tmp/pwned')", 13),
        ("new java.lang.ProcessBuilder({'id'}).start()", 0),
        ("''.getClass().forName('java.lang.Runtime')", 0),
        ("#this.getClass()", 0),
        ("isOwner().getClass()", 9),
        ("matchAnyTag('x').class", 16),
        ("@systemProperties['user.home']", 0),
    ] {
        let error = parse(payload).expect_err(payload);
        assert_eq!(error.position, position, "{payload}: {error}");
    }
}

#[test]
fn hostile_sizes_are_refused_without_exhausting_the_stack() {
    let deep = format!("{}isOwner(){}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(parse(&deep).is_err());
    let deep_not = format!("{}isOwner()", "!".repeat(10_000));
    assert!(parse(&deep_not).is_err());
    let ok = format!("{}isOwner(){}", "(".repeat(MAX_DEPTH - 1), ")".repeat(MAX_DEPTH - 1));
    assert!(parse(&ok).is_ok());
    let long = format!("hasAnyRole('{}')", "a".repeat(5_000));
    assert!(parse(&long).unwrap_err().message.contains("at most"));
}
