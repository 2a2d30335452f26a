//! Creating, changing and deleting policies, roles and teams, with the checks a save needs:
//! every rule compiles (a condition that does not parse is refused with its position), every
//! referenced policy, role or team exists, a team is not its own ancestor, and what the system
//! seeded is never deleted.

use crate::access::{Access, now_ms};
use crate::document::{AccessDoc, RuleDoc};
use tessera_store::AccessStore;
use tessera_store::{AccessRow, StoreError, next_version};

#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    #[error("{0}")]
    Invalid(String),
    #[error("{kind} instance for {key} not found")]
    NotFound { kind: &'static str, key: String },
    #[error("{kind} {name} is provided by the system and cannot be deleted")]
    SystemEntity { kind: &'static str, name: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a create or update request carries (the original's `CreatePolicy`, `CreateRole`,
/// `CreateTeam`): references by name, fully qualified name or id.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveRequest {
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub rules: Vec<RuleDoc>,
    #[serde(default)]
    pub policies: Vec<String>,
    #[serde(default)]
    pub parents: Vec<String>,
    #[serde(default)]
    pub default_roles: Vec<String>,
    pub team_type: Option<String>,
    /// A team's members (`CreateTeam.users`: user ids), set by the HTTP layer after the save;
    /// absent leaves the members as they are.
    #[serde(default)]
    pub users: Option<Vec<String>>,
}

pub fn kind_name(kind: &str) -> &'static str {
    match kind {
        "policy" => "policy",
        "role" => "role",
        _ => "team",
    }
}

impl Access {
    /// Create-or-update by name; returns the stored row and whether it was new.
    pub async fn save(&self, kind: &str, request: SaveRequest, by: &str) -> Result<(AccessRow, bool), ManageError> {
        let name = request.name.trim();
        if name.is_empty() || name.len() > 256 {
            return Err(ManageError::Invalid("name must be 1 to 256 characters".into()));
        }
        let snapshot = self.snapshot();
        let resolve = |wanted_kind: &'static str, key: &str| -> Result<String, ManageError> {
            snapshot
                .rows
                .iter()
                .find(|r| r.kind == wanted_kind && !r.deleted && (r.name == key || r.id == key))
                .map(|r| r.name.clone())
                .ok_or_else(|| ManageError::NotFound { kind: wanted_kind, key: key.to_string() })
        };
        let mut doc = AccessDoc {
            display_name: request.display_name.clone(),
            description: request.description.clone(),
            ..Default::default()
        };
        match kind {
            "policy" => {
                if request.rules.is_empty() {
                    return Err(ManageError::Invalid("a policy needs at least one rule".into()));
                }
                for rule in &request.rules {
                    rule.compile().map_err(|e| ManageError::Invalid(e.to_string()))?;
                }
                doc.rules = request.rules.clone();
            }
            "role" => {
                doc.policies = request.policies.iter().map(|p| resolve("policy", p)).collect::<Result<_, _>>()?;
                if doc.policies.is_empty() {
                    return Err(ManageError::Invalid("a role needs at least one policy".into()));
                }
            }
            _ => {
                doc.policies = request.policies.iter().map(|p| resolve("policy", p)).collect::<Result<_, _>>()?;
                doc.default_roles =
                    request.default_roles.iter().map(|r| resolve("role", r)).collect::<Result<_, _>>()?;
                doc.parents = request.parents.iter().map(|t| resolve("team", t)).collect::<Result<_, _>>()?;
                if doc.parents.is_empty() && name != crate::policy::ORGANIZATION {
                    doc.parents.push(crate::policy::ORGANIZATION.to_string());
                }
                if self.is_ancestor(name, &doc.parents) {
                    return Err(ManageError::Invalid(format!("team {name} cannot be its own ancestor")));
                }
                let team_type = request.team_type.clone().unwrap_or_else(|| "Group".into());
                let typed_parents: Vec<(String, String)> =
                    doc.parents.iter().map(|p| (p.clone(), snapshot.team_type(p))).collect();
                let existing = snapshot.rows.iter().any(|r| r.kind == "team" && r.name == name && !r.deleted);
                let has_children = snapshot.book.teams.values().any(|t| t.parents.iter().any(|p| p == name));
                let existing_type = existing.then(|| snapshot.team_type(name));
                crate::team_rules::check(name, &team_type, &typed_parents, existing_type.as_deref(), has_children)?;
                doc.team_type = Some(team_type);
            }
        }
        let existing = self.store().access_entity(kind, name).await?;
        // The same request again changes nothing: no new version (as the original's PUT).
        if let Some(existing) = existing.as_ref().filter(|e| !e.deleted)
            && AccessDoc::from_stored(&existing.body).is_ok_and(|stored| stored == doc)
        {
            return Ok((existing.clone(), false));
        }
        let created = existing.is_none();
        let row = AccessRow {
            id: existing.as_ref().map(|e| e.id.clone()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            kind: kind.to_string(),
            name: name.to_string(),
            body: serde_json::to_string(&doc).expect("documents serialise"),
            provider: existing.as_ref().map(|e| e.provider.clone()).unwrap_or_else(|| "user".into()),
            // Saving a soft-deleted one's name brings it back, as the original.
            deleted: false,
            version: existing.as_ref().map(|e| next_version(e.version)).unwrap_or(0.1),
            updated_at: now_ms(),
            updated_by: by.to_string(),
        };
        self.store().upsert_access(&row).await?;
        self.reload().await?;
        Ok((row, created))
    }

