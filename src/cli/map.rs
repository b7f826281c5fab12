//! `guanxi map`: an account's or a deal's relationship map, as SVG or DOT.

use super::{lang_of, open, ready, write_out};

pub async fn run(args: guanxi::config::MapArgs) -> anyhow::Result<()> {
    let store = ready(open(&args.data).await?, false).await?;
    let engine = guanxi::engine::Engine::new(store.clone()).for_one_read();
    let account = match (args.account, args.opportunity) {
        (Some(a), _) => a,
        (None, Some(o)) => store.opportunity_required(o).await?.account_id,
        (None, None) => anyhow::bail!("give --account or --opportunity"),
    };
    let format = match args.format.as_str() {
        "dot" => guanxi::map::MapFormat::Dot,
        _ => guanxi::map::MapFormat::Svg,
    };
    let lang = lang_of(&args.lang);
    let drawn = engine
        .relationship_map(account, args.opportunity, format, lang)
        .await?;
    write_out(args.output.as_deref(), &drawn)?;
    Ok(())
}
