//! Reading users, signing up (compat §5.5), creating, updating and deleting them.

use super::bootstrap::new_user;
use super::{AccountError, Accounts, Identity, now_ms};
use crate::Principal;
use serde::Deserialize;
use tessera_config::SYSTEM_BOTS;
use tessera_store::AccountStore;
use tessera_store::UserRow;

/// The original's `CreateUser` body (fields Tessera uses; others are ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUser {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_admin: Option<bool>,
    #[serde(default)]
    pub is_bot: Option<bool>,
    /// Role and team names or ids; kept by the authorizer, not here (admins only).
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    #[serde(default)]
    pub teams: Option<Vec<String>>,
}

pub struct UserPage {
    pub users: Vec<UserRow>,
    pub total: i64,
}

impl Accounts {
    /// `GET /users/loggedInUser`: 404 `user instance for <name> not found` before sign-up.
    pub async fn logged_in_user(&self, caller: &Principal) -> Result<std::sync::Arc<UserRow>, AccountError> {
        self.require_user_of(caller).await
    }

    pub async fn list_users(
        &self,
        limit: i64,
        after: Option<&str>,
        bots: Option<bool>,
        include_deleted: bool,
    ) -> Result<UserPage, AccountError> {
        let (users, total) = self.store.list_users(limit, after, bots, include_deleted).await?;
        Ok(UserPage { users, total })
    }

    /// `POST /users`: an admin creates anyone; anyone else may only sign themselves up.
    pub async fn create_user(&self, caller: &Principal, request: CreateUser) -> Result<UserRow, AccountError> {
        let request = normalise(request)?;
        let caller_is_admin = self.is_admin(caller).await?;
        if !caller_is_admin {
            self.check_self_signup(caller, &request).await?;
        }
        if request.is_bot.unwrap_or(false) && !caller_is_admin {
            return Err(AccountError::not_admin(&caller.name));
        }
        if self.store.user_by_email(&request.email).await?.is_some()
            || self.store.user_by_name(&request.name).await?.is_some()
        {
            return Err(AccountError::Conflict);
        }
        let admin_principal = self.config.authorizer.admin_principals.contains(&request.name);
        let is_admin = (caller_is_admin && request.is_admin.unwrap_or(false)) || admin_principal;
        let mut user = new_user(&request.name, &request.email, is_admin, request.is_bot.unwrap_or(false));
        user.display_name = request.display_name;
        user.description = request.description;
        user.updated_by = caller.name.clone();
        if !caller_is_admin {
            user.last_login_time = Some(now_ms());
            // The provider account signing up is the user's from now on.
            user.issuer = caller.account.as_ref().map(|a| a.issuer.clone());
            user.subject = caller.account.as_ref().map(|a| a.subject.clone());
        }
        self.store.insert_user(&user).await?;
        self.sync_revocation().await?;
        Ok(user)
    }

    async fn check_self_signup(&self, caller: &Principal, request: &CreateUser) -> Result<(), AccountError> {
        match self.identify(caller).await? {
            // An existing non-admin creating someone else.
            Identity::User(_) => return Err(AccountError::not_admin(&caller.name)),
            Identity::Stranger(why) => return Err(why.error(&caller.name)),
            Identity::Absent => {}
        }
        if !self.config.authentication.enable_self_signup {
            return Err(AccountError::forbidden(
                "SELF_SIGNUP_NOT_ENABLED",
                "Self Signup is not enabled. Please contact your Administrator for assistance with account creation",
            ));
        }
        if caller.name != request.name || caller.is_bot {
            return Err(AccountError::forbidden(
                "OTHER_USER_SIGN_UP_ERROR",
                "Self Signup can only create user for self. Only Admin can create other users.",
            ));
        }
        if !request.email.eq_ignore_ascii_case(&caller.email) {
            return Err(AccountError::forbidden(
                "OTHER_EMAIL_SIGN_UP_ERROR",
                format!(
                    "Self Signup can only use the signed-in account's own email ({}), not {}",
                    caller.email, request.email
                ),
            ));
        }
        if self.config.authorizer.admin_principals.contains(&request.name) && !self.in_principal_domain(&request.email)
        {
            return Err(AccountError::forbidden(
                "ADMIN_PRINCIPAL_DOMAIN_ERROR",
                format!(
                    "{} is an admin principal (AUTHORIZER_ADMIN_PRINCIPALS): it can be claimed only with an email of \
                     {}; sign in with that account",
                    request.name,
                    self.admin_domains().join(" or ")
                ),
            ));
        }
        // `isAdmin` in a self sign-up is ignored (forced false), as the compat notes advise.
        Ok(())
    }

