//! `guanxi demo`: loads the demo accounts.

use anyhow::Context;
use guanxi::config::DataArgs;

use super::{open, ready};

pub async fn run(args: DataArgs) -> anyhow::Result<()> {
    let store = ready(open(&args).await?, true).await?;
    let summary = guanxi::demo::load(&store)
        .await
        .context("loading demo data")?;
    println!("{summary}");
    Ok(())
}
