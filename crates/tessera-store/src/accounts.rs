//! Users and bots (their tokens: `tokens.rs`; the change feed they write to: `change_feed.rs`).

use crate::ChangeFeed;
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
    /// The identity provider (`iss`) and account (`sub`) the user signed up with; `None` for
    /// users created by an admin or the bootstrap, and for bots.
    pub issuer: Option<String>,
    pub subject: Option<String>,
    /// 1.7's `profile` (images) as JSON text, and the user's time zone: what people set themselves.
    pub profile: Option<String>,
    pub timezone: Option<String>,
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

#[derive(sqlx::FromRow)]
struct Count {
    n: i64,
}

macro_rules! user_columns {
    () => {
        "id, name, email, display_name, description, is_admin, is_bot, is_email_verified, deleted, version, updated_at, updated_by, last_login_time, issuer, subject, profile, timezone"
    };
}

macro_rules! bot_columns {
    () => {
        "id, name, display_name, description, bot_user_id, provider, deleted, version, updated_at, updated_by"
    };
}

/// Users and bots: who exists, by id, name or email, and their flags.
pub trait AccountStore {
    /// Inserts a user; a name or email already taken is [`StoreError::Conflict`].
    fn insert_user(&self, user: &UserRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn update_user(&self, user: &UserRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn user_by_id(&self, id: &str) -> impl Future<Output = Result<Option<UserRow>, StoreError>> + Send;

    fn user_by_name(&self, name: &str) -> impl Future<Output = Result<Option<UserRow>, StoreError>> + Send;

    fn user_by_email(&self, email: &str) -> impl Future<Output = Result<Option<UserRow>, StoreError>> + Send;

    /// A page of users ordered by name, after the name `after`; and the total matching.
    fn list_users(
        &self,
        limit: i64,
        after: Option<&str>,
        bots: Option<bool>,
        include_deleted: bool,
    ) -> impl Future<Output = Result<(Vec<UserRow>, i64), StoreError>> + Send;

    /// Deletes a user and, through the foreign keys, its bot, credentials and tokens.
    fn delete_user(&self, id: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn insert_bot(&self, bot: &BotRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn update_bot(&self, bot: &BotRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn bot_by_name(&self, name: &str) -> impl Future<Output = Result<Option<BotRow>, StoreError>> + Send;

    fn bot_by_id(&self, id: &str) -> impl Future<Output = Result<Option<BotRow>, StoreError>> + Send;

    fn list_bots(
        &self,
        limit: i64,
        after: Option<&str>,
        include_deleted: bool,
    ) -> impl Future<Output = Result<(Vec<BotRow>, i64), StoreError>> + Send;
}

impl AccountStore for Store {
    async fn insert_user(&self, user: &UserRow) -> Result<(), StoreError> {
        exec!(
            self,
            concat!(
                "INSERT INTO users (",
                user_columns!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
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
            &user.issuer,
            &user.subject,
            &user.profile,
            &user.timezone,
        )?;
        self.record_change("user").await
    }

    async fn update_user(&self, user: &UserRow) -> Result<(), StoreError> {
        exec!(
            self,
            "UPDATE users SET name = ?, email = ?, display_name = ?, description = ?, is_admin = ?, is_bot = ?, is_email_verified = ?, deleted = ?, version = ?, updated_at = ?, updated_by = ?, last_login_time = ?, issuer = ?, subject = ?, profile = ?, timezone = ? WHERE id = ?",
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
            &user.issuer,
            &user.subject,
            &user.profile,
            &user.timezone,
            &user.id,
        )?;
        self.record_change("user").await
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<UserRow>, StoreError> {
        fetch!(self, UserRow, fetch_optional, concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?"), id)
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        fetch!(self, UserRow, fetch_optional, concat!("SELECT ", user_columns!(), " FROM users WHERE name = ?"), name)
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError> {
        fetch!(self, UserRow, fetch_optional, concat!("SELECT ", user_columns!(), " FROM users WHERE email = ?"), email)
    }

    async fn list_users(
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

    async fn delete_user(&self, id: &str) -> Result<bool, StoreError> {
        let removed = exec!(self, "DELETE FROM users WHERE id = ?", id)?;
        self.record_change("user-deleted").await?;
        Ok(removed > 0)
    }

    async fn insert_bot(&self, bot: &BotRow) -> Result<(), StoreError> {
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

    async fn update_bot(&self, bot: &BotRow) -> Result<(), StoreError> {
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

    async fn bot_by_name(&self, name: &str) -> Result<Option<BotRow>, StoreError> {
        fetch!(self, BotRow, fetch_optional, concat!("SELECT ", bot_columns!(), " FROM bots WHERE name = ?"), name)
    }

    async fn bot_by_id(&self, id: &str) -> Result<Option<BotRow>, StoreError> {
        fetch!(self, BotRow, fetch_optional, concat!("SELECT ", bot_columns!(), " FROM bots WHERE id = ?"), id)
    }

    async fn list_bots(
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
}
