use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use guanxi::{
    api,
    config::{Cli, Command, DataArgs, MethodologyCommand},
    methodology::Methodology,
    startup::Application,
    store::Store,
    telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    telemetry::init();
    match cli.command {
        Command::Serve(args) => {
            let methodology = load_methodology(&args.data)?;
            let app =
                Application::build(args.addr, &args.data.database_url, methodology, args.demo)
                    .await
                    .with_context(|| format!("starting on {}", args.data.database_url))?
                    .with_options(api::HttpOptions {
                        request_timeout: std::time::Duration::from_secs(
                            args.request_timeout.max(1),
                        ),
                        cors_origins: args.cors_origins,
                        introspection: !args.no_introspection,
                        ..Default::default()
                    });
            app.run_until_stopped().await?;
        }
        Command::Migrate(args) => {
            let store = open(&args).await?;
            store.migrate().await.context("migrating")?;
            println!("database is up to date ({})", store.backend_name());
        }
        Command::Schema => print!("{}", api::sdl()),
        Command::Demo(args) => {
            let store = open(&args).await?;
            store.migrate().await.context("migrating")?;
            let summary = guanxi::demo::load(&store)
                .await
                .context("loading demo data")?;
            println!("{summary}");
        }
        Command::Allocate(args) => {
            let store = open(&args.data).await?;
            store.migrate().await.context("migrating")?;
            let period = match args.period {
                Some(p) => p,
                None => {
                    let today = guanxi::domain::today();
                    format!("{}-Q{}", today.year(), (today.month() as u8).div_ceil(3))
                }
            };
            let period = guanxi::domain::Period::parse("period", &period)?;
            let engine = guanxi::engine::Engine::new(store.clone());
            let plan = engine.support_plan(period).await?;
            let plan = api::describe_plan(&plan, store.methodology());
            print!("{}", guanxi::report::support_plan(&plan));
        }
        Command::Export(args) => {
            let store = open(&args.data).await?;
            store.migrate().await.context("migrating")?;
            let export = guanxi::transfer::export(&store, args.account).await?;
            let mut json = serde_json::to_string_pretty(&export)?;
            json.push('\n');
            match args.output {
                None => print!("{json}"),
                Some(path) => {
                    // Written beside the target and renamed over it: a reader never
                    // sees half a file.
                    let tmp = path.with_extension("partial");
                    std::fs::write(&tmp, json)
                        .with_context(|| format!("writing {}", tmp.display()))?;
                    std::fs::rename(&tmp, &path)
                        .with_context(|| format!("writing {}", path.display()))?;
                    let rows: usize = export.counts().iter().map(|(_, n)| n).sum();
                    eprintln!("exported {rows} records to {}", path.display());
                }
            }
        }
        Command::Import(args) => {
            let store = open(&args.data).await?;
            store.migrate().await.context("migrating")?;
            for file in &args.files {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let data: guanxi::transfer::Export = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not in guanxi's format", file.display()))?;
                let report = guanxi::transfer::import(&store, &data, args.dry_run)
                    .await
                    .with_context(|| format!("importing {}", file.display()))?;
                println!(
                    "{}: {} new, {} changed, {} unchanged{}",
                    file.display(),
                    report.new_rows(),
                    report.changed_rows(),
                    report.unchanged_rows(),
                    if args.dry_run {
                        " (dry run: nothing written)"
                    } else {
                        ""
                    }
                );
                for t in report.tables.iter().filter(|t| t.new + t.changed > 0) {
                    println!("  {}: {} new, {} changed", t.table, t.new, t.changed);
                }
                for d in &report.near_duplicates {
                    println!(
                        "  possible duplicate: {} '{}' looks like '{}' ({}), {}; not merged",
                        d.path, d.name, d.looks_like, d.looks_like_id, d.why
                    );
                }
            }
        }
        Command::Methodology {
            command: MethodologyCommand::Check { dir },
        } => match Methodology::load_or_default(dir.as_deref()) {
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
        },
        Command::Methodology {
            command: MethodologyCommand::Diff { old, new },
        } => {
            let old = Methodology::load(&old)?;
            let new = Methodology::load(&new)?;
            let lines = guanxi::methodology::diff(&old, &new);
            if lines.is_empty() {
                println!("no differences");
            }
            for line in lines {
                println!("{line}");
            }
        }
    }
    Ok(())
}

fn load_methodology(args: &DataArgs) -> anyhow::Result<Arc<Methodology>> {
    Ok(Arc::new(Methodology::load_or_default(
        args.methodology.as_deref(),
    )?))
}

async fn open(args: &DataArgs) -> anyhow::Result<Store> {
    let methodology = load_methodology(args)?;
    Store::connect(&args.database_url, methodology)
        .await
        .with_context(|| format!("opening {}", args.database_url))
}
