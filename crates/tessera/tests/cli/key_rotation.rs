//! Signing-key rotation: while the replaced key is still trusted, the tokens it signed keep
//! working and both keys are published; once it is retired they are refused. Stored secrets stay
//! readable throughout (the secrets key does not change with the signing key).

use crate::support::*;
use serde_json::Value;
use std::path::Path;

const PASSWORD: &str = "rotation-s3cret";
const SERVICE: &str = r#"{"name":"warehouse","serviceType":"Postgres","connection":{"config":{"type":"Postgres",
    "username":"etl","authType":{"password":"rotation-s3cret"},"hostPort":"db:5432","database":"dw"}}}"#;

fn jwks(server: &Server) -> Vec<Value> {
    let (status, body) = get(&format!("{}/api/v1/system/config/jwks", server.api)).unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Value>(&body).unwrap()["keys"].as_array().unwrap().clone()
}

/// The status of reading the service with `token`, and the password the answer shows.
fn read_service(server: &Server, token: &str) -> (u16, String) {
    let url = format!("{}/api/v1/services/databaseServices/name/warehouse", server.api);
    let (status, body) = get_with(&url, &[("Authorization", &format!("Bearer {token}"))]).unwrap();
    let password = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v["connection"]["config"]["authType"]["password"].as_str().map(String::from))
        .unwrap_or(body);
    (status, password)
}

/// The ingestion bot's current token, after it stored [`SERVICE`] with it.
fn bot_stores_a_service(env: &Env, server: &Server) -> String {
    let token = stdout(&env.run(&["token", "bot", "ingestion-bot"])).trim().to_string();
    let url = format!("{}/api/v1/services/databaseServices", server.api);
    let (status, body) = send("PUT", &url, &[("Authorization", &format!("Bearer {token}"))], Some(SERVICE)).unwrap();
    assert_eq!(status, 201, "{body}");
    token
}

