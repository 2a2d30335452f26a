//! Server-wide key/value settings.

use crate::{Pool, Store, StoreError};

impl Store {
    /// The value stored under `key`, if any.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_scalar("SELECT value FROM tessera_settings WHERE key = ?")
                    .bind(key)
                    .fetch_optional(pool)
                    .await
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar("SELECT value FROM tessera_settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(pool)
                    .await
            }
        };
        result.map_err(|e| self.unavailable(e))
    }

    /// Stores `value` under `key`, replacing any earlier value.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query(
                "INSERT INTO tessera_settings (key, value) VALUES (?, ?) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            )
            .bind(key)
            .bind(value)
            .execute(pool)
            .await
            .map(drop),
            Pool::Postgres(pool) => sqlx::query(
                "INSERT INTO tessera_settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()",
            )
            .bind(key)
            .bind(value)
            .execute(pool)
            .await
            .map(drop),
        };
        result.map_err(|e| self.unavailable(e))
    }

    /// Stores `value` under `key` only if nothing is there yet; returns what is stored afterwards.
    /// Safe when several replicas start at once: exactly one value wins.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("INSERT INTO tessera_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(pool)
                    .await
                    .map(drop)
            }
            Pool::Postgres(pool) => {
                sqlx::query("INSERT INTO tessera_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(pool)
                    .await
                    .map(drop)
            }
        };
        result.map_err(|e| self.unavailable(e))?;
        Ok(self.setting(key).await?.unwrap_or_else(|| value.to_string()))
    }
}
