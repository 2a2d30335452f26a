//! Any text as a policy rule condition: it parses or is refused with a position, never panics or
//! recurses without bound; what parses evaluates, and its negation evaluates to the opposite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_authz::condition::{self, Known};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = condition::parse(text) else { return };
    let length = text.chars().count();
    assert!(length <= condition::MAX_LENGTH, "a condition of {length} characters was accepted");
    let facts = [
        Known::default(),
        Known {
            owner: true,
            has_owner: true,
            match_team: true,
            has_domain: true,
            roles: vec!["DataSteward".into()],
            teams: vec!["Finance".into()],
            tags: vec!["PII.Sensitive".into()],
        },
    ];
    for known in &facts {
        let answer = parsed.evaluate(known);
        if let Ok(negated) = condition::parse(&format!("!({text})")) {
            assert_eq!(negated.evaluate(known), !answer, "!({text})");
        }
    }
});
