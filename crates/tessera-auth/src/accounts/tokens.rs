//! Bot tokens (one current token per bot, stored sealed) and personal access tokens (only their
//! hash is stored), compat §6.2 and §6.3.

use super::{AccountError, Accounts, new_id, now_ms};
use crate::{Expiry, Principal, Subject, TokenHash, TokenType};
use serde::Serialize;
use tessera_store::TokenStore;
use tessera_store::{BotCredentialRow, PersonalTokenRow, UserRow};

/// The original's `JWTAuthMechanism`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuthMechanism {
    #[serde(rename = "JWTToken")]
    pub token: String,
    #[serde(rename = "JWTTokenExpiry")]
    pub expiry: String,
    #[serde(rename = "JWTTokenExpiresAt")]
    pub expires_at: Option<i64>,
}

/// The original's `PersonalAccessToken`; `jwtToken` only in the answer that creates it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PersonalToken {
    pub token: String,
    #[serde(rename = "tokenName")]
    pub name: String,
    #[serde(rename = "userId")]
    pub user_id: String,
    #[serde(rename = "tokenType")]
    pub token_type: &'static str,
    #[serde(rename = "expiryDate", skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<i64>,
    #[serde(rename = "jwtToken", skip_serializing_if = "Option::is_none")]
    pub jwt_token: Option<String>,
}

impl PersonalToken {
    fn from_row(row: PersonalTokenRow, jwt_token: Option<String>) -> Self {
        Self {
            token: row.id,
            name: row.name,
            user_id: row.user_id,
            token_type: "PERSONAL_ACCESS_TOKEN",
            expiry_date: row.expires_at_ms,
            jwt_token,
        }
    }
}

impl Accounts {
    fn mint_for(&self, user: &UserRow, kind: TokenType, expiry: Expiry) -> crate::Minted {
        let roles: Vec<String> = if user.is_admin { vec!["Admin".into()] } else { Vec::new() };
        let subject = Subject { name: &user.name, email: &user.email, roles: &roles, is_bot: user.is_bot };
        self.keys.mint(&self.config.jwt.issuer, &subject, kind, expiry, crate::verify::unix_now())
    }

    /// Mints and stores a bot's new token; the previous one stops working everywhere.
    pub(crate) async fn store_bot_token(&self, user: &UserRow, expiry: Expiry) -> Result<AuthMechanism, AccountError> {
        let minted = self.mint_for(user, TokenType::Bot, expiry);
        self.store
            .set_bot_credential(&BotCredentialRow {
                user_id: user.id.clone(),
                token_encrypted: self.secrets.seal(&minted.token),
                token_hash: TokenHash::of(&minted.token).to_hex(),
                expiry: expiry.as_str().into(),
                expires_at_ms: minted.expires_at_ms,
                updated_at: now_ms(),
            })
            .await?;
        self.sync_revocation().await?;
        Ok(AuthMechanism { token: minted.token, expiry: expiry.as_str().into(), expires_at: minted.expires_at_ms })
    }

    async fn bot_user(&self, id: &str) -> Result<UserRow, AccountError> {
        let user = self.user_by_id(id).await?;
        if !user.is_bot {
            return Err(AccountError::bad_request("not_a_bot", "JWT token is only supported for bot users"));
        }
        Ok(user)
    }

    /// `PUT /users/generateToken/{id}` (admin).
    pub async fn generate_bot_token(
        &self,
        caller: &Principal,
        id: &str,
        expiry: Expiry,
    ) -> Result<AuthMechanism, AccountError> {
        self.require_admin(caller).await?;
        let user = self.bot_user(id).await?;
        self.store_bot_token(&user, expiry).await
    }

    /// `GET /users/token/{id}` (admin): the current token, or `None` when it was revoked.
    pub async fn bot_token(&self, caller: &Principal, id: &str) -> Result<Option<AuthMechanism>, AccountError> {
        self.require_admin(caller).await?;
        let user = self.bot_user(id).await?;
        self.current_bot_token(&user).await
    }

    /// The current token of a bot, for `tessera token bot NAME` on the host.
    pub async fn bot_token_by_name(&self, name: &str) -> Result<Option<AuthMechanism>, AccountError> {
        let user = self.user_by_name(name).await?;
        if !user.is_bot {
            return Err(AccountError::bad_request("not_a_bot", format!("{name} is not a bot")));
        }
        self.current_bot_token(&user).await
    }

