//! Password sign-in (`AUTHENTICATION_PROVIDER=basic`) with the original's shapes: login, sign-up,
//! refresh, logout and change of password. Unlike the original: passwords are hashed with argon2id;
//! an unknown email, a bot and a wrong password get the same answer, counted the same, in the same
//! time (no user enumeration); failed logins are counted in the database, so a block holds on every
//! replica; a refresh token is used once; admin principals cannot be claimed by sign-up.

use super::bootstrap::new_user;
use super::{AccountError, Accounts, now_ms};
use crate::password_hash;
use crate::verify::{Principal, TokenHash};
use crate::{Subject, TokenType};
use base64::Engine;
use serde::{Deserialize, Serialize};
use tessera_config::password_policy;
use tessera_store::{AccountStore, PasswordStore, UserRow};

const INVALID_LOGIN: &str = "You have entered an invalid username or password.";
const REFRESH_TOKEN_SECONDS: i64 = 30 * 24 * 3600;

/// `POST /api/v1/users/login`: the password is base64, as the original's UI sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// `POST /api/v1/users/signup`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registration {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
}

/// `PUT /api/v1/users/changePassword`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePassword {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub old_password: Option<String>,
    pub new_password: String,
    pub confirm_password: String,
    #[serde(default)]
    pub request_type: Option<String>,
}

/// What a login or a refresh answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtResponse {
    pub token_type: &'static str,
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token expires, in epoch milliseconds (the original's meaning).
    pub expiry_duration: i64,
}

/// A successful login: the tokens, and with LDAP group settings the roles the directory gives
/// (for the authorizer to store).
#[derive(Debug)]
pub struct LoginOutcome {
    pub tokens: JwtResponse,
    pub user_id: String,
    pub directory_roles: Option<DirectoryRoles>,
}

/// The roles a user's directory groups map to (the admin role left out: it is the admin flag),
/// and which of a user's roles the directory decides (`AUTH_REASSIGN_ROLES`).
#[derive(Debug)]
pub struct DirectoryRoles {
    pub mapped: Vec<String>,
    pub rule: tessera_config::RoleReassignment,
}

impl DirectoryRoles {
    /// The user's roles after this sign-in, given the ones they have.
    pub fn roles_after(&self, current: &[String]) -> Vec<String> {
        self.rule.roles_after(current, &self.mapped)
    }
}

fn unauthorized(reason: &'static str, message: impl Into<String>) -> AccountError {
    AccountError::Unauthorized { message: message.into(), reason }
}

impl Accounts {
    /// Passwords kept by Tessera (sign-up, change of password): `basic` only.
    fn require_passwords(&self) -> Result<(), AccountError> {
        self.require_provider(&["basic"])
    }

    /// Password sign-in of either kind (login, refresh, logout): `basic` or `ldap`.
    fn require_password_sign_in(&self) -> Result<(), AccountError> {
        self.require_provider(&["basic", "ldap"])
    }

    fn require_provider(&self, allowed: &[&str]) -> Result<(), AccountError> {
        if allowed.contains(&self.config.authentication.provider.as_str()) {
            return Ok(());
        }
        Err(AccountError::forbidden(
            "authenticator_operation_not_supported",
            format!(
                "Operation is not permitted with the Selected Authenticator. This server signs people in with {} \
                 (AUTHENTICATION_PROVIDER), not with passwords",
                self.config.authentication.provider
            ),
        ))
    }

