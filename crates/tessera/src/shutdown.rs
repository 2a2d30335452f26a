//! Graceful shutdown in two steps. On SIGTERM or Ctrl-C the server first drains: `/ready`
//! answers 503 while requests are still served, for TESSERA_DRAIN_SECONDS, so a load balancer
//! takes the replica out of rotation; then both ports stop accepting connections and in-flight
//! requests finish.

use std::time::Duration;
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Running,
    Draining,
    Stopping,
}

/// A signal every server task can wait on.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<Phase>);

impl Shutdown {
    /// Starts listening for SIGTERM and SIGINT; stopping follows draining after `drain`.
    pub fn on_signals(drain: Duration) -> std::io::Result<Self> {
        let (tx, rx) = watch::channel(Phase::Running);
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => tracing::info!(drain_seconds = drain.as_secs(), "SIGTERM received: draining connections"),
                _ = tokio::signal::ctrl_c() => tracing::info!(drain_seconds = drain.as_secs(), "interrupt received: draining connections"),
            }
            let _ = tx.send(Phase::Draining);
            if !drain.is_zero() {
                // A second signal cuts the drain short.
                tokio::select! {
                    _ = tokio::time::sleep(drain) => {}
                    _ = term.recv() => tracing::info!("second SIGTERM: stopping now"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("second interrupt: stopping now"),
                }
            }
            tracing::info!("closing the listeners; in-flight requests finish");
            let _ = tx.send(Phase::Stopping);
        });
        Ok(Self(rx))
    }

    /// Resolves when draining starts (readiness turns 503).
    pub async fn draining(mut self) {
        let _ = self.0.wait_for(|phase| *phase >= Phase::Draining).await;
    }

    /// Resolves when the listeners should close.
    pub async fn wait(mut self) {
        let _ = self.0.wait_for(|phase| *phase == Phase::Stopping).await;
    }
}
