//! Graceful shutdown: SIGTERM or Ctrl-C stop accepting connections on both ports and let in-flight
//! requests finish.

use tokio::sync::watch;

/// A signal every server task can wait on.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Starts listening for SIGTERM and SIGINT.
    pub fn on_signals() -> std::io::Result<Self> {
        let (tx, rx) = watch::channel(false);
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received: draining connections"),
                _ = tokio::signal::ctrl_c() => tracing::info!("interrupt received: draining connections"),
            }
            let _ = tx.send(true);
        });
        Ok(Self(rx))
    }

    pub async fn wait(mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}
