//! Keeps this replica's revocation state equal to the database: reloaded at start, after each
//! local change, and whenever the change feed moves (polled a few times a second, one cheap query
//! per poll, none per request).

use super::{AccountError, Accounts};
use crate::TokenHash;
use crate::verify::CatchUp;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
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
        // Read before the snapshot: the snapshot is at least as new as this change.
        let change = self.store.latest_change().await?;
        let snapshot = self.store.credential_snapshot().await?;
        let bots: HashMap<String, TokenHash> = snapshot
            .bot_tokens
            .into_iter()
            .filter_map(|(name, hash)| Some((name, TokenHash::from_hex(&hash)?)))
            .collect();
        let personal: HashSet<TokenHash> =
            snapshot.personal_token_hashes.iter().filter_map(|h| TokenHash::from_hex(h)).collect();
        let users: HashSet<String> = snapshot.user_names.into_iter().collect();
        let signed_out: HashSet<TokenHash> =
            snapshot.signed_out_hashes.iter().filter_map(|h| TokenHash::from_hex(h)).collect();
        self.revocation.replace(bots, personal, users, signed_out);
        self.synced_change.fetch_max(change, Ordering::SeqCst);
        self.reloaded.send_modify(|n| *n += 1);
        Ok(())
    }

    /// Lets the verifier catch up from here when an own token is not known yet (it may come from
    /// another replica a moment ago), instead of refusing it until the next poll.
    pub fn serve_catch_ups(self: &Arc<Self>) {
        let weak: Weak<dyn CatchUp> = Arc::downgrade(self) as Weak<dyn CatchUp>;
        self.revocation.set_source(weak);
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

impl CatchUp for Accounts {
    fn catch_up(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            match self.store.latest_change().await {
                Ok(latest) if latest > self.synced_change.load(Ordering::SeqCst) => {
                    if let Err(error) = self.sync_revocation().await {
                        tracing::warn!(%error, "cannot reload credentials to check a token not known yet");
                    }
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "cannot read the change feed to check a token not known yet"),
            }
        })
    }
}
