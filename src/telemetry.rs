//! Logging: `RUST_LOG` picks what is shown (info by default). Beside the log, a
//! layer counts the statements sent to the database for `/metrics`.

use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Installs the global subscriber once, with the statement counter; later calls
/// (tests) are ignored.
pub fn init() {
    let filter = env_filter("info,sqlx=warn,tower_http=info");
    let _ = tracing_subscriber::registry()
        .with(fmt::layer().with_target(false).with_filter(filter))
        .with(crate::metrics::statement_layer())
        .try_init();
    crate::metrics::install();
}

/// As [`init`], writing one JSON object per line (`--log-format json`), with
/// the fields of the request's span (its id, method and path) in each.
pub fn init_json() {
    let filter = env_filter("info,sqlx=warn,tower_http=info");
    let _ = tracing_subscriber::registry()
        .with(
            fmt::layer()
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .with_filter(filter),
        )
        .with(crate::metrics::statement_layer())
        .try_init();
    crate::metrics::install();
}

/// As [`init`], with another default for when `RUST_LOG` is not set, and no
/// statement counter: a bulk import's statements are long, expected, and not
/// worth formatting each for a counter nobody scrapes.
pub fn init_with(default: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(env_filter(default))
        .with_target(false)
        .try_init();
}

fn env_filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
}

/// Counts statements for `/metrics` and logs nothing: for tests, which start
/// servers without [`init`]. A program embedding guanxi installs its own
/// subscriber with [`crate::metrics::statement_layer`] in it instead. Ignored
/// when a subscriber is already installed.
pub fn count_statements() {
    let _ = tracing_subscriber::registry()
        .with(crate::metrics::statement_layer())
        .try_init();
}
