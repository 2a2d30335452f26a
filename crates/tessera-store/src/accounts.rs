//! Users, bots, their credentials, and the change feed that keeps every replica's revocation state
//! current.

use crate::clock::now_millis as now_ms;
use crate::query::{exec, fetch};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub is_admin: bool,
    pub is_bot: bool,
    pub is_email_verified: bool,
    pub deleted: bool,
    pub version: f64,
    pub updated_at: i64,
    pub updated_by: String,
    pub last_login_time: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct BotRow {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub bot_user_id: String,
    pub provider: String,
    pub deleted: bool,
    pub version: f64,
    pub updated_at: i64,
    pub updated_by: String,
}

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

#[derive(sqlx::FromRow)]
struct Count {
    n: i64,
}

macro_rules! user_columns {
    () => {
        "id, name, email, display_name, description, is_admin, is_bot, is_email_verified, deleted, version, updated_at, updated_by, last_login_time"
    };
}

macro_rules! bot_columns {
    () => {
        "id, name, display_name, description, bot_user_id, provider, deleted, version, updated_at, updated_by"
    };
}

impl Store {
    /// Appends to the change feed; replicas reload their revocation state when it moves.
    pub async fn record_change(&self, kind: &str) -> Result<(), StoreError> {
        exec!(self, "INSERT INTO auth_changes (kind, at) VALUES (?, ?)", kind, now_ms())?;
        Ok(())
    }

    /// The newest change number (0 when none).
    pub async fn latest_change(&self) -> Result<i64, StoreError> {
        let row = fetch!(self, Count, fetch_one, "SELECT COALESCE(MAX(seq), 0) AS n FROM auth_changes")?;
        Ok(row.n)
    }

