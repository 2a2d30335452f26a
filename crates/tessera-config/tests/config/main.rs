//! Loading and validating configurations as a deployment would, and linting the seed document's
//! env files (`fixtures/openmetadata-docs/`) as `tessera check-env` does.

mod check_env;
mod loading;
mod providers;

/// docs/configuration.md must list every variable Tessera reads.
#[test]
fn the_configuration_reference_lists_every_setting() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/configuration.md");
    let doc = std::fs::read_to_string(path).expect("docs/configuration.md");
    for setting in tessera_config::settings::SETTINGS {
        assert!(
            doc.contains(&format!("| `{}` |", setting.env)),
            "{} is missing from docs/configuration.md",
            setting.env
        );
    }
}
