//! Secrets inside entities: a service's `connection` (`{"config": {"type": "Postgres", "password":
//! ...}}`) and an ingestion pipeline's `sourceConfig` (dbt Cloud tokens, AWS and GCS credentials of
//! a dbt source, ...). They are sealed with Fernet before anything is stored (current row and
//! every version), shown as the original's mask to people and in clear only to bots (the
//! original's `shouldMaskPasswords`), and a mask sent back by a UI keeps the stored secret.
//!
//! Which values are secrets: the original marks them `format: password` in its schemas and walks
//! the typed classes; Tessera keeps these configurations of any type as JSON (unknown types too),
//! so the rule is by key name, at any depth: a string under one of the names in
//! `secret_keys.json` (generated from the 1.7 client's models by `scripts/gen_secret_keys.py`) or
//! [`EXTRA_SECRET_KEYS`] is a secret, wherever it sits in one of [`HOLDERS`].

use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::LazyLock;
use tessera_config::SecretBox;

/// The entity fields that can hold secrets.
pub const HOLDERS: &[&str] = &["connection", "sourceConfig"];

/// What people see instead of a secret (the original's `PasswordEntityMasker.PASSWORD_MASK`).
pub const MASK: &str = "*********";

/// Marks a sealed value in the stored document, as the original's `Fernet.FERNET_PREFIX`.
pub const SEALED: &str = "fernet:";

/// Credentials the 1.7 schemas do not mark `format: password` but that are secrets all the same:
/// a dbt source's temporary AWS session token, and a GCS key's private key id.
pub const EXTRA_SECRET_KEYS: &[&str] = &["awsSessionToken", "privateKeyId"];

/// Every secret name: those of the 1.7 schemas, for every holder, and the extra ones.
static SECRET_KEYS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let table: Value = serde_json::from_str(include_str!("secret_keys.json")).expect("secret_keys.json parses");
    let names = table["holders"].as_object().expect("holders").values().flat_map(|v| v.as_array().expect("a list"));
    let names = names.map(|n| n.as_str().expect("a name").to_string());
    names.chain(EXTRA_SECRET_KEYS.iter().map(|n| n.to_string())).collect()
});

pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(key)
}

/// The secret names a holder can carry (the 1.7 schemas' and the extra ones), for tests that
/// enumerate them.
pub fn secret_keys_of(holder: &str) -> Vec<String> {
    let table: Value = serde_json::from_str(include_str!("secret_keys.json")).expect("secret_keys.json parses");
    let listed = table["holders"][holder].as_array().cloned().unwrap_or_default();
    let names = listed.into_iter().filter_map(|n| n.as_str().map(str::to_string));
    names.chain(EXTRA_SECRET_KEYS.iter().map(|n| n.to_string())).collect()
}

/// Calls `visit(pointer, value)` for every secret string, `pointer` being its JSON pointer.
fn for_each_secret(value: &mut Value, pointer: &str, visit: &mut dyn FnMut(&str, &mut Value)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                if child.is_string() && is_secret_key(key) {
                    visit(&here, child);
                } else {
                    for_each_secret(child, &here, visit);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                for_each_secret(child, &format!("{pointer}/{i}"), visit);
            }
        }
        _ => {}
    }
}

/// Every secret replaced by [`MASK`].
pub fn mask(connection: &mut Value) {
    for_each_secret(connection, "", &mut |_, secret| *secret = Value::String(MASK.into()));
}

fn open_sealed(secrets: &SecretBox, value: &str) -> Option<String> {
    value.strip_prefix(SEALED).and_then(|token| secrets.open(token))
}

/// Seals the secrets of an incoming connection for storage. A [`MASK`] (what a UI shows and sends
/// back) keeps the secret stored at the same place; a secret equal to the stored one keeps its
/// stored text, so an unchanged connection compares equal and makes no new version. A stored
/// secret that no longer opens (key changed) is simply replaced by the new value.
pub fn seal(incoming: &mut Value, stored: Option<&Value>, secrets: &SecretBox) {
    for_each_secret(incoming, "", &mut |pointer, secret| {
        let plain = secret.as_str().unwrap_or_default().to_string();
        let kept = stored.and_then(|s| s.pointer(pointer)).and_then(Value::as_str).filter(|s| s.starts_with(SEALED));
        let sealed = match kept {
            Some(kept) if plain == MASK => kept.to_string(),
            Some(kept) if open_sealed(secrets, kept).as_deref() == Some(plain.as_str()) => kept.to_string(),
            _ => format!("{SEALED}{}", secrets.seal(&plain)),
        };
        *secret = Value::String(sealed);
    });
}

/// The stored connection with its secrets in clear; `false` when one was sealed with another key
/// (that one is left masked).
#[must_use]
pub fn reveal(connection: &mut Value, secrets: &SecretBox) -> bool {
    let mut unreadable = false;
    for_each_secret(connection, "", &mut |_, secret| {
        let text = secret.as_str().unwrap_or_default();
        if !text.starts_with(SEALED) {
            return; // never sealed (cannot be written so); shown as stored
        }
        match open_sealed(secrets, text) {
            Some(plain) => *secret = Value::String(plain),
            None => {
                unreadable = true;
                *secret = Value::String(MASK.into()); // never ciphertext in place of a password
            }
        }
    });
    !unreadable
}

