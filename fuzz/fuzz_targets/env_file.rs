//! Any text as an env file (`tessera check-env`, `docker compose --env-file`): the reader (quotes,
//! comments, `${VAR:-default}` from earlier lines) answers, never panics; every variable it keeps
//! has a name compose accepts, and every line it skips says why and what to change. (The loader
//! that reads the variables next is the `yaml_config` target's.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_config::envfile::EnvFile;
use tessera_config::placeholder;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = EnvFile::parse(text);
    let lines = text.lines().count();
    for entry in &file.entries {
        assert!(placeholder::is_var_name(&entry.key), "kept a variable with a bad name: {:?}", entry.key);
        assert!((1..=lines).contains(&entry.line), "line {} of {lines}", entry.line);
    }
    for bad in &file.bad_lines {
        assert!(!bad.reason.is_empty() && !bad.fix.is_empty(), "a bad line without a reason or a fix");
    }
});
