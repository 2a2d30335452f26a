//! Bots (admin only to change): a bot is a name bound to a bot user, whose token it uses.

use super::{AccountError, Accounts, new_id, now_ms};
use crate::Principal;
use serde::Deserialize;
use tessera_config::SYSTEM_BOTS;
use tessera_store::AccountStore;
use tessera_store::{BotRow, UserRow};

/// The original's `CreateBot` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBot {
    pub name: String,
    /// The name of an existing bot user.
    pub bot_user: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl Accounts {
    /// `POST /bots` (admin): binds a new bot to an existing bot user not used by another bot.
    pub async fn create_bot(&self, caller: &Principal, request: CreateBot) -> Result<(BotRow, UserRow), AccountError> {
        self.require_admin(caller).await?;
        let name = request.name.trim().to_string();
        if name.is_empty() || name.len() > 256 {
            return Err(AccountError::bad_request("invalid_name", "name must be 1 to 256 characters"));
        }
        if self.store.bot_by_name(&name).await?.is_some() {
            return Err(AccountError::Conflict);
        }
        let user = self.user_by_name(&request.bot_user).await?;
        if !user.is_bot {
            return Err(AccountError::bad_request(
                "not_a_bot",
                format!("Bot user {} is not a bot; create it with isBot: true first", user.name),
            ));
        }
        let bot = BotRow {
            id: new_id(),
            name,
            display_name: request.display_name,
            description: request.description,
            bot_user_id: user.id.clone(),
            provider: "user".into(),
            deleted: false,
            version: 0.1,
            updated_at: now_ms(),
            updated_by: caller.name.clone(),
        };
        self.store.insert_bot(&bot).await?;
        Ok((bot, user))
    }

    /// `PUT /bots` (admin): create, or update display name and description.
    pub async fn create_or_update_bot(
        &self,
        caller: &Principal,
        request: CreateBot,
    ) -> Result<(BotRow, UserRow, bool), AccountError> {
        self.require_admin(caller).await?;
        let Some(existing) = self.store.bot_by_name(request.name.trim()).await? else {
            let (bot, user) = self.create_bot(caller, request).await?;
            return Ok((bot, user, true));
        };
        let user = self.user_of_bot(&existing).await?;
        if !user.name.eq_ignore_ascii_case(&request.bot_user) {
            return Err(AccountError::bad_request("bot_user_immutable", "a bot's botUser cannot be changed"));
        }
        let display_name = request.display_name.or(existing.display_name.clone());
        let description = request.description.or(existing.description.clone());
        if !existing.deleted && (&display_name, &description) == (&existing.display_name, &existing.description) {
            return Ok((existing, user, false)); // the same request again: no new version
        }
        // Saving a soft-deleted bot's name brings it and its user back, as the original.
        let user = if user.deleted { self.set_user_deleted(user, false, caller).await? } else { user };
        let updated = BotRow {
            display_name,
            description,
            deleted: false,
            version: tessera_store::next_version(existing.version),
            updated_at: now_ms(),
            updated_by: caller.name.clone(),
            ..existing
        };
        self.store.update_bot(&updated).await?;
        Ok((updated, user, false))
    }

    /// `DELETE /bots/{id}` (admin), soft unless `hard`: system bots stay; a soft delete keeps the
    /// bot and its user marked deleted (its token stops working), a hard one removes both.
    pub async fn delete_bot(
        &self,
        caller: &Principal,
        id: &str,
        hard: bool,
    ) -> Result<(BotRow, UserRow), AccountError> {
        self.require_admin(caller).await?;
        let bot = self
            .store
            .bot_by_id(id)
            .await?
            .ok_or_else(|| AccountError::NotFound(format!("bot instance for {id} not found")))?;
        if bot.provider == "system" || SYSTEM_BOTS.contains(&bot.name.as_str()) {
            return Err(AccountError::bad_request(
                "system_entity",
                format!("{} is a system bot and cannot be deleted", bot.name),
            ));
        }
        let user = self.user_of_bot(&bot).await?;
        if hard {
            self.store.delete_user(&bot.bot_user_id).await?;
            self.sync_revocation().await?;
            return Ok((BotRow { deleted: true, ..bot }, UserRow { deleted: true, ..user }));
        }
        if bot.deleted {
            return Ok((bot, user));
        }
        let user = self.set_user_deleted(user, true, caller).await?;
        let bot = BotRow {
            deleted: true,
            version: tessera_store::next_version(bot.version),
            updated_at: now_ms(),
            updated_by: caller.name.clone(),
            ..bot
        };
        self.store.update_bot(&bot).await?;
        Ok((bot, user))
    }

    /// A bot by id or name, soft-deleted ones too (the caller filters by `include`).
    pub async fn any_bot(&self, key: super::UserKey<'_>) -> Result<Option<BotRow>, AccountError> {
        Ok(match key {
            super::UserKey::Id(id) => self.store.bot_by_id(id).await?,
            super::UserKey::Name(name) => self.store.bot_by_name(name).await?,
        })
    }

    /// A page of bots by name after `after`, and how many there are.
    pub async fn list_bots(
        &self,
        limit: i64,
        after: Option<&str>,
        include_deleted: bool,
    ) -> Result<(Vec<BotRow>, i64), AccountError> {
        Ok(self.store.list_bots(limit, after, include_deleted).await?)
    }

    /// The bot's user, soft-deleted or not.
    pub async fn user_of_bot(&self, bot: &BotRow) -> Result<UserRow, AccountError> {
        self.store.user_by_id(&bot.bot_user_id).await?.ok_or_else(|| AccountError::user_not_found(&bot.bot_user_id))
    }

    async fn set_user_deleted(
        &self,
        user: UserRow,
        deleted: bool,
        caller: &Principal,
    ) -> Result<UserRow, AccountError> {
        let user = UserRow {
            deleted,
            version: tessera_store::next_version(user.version),
            updated_at: now_ms(),
            updated_by: caller.name.clone(),
            ..user
        };
        self.store.update_user(&user).await?;
        self.sync_revocation().await?;
        Ok(user)
    }
}
