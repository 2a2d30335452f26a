//! At every start: admins from `AUTHORIZER_ADMIN_PRINCIPALS` exist and are admins; `ingestion-bot`
//! exists with a token. Safe when several replicas start at once (a lost insert race is ignored).

use super::{AccountError, Accounts, INGESTION_BOT, new_id, now_ms};
use crate::Expiry;
use tessera_store::{AccountStore, TokenStore};
use tessera_store::{BotRow, StoreError, UserRow};

impl Accounts {
    pub async fn bootstrap(&self) -> Result<(), AccountError> {
        for name in self.config.authorizer.admin_principals.clone() {
            self.ensure_admin(&name).await?;
            if let Some(user) = self.store.user_by_name(&name).await?.filter(|u| u.is_admin && !u.is_bot) {
                self.ensure_admin_password(&user).await?;
            }
        }
        self.ensure_bot(INGESTION_BOT, "Ingestion Bot").await?;
        self.sync_revocation().await
    }

    async fn ensure_admin(&self, name: &str) -> Result<(), AccountError> {
        let email = format!("{name}@{}", self.config.authorizer.principal_domain);
        match self.store.user_by_name(name).await? {
            Some(user) if user.is_bot => {
                tracing::error!(user = name, "a bot is listed in AUTHORIZER_ADMIN_PRINCIPALS; it is not made an admin");
                Ok(())
            }
            Some(user) if user.is_admin && !user.deleted => Ok(()),
            Some(user) => {
                let promoted = UserRow {
                    is_admin: true,
                    deleted: false,
                    version: tessera_store::next_version(user.version),
                    updated_at: now_ms(),
                    updated_by: "system".into(),
                    ..user
                };
                self.store.update_user(&promoted).await?;
                tracing::info!(user = name, "admin principal promoted to admin");
                Ok(())
            }
            None => {
                let user = new_user(name, &email, true, false);
                ignore_race(self.store.insert_user(&user).await)?;
                tracing::info!(user = name, "admin principal created");
                Ok(())
            }
        }
    }

    async fn ensure_bot(&self, name: &str, display: &str) -> Result<(), AccountError> {
        let email = format!("{name}@{}", self.config.authorizer.principal_domain);
        let user = match self.store.user_by_name(name).await? {
            Some(user) => user,
            None => {
                ignore_race(self.store.insert_user(&new_user(name, &email, false, true)).await)?;
                self.store.user_by_name(name).await?.ok_or_else(|| AccountError::user_not_found(name))?
            }
        };
        if self.store.bot_by_name(name).await?.is_none() {
            let bot = BotRow {
                id: new_id(),
                name: name.into(),
                display_name: Some(display.into()),
                description: Some("Bot used by metadata ingestion".into()),
                bot_user_id: user.id.clone(),
                provider: "system".into(),
                deleted: false,
                version: 0.1,
                updated_at: now_ms(),
                updated_by: "system".into(),
            };
            ignore_race(self.store.insert_bot(&bot).await)?;
        }
        if self.store.bot_credential(&user.id).await?.is_none() {
            self.store_bot_token(&user, Expiry::Unlimited).await?;
            tracing::info!(bot = name, "bot token generated");
        }
        Ok(())
    }
}

pub(crate) fn new_user(name: &str, email: &str, is_admin: bool, is_bot: bool) -> UserRow {
    UserRow {
        id: new_id(),
        name: name.to_lowercase(),
        email: email.to_lowercase(),
        display_name: None,
        description: None,
        is_admin,
        is_bot,
        is_email_verified: true,
        deleted: false,
        version: 0.1,
        updated_at: now_ms(),
        updated_by: "system".into(),
        last_login_time: None,
        issuer: None,
        subject: None,
        profile: None,
        timezone: None,
    }
}

/// Another replica inserted the same row first: that is success.
fn ignore_race(result: Result<(), StoreError>) -> Result<(), AccountError> {
    match result {
        Err(StoreError::Conflict { .. }) => Ok(()),
        other => Ok(other?),
    }
}
