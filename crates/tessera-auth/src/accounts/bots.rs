//! Bots (admin only to change): a bot is a name bound to a bot user, whose token it uses.

use super::{AccountError, Accounts, new_id, now_ms};
use crate::Principal;
use serde::Deserialize;
use tessera_config::SYSTEM_BOTS;
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
        let user = self.user_by_id(&existing.bot_user_id).await?;
        if !user.name.eq_ignore_ascii_case(&request.bot_user) {
            return Err(AccountError::bad_request("bot_user_immutable", "a bot's botUser cannot be changed"));
        }
        let updated = BotRow {
            display_name: request.display_name.or(existing.display_name.clone()),
            description: request.description.or(existing.description.clone()),
            version: existing.version + 0.1,
            updated_at: now_ms(),
            updated_by: caller.name.clone(),
            ..existing
        };
        self.store.update_bot(&updated).await?;
        Ok((updated, user, false))
    }

    /// `DELETE /bots/{id}` (admin): system bots stay; deleting a bot deletes its user and token.
    pub async fn delete_bot(&self, caller: &Principal, id: &str) -> Result<BotRow, AccountError> {
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
        self.store.delete_user(&bot.bot_user_id).await?;
        self.sync_revocation().await?;
        Ok(BotRow { deleted: true, ..bot })
    }
}
