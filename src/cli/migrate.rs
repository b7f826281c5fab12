//! `guanxi migrate`: brings the database's tables up to date.

use anyhow::Context;
use guanxi::config::DataArgs;

use super::open;

pub async fn run(args: DataArgs) -> anyhow::Result<()> {
    let store = open(&args).await?;
    store.migrate().await.context("migrating")?;
    println!("database is up to date ({})", store.backend_name());
    Ok(())
}
