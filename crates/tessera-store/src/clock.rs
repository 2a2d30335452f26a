//! The wall clock, in the units entities and tokens use: one place for every crate.

fn since_epoch() -> std::time::Duration {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
}

/// Milliseconds since the Unix epoch (`updatedAt`, statuses, rows).
pub fn now_millis() -> i64 {
    since_epoch().as_millis() as i64
}

/// Seconds since the Unix epoch (JWT `iat`/`exp`, sessions).
pub fn now_seconds() -> i64 {
    since_epoch().as_secs() as i64
}

/// Seconds since the Unix epoch as of the kernel's last timer tick (at most a few milliseconds
/// behind [`now_seconds`]): ~2 ns to read instead of ~24. For re-checking, on every request, the
/// expiry of a token verified earlier, where being a tick late only errs by those milliseconds;
/// never for a date a token is issued with or first checked against.
pub fn coarse_now_seconds() -> i64 {
    #[cfg(target_os = "linux")]
    {
        rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse).tv_sec
    }
    #[cfg(not(target_os = "linux"))]
    {
        now_seconds()
    }
}

/// A monotonic instant as of the kernel's last timer tick (the same clock as
/// [`std::time::Instant`], read in ~2 ns instead of ~16): for ages of memos read on every request.
pub fn coarse_monotonic() -> std::time::Duration {
    #[cfg(target_os = "linux")]
    {
        let now = rustix::time::clock_gettime(rustix::time::ClockId::MonotonicCoarse);
        std::time::Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
    }
    #[cfg(not(target_os = "linux"))]
    {
        static START: std::sync::LazyLock<std::time::Instant> = std::sync::LazyLock::new(std::time::Instant::now);
        START.elapsed()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn coarse_clocks_follow_the_precise_ones() {
        let (precise, coarse) = (super::now_seconds(), super::coarse_now_seconds());
        assert!((precise - coarse).abs() <= 1, "{precise} vs {coarse}");
        let first = super::coarse_monotonic();
        std::thread::sleep(std::time::Duration::from_millis(30));
        let waited = super::coarse_monotonic() - first;
        assert!(waited >= std::time::Duration::from_millis(20), "{waited:?}");
    }
}