    pub async fn login(&self, request: LoginRequest) -> Result<LoginOutcome, AccountError> {
        self.require_password_sign_in()?;
        let password = decode_password(&request.password)?;
        let email = request.email.trim().to_lowercase();
        let now = now_seconds();
        self.refuse_if_blocked(&email, now).await?;
        if let Some(directory) = &self.directory {
            return self.login_with_directory(directory, &email, &password, now).await;
        }
        let user = match self.store.user_by_email(&email).await? {
            Some(user) if !user.is_bot && !user.deleted => Some(user),
            _ => None,
        };
        let stored = match &user {
            Some(user) => self.store.password_hash(&user.id).await?,
            None => None,
        };
        let matches = match &stored {
            Some(phc) => verify_off_thread(password, phc.clone()).await,
            None => {
                spend_off_thread(password).await;
                false
            }
        };
        let (Some(user), true) = (user, matches) else {
            return Err(self.refuse_login(&email, now).await);
        };
        self.store.clear_login_failures(&email).await?;
        let tokens = self.issue_tokens(&user, now).await?;
        Ok(LoginOutcome { tokens, user_id: user.id, directory_roles: None })
    }

    /// Counts a failed login for `email` and returns the one answer every failure gets.
    async fn refuse_login(&self, email: &str, now: i64) -> AccountError {
        let forget_before = now - self.config.login.block_seconds as i64;
        match self.store.record_login_failure(email, now, forget_before).await {
            Ok(failures) => {
                tracing::info!(failures, "password login refused");
                unauthorized("invalid_credentials", INVALID_LOGIN)
            }
            Err(error) => error.into(),
        }
    }

    /// LDAP: the directory checks the password; the Tessera user is found by email, or created on
    /// the first sign-in when self sign-up is on.
    async fn login_with_directory(
        &self,
        directory: &Result<crate::ldap::Directory, String>,
        email: &str,
        password: &str,
        now: i64,
    ) -> Result<LoginOutcome, AccountError> {
        use crate::ldap::DirectoryError;
        let directory = directory.as_ref().map_err(|why| AccountError::Unavailable(why.clone()))?;
        let unavailable = |why: String| {
            tracing::warn!(%why, "LDAP sign-in failed: directory unavailable");
            AccountError::Unavailable(format!("{why}; try again shortly"))
        };
        let dn = match directory.authenticate(email, password).await {
            Ok(dn) => dn,
            Err(DirectoryError::Refused) => return Err(self.refuse_login(email, now).await),
            Err(DirectoryError::Unavailable(why)) => return Err(unavailable(why)),
        };
        let roles = match directory.roles_of(&dn).await {
            Ok(roles) => roles,
            Err(DirectoryError::Refused) => None,
            Err(DirectoryError::Unavailable(why)) => return Err(unavailable(why)),
        };
        let mut user = match self.store.user_by_email(email).await? {
            Some(user) if user.is_bot || user.deleted => return Err(self.refuse_login(email, now).await),
            Some(user) => user,
            None => self.first_directory_sign_in(email).await?,
        };
        let groups = self.config.ldap.as_ref().and_then(|l| l.groups.as_ref());
        let directory_roles = match (roles, groups) {
            (Some(roles), Some(groups)) => {
                // The role named AUTHENTICATION_USER_ROLE_ADMIN_NAME is the admin flag, not a role.
                let admin_role = groups.admin_role.as_str();
                let is_admin_role = |r: &String| !admin_role.is_empty() && r == admin_role;
                let admin =
                    roles.iter().any(is_admin_role) || self.config.authorizer.admin_principals.contains(&user.name);
                if groups.reassign.decides_admin(admin_role) && admin != user.is_admin {
                    user = self.set_admin_flag(user, admin).await?;
                }
                let mapped = roles.into_iter().filter(|r| !is_admin_role(r)).collect();
                Some(DirectoryRoles { mapped, rule: groups.reassign.clone() })
            }
            _ => None,
        };
        self.store.clear_login_failures(email).await?;
        let tokens = self.issue_tokens(&user, now).await?;
        Ok(LoginOutcome { tokens, user_id: user.id, directory_roles })
    }

