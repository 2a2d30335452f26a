//! Sign-in sessions (confidential client): a pending sign-in (state, nonce, PKCE verifier) and, once
//! signed in, who it is and the provider's tokens (sealed by the caller).

use crate::query::{exec, fetch};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Default, sqlx::FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub pending_state: Option<String>,
    pub pending_nonce: Option<String>,
    pub pending_verifier: Option<String>,
    pub redirect_uri: String,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub principal_name: Option<String>,
    pub email: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// The column list, as a macro so it can be spliced into `'static` SQL with `concat!`.
macro_rules! columns {
    () => {
        "id_hash, pending_state, pending_nonce, pending_verifier, redirect_uri, issuer, subject, principal_name, \
         email, id_token, refresh_token, created_at, last_seen_at, expires_at"
    };
}

/// Browser sign-in sessions.
pub trait SessionStore {
    fn insert_session(&self, row: &SessionRow) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A session that has not expired at `now` (epoch seconds).
    fn session(&self, id_hash: &str, now: i64) -> impl Future<Output = Result<Option<SessionRow>, StoreError>> + Send;

    /// Removes a session; true if it existed. Used to consume a pending sign-in exactly once: of two
    /// callbacks racing with the same state, only one sees `true`.
    fn delete_session(&self, id_hash: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// After a refresh: new (sealed) tokens and the time of last use.
    fn update_session_tokens(
        &self,
        id_hash: &str,
        id_token: Option<&str>,
        refresh_token: Option<&str>,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Drops sessions past their absolute expiry; returns how many.
    fn delete_expired_sessions(&self, now: i64) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

impl SessionStore for Store {
    async fn insert_session(&self, row: &SessionRow) -> Result<(), StoreError> {
        exec!(
            self,
            concat!("INSERT INTO sessions (", columns!(), ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            &row.id_hash,
            &row.pending_state,
            &row.pending_nonce,
            &row.pending_verifier,
            &row.redirect_uri,
            &row.issuer,
            &row.subject,
            &row.principal_name,
            &row.email,
            &row.id_token,
            &row.refresh_token,
            row.created_at,
            row.last_seen_at,
            row.expires_at,
        )?;
        Ok(())
    }

    async fn session(&self, id_hash: &str, now: i64) -> Result<Option<SessionRow>, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM sessions WHERE id_hash = ? AND expires_at > ?");
        fetch!(self, SessionRow, fetch_optional, sql, id_hash, now)
    }

    async fn delete_session(&self, id_hash: &str) -> Result<bool, StoreError> {
        Ok(exec!(self, "DELETE FROM sessions WHERE id_hash = ?", id_hash)? > 0)
    }

    async fn update_session_tokens(
        &self,
        id_hash: &str,
        id_token: Option<&str>,
        refresh_token: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        exec!(
            self,
            "UPDATE sessions SET id_token = ?, refresh_token = ?, last_seen_at = ? WHERE id_hash = ?",
            id_token,
            refresh_token,
            now,
            id_hash
        )?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        exec!(self, "DELETE FROM sessions WHERE expires_at <= ?", now)
    }
}
