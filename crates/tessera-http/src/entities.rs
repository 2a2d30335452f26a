//! The JSON shapes of users and bots (OpenMetadata 1.7), and list paging.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::{Value, json};
use tessera_store::{BotRow, UserRow};

/// A name as a fully qualified name: quoted when it contains a dot, as the original does.
pub fn fqn(name: &str) -> String {
    if name.contains('.') { format!("\"{}\"", name.replace('"', "\\\"")) } else { name.to_string() }
}

/// A user as the original shows it. A struct rather than `json!`: this is on the path of every
/// `loggedInUser` call.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserJson<'a> {
    id: &'a str,
    name: &'a str,
    fully_qualified_name: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    email: &'a str,
    version: f64,
    updated_at: i64,
    updated_by: &'a str,
    href: String,
    is_bot: bool,
    is_admin: bool,
    is_email_verified: bool,
    deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_login_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<&'a str>,
    roles: Vec<Value>,
    teams: Vec<Value>,
    inherited_roles: Vec<Value>,
}

/// A user's roles, teams and the roles their teams give them, as references.
#[derive(Default)]
pub struct Memberships {
    pub roles: Vec<Value>,
    pub teams: Vec<Value>,
    pub inherited_roles: Vec<Value>,
}

pub fn user_json<'a>(row: &'a UserRow, base_url: &str, memberships: Memberships) -> UserJson<'a> {
    UserJson {
        id: &row.id,
        name: &row.name,
        fully_qualified_name: if row.name.contains('.') { fqn(&row.name).into() } else { row.name.as_str().into() },
        display_name: row.display_name.as_deref(),
        description: row.description.as_deref(),
        email: &row.email,
        version: round(row.version),
        updated_at: row.updated_at,
        updated_by: &row.updated_by,
        href: format!("{base_url}/api/v1/users/{}", row.id),
        is_bot: row.is_bot,
        is_admin: row.is_admin,
        is_email_verified: row.is_email_verified,
        deleted: row.deleted,
        last_login_time: row.last_login_time,
        // Checked JSON when stored; parsed only for the users that have one.
        profile: row.profile.as_deref().and_then(|text| serde_json::from_str(text).ok()),
        timezone: row.timezone.as_deref(),
        roles: memberships.roles,
        teams: memberships.teams,
        inherited_roles: memberships.inherited_roles,
    }
}

/// A user with their roles and teams.
pub fn user(state: &crate::AppState, row: &UserRow) -> Value {
    let memberships = crate::access_control::memberships(state, row);
    serde_json::to_value(user_json(row, &state.base_url, memberships)).expect("a user serialises")
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

/// Users' JSON, rendered once per (id, version, update time): a changed user renders anew.
#[derive(Default)]
pub struct RenderedUsers {
    /// User id → (updatedAt, version bits, JSON). Keyed by id alone so a hit allocates nothing;
    /// hashed with foldhash (seeded per process), as the accounts' user cache.
    entries: tessera_store::BoundedMap<String, (i64, u64, axum::body::Bytes), foldhash::fast::RandomState>,
}

impl RenderedUsers {
    /// `epoch` is the authorizer's: a change of roles or teams renders anew.
    pub fn get_or_render(&self, row: &UserRow, epoch: u64, render: impl FnOnce() -> Vec<u8>) -> axum::body::Bytes {
        let stamp = (row.updated_at, row.version.to_bits() ^ epoch.rotate_left(32));
        let current = |(updated_at, version, hit): &(i64, u64, axum::body::Bytes)| {
            ((*updated_at, *version) == stamp).then(|| hit.clone())
        };
        if let Some(hit) = self.entries.read(row.id.as_str(), current) {
            return hit;
        }
        let bytes = axum::body::Bytes::from(render());
        self.entries.insert(row.id.clone(), (stamp.0, stamp.1, bytes.clone()));
        bytes
    }
}
