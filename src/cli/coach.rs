//! `guanxi coach check`: judges a casebook of deals against the coaching's ranking.

use anyhow::Context;
use guanxi::methodology::Methodology;

pub async fn check(
    dir: std::path::PathBuf,
    methodology: Option<std::path::PathBuf>,
    texts: bool,
) -> anyhow::Result<()> {
    let m = std::sync::Arc::new(
        Methodology::load_or_default(methodology.as_deref()).context("loading the methodology")?,
    );
    let verdicts = guanxi::casebook::check(&dir, m)
        .await
        .with_context(|| format!("judging the casebook in {}", dir.display()))?;
    print!("{}", guanxi::casebook::describe(&verdicts, texts));
    let broken = verdicts
        .iter()
        .any(|v| v.case.status == guanxi::casebook::Status::Holds && !v.gives_the_ranking());
    if broken {
        std::process::exit(1);
    }
    Ok(())
}