/// Seals the secrets of every holder in `fields` (a create request's) against the stored document's.
pub fn seal_fields(fields: &mut Map<String, Value>, stored: Option<&Map<String, Value>>, secrets: &SecretBox) {
    for holder in HOLDERS {
        if let Some(value) = fields.get_mut(*holder) {
            seal(value, stored.and_then(|s| s.get(*holder)), secrets);
        }
    }
}

/// A stored document with every secret still in clear sealed (what older versions stored in
/// clear); `None` when there is nothing to seal (or the text is not a JSON object).
pub fn seal_clear_in_document(body: &str, secrets: &SecretBox) -> Option<String> {
    let mut doc: Map<String, Value> = serde_json::from_str(body).ok()?;
    let mut changed = false;
    for holder in HOLDERS {
        if let Some(value) = doc.get_mut(*holder) {
            for_each_secret(value, "", &mut |_, secret| {
                let text = secret.as_str().unwrap_or_default();
                if !text.starts_with(SEALED) && text != MASK {
                    *secret = Value::String(format!("{SEALED}{}", secrets.seal(text)));
                    changed = true;
                }
            });
        }
    }
    changed.then(|| serde_json::to_string(&doc).expect("a JSON map serialises"))
}

/// Every holder's secrets replaced by [`MASK`] (what people see).
pub fn mask_fields(doc: &mut Map<String, Value>) {
    for holder in HOLDERS {
        if let Some(value) = doc.get_mut(*holder) {
            mask(value);
        }
    }
}

/// Every holder's secrets in clear; `false` when one was sealed with another key.
#[must_use]
pub fn reveal_fields(doc: &mut Map<String, Value>, secrets: &SecretBox) -> bool {
    let mut readable = true;
    for holder in HOLDERS {
        if let Some(value) = doc.get_mut(*holder) {
            readable &= reveal(value, secrets);
        }
    }
    readable
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(n: u8) -> SecretBox {
        SecretBox::from_key([n; 32])
    }

    fn postgres(password: &str) -> Value {
        json!({"config": {"type": "Postgres", "username": "u", "hostPort": "db:5432",
            "authType": {"password": password}, "sslConfig": {"sslKey": "k"},
            "connectionArguments": {"application_name": "x"},
            "extra": [{"clientSecret": "cs"}], "password": null}})
    }

    #[test]
    fn the_secret_rule_is_by_key_at_any_depth() {
        let mut c = postgres("p4ss");
        mask(&mut c);
        assert_eq!(c["config"]["authType"]["password"], MASK);
        assert_eq!(c["config"]["sslConfig"]["sslKey"], MASK);
        assert_eq!(c["config"]["extra"][0]["clientSecret"], MASK);
        assert_eq!(c["config"]["username"], "u", "not a secret");
        assert_eq!(c["config"]["hostPort"], "db:5432");
        assert_eq!(c["config"]["password"], Value::Null, "only strings are secrets");
        assert!(is_secret_key("awsSecretAccessKey") && !is_secret_key("username"));
        for holder in HOLDERS {
            let names = secret_keys_of(holder);
            assert!(names.len() > 10, "{holder}: {names:?}");
            assert!(names.iter().all(|n| is_secret_key(n)));
        }
        for dbt in ["dbtCloudAuthToken", "awsSessionToken", "awsSecretAccessKey", "privateKey"] {
            assert!(secret_keys_of("sourceConfig").iter().any(|n| n == dbt), "{dbt}");
        }
    }

    #[test]
    fn seal_reveal_mask_and_unmask_round_trip() {
        let secrets = key(1);
        let mut stored = postgres("p4ss");
        seal(&mut stored, None, &secrets);
        let text = stored.to_string();
        assert!(!text.contains("p4ss") && !text.contains("\"cs\""), "{text}");
        assert!(stored["config"]["authType"]["password"].as_str().unwrap().starts_with(SEALED));

        // A UI sends the mask back: the stored secret is kept, byte for byte.
        let mut masked = stored.clone();
        mask(&mut masked);
        seal(&mut masked, Some(&stored), &secrets);
        assert_eq!(masked, stored);
        // The bot sends the same clear values: nothing changes either.
        let mut same = postgres("p4ss");
        seal(&mut same, Some(&stored), &secrets);
        assert_eq!(same, stored);
        // A new password is a change.
        let mut changed = postgres("n3w");
        seal(&mut changed, Some(&stored), &secrets);
        assert_ne!(changed["config"]["authType"]["password"], stored["config"]["authType"]["password"]);
        let mut clear = changed.clone();
        assert!(reveal(&mut clear, &secrets));
        assert_eq!(clear, postgres("n3w"));
    }

    #[test]
    fn another_key_cannot_reveal_and_never_shows_ciphertext() {
        let mut stored = postgres("p4ss");
        seal(&mut stored, None, &key(1));
        let mut shown = stored.clone();
        assert!(!reveal(&mut shown, &key(2)));
        assert!(!shown.to_string().contains(SEALED), "{shown}");
        // Sending the secret again under the new key replaces what no longer opens.
        let mut again = postgres("p4ss");
        seal(&mut again, Some(&stored), &key(2));
        assert!(reveal(&mut again, &key(2)));
        assert_eq!(again, postgres("p4ss"));
        // A mask with nothing stored at its place stays the mask (as the original).
        let mut fresh = json!({"config": {"type": "Mysql", "password": MASK}});
        seal(&mut fresh, Some(&stored), &key(1));
        assert!(reveal(&mut fresh, &key(1)));
        assert_eq!(fresh["config"]["password"], MASK);
    }
}