    /// The domains an admin principal's email may have: the principal domain, and the allowed
    /// domains when they are configured.
    fn admin_domains(&self) -> Vec<String> {
        let authz = &self.config.authorizer;
        std::iter::once(authz.principal_domain.clone()).chain(authz.allowed_domains.iter().cloned()).collect()
    }

    pub(crate) fn in_principal_domain(&self, email: &str) -> bool {
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        self.admin_domains().iter().any(|d| d.eq_ignore_ascii_case(domain))
    }

    /// `PUT /users`: create, or update display name and description. Admins may also change
    /// `isAdmin`; nobody turns a user into a bot or a bot into an admin here.
    pub async fn create_or_update_user(
        &self,
        caller: &Principal,
        request: CreateUser,
    ) -> Result<(UserRow, bool), AccountError> {
        let request = normalise(request)?;
        let Some(existing) = self.store.user_by_name(&request.name).await?.filter(|u| !u.deleted) else {
            return Ok((self.create_user(caller, request).await?, true));
        };
        let caller_is_admin = self.is_admin(caller).await?;
        let is_themselves = matches!(self.identify(caller).await?, Identity::User(ref u) if u.id == existing.id);
        if !is_themselves && !caller_is_admin {
            return Err(AccountError::forbidden(
                "not_allowed",
                format!("Principal: CatalogPrincipal{{name='{}'}} operations [EditAll] not allowed", caller.name),
            ));
        }
        let wants_admin = request.is_admin.unwrap_or(existing.is_admin);
        if wants_admin != existing.is_admin && !caller_is_admin {
            return Err(AccountError::not_admin(&caller.name));
        }
        if request.is_bot.is_some_and(|b| b != existing.is_bot) {
            return Err(AccountError::bad_request("bot_flag_immutable", "isBot cannot be changed on an existing user"));
        }
        if wants_admin && existing.is_bot {
            return Err(AccountError::bad_request("bot_cannot_be_admin", "A bot cannot be an admin"));
        }
        let display_name = request.display_name.or(existing.display_name.clone());
        let description = request.description.or(existing.description.clone());
        if (&display_name, &description, wants_admin)
            == (&existing.display_name, &existing.description, existing.is_admin)
        {
            return Ok((existing, false)); // the same request again: no new version
        }
        let updated = UserRow {
            display_name,
            description,
            is_admin: wants_admin,
            version: tessera_store::next_version(existing.version),
            updated_at: now_ms(),
            updated_by: caller.name.clone(),
            ..existing
        };
        self.store.update_user(&updated).await?;
        self.sync_revocation().await?;
        Ok((updated, false))
    }

    /// Stores a user the authorizer allowed a patch of (`PATCH /users/{id}`), then follows the
    /// change like any other (an admin flag taken away stops working at once).
    pub async fn save_patched_user(&self, user: &UserRow) -> Result<(), AccountError> {
        self.store.update_user(user).await?;
        self.sync_revocation().await
    }

    /// `DELETE /users/{id}` (admin). Soft delete keeps the row; either way its tokens stop working.
    pub async fn delete_user(&self, caller: &Principal, id: &str, hard: bool) -> Result<UserRow, AccountError> {
        self.require_admin(caller).await?;
        let user = self.store.user_by_id(id).await?.ok_or_else(|| AccountError::user_not_found(id))?;
        if SYSTEM_BOTS.contains(&user.name.as_str()) {
            return Err(AccountError::bad_request(
                "system_entity",
                format!("{} is a system bot and cannot be deleted", user.name),
            ));
        }
        if hard {
            self.store.delete_user(id).await?;
        } else {
            let deleted = UserRow {
                deleted: true,
                version: tessera_store::next_version(user.version),
                updated_at: now_ms(),
                updated_by: caller.name.clone(),
                ..user.clone()
            };
            self.store.update_user(&deleted).await?;
        }
        self.sync_revocation().await?;
        Ok(UserRow { deleted: true, ..user })
    }
}

/// Lower-cases name and email and checks them, as the original does.
fn normalise(mut request: CreateUser) -> Result<CreateUser, AccountError> {
    request.name = request.name.trim().to_lowercase();
    request.email = request.email.trim().to_lowercase();
    if request.name.is_empty() || request.name.len() > 256 || request.name.contains(['/', '@']) {
        return Err(AccountError::bad_request("invalid_name", "name must be 1 to 256 characters without / or @"));
    }
    let valid_email = request
        .email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'));
    if !valid_email {
        return Err(AccountError::bad_request(
            "invalid_email",
            format!("email must match \"^\\S+@\\S+\\.\\S+$\": {:?}", request.email),
        ));
    }
    Ok(request)
}
