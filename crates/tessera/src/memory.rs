//! Freed memory goes back to the system while the server is quiet.
//!
//! mimalloc holds freed memory for a purge delay (1 s), then returns it, but only when the
//! thread holding it calls into mimalloc again: an idle server would keep for good what start-up
//! freed (about 10 MiB: migrations, seeding, the search index's first catch-up) or what a burst
//! left. Much of it is freed on threads that then sleep (SQLite's workers, blocking tasks, the
//! index's writer): a forced collection from another thread does not reach it (bench/README.md).
//! So start-up runs with no purge delay (freed memory is returned at once, by the thread that
//! frees it). Once start-up is over (the search index's first catch-up, at most
//! [`START_UP_LIMIT`]) the delay comes back, as returning every freed page at once costs a busy
//! server a few percent of its requests (bench/README.md), and a task asks mimalloc every
//! [`PERIOD`] to return what has waited out the delay.

use libmimalloc_sys::{mi_collect, mi_option_set, mi_option_t};
use std::time::Duration;

/// Start-up ends here at the latest, even if the search index is still being built.
const START_UP_LIMIT: Duration = Duration::from_secs(30);
const PERIOD: Duration = Duration::from_secs(2);
/// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h` (the Rust bindings have no constant for
/// it); a test fails if a new mimalloc moves it.
const PURGE_DELAY: mi_option_t = 15;
/// mimalloc v3's default purge delay, in milliseconds.
const SERVING_PURGE_DELAY_MS: i64 = 1000;

/// Freed memory is returned at once until [`spawn_upkeep`] sees start-up end. Call first thing
/// in `main`, while it is the only thread.
pub fn purge_at_once() {
    set_purge_delay(0);
}

/// Once `start_up` resolves (or [`START_UP_LIMIT`] passed), restores the purge delay, then
/// collects every [`PERIOD`].
pub fn spawn_upkeep(start_up: impl Future<Output = ()> + Send + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _ = tokio::time::timeout(START_UP_LIMIT, start_up).await;
        collect(true);
        set_purge_delay(SERVING_PURGE_DELAY_MS);
        loop {
            tokio::time::sleep(PERIOD).await;
            collect(false);
        }
    })
}

/// mimalloc's collection of this thread's heap and of the arenas' pending purges; `force` purges
/// without waiting for the delay.
fn collect(force: bool) {
    // SAFETY: mi_collect takes no pointers; any thread may call it at any time.
    unsafe { mi_collect(force) }
}

fn set_purge_delay(milliseconds: i64) {
    // SAFETY: mi_option_set stores one integer in mimalloc's option table. mimalloc reads its
    // options without locks (and fills them in lazily from whichever thread reads first); a
    // reader at the moment of the change sees the old delay or the new one, either is valid.
    unsafe { mi_option_set(PURGE_DELAY, milliseconds as _) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purge_delay() -> i64 {
        // SAFETY: reads one integer from mimalloc's option table.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) as i64 }
    }

    /// This process's resident anonymous memory, in MiB (Linux).
    fn anonymous_mib() -> f64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        let line = status.lines().find(|l| l.starts_with("RssAnon:")).expect("RssAnon in /proc/self/status");
        line.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()).expect("a number of kB") / 1024.0
    }

    #[test]
    fn the_purge_delay_option_is_mimallocs() {
        assert_eq!(purge_delay(), SERVING_PURGE_DELAY_MS, "option {PURGE_DELAY} is not mimalloc's purge delay");
        purge_at_once();
        assert_eq!(purge_delay(), 0);
        set_purge_delay(SERVING_PURGE_DELAY_MS);
        assert_eq!(purge_delay(), SERVING_PURGE_DELAY_MS);
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
