//! Logs to stderr as text or JSON (TESSERA_LOG_FORMAT), at LOG_LEVEL unless RUST_LOG says otherwise.

use tessera_config::{LogConfig, LogFormat};
use tracing_subscriber::EnvFilter;

pub fn init(config: &LogConfig) {
    // sqlx logs every statement at info; keep that for debugging only.
    let default = format!("{},sqlx=warn", config.level.directive());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    // Colours only on a terminal: a log file or collector would get escape codes in every field.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let _ = match config.format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