    async fn current_bot_token(&self, user: &UserRow) -> Result<Option<AuthMechanism>, AccountError> {
        let Some(row) = self.store.bot_credential(&user.id).await? else { return Ok(None) };
        let token = self.secrets.open(&row.token_encrypted).ok_or_else(|| {
            AccountError::bad_request(
                "secret_unreadable",
                "the stored bot token cannot be decrypted (FERNET_KEY or the signing key changed); generate a new token",
            )
        })?;
        Ok(Some(AuthMechanism { token, expiry: row.expiry, expires_at: row.expires_at_ms }))
    }

    /// `PUT /users/revokeToken` (admin).
    pub async fn revoke_bot_token(&self, caller: &Principal, id: &str) -> Result<UserRow, AccountError> {
        self.require_admin(caller).await?;
        let user = self.bot_user(id).await?;
        self.store.revoke_bot_credential(&user.id).await?;
        self.sync_revocation().await?;
        Ok(user)
    }

    /// `PUT /users/security/token`: a personal access token for the caller (never a bot).
    pub async fn create_personal_token(
        &self,
        caller: &Principal,
        name: &str,
        expiry: Expiry,
    ) -> Result<PersonalToken, AccountError> {
        if caller.is_bot {
            return Err(AccountError::bad_request(
                "NO_PERSONAL_TOKEN_FOR_BOTS",
                "Bots cannot have a Personal Access Token.",
            ));
        }
        if expiry == Expiry::Unlimited {
            return Err(AccountError::bad_request(
                "unlimited_personal_token",
                "Personal access tokens must expire; choose OneHour, 1, 7, 30, 60 or 90",
            ));
        }
        let user = self.require_user_of(caller).await?.as_ref().clone();
        let limit = self.config.tokens.max_personal_tokens;
        let live = self
            .store
            .personal_tokens(&user.id)
            .await?
            .iter()
            .filter(|t| t.expires_at_ms.is_none_or(|at| at > now_ms()))
            .count();
        if live as u64 >= limit {
            return Err(AccountError::bad_request(
                "personal_token_limit",
                format!(
                    "{} already holds {live} personal access tokens, the most allowed (TESSERA_MAX_PERSONAL_TOKENS={limit}); \
                     revoke some first",
                    user.name
                ),
            ));
        }
        let minted = self.mint_for(&user, TokenType::PersonalAccess, expiry);
        let row = PersonalTokenRow {
            id: new_id(),
            user_id: user.id.clone(),
            name: if name.trim().is_empty() { "token".into() } else { name.trim().into() },
            token_hash: TokenHash::of(&minted.token).to_hex(),
            expiry: expiry.as_str().into(),
            expires_at_ms: minted.expires_at_ms,
            created_at: now_ms(),
        };
        self.store.insert_personal_token(&row).await?;
        self.sync_revocation().await?;
        Ok(PersonalToken::from_row(row, Some(minted.token)))
    }

    /// The user whose tokens are listed or revoked: the caller, or `username` for an admin.
    async fn token_owner(&self, caller: &Principal, username: Option<&str>) -> Result<UserRow, AccountError> {
        match username.filter(|u| !u.eq_ignore_ascii_case(&caller.name)) {
            Some(other) => {
                self.require_admin(caller).await?;
                self.user_by_name(other).await
            }
            None => Ok(self.require_user_of(caller).await?.as_ref().clone()),
        }
    }

    pub async fn personal_tokens(
        &self,
        caller: &Principal,
        username: Option<&str>,
    ) -> Result<Vec<PersonalToken>, AccountError> {
        let owner = self.token_owner(caller, username).await?;
        Ok(self.store.personal_tokens(&owner.id).await?.into_iter().map(|r| PersonalToken::from_row(r, None)).collect())
    }

    /// `PUT /users/security/token/revoke`: returns the tokens left.
    pub async fn revoke_personal_tokens(
        &self,
        caller: &Principal,
        username: Option<&str>,
        ids: &[String],
        all: bool,
    ) -> Result<Vec<PersonalToken>, AccountError> {
        let owner = self.token_owner(caller, username).await?;
        self.store.delete_personal_tokens(&owner.id, if all { None } else { Some(ids) }).await?;
        self.sync_revocation().await?;
        Ok(self.store.personal_tokens(&owner.id).await?.into_iter().map(|r| PersonalToken::from_row(r, None)).collect())
    }
}
