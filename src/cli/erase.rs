//! `guanxi erase`: a person's personal data erased, with where it was.

use super::{open, ready};

pub async fn run(args: guanxi::config::EraseArgs) -> anyhow::Result<()> {
    let store = ready(open(&args.data).await?, false).await?;
    let erasure = store.erase_person(args.person, &args.reason).await?;
    println!(
        "erased {} ({}): {}",
        erasure.person_id,
        erasure
            .pseudonym
            .as_deref()
            .unwrap_or("held only in deleted records"),
        erasure.reason
    );
    for (place, n) in &erasure.cleared {
        println!("  {place}: {n}");
    }
    Ok(())
}
