//! The command line's commands, one module each, and what they share: opening the
//! database, loading the methodology, writing the output.

pub mod allocate;
pub mod audit;
pub mod coach;
pub mod demo;
pub mod digest;
pub mod erase;
pub mod export;
pub mod gen;
pub mod import;
pub mod map;
pub mod methodology;
pub mod migrate;
pub mod paths;
pub mod report;
pub mod serve;
pub mod token;

use std::sync::Arc;

use anyhow::Context;
use guanxi::{config::DataArgs, methodology::Methodology, store::Store};

pub(crate) fn load_methodology(args: &DataArgs) -> anyhow::Result<Arc<Methodology>> {
    Ok(Arc::new(Methodology::load_or_default(
        args.methodology.as_deref(),
    )?))
}

/// The store for a bulk writer that works alone (import, gen): one SQLite
/// connection, so it can take the file out of WAL mode while it writes.
pub(crate) async fn open_alone(args: &DataArgs) -> anyhow::Result<Store> {
    let methodology = load_methodology(args)?;
    Store::connect_alone(&args.database_url, methodology)
        .await
        .with_context(|| format!("opening {}", args.database_url))
}

/// The store migrated and on its methodology: checked against what the
/// database recorded under its version, with every earlier version open deals
/// are still on pinned (docs/methodology.md, "Versions"). Commands that write
/// deals (`record`) also record it; read-only ones leave no trace.
pub(crate) async fn ready(mut store: Store, record: bool) -> anyhow::Result<Store> {
    store.migrate().await.context("migrating")?;
    store.settle_methodology(record).await?;
    Ok(store)
}

pub(crate) async fn open(args: &DataArgs) -> anyhow::Result<Store> {
    let methodology = load_methodology(args)?;
    Store::connect(&args.database_url, methodology)
        .await
        .with_context(|| format!("opening {}", args.database_url))
}

/// Writes to stdout, or to a file beside the target renamed over it, so that a
/// reader never sees half a file.
pub(crate) fn write_out(path: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match path {
        None => print!("{text}"),
        Some(path) => {
            let tmp = path.with_extension("partial");
            std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

pub(crate) fn lang_of(s: &str) -> guanxi::advice::Lang {
    match s {
        "zh" => guanxi::advice::Lang::Zh,
        _ => guanxi::advice::Lang::En,
    }
}
