//! Logging: `RUST_LOG` picks what is shown (info by default). Beside the log, a
//! layer counts the statements sent to the database for `/metrics`.

use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init() {
    init_with("info,sqlx=warn,tower_http=info");
}

/// As [`init`], with another default for when `RUST_LOG` is not set (a bulk
/// import's long statements are expected, not worth a warning each).
pub fn init_with(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::registry()
        .with(fmt::layer().with_target(false).with_filter(filter))
        .with(crate::metrics::statement_layer())
        .try_init();
    crate::metrics::install();
}

/// For a server started without [`init`] (tests, a program embedding guanxi):
/// statements are counted for `/metrics` and nothing is logged. Ignored when a
/// subscriber is already installed.
pub fn count_statements() {
    let _ = tracing_subscriber::registry()
        .with(crate::metrics::statement_layer())
        .try_init();
}