    async fn set_admin_flag(&self, user: UserRow, admin: bool) -> Result<UserRow, AccountError> {
        let changed = UserRow {
            is_admin: admin,
            version: tessera_store::next_version(user.version),
            updated_at: now_ms(),
            updated_by: "system".into(),
            ..user
        };
        self.store.update_user(&changed).await?;
        tracing::info!(user = %changed.name, admin, "admin flag taken from the directory's groups");
        self.sync_revocation().await?;
        Ok(changed)
    }

    async fn first_directory_sign_in(&self, email: &str) -> Result<UserRow, AccountError> {
        if !self.config.authentication.enable_self_signup {
            return Err(AccountError::forbidden(
                "SELF_SIGNUP_NOT_ENABLED",
                "Self Signup is not enabled. Please contact your Administrator for assistance with account creation",
            ));
        }
        let (name, _) = split_email(email)?;
        if self.store.user_by_name(name).await?.is_some() {
            return Err(AccountError::forbidden(
                "name_taken",
                format!("a Tessera user named {name} exists with another email; an administrator must resolve it"),
            ));
        }
        let admin =
            self.config.authorizer.admin_principals.iter().any(|a| a == name) && self.in_principal_domain(email);
        let mut user = new_user(name, email, admin, false);
        user.updated_by = name.to_string();
        self.store.insert_user(&user).await?;
        self.sync_revocation().await?;
        Ok(user)
    }

    /// While `OM_MAX_FAILED_LOGIN_ATTEMPTS` failures are younger than `OM_LOGIN_ACCESS_BLOCK_TIME`,
    /// even the right password is refused.
    async fn refuse_if_blocked(&self, email: &str, now: i64) -> Result<(), AccountError> {
        let limits = self.config.login;
        let Some(failures) = self.store.login_failures(email).await? else { return Ok(()) };
        let until = failures.last_failed_at + limits.block_seconds as i64;
        if failures.failures >= i64::from(limits.max_failed_attempts) && now < until {
            return Err(unauthorized(
                "login_blocked",
                format!(
                    "Failed Login Attempts Exceeded. Use Forgot Password or retry after some time ({} seconds).",
                    until - now
                ),
            ));
        }
        Ok(())
    }

    /// A fresh access token and a single-use refresh token for `user`.
    async fn issue_tokens(&self, user: &UserRow, now: i64) -> Result<JwtResponse, AccountError> {
        let lifetime = self.config.login.token_seconds as i64;
        let subject = Subject { name: &user.name, email: &user.email, roles: &[], is_bot: false };
        let minted = self.keys.mint_for(&self.config.jwt.issuer, &subject, TokenType::OmUser, Some(lifetime), now);
        let refresh_token = crate::mint::random_token();
        let hash = TokenHash::of(&refresh_token).to_hex();
        self.store.insert_refresh_token(&hash, &user.id, now + REFRESH_TOKEN_SECONDS, now).await?;
        Ok(JwtResponse {
            token_type: "Bearer",
            access_token: minted.token,
            refresh_token,
            expiry_duration: (now + lifetime) * 1000,
        })
    }

    pub async fn refresh_login(&self, refresh_token: &str) -> Result<JwtResponse, AccountError> {
        self.require_password_sign_in()?;
        if refresh_token.trim().is_empty() {
            return Err(AccountError::bad_request("refresh_token_missing", "Token Cannot be Null or Empty String"));
        }
        let now = now_seconds();
        let hash = TokenHash::of(refresh_token).to_hex();
        let refused = || unauthorized("refresh_token_invalid", "Invalid or expired refresh token. Please login again");
        let row = self.store.take_refresh_token(&hash).await?.ok_or_else(refused)?;
        if row.expires_at < now {
            return Err(refused());
        }
        let user = match self.store.user_by_id(&row.user_id).await? {
            Some(user) if !user.deleted && !user.is_bot => user,
            _ => return Err(refused()),
        };
        // LDAP: someone removed from the directory stops renewing at once.
        if let Some(directory) = &self.directory {
            let directory = directory.as_ref().map_err(|why| AccountError::Unavailable(why.clone()))?;
            match directory.still_has(&user.email).await {
                Ok(true) => {}
                Ok(false) => return Err(refused()),
                Err(why) => return Err(AccountError::Unavailable(format!("{why}; try again shortly"))),
            }
        }
        self.issue_tokens(&user, now).await
    }

