//! Freed memory goes back to the system while the server is quiet.
//!
//! mimalloc holds freed memory for a purge delay (1 s), then returns it, but only when some
//! thread calls into it again: an idle server would keep for good what start-up freed (about
//! 10 MiB: the search index's first catch-up, seeding, migrations) or what a burst of requests
//! left. A task asks mimalloc to collect: forced (everything free, at once) every
//! [`START_UP_PERIOD`] during [`START_UP_WINDOW`], then respecting the delay every [`PERIOD`], so a
//! busy server keeps the memory it is about to reuse.

use std::time::Duration;
use tokio::time::Instant;

/// How long start-up's transient allocations are taken to last.
const START_UP_WINDOW: Duration = Duration::from_secs(10);
const START_UP_PERIOD: Duration = Duration::from_millis(250);
const PERIOD: Duration = Duration::from_secs(2);

pub fn spawn_upkeep() -> tokio::task::JoinHandle<()> {
    tokio::spawn(async {
        let started = Instant::now();
        while started.elapsed() < START_UP_WINDOW {
            tokio::time::sleep(START_UP_PERIOD).await;
            collect(true);
        }
        loop {
            tokio::time::sleep(PERIOD).await;
            collect(false);
        }
    })
}

/// mimalloc's collection on this thread's heap and its arenas' pending purges; `force` purges
/// without waiting for the delay.
fn collect(force: bool) {
    // SAFETY: mi_collect takes no pointers; it is safe to call from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(force) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This process's resident anonymous memory, in MiB (Linux).
    fn anonymous_mib() -> f64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        let line = status.lines().find(|l| l.starts_with("RssAnon:")).expect("RssAnon in /proc/self/status");
        line.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()).expect("a number of kB") / 1024.0
    }

    #[test]
    fn a_forced_collection_returns_what_another_thread_freed() {
        // The test binary uses main.rs's global allocator: mimalloc.
        let before = anonymous_mib();
        std::thread::spawn(|| {
            let blocks: Vec<Vec<u8>> = (0..64).map(|i| vec![i as u8; 1 << 20]).collect();
            std::hint::black_box(&blocks);
        })
        .join()
        .expect("the allocating thread");
        let freed_but_kept = anonymous_mib();
        collect(true);
        let after = anonymous_mib();
        assert!(
            freed_but_kept - before > 32.0,
            "the 64 MiB were not held at all ({before:.1} → {freed_but_kept:.1} MiB)"
        );
        assert!(after < before + 16.0, "collect kept the memory: {before:.1} → {freed_but_kept:.1} → {after:.1} MiB");
    }
}
