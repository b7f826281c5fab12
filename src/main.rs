//! The `guanxi` command: parses the command line and hands each command to its
//! module in `cli`.

mod cli;

use clap::Parser;
use guanxi::{
    config::{Cli, CoachCommand, Command, MethodologyCommand},
    telemetry,
};

/// mimalloc for every allocation in the process, SQLite's included ("override"):
/// under a bulk import glibc's allocator spent a fifth of the database thread's
/// time consolidating free lists, with values allocated on one thread and freed on
/// another.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is the usual case; one that cannot be read or parsed is said.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("guanxi: .env ignored: {e}");
        }
    }
    let cli = Cli::parse();
    match &cli.command {
        // Bulk writers rebuild indexes, which sqlx would report as slow statements.
        Command::Import(_) | Command::Gen(_) => telemetry::init_with("info,sqlx=error"),
        Command::Serve(args) if args.log_format == guanxi::config::LogFormat::Json => {
            telemetry::init_json()
        }
        _ => telemetry::init(),
    }
    match cli.command {
        Command::Serve(args) => cli::serve::run(args).await,
        Command::Migrate(args) => cli::migrate::run(args).await,
        Command::Schema => {
            print!("{}", guanxi::api::sdl());
            Ok(())
        }
        Command::Demo(args) => cli::demo::run(args).await,
        Command::Allocate(args) => cli::allocate::run(args).await,
        Command::Export(args) => cli::export::run(args).await,
        Command::Import(args) => cli::import::run(args).await,
        Command::Gen(args) => cli::gen::run(args).await,
        Command::Digest(args) => cli::digest::run(args).await,
        Command::Erase(args) => cli::erase::run(args).await,
        Command::Token { data, command } => cli::token::run(data, command).await,
        Command::Paths(args) => cli::paths::run(args).await,
        Command::Map(args) => cli::map::run(args).await,
        Command::Report { of } => cli::report::run(of).await,
        Command::Audit(args) => cli::audit::run(args).await,
        Command::Methodology {
            command: MethodologyCommand::Check { dir },
        } => cli::methodology::check(dir),
        Command::Methodology {
            command:
                MethodologyCommand::Adopt {
                    dir,
                    dry_run,
                    database_url,
                },
        } => cli::methodology::adopt(dir, dry_run, database_url).await,
        Command::Methodology {
            command: MethodologyCommand::Diff { old, new },
        } => cli::methodology::diff(old, new),
        Command::Coach {
            command:
                CoachCommand::Check {
                    dir,
                    methodology,
                    texts,
                },
        } => cli::coach::check(dir, methodology, texts).await,
    }
}
