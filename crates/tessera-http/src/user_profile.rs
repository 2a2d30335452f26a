//! The parts of a user people set themselves besides names: 1.7's `profile` (links to images of
//! the person) and `timezone`. Checked before they are stored, because the web UI shows them: an
//! image is an `http(s)` URL, never `javascript:` or `data:`; `subscription` (webhooks 1.7 would
//! call) is refused, as Tessera sends no notifications and stores no outgoing URLs.

use crate::error::ApiError;
use serde_json::Value;

const IMAGE_SIZES: &[&str] = &["image", "image24", "image32", "image48", "image72", "image192", "image512"];
const MAX_URL: usize = 2048;
const MAX_TIMEZONE: usize = 64;

fn bad(message: String) -> ApiError {
    ApiError::bad_request("invalid_profile", message)
}

/// A patched `profile` as the JSON text to store (`None` when removed or empty).
pub(crate) fn checked_profile(profile: Option<&Value>) -> Result<Option<String>, ApiError> {
    let Some(profile) = profile.filter(|p| !p.is_null()) else { return Ok(None) };
    let Value::Object(parts) = profile else {
        return Err(bad("profile must be an object like {\"images\": {\"image\": \"https://…\"}}".into()));
    };
    for (key, value) in parts {
        match (key.as_str(), value) {
            ("images", Value::Object(images)) => {
                for (size, url) in images {
                    if !IMAGE_SIZES.contains(&size.as_str()) {
                        return Err(bad(format!(
                            "profile.images.{size} is not an image size; use one of: {}",
                            IMAGE_SIZES.join(", ")
                        )));
                    }
                    let url = url.as_str().unwrap_or_default();
                    let web = url.starts_with("https://") || url.starts_with("http://");
                    if !web || url.len() > MAX_URL || url.chars().any(char::is_whitespace) {
                        return Err(bad(format!(
                            "profile.images.{size} must be an http or https URL of at most {MAX_URL} characters"
                        )));
                    }
                }
            }
            ("images", _) => return Err(bad("profile.images must be an object of image URLs".into())),
            ("subscription", _) => {
                return Err(bad(
                    "profile.subscription is not stored: Tessera sends no notifications; remove it from the request"
                        .into(),
                ));
            }
            (other, _) => return Err(bad(format!("profile.{other} is not a profile field; profile holds images"))),
        }
    }
    Ok((!parts.is_empty()).then(|| profile.to_string()))
}

/// A patched `timezone`: an IANA name such as `Europe/Paris` (`None` when removed).
pub(crate) fn checked_timezone(timezone: Option<&Value>) -> Result<Option<String>, ApiError> {
    let Some(timezone) = timezone.filter(|t| !t.is_null()) else { return Ok(None) };
    let name = timezone.as_str().unwrap_or_default();
    let plausible = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
    if name.is_empty() || name.len() > MAX_TIMEZONE || !plausible {
        return Err(bad(format!(
            "timezone must be a time zone name such as Europe/Paris or UTC (letters, digits, / _ + -, at most {MAX_TIMEZONE})"
        )));
    }
    Ok(Some(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn images_are_web_urls_and_nothing_else_is_kept() {
        let good = json!({"images": {"image": "https://example.com/me.png", "image24": "http://x/y"}});
        assert_eq!(checked_profile(Some(&good)).unwrap(), Some(good.to_string()));
        assert_eq!(checked_profile(None).unwrap(), None);
        assert_eq!(checked_profile(Some(&json!({}))).unwrap(), None);
        for (bad, says) in [
            (json!({"images": {"image": "javascript:alert(1)"}}), "http or https URL"),
            (json!({"images": {"image": "data:image/png;base64,AAAA"}}), "http or https URL"),
            (json!({"images": {"image": "https://x/a b"}}), "http or https URL"),
            (json!({"images": {"image1000": "https://x"}}), "not an image size"),
            (json!({"images": "https://x"}), "object of image URLs"),
            (json!({"subscription": {"slack": {"endpoint": "http://169.254.169.254/"}}}), "sends no notifications"),
            (json!({"color": "red"}), "not a profile field"),
            (json!("https://x"), "must be an object"),
        ] {
            let refused = checked_profile(Some(&bad)).unwrap_err();
            assert!(refused.message.contains(says), "{bad}: {}", refused.message);
        }
    }

    #[test]
    fn time_zones_are_names() {
        assert_eq!(
            checked_timezone(Some(&json!("America/Argentina/Buenos_Aires"))).unwrap().as_deref(),
            Some("America/Argentina/Buenos_Aires")
        );
        assert_eq!(checked_timezone(Some(&json!("Etc/GMT+5"))).unwrap().as_deref(), Some("Etc/GMT+5"));
        assert_eq!(checked_timezone(None).unwrap(), None);
        for bad in [json!(""), json!("<script>"), json!(5), json!("a".repeat(65))] {
            assert!(checked_timezone(Some(&bad)).is_err(), "{bad}");
        }
    }
}
