//! `guanxi digest`: the coaching digests due today, sent or previewed.

use super::{open, ready};

pub async fn run(args: guanxi::config::DigestArgs) -> anyhow::Result<()> {
    let store = ready(open(&args.data).await?, false).await?;
    let config = args
        .config
        .as_deref()
        .map(guanxi::digest::DigestConfig::load)
        .transpose()?;
    let engine = guanxi::engine::Engine::new(store);
    let sent = guanxi::digest::run(
        &engine,
        config.as_ref(),
        guanxi::domain::today(),
        args.dry_run,
    )
    .await?;
    print!("{}", guanxi::digest::deliver::describe(&sent, args.dry_run));
    if sent.iter().any(|d| !d.failed.is_empty()) {
        std::process::exit(1);
    }
    Ok(())
}
