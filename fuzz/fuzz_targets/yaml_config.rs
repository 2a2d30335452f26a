//! Any text as an `openmetadata.yaml`-style configuration file (`tessera serve --config`): it is
//! read, its `${VAR:-default}` placeholders resolved and every setting checked, answering a
//! configuration or a list of problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::path::Path;
use tessera_config::{Sources, load, problem};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let vars = BTreeMap::from([
        ("TESSERA_DATA_DIR".to_string(), "/tmp/tessera-fuzz".to_string()),
        ("AUTHENTICATION_PROVIDER".to_string(), "auth0".to_string()),
    ]);
    let Ok(sources) = Sources::from_vars(vars).with_yaml(Path::new("fuzz.yaml"), text) else { return };
    let loaded = load(&sources);
    assert!(loaded.config.is_some() || !loaded.problems.is_empty(), "no configuration and no problem either");
    let _ = problem::render_all(&loaded.problems);
});
