//! `guanxi gen`: a synthetic portfolio of accounts, for benchmarks.

use anyhow::Context;

use super::{open_alone, ready};

pub async fn run(args: guanxi::config::GenArgs) -> anyhow::Result<()> {
    let store = ready(open_alone(&args.data).await?, true).await?;
    let spec = guanxi::transfer::PortfolioSpec {
        accounts: args.accounts,
        people_per_account: args.people_per_account,
        employees: args.employees,
        competitors: args.competitors,
        seed: args.seed,
    };
    let bar = indicatif::ProgressBar::new(args.accounts as u64);
    let progress = |done: usize, _: usize| bar.set_position(done as u64);
    let started = std::time::Instant::now();
    let made = guanxi::transfer::generate_portfolio(&store, &spec, Some(&progress))
        .await
        .context("generating the portfolio")?;
    bar.finish_and_clear();
    println!(
        "generated {} accounts, {} people, {} employees, {} relationships, {} interactions, {} opportunities in {:.1} s",
        made.accounts,
        made.people,
        made.employees,
        made.relationships,
        made.interactions,
        made.opportunities,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
