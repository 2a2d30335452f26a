//! Fully qualified names, as the ingestion client builds and splits them: any text splits or is
//! refused, never panics; what splits joins back to itself; names joined split back to themselves.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_catalog::{fqn, hash};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(parts) = fqn::split(text) {
        assert!(!parts.is_empty() && parts.iter().all(|p| !p.is_empty()), "{text:?} -> {parts:?}");
        if !text.contains('\n') {
            assert_eq!(fqn::build(&parts).as_deref(), Ok(text), "joining the parts of {text:?}");
        }
        assert!(hash::fqn_hash(text).is_ok(), "{text:?} splits but has no hash");
    } else {
        assert!(hash::fqn_hash(text).is_err(), "{text:?} does not split but has a hash");
    }
    // The same bytes as a list of names (separated by NUL): joined, then split, they come back.
    let names: Vec<&str> = text.split('\0').collect();
    if names.iter().all(|n| !n.is_empty())
        && let Ok(joined) = fqn::build(&names)
    {
        let parts = fqn::split(&joined).unwrap_or_else(|e| panic!("{names:?} joined as {joined:?}: {e}"));
        assert_eq!(parts.len(), names.len(), "{names:?} joined as {joined:?} split as {parts:?}");
        for (part, name) in parts.iter().zip(&names) {
            assert_eq!(fqn::unquote(part), fqn::unquote(name), "{names:?} joined as {joined:?}");
        }
    }
});