/// A new bot token for the ingestion bot, through the API as an admin whose session token is
/// signed with the data directory's current key (as Tessera signs them).
fn replace_bot_token(server: &Server, data_dir: &Path) -> String {
    let admin = format!("Bearer {}", admin_token(data_dir));
    let headers = [("Authorization", admin.as_str())];
    let (status, bot) = get_with(&format!("{}/api/v1/bots/name/ingestion-bot", server.api), &headers).unwrap();
    assert_eq!(status, 200, "{bot}");
    let id = serde_json::from_str::<Value>(&bot).unwrap()["botUser"]["id"].as_str().unwrap().to_string();
    let url = format!("{}/api/v1/users/generateToken/{id}", server.api);
    let (status, answer) = send("PUT", &url, &headers, Some(r#"{"JWTTokenExpiry":"Unlimited"}"#)).unwrap();
    assert_eq!(status, 200, "{answer}");
    serde_json::from_str::<Value>(&answer).unwrap()["JWTToken"].as_str().unwrap().to_string()
}

#[test]
fn a_rotated_generated_key_keeps_its_tokens_working_until_retired() {
    let env = Env::new();
    let server = env.serve();
    let old_token = bot_stores_a_service(&env, &server);
    let old_keys = jwks(&server);
    assert_eq!(old_keys.len(), 1);
    server.stop();

    let rotated = env.run(&["rotate-key"]);
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    assert!(stdout(&rotated).contains("kept in secrets.key"), "{}", stdout(&rotated));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.data_dir().join("secrets.key")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the pinned secrets key is owner-only");
    let twice = env.run(&["rotate-key"]);
    assert!(!twice.status.success());
    assert!(stderr(&twice).contains("retire it first with `tessera retire-key`"), "{}", stderr(&twice));

    // Both keys published (the new one first), the old token still works, the stored password
    // still opens, and new tokens are signed with the new key.
    let server = env.serve();
    let keys = jwks(&server);
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(keys[1]["n"], old_keys[0]["n"], "the previous key is still published");
    assert_ne!(keys[0]["n"], old_keys[0]["n"], "a new key signs");
    assert_eq!(read_service(&server, &old_token), (200, PASSWORD.to_string()));
    let new_token = replace_bot_token(&server, &env.data_dir());
    assert_eq!(read_service(&server, &new_token), (200, PASSWORD.to_string()));
    server.stop();

    let retired = env.run(&["retire-key"]);
    assert!(retired.status.success(), "{}", stderr(&retired));
    let server = env.serve();
    let keys = jwks(&server);
    assert_eq!(keys.len(), 1);
    assert_ne!(keys[0]["n"], old_keys[0]["n"]);
    let (status, _) = read_service(&server, &old_token);
    assert_eq!(status, 401, "a token of the retired key is refused");
    assert_eq!(read_service(&server, &new_token), (200, PASSWORD.to_string()));
    let again = env.run(&["retire-key"]);
    assert!(stderr(&again).contains("no previous signing key to retire"), "{}", stderr(&again));
}

#[test]
fn configured_key_files_rotate_through_settings() {
    let env = Env::new();
    // Two pairs in the original's DER format, as an operator would make them with openssl.
    let (first, second) = (env.dir.path().join("first"), env.dir.path().join("second"));
    for dir in [&first, &second] {
        keys_in(dir);
    }
    let files = |dir: &Path| (dir.join("jwt_private_key.der"), dir.join("jwt_public_key.der"));
    let use_pair = |env: &mut Env, dir: &Path, kid: &str| {
        let (private, public) = files(dir);
        env.vars.insert("RSA_PRIVATE_KEY_FILE_PATH".into(), private.display().to_string());
        env.vars.insert("RSA_PUBLIC_KEY_FILE_PATH".into(), public.display().to_string());
        env.vars.insert("JWT_KEY_ID".into(), kid.into());
    };
    let mut env = env;
    use_pair(&mut env, &first, "kid-first");
    env.vars.insert("FERNET_KEY".into(), "8RMnXxVh0VXT7wKxmB1vW0c0y0N4m7nF3e3Xx6Q0x3A=".into());
    let server = env.serve();
    let old_token = bot_stores_a_service(&env, &server);
    server.stop();

    // The new pair, with the old public key still trusted under its key id.
    use_pair(&mut env, &second, "kid-second");
    env.vars.insert("TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH".into(), files(&first).1.display().to_string());
    env.vars.insert("TESSERA_PREVIOUS_JWT_KEY_ID".into(), "kid-first".into());
    let server = env.serve();
    let kids: Vec<Value> = jwks(&server).iter().map(|k| k["kid"].clone()).collect();
    assert_eq!(kids, ["kid-second", "kid-first"]);
    assert_eq!(read_service(&server, &old_token), (200, PASSWORD.to_string()));
    server.stop();

    // Mistakes are refused with what to change.
    let mut without_fernet = Env { vars: env.vars.clone(), ..Env::new() };
    without_fernet.vars.remove("FERNET_KEY");
    let refused = without_fernet.run(&["serve"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("a signing-key rotation without FERNET_KEY"), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("`tessera secrets-key`"), "{}", stderr(&refused));
    let mut same = Env { vars: env.vars.clone(), ..Env::new() };
    same.vars.insert("TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH".into(), files(&second).1.display().to_string());
    let refused = same.run(&["serve"]);
    assert!(stderr(&refused).contains("is the current key"), "{}", stderr(&refused));
    let generated = env.run(&["rotate-key"]);
    assert!(
        stderr(&generated).contains("the signing keys come from RSA_PRIVATE_KEY_FILE_PATH"),
        "{}",
        stderr(&generated)
    );

    // Retired: the setting removed, the old token is refused.
    env.vars.remove("TESSERA_PREVIOUS_PUBLIC_KEY_FILE_PATH");
    env.vars.remove("TESSERA_PREVIOUS_JWT_KEY_ID");
    let server = env.serve();
    assert_eq!(jwks(&server).len(), 1);
    let (status, _) = read_service(&server, &old_token);
    assert_eq!(status, 401, "a token of the retired key is refused");
}

#[test]
fn secrets_key_prints_the_key_a_rotation_needs() {
    let env = Env::new();
    let server = env.serve();
    server.stop();
    let printed = env.run(&["secrets-key"]);
    assert!(printed.status.success(), "{}", stderr(&printed));
    let key = stdout(&printed).trim().to_string();
    assert!(tessera_config::decode_fernet_key(&key).is_some(), "a FERNET_KEY value: {key}");
    let with_fernet = env.set("FERNET_KEY", &key);
    let refused = with_fernet.run(&["secrets-key"]);
    assert!(stderr(&refused).contains("FERNET_KEY is set"), "{}", stderr(&refused));
}
