//! Prometheus metrics: what `GET /metrics` serves (docs/operations.md lists
//! them). Counters and histograms are recorded through the `metrics` crate's
//! macros wherever the work happens; the recorder is process-wide, installed
//! once by the first server.
//!
//! - `guanxi_http_request_duration_seconds{operation}`: GraphQL requests, by
//!   operation name (names past [`MAX_OPERATIONS`], or not plain identifiers,
//!   are counted as `other`, so callers cannot grow the label set without end).
//! - `guanxi_graph_builds_total`, `guanxi_graph_cache_hits_total`: account
//!   graphs built, and found built (or being built by another request).
//! - `guanxi_db_statements_total`: every statement the store sends, counted from
//!   sqlx's own per-statement events (target `sqlx::query`).
//! - `guanxi_db_pool_connections{state}`: the pool's open connections, idle or
//!   in use, read when scraped.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::{Event, Subscriber};
use tracing_subscriber::{
    filter::{LevelFilter, Targets},
    layer::{Context, Layer},
};

/// Distinct operation names given their own label value.
pub const MAX_OPERATIONS: usize = 200;

/// Request durations' bucket bounds, in seconds: a millisecond to a timeout.
const DURATION_BUCKETS: [f64; 14] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
static OPERATIONS: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();

/// Installs the process-wide recorder once; `None` when another recorder was
/// installed first (then only the values read at scrape time are served).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("guanxi_http_request_duration_seconds".into()),
                    &DURATION_BUCKETS,
                )
                .and_then(PrometheusBuilder::install_recorder);
            match built {
                Ok(handle) => {
                    describe();
                    // Installed this way the recorder keeps every histogram
                    // sample until upkeep drains it: without a scrape, memory
                    // would grow with every request.
                    let upkeep = handle.clone();
                    let started = std::thread::Builder::new()
                        .name("metrics-upkeep".into())
                        .spawn(move || loop {
                            std::thread::sleep(std::time::Duration::from_secs(5));
                            upkeep.run_upkeep();
                        });
                    if let Err(e) = started {
                        tracing::warn!(error = %e, "metrics upkeep not started");
                    }
                    Some(handle)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    metrics::describe_histogram!(
        "guanxi_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "GraphQL requests over HTTP, by operation name"
    );
    metrics::describe_counter!(
        "guanxi_graph_builds_total",
        "Account graphs built from storage"
    );
    metrics::describe_counter!(
        "guanxi_graph_cache_hits_total",
        "Account graphs found built, or being built by another request"
    );
    metrics::describe_counter!(
        "guanxi_db_statements_total",
        "Statements sent to the database"
    );
    metrics::describe_gauge!(
        "guanxi_db_pool_connections",
        "Open database connections, by state (idle, in_use)"
    );
}

/// The label an operation's duration is recorded under.
pub fn operation_label(name: Option<&str>) -> String {
    let Some(name) = name.filter(|n| {
        !n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }) else {
        return if name.is_none() { "anonymous" } else { "other" }.to_owned();
    };
    let seen = OPERATIONS.get_or_init(|| Mutex::new(HashSet::new()));
    let Ok(mut seen) = seen.lock() else {
        return "other".to_owned();
    };
    if seen.contains(name) || seen.len() < MAX_OPERATIONS {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

/// The scrape: the recorded metrics, then the pool's connections as they are.
pub fn render(pool_open: u32, pool_idle: u32) -> String {
    metrics::gauge!("guanxi_db_pool_connections", "state" => "idle").set(f64::from(pool_idle));
    metrics::gauge!("guanxi_db_pool_connections", "state" => "in_use")
        .set(f64::from(pool_open.saturating_sub(pool_idle)));
    match install() {
        Some(handle) => handle.render(),
        None => format!(
            "# TYPE guanxi_db_pool_connections gauge\nguanxi_db_pool_connections{{state=\"idle\"}} {pool_idle}\nguanxi_db_pool_connections{{state=\"in_use\"}} {}\n",
            pool_open.saturating_sub(pool_idle)
        ),
    }
}

/// Counts sqlx's per-statement events as `guanxi_db_statements_total`.
struct StatementCounter;

impl<S: Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, _: &Event<'_>, _: Context<'_, S>) {
        metrics::counter!("guanxi_db_statements_total").increment(1);
    }
}

/// The layer that counts statements: it asks for sqlx's statement events at
/// every level (sqlx builds them only when someone listens) and sees no others.
pub fn statement_layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    StatementCounter.with_filter(Targets::new().with_target("sqlx::query", LevelFilter::TRACE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_cannot_grow_the_label_set_without_end() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("name with spaces")), "other");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "other");
        assert_eq!(operation_label(Some("DealReview")), "DealReview");
        for i in 0..MAX_OPERATIONS + 10 {
            operation_label(Some(&format!("Probe{i}")));
        }
        assert_eq!(operation_label(Some("OneMoreAfterTheCap")), "other");
        // Names given a label before the cap keep it.
        assert_eq!(operation_label(Some("DealReview")), "DealReview");
    }
}
