//! Keeps this replica's revocation state equal to the database: reloaded at start, after each
//! local change, and whenever the change feed moves (polled a few times a second, one cheap query
//! per poll, none per request).

use super::{AccountError, Accounts};
use crate::TokenHash;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tessera_store::{ChangeFeed, TokenStore};

/// How often each replica looks at the change feed: revocation reaches it within this.
pub const CHANGE_POLL_INTERVAL: Duration = Duration::from_millis(250);

impl Accounts {
    /// Reloads bot tokens, personal tokens and live users into memory.
    pub async fn sync_revocation(&self) -> Result<(), AccountError> {
        // Held from the read to the replace: the reload that reads last is the one that lands last.
        let _one_at_a_time = self.reloading.lock().await;
        self.forget_users();
        let snapshot = self.store.credential_snapshot().await?;
        let bots: HashMap<String, TokenHash> = snapshot
            .bot_tokens
            .into_iter()
            .filter_map(|(name, hash)| Some((name, TokenHash::from_hex(&hash)?)))
            .collect();
        let personal: HashSet<TokenHash> =
            snapshot.personal_token_hashes.iter().filter_map(|h| TokenHash::from_hex(h)).collect();
        let users: HashSet<String> = snapshot.user_names.into_iter().collect();
        self.revocation.replace(bots, personal, users);
        self.reloaded.send_modify(|n| *n += 1);
        Ok(())
    }

    /// Follows the change feed until the task is dropped or aborted.
    pub fn follow_changes(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut seen = self.store.latest_change().await.unwrap_or(-1);
            let mut ticker = tokio::time::interval(CHANGE_POLL_INTERVAL);
            loop {
                ticker.tick().await;
                match self.store.latest_change().await {
                    Ok(latest) if latest != seen => match self.sync_revocation().await {
                        Ok(()) => seen = latest,
                        Err(error) => tracing::warn!(%error, "cannot reload credentials; will retry"),
                    },
                    Ok(_) => {}
                    // Keep the last known state: a database blip must not lock everyone out.
                    Err(error) => tracing::warn!(%error, "cannot read the change feed; will retry"),
                }
            }
        })
    }
}
