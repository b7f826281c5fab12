//! `guanxi paths`: the best introduction paths to an account's people.

use super::{open, ready};

pub async fn run(args: guanxi::config::PathsArgs) -> anyhow::Result<()> {
    let store = ready(open(&args.data).await?, false).await?;
    let engine = guanxi::engine::Engine::new(store);
    let found = engine.account_paths(args.account, args.to, args.k).await?;
    if args.json {
        println!("{}", serde_json::to_string(&found)?);
    } else {
        for a in &found.answers {
            println!("{}  (our best tie {:.2})", a.name, a.kp);
            for p in &a.paths {
                println!(
                    "    {:.4}  via {} in {}",
                    p.strength,
                    p.entry,
                    guanxi::domain::count(p.hops as i64, "hop", "hops")
                );
            }
        }
        eprintln!(
            "{} as of {}: graph built in {:.1} ms, answers in {:.1} ms",
            guanxi::domain::count(found.people as i64, "person", "people"),
            found.as_of,
            found.build_ms,
            found.paths_ms
        );
    }
    Ok(())
}
