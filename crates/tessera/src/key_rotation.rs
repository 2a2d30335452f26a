//! `tessera rotate-key`, `retire-key` and `secrets-key`: signing-key rotation for a generated key
//! (the files live in TESSERA_DATA_DIR). Configured key files rotate through settings instead; see
//! docs/operations.md, "Rotating the signing key".

use std::process::ExitCode;
use tessera_auth::rotation;
use tessera_config::Config;

pub fn rotate(config: Config) -> anyhow::Result<ExitCode> {
    let rotated = rotation::rotate_generated(&config.jwt, config.fernet_key.is_some(), &config.data_dir)?;
    println!(
        "new signing key written to {}; the previous key (kid {}) stays published and trusted",
        config.data_dir.display(),
        rotated.previous_key_id
    );
    if rotated.pinned_secrets_key {
        println!(
            "the key that seals stored secrets was kept in secrets.key (FERNET_KEY is unset); back it up with the keys"
        );
    }
    println!(
        "next: restart Tessera, replace the bot tokens (PUT /api/v1/users/generateToken/<id>), then `tessera retire-key`"
    );
    Ok(ExitCode::SUCCESS)
}

pub fn retire(config: Config) -> anyhow::Result<ExitCode> {
    rotation::retire_generated(&config.jwt, &config.data_dir)?;
    println!("the previous signing key is retired: restart Tessera; tokens it signed are refused from then on");
    Ok(ExitCode::SUCCESS)
}

/// The secrets key in effect, as a FERNET_KEY value (stdout only: it is a secret).
pub fn print_secrets_key(config: Config) -> anyhow::Result<ExitCode> {
    if config.fernet_key.is_some() {
        anyhow::bail!("FERNET_KEY is set: that is the key that seals secrets at rest; keep it as it is");
    }
    let keys = tessera_auth::SigningKeys::load_or_generate(&config.jwt, &config.data_dir)?;
    println!("{}", rotation::as_fernet_key(keys.secrets_key()));
    Ok(ExitCode::SUCCESS)
}
