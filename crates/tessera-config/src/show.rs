//! `tessera config show`: every setting's effective value and where it came from, secrets redacted.

use crate::settings::SETTINGS;
use crate::source::Sources;
use crate::value::render;

/// One line per setting: `NAME = value   (origin)`.
pub fn effective(sources: &Sources) -> String {
    let width = SETTINGS.iter().map(|s| s.env.len()).max().unwrap_or(0);
    let mut out = String::new();
    if let Some(path) = sources.file_path() {
        out.push_str(&format!("# configuration file: {}\n", path.display()));
    }
    for setting in SETTINGS {
        let (shown, origin) = match sources.raw(setting) {
            Ok(raw) => {
                let text = render(&raw.value);
                let shown = if setting.secret && !text.is_empty() { redact(setting.env, &text) } else { text };
                (shown, raw.origin.label())
            }
            Err(message) => (format!("<invalid: {message}>"), "env"),
        };
        out.push_str(&format!("{:<width$} = {shown}   ({origin})\n", setting.env));
    }
    out
}

/// Secrets become `********`; a database URL keeps everything but its password, the admin
/// principals their names.
fn redact(env: &str, text: &str) -> String {
    if env == "AUTHORIZER_ADMIN_PRINCIPALS" {
        let names = crate::value::loose_list(text)
            .iter()
            .map(|entry| match entry.split_once(':') {
                Some((name, _)) => format!("{name}:********"),
                None => entry.clone(),
            })
            .collect::<Vec<_>>();
        return format!("[{}]", names.join(", "));
    }
    if env == "DATABASE_URL"
        && let Ok(mut url) = url::Url::parse(text)
    {
        if url.password().is_some() {
            let _ = url.set_password(Some("********"));
        }
        return url.to_string();
    }
    "********".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn secrets_are_redacted_and_origins_shown() {
        let vars = BTreeMap::from([
            ("OIDC_CLIENT_SECRET".to_string(), "s3cr3t-value".to_string()),
            ("DATABASE_URL".to_string(), "postgresql://u:pw-value@db:5432/x".to_string()),
            ("SERVER_PORT".to_string(), "9000".to_string()),
        ]);
        let shown = effective(&Sources::from_vars(vars));
        assert!(!shown.contains("s3cr3t-value") && !shown.contains("pw-value"), "{shown}");
        assert!(shown.contains("postgresql://u:********@db:5432/x"), "{shown}");
        assert!(
            shown.lines().any(|l| l.starts_with("SERVER_PORT") && l.contains("= 9000") && l.ends_with("(env)")),
            "{shown}"
        );
        assert!(shown.lines().any(|l| l.starts_with("SERVER_ADMIN_PORT") && l.ends_with("(default)")), "{shown}");
    }
}