    /// Signs `token` (the caller's own access token) out until it expires, and drops the refresh
    /// token given with it. Every replica refuses the token within a poll of the change feed.
    pub async fn logout(
        &self,
        caller: &Principal,
        token: &str,
        expires_at: Option<i64>,
        refresh_token: Option<&str>,
    ) -> Result<(), AccountError> {
        // Other providers' tokens are theirs to end (the original also signs out only basic ones).
        self.require_password_sign_in()?;
        let now = now_seconds();
        let expires_at = expires_at.unwrap_or(now + self.config.login.token_seconds as i64);
        self.store.sign_out_token(&TokenHash::of(token).to_hex(), expires_at).await?;
        if let Some(refresh_token) = refresh_token.filter(|t| !t.is_empty()) {
            self.store.take_refresh_token(&TokenHash::of(refresh_token).to_hex()).await?;
        }
        tracing::info!(user = %caller.name, "signed out");
        self.sync_revocation().await
    }

    pub async fn signup(&self, request: Registration) -> Result<UserRow, AccountError> {
        self.require_passwords()?;
        if !self.config.authentication.enable_self_signup {
            return Err(AccountError::forbidden(
                "SELF_SIGNUP_NOT_ENABLED",
                "Self Signup is not enabled. Please contact your Administrator for assistance with account creation",
            ));
        }
        let email = request.email.trim().to_lowercase();
        let (name, domain) = split_email(&email)?;
        let allowed = &self.config.authorizer.allowed_registration_domains;
        if !allowed.iter().any(|d| d.eq_ignore_ascii_case("all") || d.eq_ignore_ascii_case(domain)) {
            return Err(AccountError::bad_request(
                "registration_domain_not_allowed",
                "Email with the given domain is not allowed. Contact Administrator",
            ));
        }
        let reserved = self.config.authorizer.admin_principals.iter().any(|a| a == name)
            || self.config.authorizer.bot_principals.iter().any(|b| b.eq_ignore_ascii_case(name))
            || crate::accounts::INGESTION_BOT == name;
        if reserved {
            return Err(AccountError::forbidden(
                "reserved_name",
                format!(
                    "{name} is an admin principal or a bot: such accounts are created by the server, not by sign-up"
                ),
            ));
        }
        password_policy::check(&request.password)
            .map_err(|rule| AccountError::bad_request("password_too_weak", rule))?;
        if self.store.user_by_email(&email).await?.is_some() {
            return Err(AccountError::bad_request("email_exists", "User with Email Already Exists"));
        }
        if self.store.user_by_name(name).await?.is_some() {
            return Err(AccountError::Conflict);
        }
        let mut user = new_user(name, &email, false, false);
        let display = format!("{} {}", request.first_name.trim(), request.last_name.trim()).trim().to_string();
        user.display_name = (!display.is_empty()).then_some(display);
        user.is_email_verified = false;
        user.updated_by = name.to_string();
        let phc = hash_off_thread(request.password).await;
        self.store.insert_user(&user).await?;
        self.store.set_password_hash(&user.id, &phc, now_seconds()).await?;
        self.sync_revocation().await?;
        Ok(user)
    }

