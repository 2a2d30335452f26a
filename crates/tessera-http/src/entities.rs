//! The JSON shapes of users and bots (OpenMetadata 1.7), and list paging.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tessera_store::{BotRow, UserRow};

/// A name as a fully qualified name: quoted when it contains a dot, as the original does.
pub fn fqn(name: &str) -> String {
    if name.contains('.') { format!("\"{}\"", name.replace('"', "\\\"")) } else { name.to_string() }
}

pub fn user(row: &UserRow, base_url: &str) -> Value {
    let mut value = json!({
        "id": row.id,
        "name": row.name,
        "fullyQualifiedName": fqn(&row.name),
        "email": row.email,
        "version": round(row.version),
        "updatedAt": row.updated_at,
        "updatedBy": row.updated_by,
        "href": format!("{base_url}/api/v1/users/{}", row.id),
        "isBot": row.is_bot,
        "isAdmin": row.is_admin,
        "isEmailVerified": row.is_email_verified,
        "deleted": row.deleted,
        "roles": [],
        "teams": [],
        "inheritedRoles": [],
    });
    if let Some(display) = &row.display_name {
        value["displayName"] = json!(display);
    }
    if let Some(description) = &row.description {
        value["description"] = json!(description);
    }
    if let Some(at) = row.last_login_time {
        value["lastLoginTime"] = json!(at);
    }
    value
}

pub fn user_reference(row: &UserRow, base_url: &str) -> Value {
    json!({
        "id": row.id,
        "type": "user",
        "name": row.name,
        "fullyQualifiedName": fqn(&row.name),
        "deleted": row.deleted,
        "href": format!("{base_url}/api/v1/users/{}", row.id),
    })
}

pub fn bot(row: &BotRow, bot_user: &UserRow, base_url: &str) -> Value {
    let mut value = json!({
        "id": row.id,
        "name": row.name,
        "fullyQualifiedName": fqn(&row.name),
        "botUser": user_reference(bot_user, base_url),
        "provider": row.provider,
        "version": round(row.version),
        "updatedAt": row.updated_at,
        "updatedBy": row.updated_by,
        "href": format!("{base_url}/api/v1/bots/{}", row.id),
        "deleted": row.deleted,
    });
    if let Some(display) = &row.display_name {
        value["displayName"] = json!(display);
    }
    if let Some(description) = &row.description {
        value["description"] = json!(description);
    }
    value
}

/// Versions grow by 0.1; keep one decimal as the original shows them.
fn round(version: f64) -> f64 {
    (version * 10.0).round() / 10.0
}

/// `{"data": [...], "paging": {"total": N, "after": cursor?}}`.
pub fn page(data: Vec<Value>, total: i64, last_name: Option<&str>, full: bool) -> Value {
    let mut paging = json!({ "total": total });
    if let (true, Some(last)) = (full, last_name) {
        paging["after"] = json!(URL_SAFE_NO_PAD.encode(last));
    }
    json!({ "data": data, "paging": paging })
}

/// Decodes an `after` cursor back to the name it stands for.
pub fn cursor(text: Option<&str>) -> Result<Option<String>, crate::ApiError> {
    let Some(text) = text else { return Ok(None) };
    URL_SAFE_NO_PAD.decode(text).ok().and_then(|b| String::from_utf8(b).ok()).map(Some).ok_or_else(|| {
        crate::ApiError::bad_request(
            "invalid_cursor",
            "after is not a cursor returned by this server; use paging.after of the previous page",
        )
    })
}
