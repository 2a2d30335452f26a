//! Policies, roles and teams as stored documents, and users' memberships. Every write appends to
//! the change feed, so every replica's authorizer rebuilds within a poll.

use crate::ChangeFeed;
use crate::query::{exec, fetch};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccessRow {
    pub id: String,
    /// `policy`, `role` or `team`.
    pub kind: String,
    pub name: String,
    /// The entity's JSON document.
    pub body: String,
    /// `system` for seeded entities (never deleted), `user` otherwise.
    pub provider: String,
    pub deleted: bool,
    pub version: f64,
    pub updated_at: i64,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Default, sqlx::FromRow)]
pub struct MembershipRow {
    pub user_id: String,
    pub roles: String,
    pub teams: String,
}

macro_rules! access_columns {
    () => {
        "id, kind, name, body, provider, deleted, version, updated_at, updated_by"
    };
}

/// Policies, roles, teams and memberships: what the authorizer is built from.
pub trait AccessStore {
    /// Inserts, or replaces the row with the same id.
    fn upsert_access(&self, row: &AccessRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn access_entities(&self, kind: &str) -> impl Future<Output = Result<Vec<AccessRow>, StoreError>> + Send;

    fn access_entity(
        &self,
        kind: &str,
        name: &str,
    ) -> impl Future<Output = Result<Option<AccessRow>, StoreError>> + Send;

    fn access_entity_by_id(&self, id: &str) -> impl Future<Output = Result<Option<AccessRow>, StoreError>> + Send;

    /// Hard delete; `false` if there was no such row.
    fn delete_access(&self, id: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn membership(&self, user_id: &str) -> impl Future<Output = Result<Option<MembershipRow>, StoreError>> + Send;

    fn all_memberships(&self) -> impl Future<Output = Result<Vec<MembershipRow>, StoreError>> + Send;

    fn set_membership(&self, row: &MembershipRow) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl AccessStore for Store {
    async fn upsert_access(&self, row: &AccessRow) -> Result<(), StoreError> {
        exec!(
            self,
            concat!(
                "INSERT INTO access_entities (",
                access_columns!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                 body = excluded.body, provider = excluded.provider, deleted = excluded.deleted, \
                 version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by"
            ),
            &row.id,
            &row.kind,
            &row.name,
            &row.body,
            &row.provider,
            row.deleted,
            row.version,
            row.updated_at,
            &row.updated_by,
        )?;
        self.record_change(&format!("{}:{}", row.kind, row.name)).await
    }

    async fn access_entities(&self, kind: &str) -> Result<Vec<AccessRow>, StoreError> {
        fetch!(
            self,
            AccessRow,
            fetch_all,
            concat!("SELECT ", access_columns!(), " FROM access_entities WHERE kind = ? ORDER BY name"),
            kind
        )
    }

    async fn access_entity(&self, kind: &str, name: &str) -> Result<Option<AccessRow>, StoreError> {
        fetch!(
            self,
            AccessRow,
            fetch_optional,
            concat!("SELECT ", access_columns!(), " FROM access_entities WHERE kind = ? AND name = ?"),
            kind,
            name
        )
    }

    async fn access_entity_by_id(&self, id: &str) -> Result<Option<AccessRow>, StoreError> {
        fetch!(
            self,
            AccessRow,
            fetch_optional,
            concat!("SELECT ", access_columns!(), " FROM access_entities WHERE id = ?"),
            id
        )
    }

    async fn delete_access(&self, id: &str) -> Result<bool, StoreError> {
        let deleted = exec!(self, "DELETE FROM access_entities WHERE id = ?", id)? > 0;
        if deleted {
            self.record_change("access:delete").await?;
        }
        Ok(deleted)
    }

    async fn membership(&self, user_id: &str) -> Result<Option<MembershipRow>, StoreError> {
        fetch!(
            self,
            MembershipRow,
            fetch_optional,
            "SELECT user_id, roles, teams FROM memberships WHERE user_id = ?",
            user_id
        )
    }

    async fn all_memberships(&self) -> Result<Vec<MembershipRow>, StoreError> {
        fetch!(self, MembershipRow, fetch_all, "SELECT user_id, roles, teams FROM memberships")
    }

    async fn set_membership(&self, row: &MembershipRow) -> Result<(), StoreError> {
        exec!(
            self,
            "INSERT INTO memberships (user_id, roles, teams) VALUES (?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET roles = excluded.roles, teams = excluded.teams",
            &row.user_id,
            &row.roles,
            &row.teams,
        )?;
        self.record_change("membership").await
    }
}