    /// Inserts a user; a name or email already taken is [`StoreError::Conflict`].
    pub async fn insert_user(&self, user: &UserRow) -> Result<(), StoreError> {
        exec!(
            self,
            concat!("INSERT INTO users (", user_columns!(), ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            &user.id,
            &user.name,
            &user.email,
            &user.display_name,
            &user.description,
            user.is_admin,
            user.is_bot,
            user.is_email_verified,
            user.deleted,
            user.version,
            user.updated_at,
            &user.updated_by,
            user.last_login_time,
        )?;
        self.record_change("user").await
    }

    pub async fn update_user(&self, user: &UserRow) -> Result<(), StoreError> {
        exec!(
            self,
            "UPDATE users SET name = ?, email = ?, display_name = ?, description = ?, is_admin = ?, is_bot = ?, is_email_verified = ?, deleted = ?, version = ?, updated_at = ?, updated_by = ?, last_login_time = ? WHERE id = ?",
            &user.name,
            &user.email,
            &user.display_name,
            &user.description,
            user.is_admin,
            user.is_bot,
            user.is_email_verified,
            user.deleted,
            user.version,
            user.updated_at,
            &user.updated_by,
            user.last_login_time,
            &user.id,
        )?;
        self.record_change("user").await
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<UserRow>, StoreError> {
        fetch!(self, UserRow, fetch_optional, concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?"), id)
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        fetch!(self, UserRow, fetch_optional, concat!("SELECT ", user_columns!(), " FROM users WHERE name = ?"), name)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        fetch!(self, UserRow, fetch_optional, concat!("SELECT ", user_columns!(), " FROM users WHERE email = ?"), email)
    }

    /// A page of users ordered by name, after the name `after`; and the total matching.
    pub async fn list_users(
        &self,
        limit: i64,
        after: Option<&str>,
        bots: Option<bool>,
        include_deleted: bool,
    ) -> Result<(Vec<UserRow>, i64), StoreError> {
        let after = after.unwrap_or("");
        let bot_filter = bots.map(i64::from).unwrap_or(-1);
        let rows = fetch!(
            self,
            UserRow,
            fetch_all,
            concat!(
                "SELECT ",
                user_columns!(),
                " FROM users WHERE name > ? AND (? = -1 OR (CASE WHEN is_bot THEN 1 ELSE 0 END) = ?) AND (? OR NOT deleted) ORDER BY name LIMIT ?"
            ),
            after,
            bot_filter,
            bot_filter,
            include_deleted,
            limit,
        )?;
        let total = fetch!(
            self,
            Count,
            fetch_one,
            "SELECT COUNT(*) AS n FROM users WHERE (? = -1 OR (CASE WHEN is_bot THEN 1 ELSE 0 END) = ?) AND (? OR NOT deleted)",
            bot_filter,
            bot_filter,
            include_deleted,
        )?;
        Ok((rows, total.n))
    }

    /// Deletes a user and, through the foreign keys, its bot, credentials and tokens.
    pub async fn delete_user(&self, id: &str) -> Result<bool, StoreError> {
        let removed = exec!(self, "DELETE FROM users WHERE id = ?", id)?;
        self.record_change("user-deleted").await?;
        Ok(removed > 0)
    }

    pub async fn insert_bot(&self, bot: &BotRow) -> Result<(), StoreError> {
        exec!(
            self,
            concat!("INSERT INTO bots (", bot_columns!(), ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            &bot.id,
            &bot.name,
            &bot.display_name,
            &bot.description,
            &bot.bot_user_id,
            &bot.provider,
            bot.deleted,
            bot.version,
            bot.updated_at,
            &bot.updated_by,
        )?;
        Ok(())
    }

    pub async fn update_bot(&self, bot: &BotRow) -> Result<(), StoreError> {
        exec!(
            self,
            "UPDATE bots SET display_name = ?, description = ?, deleted = ?, version = ?, updated_at = ?, updated_by = ? WHERE id = ?",
            &bot.display_name,
            &bot.description,
            bot.deleted,
            bot.version,
            bot.updated_at,
            &bot.updated_by,
            &bot.id,
        )?;
        Ok(())
    }

    pub async fn bot_by_name(&self, name: &str) -> Result<Option<BotRow>, StoreError> {
        fetch!(self, BotRow, fetch_optional, concat!("SELECT ", bot_columns!(), " FROM bots WHERE name = ?"), name)
    }

    pub async fn bot_by_id(&self, id: &str) -> Result<Option<BotRow>, StoreError> {
        fetch!(self, BotRow, fetch_optional, concat!("SELECT ", bot_columns!(), " FROM bots WHERE id = ?"), id)
    }

    pub async fn list_bots(
        &self,
        limit: i64,
        after: Option<&str>,
        include_deleted: bool,
    ) -> Result<(Vec<BotRow>, i64), StoreError> {
        let rows = fetch!(
            self,
            BotRow,
            fetch_all,
            concat!(
                "SELECT ",
                bot_columns!(),
                " FROM bots WHERE name > ? AND (? OR NOT deleted) ORDER BY name LIMIT ?"
            ),
            after.unwrap_or(""),
            include_deleted,
            limit,
        )?;
        let total =
            fetch!(self, Count, fetch_one, "SELECT COUNT(*) AS n FROM bots WHERE (? OR NOT deleted)", include_deleted)?;
        Ok((rows, total.n))
    }

    /// Replaces a bot's token (or stores its first one).
    pub async fn set_bot_credential(&self, credential: &BotCredentialRow) -> Result<(), StoreError> {
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

    pub async fn bot_credential(&self, user_id: &str) -> Result<Option<BotCredentialRow>, StoreError> {
        fetch!(
            self,
            BotCredentialRow,
            fetch_optional,
            "SELECT user_id, token_encrypted, token_hash, expiry, expires_at_ms, updated_at FROM bot_credentials WHERE user_id = ?",
            user_id,
        )
    }

    /// Removes a bot's token: every copy of it stops working.
    pub async fn revoke_bot_credential(&self, user_id: &str) -> Result<(), StoreError> {
        exec!(self, "DELETE FROM bot_credentials WHERE user_id = ?", user_id)?;
        self.record_change("bot-token").await
    }

    pub async fn insert_personal_token(&self, token: &PersonalTokenRow) -> Result<(), StoreError> {
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

    pub async fn personal_tokens(&self, user_id: &str) -> Result<Vec<PersonalTokenRow>, StoreError> {
        fetch!(
            self,
            PersonalTokenRow,
            fetch_all,
            "SELECT id, user_id, name, token_hash, expiry, expires_at_ms, created_at FROM personal_access_tokens WHERE user_id = ? ORDER BY created_at, id",
            user_id,
        )
    }

    /// Deletes the given tokens of a user (all of them when `ids` is `None`).
    pub async fn delete_personal_tokens(&self, user_id: &str, ids: Option<&[String]>) -> Result<u64, StoreError> {
        let removed = match ids {
            None => exec!(self, "DELETE FROM personal_access_tokens WHERE user_id = ?", user_id)?,
            Some(ids) => {
                let mut n = 0;
                for id in ids {
                    n += exec!(self, "DELETE FROM personal_access_tokens WHERE user_id = ? AND id = ?", user_id, id)?;
                }
                n
            }
        };
        self.record_change("personal-token").await?;
        Ok(removed)
    }

    /// Everything the in-memory revocation state needs.
    pub async fn credential_snapshot(&self) -> Result<CredentialSnapshot, StoreError> {
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
        Ok(CredentialSnapshot {
            bot_tokens: bots.into_iter().map(|r| (r.name, r.token_hash)).collect(),
            personal_token_hashes: personal.into_iter().map(|r| r.value).collect(),
            user_names: users.into_iter().map(|r| r.value).collect(),
        })
    }
}