    /// Deletes a user-made policy, role or team: soft (kept, `deleted: true`, a new version; it
    /// grants nothing and is found only with `include=deleted`) or hard (gone). What the system
    /// seeded is never deleted.
    pub async fn delete(&self, kind: &str, id: &str, hard: bool, by: &str) -> Result<AccessRow, ManageError> {
        let row = self
            .store()
            .access_entity_by_id(id)
            .await?
            .filter(|r| r.kind == kind)
            .ok_or_else(|| ManageError::NotFound { kind: kind_name(kind), key: id.to_string() })?;
        if row.provider == "system" {
            return Err(ManageError::SystemEntity { kind: kind_name(kind), name: row.name });
        }
        let row = if hard {
            self.store().delete_access(id).await?;
            AccessRow { deleted: true, ..row }
        } else if row.deleted {
            row
        } else {
            let soft = AccessRow {
                deleted: true,
                version: next_version(row.version),
                updated_at: now_ms(),
                updated_by: by.to_string(),
                ..row
            };
            self.store().upsert_access(&soft).await?;
            soft
        };
        self.reload().await?;
        Ok(row)
    }

    /// Role and team names for a user, from names or ids; unknown ones are refused.
    pub fn resolve_memberships(
        &self,
        roles: &[String],
        teams: &[String],
    ) -> Result<(Vec<String>, Vec<String>), ManageError> {
        let snapshot = self.snapshot();
        let resolve = |kind: &'static str, key: &String| {
            snapshot
                .rows
                .iter()
                .find(|r| r.kind == kind && !r.deleted && (r.name == *key || r.id == *key))
                .map(|r| r.name.clone())
                .ok_or_else(|| ManageError::NotFound { kind, key: key.clone() })
        };
        let roles = roles.iter().map(|r| resolve("role", r)).collect::<Result<Vec<_>, _>>()?;
        let teams = teams.iter().map(|t| resolve("team", t)).collect::<Result<Vec<_>, _>>()?;
        Ok((roles, teams))
    }

    pub async fn set_membership(&self, user_id: &str, roles: &[String], teams: &[String]) -> Result<(), ManageError> {
        let row = tessera_store::MembershipRow {
            user_id: user_id.to_string(),
            roles: serde_json::to_string(roles).expect("names serialise"),
            teams: serde_json::to_string(teams).expect("names serialise"),
        };
        self.store().set_membership(&row).await?;
        self.reload().await?;
        Ok(())
    }

    /// Whether `team` is among `parents` or their ancestors.
    fn is_ancestor(&self, team: &str, parents: &[String]) -> bool {
        let snapshot = self.snapshot();
        let mut stack: Vec<&str> = parents.iter().map(String::as_str).collect();
        let mut seen = std::collections::HashSet::new();
        while let Some(current) = stack.pop() {
            if current == team {
                return true;
            }
            if seen.insert(current)
                && let Some(node) = snapshot.book.teams.get(current)
            {
                stack.extend(node.parents.iter().map(String::as_str));
            }
        }
        false
    }
}
