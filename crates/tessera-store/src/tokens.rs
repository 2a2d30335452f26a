//! Tokens Tessera issued and can revoke: each bot's current token (sealed, and its hash) and
//! personal access tokens (hashes only); what the in-memory revocation state is built from. Every
//! change is recorded in the change feed, so every replica reloads that state.

use crate::ChangeFeed;
use crate::query::{exec, fetch};
use crate::write::{Statement, WriteSet};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct BotCredentialRow {
    pub user_id: String,
    pub token_encrypted: String,
    pub token_hash: String,
    pub expiry: String,
    pub expires_at_ms: Option<i64>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PersonalTokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub token_hash: String,
    pub expiry: String,
    pub expires_at_ms: Option<i64>,
    pub created_at: i64,
}

/// What the revocation state is built from.
#[derive(Debug, Clone, Default)]
pub struct CredentialSnapshot {
    /// (bot user name, token hash)
    pub bot_tokens: Vec<(String, String)>,
    pub personal_token_hashes: Vec<String>,
    pub user_names: Vec<String>,
    /// Access tokens signed out before they expire (password sign-in).
    pub signed_out_hashes: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct NameHash {
    name: String,
    token_hash: String,
}

#[derive(sqlx::FromRow)]
struct One {
    value: String,
}

/// Tokens Tessera issued: bot credentials, personal access tokens, the revocation snapshot.
pub trait TokenStore {
    /// Replaces a bot's token (or stores its first one).
    fn set_bot_credential(&self, credential: &BotCredentialRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn bot_credential(
        &self,
        user_id: &str,
    ) -> impl Future<Output = Result<Option<BotCredentialRow>, StoreError>> + Send;

    /// Removes a bot's token: every copy of it stops working.
    fn revoke_bot_credential(&self, user_id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn insert_personal_token(&self, token: &PersonalTokenRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn personal_tokens(&self, user_id: &str) -> impl Future<Output = Result<Vec<PersonalTokenRow>, StoreError>> + Send;

    /// Deletes the given tokens of a user (all of them when `ids` is `None`): batches of 500 ids,
    /// one statement each, all in one transaction (10,000 ids are 20 statements, not 10,000).
    fn delete_personal_tokens(
        &self,
        user_id: &str,
        ids: Option<&[String]>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Everything the in-memory revocation state needs.
    fn credential_snapshot(&self) -> impl Future<Output = Result<CredentialSnapshot, StoreError>> + Send;
}

impl TokenStore for Store {
    async fn set_bot_credential(&self, credential: &BotCredentialRow) -> Result<(), StoreError> {
        exec!(
            self,
            "INSERT INTO bot_credentials (user_id, token_encrypted, token_hash, expiry, expires_at_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET token_encrypted = excluded.token_encrypted, token_hash = excluded.token_hash, \
             expiry = excluded.expiry, expires_at_ms = excluded.expires_at_ms, updated_at = excluded.updated_at",
            &credential.user_id,
            &credential.token_encrypted,
            &credential.token_hash,
            &credential.expiry,
            credential.expires_at_ms,
            credential.updated_at,
        )?;
        self.record_change("bot-token").await
    }

    async fn bot_credential(&self, user_id: &str) -> Result<Option<BotCredentialRow>, StoreError> {
        fetch!(
            self,
            BotCredentialRow,
            fetch_optional,
            "SELECT user_id, token_encrypted, token_hash, expiry, expires_at_ms, updated_at FROM bot_credentials WHERE user_id = ?",
            user_id,
        )
    }

    async fn revoke_bot_credential(&self, user_id: &str) -> Result<(), StoreError> {
        exec!(self, "DELETE FROM bot_credentials WHERE user_id = ?", user_id)?;
        self.record_change("bot-token").await
    }

    async fn insert_personal_token(&self, token: &PersonalTokenRow) -> Result<(), StoreError> {
        exec!(
            self,
            "INSERT INTO personal_access_tokens (id, user_id, name, token_hash, expiry, expires_at_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            &token.id,
            &token.user_id,
            &token.name,
            &token.token_hash,
            &token.expiry,
            token.expires_at_ms,
            token.created_at,
        )?;
        self.record_change("personal-token").await
    }

    async fn personal_tokens(&self, user_id: &str) -> Result<Vec<PersonalTokenRow>, StoreError> {
        fetch!(
            self,
            PersonalTokenRow,
            fetch_all,
            "SELECT id, user_id, name, token_hash, expiry, expires_at_ms, created_at FROM personal_access_tokens WHERE user_id = ? ORDER BY created_at, id",
            user_id,
        )
    }

    async fn delete_personal_tokens(&self, user_id: &str, ids: Option<&[String]>) -> Result<u64, StoreError> {
        let removed = match ids {
            None => exec!(self, "DELETE FROM personal_access_tokens WHERE user_id = ?", user_id)?,
            Some(ids) => {
                let mut write = WriteSet::default();
                for batch in ids.chunks(500) {
                    let placeholders = vec!["?"; batch.len()].join(", ");
                    let sql =
                        format!("DELETE FROM personal_access_tokens WHERE user_id = ? AND id IN ({placeholders})");
                    let args = std::iter::once(user_id.into()).chain(batch.iter().map(|id| id.into())).collect();
                    write.push(Statement::new(sql, args));
                }
                self.apply(write).await?.iter().sum()
            }
        };
        self.record_change("personal-token").await?;
        Ok(removed)
    }

    async fn credential_snapshot(&self) -> Result<CredentialSnapshot, StoreError> {
        let bots = fetch!(
            self,
            NameHash,
            fetch_all,
            "SELECT u.name AS name, c.token_hash AS token_hash FROM bot_credentials c JOIN users u ON u.id = c.user_id WHERE NOT u.deleted",
        )?;
        let personal = fetch!(
            self,
            One,
            fetch_all,
            "SELECT p.token_hash AS value FROM personal_access_tokens p JOIN users u ON u.id = p.user_id WHERE NOT u.deleted",
        )?;
        let users = fetch!(self, One, fetch_all, "SELECT name AS value FROM users WHERE NOT deleted")?;
        let signed_out = crate::PasswordStore::signed_out_tokens(self, crate::clock::now_seconds()).await?;
        Ok(CredentialSnapshot {
            bot_tokens: bots.into_iter().map(|r| (r.name, r.token_hash)).collect(),
            personal_token_hashes: personal.into_iter().map(|r| r.value).collect(),
            user_names: users.into_iter().map(|r| r.value).collect(),
            signed_out_hashes: signed_out,
        })
    }
}
