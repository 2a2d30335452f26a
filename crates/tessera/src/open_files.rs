//! The open-file limit: each connection holds a descriptor, so Tessera raises its soft limit to the
//! hard limit at start (as most servers do) and derives its connection cap from the result.

use rustix::process::{Resource, getrlimit, setrlimit};

/// Raises the soft open-file limit to the hard one; returns the soft limit now in force.
pub fn raise_to_hard_limit() -> u64 {
    let mut limit = getrlimit(Resource::Nofile);
    let Some(soft) = limit.current else { return u64::MAX };
    if limit.maximum.is_none_or(|hard| hard > soft) {
        let wanted = limit.maximum;
        limit.current = wanted;
        match setrlimit(Resource::Nofile, limit) {
            Ok(()) => {
                let raised = wanted.unwrap_or(u64::MAX);
                tracing::info!(from = soft, to = raised, "open-file limit raised to its hard limit");
                return raised;
            }
            Err(error) => tracing::warn!(%error, soft, "could not raise the open-file limit; keeping it"),
        }
    }
    soft
}
