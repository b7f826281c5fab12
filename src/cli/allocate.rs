//! `guanxi allocate`: the support plan of a period, with how it was reached.

use super::{open, ready};

pub async fn run(args: guanxi::config::AllocateArgs) -> anyhow::Result<()> {
    let store = ready(open(&args.data).await?, false).await?;
    let period = match args.period {
        Some(p) => p,
        None => {
            let today = guanxi::domain::today();
            format!("{}-Q{}", today.year(), (today.month() as u8).div_ceil(3))
        }
    };
    let period = guanxi::domain::Period::parse("period", &period)?;
    let engine = guanxi::engine::Engine::new(store.clone());
    let plan = engine.explained_support_plan(period).await?;
    print!("{}", guanxi::report::support_plan(&plan));
    Ok(())
}