    pub async fn change_password(&self, caller: &Principal, request: ChangePassword) -> Result<(), AccountError> {
        self.require_passwords()?;
        if request.new_password != request.confirm_password {
            return Err(AccountError::bad_request("password_mismatch", "Password and Confirm Password should match"));
        }
        password_policy::check(&request.new_password)
            .map_err(|rule| AccountError::bad_request("password_too_weak", rule))?;
        let for_other = request.request_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("USER"));
        let user = if for_other {
            self.require_admin(caller).await?;
            let name = request.username.as_deref().unwrap_or_default().trim().to_lowercase();
            self.store.user_by_name(&name).await?.ok_or_else(|| AccountError::user_not_found(&name))?
        } else {
            let user = self.require_user_of(caller).await?;
            let old = request.old_password.clone().unwrap_or_default();
            let stored = self.store.password_hash(&user.id).await?.unwrap_or_default();
            if !verify_off_thread(old, stored).await {
                return Err(AccountError::bad_request("old_password_wrong", "Old Password is not correct"));
            }
            (*user).clone()
        };
        if user.is_bot {
            return Err(AccountError::forbidden("bot_password", "Bots sign in with tokens, not passwords"));
        }
        let phc = hash_off_thread(request.new_password).await;
        self.store.set_password_hash(&user.id, &phc, now_seconds()).await?;
        // Sessions started with the old password renew no more; their access tokens run out.
        self.store.delete_refresh_tokens(&user.id).await?;
        self.store.clear_login_failures(&user.email).await?;
        Ok(())
    }

    /// At start, with password sign-in: an admin principal without a password gets the one of
    /// `AUTHORIZER_ADMIN_PRINCIPALS` (`name:password`), or a generated one printed once. An
    /// existing password is never replaced.
    pub(crate) async fn ensure_admin_password(&self, user: &UserRow) -> Result<(), AccountError> {
        if self.config.authentication.provider != "basic" || self.store.password_hash(&user.id).await?.is_some() {
            return Ok(());
        }
        let configured = self.config.authorizer.admin_passwords.iter().find(|(name, _)| *name == user.name);
        let (password, generated) = match configured {
            Some((_, password)) => (password.expose().to_string(), false),
            None => (password_hash::generate(), true),
        };
        let phc = hash_off_thread(password.clone()).await;
        let first = self.store.set_first_password_hash(&user.id, &phc, now_seconds()).await?;
        if first && generated {
            // Printed, not logged: it must reach the operator once and stay out of log files.
            eprintln!(
                "\nThe admin {} signs in with the email {} and this generated password (shown once; change it after \
                 signing in):\n\n    {password}\n",
                user.name, user.email
            );
        }
        Ok(())
    }
}

fn now_seconds() -> i64 {
    now_ms() / 1000
}

fn decode_password(encoded: &str) -> Result<String, AccountError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| AccountError::bad_request("password_not_base64", "Password needs to be encoded in Base-64."))?;
    let password = String::from_utf8(bytes)
        .map_err(|_| AccountError::bad_request("password_not_base64", "Password needs to be encoded in Base-64."))?;
    if password.is_empty() {
        return Err(AccountError::bad_request("password_missing", "The password is empty"));
    }
    Ok(password)
}

/// `name@domain.tld` → (name, domain).
fn split_email(email: &str) -> Result<(&str, &str), AccountError> {
    let invalid = || AccountError::bad_request("email_invalid", format!("{email:?} is not an email address"));
    let (name, domain) = email.split_once('@').ok_or_else(invalid)?;
    let plausible = !name.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 127
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@');
    if plausible { Ok((name, domain)) } else { Err(invalid()) }
}

/// At most one argon2 computation per core at once: each takes 19 MiB and tens of milliseconds of
/// CPU, so a flood of logins waits here instead of exhausting memory and the blocking threads.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())))
}

/// Runs password work off the async workers (other requests go on), one slot per core.
async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _slot = hashing_slots().acquire().await.expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work).await.expect("password hashing does not panic")
}

async fn hash_off_thread(password: String) -> String {
    off_thread(move || password_hash::hash(&password)).await
}

async fn verify_off_thread(password: String, phc: String) -> bool {
    off_thread(move || password_hash::verify(&password, &phc)).await
}

async fn spend_off_thread(password: String) {
    off_thread(move || password_hash::verify_nothing(&password)).await
}
