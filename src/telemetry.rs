//! Logging: `RUST_LOG` picks what is shown (info by default).

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init() {
    init_with("info,sqlx=warn,tower_http=info");
}

/// As [`init`], with another default for when `RUST_LOG` is not set (a bulk
/// import's long statements are expected, not worth a warning each).
pub fn init_with(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
