//! `guanxi methodology`: a methodology checked, compared with another, or adopted
//! by the open deals of a database.

use std::sync::Arc;

use anyhow::Context;
use guanxi::{methodology::Methodology, store::Store};

use super::ready;

pub fn check(dir: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    match Methodology::load_or_default(dir.as_deref()) {
        Ok(m) => println!(
            "{}: methodology '{}' version {} is valid",
            m.source.display(),
            m.name,
            m.version
        ),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
    Ok(())
}

pub async fn adopt(
    dir: std::path::PathBuf,
    dry_run: bool,
    database_url: String,
) -> anyhow::Result<()> {
    let m = Arc::new(
        Methodology::load(&dir)
            .with_context(|| format!("loading the methodology in {}", dir.display()))?,
    );
    let store = Store::connect(&database_url, Arc::clone(&m))
        .await
        .with_context(|| format!("opening {database_url}"))?;
    // A preview records nothing, not even the methodology it previews.
    let store = ready(store, !dry_run).await?;
    let engine = guanxi::engine::Engine::new(store.clone());
    let changes = engine.adopt_methodology(dry_run).await?;
    print!(
        "{}",
        guanxi::report::methodology_adoption(&m, &changes, dry_run)
    );
    Ok(())
}

pub fn diff(old: std::path::PathBuf, new: std::path::PathBuf) -> anyhow::Result<()> {
    let old = Methodology::load(&old)?;
    let new = Methodology::load(&new)?;
    let lines = guanxi::methodology::diff(&old, &new);
    if lines.is_empty() {
        println!("no differences");
    }
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
