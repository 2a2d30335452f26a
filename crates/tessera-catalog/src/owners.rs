//! Owners on data assets resolved as 1.7 resolves them, before anything is written: each
//! reference names a live user or a `Group` team by id (or by name), an unknown one is a 404
//! naming it, and the stored reference carries the owner's name, FQN and display name.

use crate::error::CatalogError;
use crate::service::Catalog;
use serde_json::{Map, Value, json};
use tessera_store::{AccessStore, AccountStore};

impl Catalog {
    /// Resolves the `owners` list of `fields`, if any.
    pub(crate) async fn resolve_owners(&self, fields: &mut Map<String, Value>) -> Result<(), CatalogError> {
        let Some(Value::Array(owners)) = fields.get_mut("owners") else { return Ok(()) };
        let mut resolved: Vec<Value> = Vec::with_capacity(owners.len());
        for owner in owners.iter() {
            let kind = owner["type"].as_str().unwrap_or_default();
            let key = owner["id"].as_str().or_else(|| owner["name"].as_str()).unwrap_or_default();
            let reference = match kind {
                "user" => self.user_reference(key).await?,
                "team" => self.team_owner(key).await?,
                other => {
                    return Err(CatalogError::Invalid(format!(
                        "Entity of type {other} can't be the owner. Only Team of type Group or a User can own entities."
                    )));
                }
            };
            if !resolved.iter().any(|r| r["id"] == reference["id"]) {
                resolved.push(reference);
            }
        }
        *owners = resolved;
        Ok(())
    }

    /// A live user, by id or name, as a reference (404 `user instance for <key> not found`).
    pub(crate) async fn user_reference(&self, key: &str) -> Result<Value, CatalogError> {
        let mut user = self.store.user_by_id(key).await?;
        if user.is_none() {
            user = self.store.user_by_name(key).await?;
        }
        let user = user.filter(|u| !u.deleted).ok_or_else(|| unknown("user", key))?;
        let mut reference = json!({"id": user.id, "type": "user", "name": user.name,
            "fullyQualifiedName": quoted(&user.name), "deleted": false});
        if let Some(display) = user.display_name.as_ref().filter(|d| !d.is_empty()) {
            reference["displayName"] = json!(display);
        }
        Ok(reference)
    }

    async fn team_owner(&self, key: &str) -> Result<Value, CatalogError> {
        let mut team = self.store.access_entity_by_id(key).await?.filter(|r| r.kind == "team");
        if team.is_none() {
            team = self.store.access_entity("team", key).await?;
        }
        let team = team.filter(|t| !t.deleted).ok_or_else(|| unknown("team", key))?;
        let doc: Value = serde_json::from_str(&team.body).unwrap_or_default();
        let team_type =
            doc["teamType"].as_str().unwrap_or(if team.name == "Organization" { "Organization" } else { "Group" });
        if team_type != "Group" {
            return Err(CatalogError::Invalid(format!(
                "Team of type {team_type} can't own entities. Only Team of type Group can own entities."
            )));
        }
        let mut reference = json!({"id": team.id, "type": "team", "name": team.name,
            "fullyQualifiedName": quoted(&team.name), "deleted": false});
        if let Some(display) = doc["displayName"].as_str() {
            reference["displayName"] = json!(display);
        }
        Ok(reference)
    }
}

fn unknown(kind: &'static str, key: &str) -> CatalogError {
    CatalogError::Unresolved { type_name: kind, key: key.to_string() }
}

/// A user's or team's FQN: its name, quoted when it holds a dot.
fn quoted(name: &str) -> String {
    crate::fqn::quote_name(name).unwrap_or_else(|_| name.to_string())
}

impl Catalog {
    /// A data asset without owners of its own shows its nearest ancestor's (schema, database,
    /// service), marked `inherited: true`, as 1.7 does; `None` when it has its own or none apply.
    /// Inherited owners are never stored: they go as soon as the asset gets owners.
    pub async fn inherited_owners(&self, entity: &crate::Entity) -> Result<Option<Vec<Value>>, CatalogError> {
        use crate::{Include, Kind};
        let own = entity.doc.get("owners").and_then(Value::as_array).is_some_and(|o| !o.is_empty());
        let inherits =
            matches!(entity.kind, Kind::Database | Kind::DatabaseSchema | Kind::Table | Kind::StoredProcedure);
        if own || !inherits {
            return Ok(None);
        }
        for (key, kind) in
            [("databaseSchema", Kind::DatabaseSchema), ("database", Kind::Database), ("service", Kind::DatabaseService)]
        {
            let Some(id) = entity.doc.get(key).and_then(|r| r["id"].as_str()) else { continue };
            let parent = match self.by_id(kind, id, Include::All).await {
                Err(CatalogError::NotFound { .. }) => continue,
                other => other?,
            };
            if let Some(owners) = parent.doc.get("owners").and_then(Value::as_array).filter(|o| !o.is_empty()) {
                let marked = owners.iter().cloned().map(|mut o| {
                    o["inherited"] = json!(true);
                    o
                });
                return Ok(Some(marked.collect()));
            }
        }
        Ok(None)
    }

    /// The owners conditions see: the entity's own, else the inherited ones, as (type, name).
    pub async fn owner_facts(&self, entity: &crate::Entity) -> Result<Vec<(String, String)>, CatalogError> {
        let own = crate::EntityFacts::of(&entity.doc).owners;
        if !own.is_empty() {
            return Ok(own);
        }
        let inherited = self.inherited_owners(entity).await?.unwrap_or_default();
        let text = |o: &Value, k: &str| o[k].as_str().unwrap_or_default().to_string();
        Ok(inherited.iter().map(|o| (text(o, "type"), text(o, "name"))).collect())
    }

    /// What an access decision on the entity sees: its owners ([`Catalog::owner_facts`]) and
    /// its own tags.
    pub async fn decision_facts(&self, entity: &crate::Entity) -> Result<crate::EntityFacts, CatalogError> {
        let tags = crate::EntityFacts::of(&entity.doc).tags;
        Ok(crate::EntityFacts { owners: self.owner_facts(entity).await?, tags })
    }

    /// Asks `gate` about `edit` of `stored`; an asset without owners of its own is decided with
    /// the owners it inherits, looked up only when the decision depends on ownership (never for
    /// the ingestion bot or an admin, so re-ingestion pays no lookup).
    pub(crate) async fn allow_edit(
        &self,
        gate: &dyn crate::EditGate,
        mut edit: crate::Edit,
        stored: &crate::Entity,
    ) -> Result<(), CatalogError> {
        if edit.entity.owners.is_empty() && gate.needs_owners(&edit) {
            edit.entity.owners = self.owner_facts(stored).await?;
        }
        gate.allow(&edit).map_err(CatalogError::Forbidden)
    }
}
