//! `guanxi export`: every record (or one account's, or one person's data) as JSON.

use super::{open, ready, write_out};

pub async fn run(args: guanxi::config::ExportArgs) -> anyhow::Result<()> {
    let store = ready(open(&args.data).await?, false).await?;
    let export = match args.person {
        Some(p) => store.personal_data(p).await?,
        None => guanxi::transfer::export(&store, args.account).await?,
    };
    let mut json = serde_json::to_string_pretty(&export)?;
    json.push('\n');
    write_out(args.output.as_deref(), &json)?;
    if let Some(path) = &args.output {
        let rows: usize = export.counts().iter().map(|(_, n)| n).sum();
        eprintln!(
            "exported {} to {}",
            guanxi::domain::count(rows as i64, "record", "records"),
            path.display()
        );
    }
    Ok(())
}
