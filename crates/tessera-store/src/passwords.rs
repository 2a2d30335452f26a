//! Password sign-in's data: password hashes (argon2id PHC strings made by the caller; no password
//! bytes are ever stored), failed logins per email, refresh tokens and signed-out access tokens
//! (SHA-256 hashes only). Signing out records a change in the feed, so every replica's revocation
//! state learns the token.

use crate::ChangeFeed;
use crate::query::{exec, fetch};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct Hash {
    hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct LoginFailures {
    pub failures: i64,
    /// Epoch seconds.
    pub last_failed_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefreshTokenRow {
    pub user_id: String,
    pub expires_at: i64,
}

#[derive(sqlx::FromRow)]
struct TokenHashRow {
    token_hash: String,
}

pub trait PasswordStore {
    /// Sets (or replaces) a user's password hash.
    fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Sets a user's first password hash; false (and nothing changed) when one exists, e.g. set by
    /// another replica starting at the same moment.
    fn set_first_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        now: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn password_hash(&self, user_id: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    fn login_failures(&self, email: &str) -> impl Future<Output = Result<Option<LoginFailures>, StoreError>> + Send;

    /// Counts one more failed login for `email`; a count older than `forget_before` starts over,
    /// and other emails' counts that old are dropped (unknown emails count too, so the table stays
    /// as small as the failures of one block period). Returns the count now.
    fn record_login_failure(
        &self,
        email: &str,
        now: i64,
        forget_before: i64,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    fn clear_login_failures(&self, email: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn insert_refresh_token(
        &self,
        token_hash: &str,
        user_id: &str,
        expires_at: i64,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes a refresh token and returns what it was for: each one is used once.
    fn take_refresh_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<RefreshTokenRow>, StoreError>> + Send;

    /// Drops every refresh token of a user (a changed password ends the other sessions' renewals).
    fn delete_refresh_tokens(&self, user_id: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records an access token as signed out until it expires, in the change feed too.
    fn sign_out_token(&self, token_hash: &str, expires_at: i64) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The signed-out tokens not yet expired at `now`; drops the expired ones.
    fn signed_out_tokens(&self, now: i64) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}

impl PasswordStore for Store {
    async fn set_password_hash(&self, user_id: &str, hash: &str, now: i64) -> Result<(), StoreError> {
        exec!(
            self,
            "INSERT INTO user_passwords (user_id, hash, changed_at) VALUES (?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, changed_at = excluded.changed_at",
            user_id,
            hash,
            now,
        )?;
        Ok(())
    }

    async fn set_first_password_hash(&self, user_id: &str, hash: &str, now: i64) -> Result<bool, StoreError> {
        let inserted = exec!(
            self,
            "INSERT INTO user_passwords (user_id, hash, changed_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
            user_id,
            hash,
            now,
        )?;
        Ok(inserted == 1)
    }

    async fn password_hash(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let row = fetch!(self, Hash, fetch_optional, "SELECT hash FROM user_passwords WHERE user_id = ?", user_id)?;
        Ok(row.map(|r| r.hash))
    }

    async fn login_failures(&self, email: &str) -> Result<Option<LoginFailures>, StoreError> {
        fetch!(
            self,
            LoginFailures,
            fetch_optional,
            "SELECT failures, last_failed_at FROM login_failures WHERE email = ?",
            email,
        )
    }

    async fn record_login_failure(&self, email: &str, now: i64, forget_before: i64) -> Result<i64, StoreError> {
        // One statement, so two replicas counting at once both count.
        let row = fetch!(
            self,
            LoginFailures,
            fetch_one,
            "INSERT INTO login_failures (email, failures, last_failed_at) VALUES (?, 1, ?) \
             ON CONFLICT (email) DO UPDATE SET \
               failures = CASE WHEN login_failures.last_failed_at < ? THEN 1 ELSE login_failures.failures + 1 END, \
               last_failed_at = excluded.last_failed_at \
             RETURNING failures, last_failed_at",
            email,
            now,
            forget_before,
        )?;
        exec!(self, "DELETE FROM login_failures WHERE last_failed_at < ?", forget_before)?;
        Ok(row.failures)
    }

    async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError> {
        exec!(self, "DELETE FROM login_failures WHERE email = ?", email)?;
        Ok(())
    }

    async fn insert_refresh_token(
        &self,
        token_hash: &str,
        user_id: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        exec!(
            self,
            "INSERT INTO refresh_tokens (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
            token_hash,
            user_id,
            expires_at,
            now,
        )?;
        // The user's expired ones go, so a user's rows are bounded by the logins of 30 days.
        exec!(self, "DELETE FROM refresh_tokens WHERE user_id = ? AND expires_at < ?", user_id, now)?;
        Ok(())
    }

    async fn take_refresh_token(&self, token_hash: &str) -> Result<Option<RefreshTokenRow>, StoreError> {
        fetch!(
            self,
            RefreshTokenRow,
            fetch_optional,
            "DELETE FROM refresh_tokens WHERE token_hash = ? RETURNING user_id, expires_at",
            token_hash,
        )
    }

    async fn delete_refresh_tokens(&self, user_id: &str) -> Result<(), StoreError> {
        exec!(self, "DELETE FROM refresh_tokens WHERE user_id = ?", user_id)?;
        Ok(())
    }

    async fn sign_out_token(&self, token_hash: &str, expires_at: i64) -> Result<(), StoreError> {
        exec!(
            self,
            "INSERT INTO signed_out_tokens (token_hash, expires_at) VALUES (?, ?) ON CONFLICT (token_hash) DO NOTHING",
            token_hash,
            expires_at,
        )?;
        self.record_change("sign-out").await
    }

    async fn signed_out_tokens(&self, now: i64) -> Result<Vec<String>, StoreError> {
        exec!(self, "DELETE FROM signed_out_tokens WHERE expires_at < ?", now)?;
        let rows = fetch!(
            self,
            TokenHashRow,
            fetch_all,
            "SELECT token_hash FROM signed_out_tokens WHERE expires_at >= ?",
            now
        )?;
        Ok(rows.into_iter().map(|r| r.token_hash).collect())
    }
}
