use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use guanxi::{
    api,
    config::{Cli, CoachCommand, Command, DataArgs, MethodologyCommand, ReportOf},
    meeting,
    methodology::Methodology,
    startup::Application,
    store::Store,
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
    let _ = dotenvy::dotenv();
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
        Command::Serve(args) => {
            let methodology = load_methodology(&args.data)?;
            let oidc = match (&args.oidc_issuer, &args.oidc_audience) {
                (Some(issuer), Some(audience)) => {
                    let mut o = api::oidc::OidcOptions::new(issuer, audience);
                    o.role_claim.clone_from(&args.oidc_role_claim);
                    o.accounts_claim.clone_from(&args.oidc_accounts_claim);
                    o.page_client_id.clone_from(&args.oidc_client_id);
                    o.page_scope.clone_from(&args.oidc_scope);
                    o.groups = args
                        .oidc_groups
                        .as_deref()
                        .map(api::oidc::GroupMapping::load)
                        .transpose()?;
                    o.check()?;
                    Some(o)
                }
                _ => None,
            };
            let app = match Application::build_signing_on(
                args.addr,
                &args.data.database_url,
                methodology,
                args.demo,
                oidc.is_some(),
            )
            .await
            {
                // A taken port is the caller's to fix, not an internal error.
                Err(e @ guanxi::Error::AddressUnavailable { .. }) => {
                    eprintln!("guanxi: {e}");
                    std::process::exit(3);
                }
                other => other,
            }
            .with_context(|| format!("starting on {}", args.data.database_url))?;
            let window = guanxi::store::parse_lifetime("keep-deleted", &args.keep_deleted, true)?;
            let digests = args
                .digest_config
                .as_deref()
                .map(guanxi::digest::DigestConfig::load)
                .transpose()?;
            app.store()
                .set_deletion_window(std::time::Duration::from_secs(
                    window.whole_seconds().max(0) as u64,
                ));
            let app = app.with_digests(digests).with_options(api::HttpOptions {
                request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
                cors_origins: args.cors_origins,
                introspection: !args.no_introspection,
                public_hosts: args.public_hosts,
                local_author: args
                    .local_author
                    .map(|a| {
                        guanxi::domain::Name::parse("local-author", &a)
                            .map(|n| n.as_ref().to_owned())
                    })
                    .transpose()?,
                rate_limit: args
                    .rate_limit
                    .as_deref()
                    .map(api::RateLimit::parse)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--rate-limit: {e}"))?,
                trusted_proxies: args.trusted_proxies,
                oidc,
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
            let store = ready(open(&args).await?, true).await?;
            let summary = guanxi::demo::load(&store)
                .await
                .context("loading demo data")?;
            println!("{summary}");
        }
        Command::Allocate(args) => {
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
        }
        Command::Export(args) => {
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
        }
        Command::Import(args) => {
            let store = ready(open_alone(&args.data).await?, true).await?;
            import(&store, &args).await?;
        }
        Command::Gen(args) => {
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
        }
        Command::Digest(args) => {
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
        }
        Command::Erase(args) => {
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
        }
        Command::Token { data, command } => {
            let store = ready(open(&data).await?, false).await?;
            token(&store, command).await?;
        }
        Command::Paths(args) => {
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
        }
        Command::Map(args) => {
            let store = ready(open(&args.data).await?, false).await?;
            let engine = guanxi::engine::Engine::new(store.clone()).for_one_read();
            let account = match (args.account, args.opportunity) {
                (Some(a), _) => a,
                (None, Some(o)) => store.opportunity_required(o).await?.account_id,
                (None, None) => unreachable!("clap requires one of them"),
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
        }
        Command::Report { of } => {
            let (ReportOf::Opportunity { out, .. } | ReportOf::Account { out, .. }) = &of;
            let store = ready(open(&out.data).await?, false).await?;
            // One read: each graph is looked up once however many parts of the
            // report need it.
            let engine = guanxi::engine::Engine::new(store).for_one_read();
            let lang = lang_of(&out.lang);
            let format = match out.format.as_str() {
                "html" => meeting::ReportFormat::Html,
                _ => meeting::ReportFormat::Markdown,
            };
            let text = match &of {
                ReportOf::Opportunity { id, .. } => {
                    let m = meeting::gather::opportunity_meeting(&engine, *id, lang).await?;
                    meeting::render_opportunity(&m, format)
                }
                ReportOf::Account {
                    id, since, until, ..
                } => {
                    let since = guanxi::domain::parse_date("since", since)?;
                    let until = until
                        .as_deref()
                        .map(|u| guanxi::domain::parse_date("until", u))
                        .transpose()?;
                    let m =
                        meeting::gather::planning_meeting(&engine, *id, since, until, lang).await?;
                    meeting::render_planning(&m, format)
                }
            };
            write_out(out.output.as_deref(), &text)?;
        }
        Command::Audit(args) => {
            let store = ready(open(&args.data).await?, false).await?;
            audit(&store, &args).await?;
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
        Command::Coach {
            command:
                CoachCommand::Check {
                    dir,
                    methodology,
                    texts,
                },
        } => {
            let m = std::sync::Arc::new(
                Methodology::load_or_default(methodology.as_deref())
                    .context("loading the methodology")?,
            );
            let verdicts = guanxi::casebook::check(&dir, m)
                .await
                .with_context(|| format!("judging the casebook in {}", dir.display()))?;
            print!("{}", guanxi::casebook::describe(&verdicts, texts));
            let broken = verdicts.iter().any(|v| {
                v.case.status == guanxi::casebook::Status::Holds && !v.gives_the_ranking()
            });
            if broken {
                std::process::exit(1);
            }
        }
        Command::Methodology {
            command:
                MethodologyCommand::Adopt {
                    dir,
                    dry_run,
                    database_url,
                },
        } => {
            let m = Arc::new(
                Methodology::load(&dir)
                    .with_context(|| format!("loading the methodology in {}", dir.display()))?,
            );
            let store = Store::connect(&database_url, Arc::clone(&m))
                .await
                .with_context(|| format!("opening {database_url}"))?;
            // A preview records nothing, not even the methodology it previews.
            let store = ready(store, !dry_run).await?;
            let engine = guanxi::engine::Engine::new(store.clone());
            let changes = engine.adopt_methodology(dry_run).await?;
            print!(
                "{}",
                guanxi::report::methodology_adoption(&m, &changes, dry_run)
            );
        }
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

/// `guanxi import`: JSON files one by one, then every CSV file in one transaction,
/// then calendars; a progress bar on a terminal.
async fn import(store: &Store, args: &guanxi::config::ImportArgs) -> anyhow::Result<()> {
    use guanxi::transfer::{self, CsvFile, ImportOptions};

    let options = ImportOptions {
        dry_run: args.dry_run,
        partial: args.partial,
        bulk: true,
    };
    let extension = |f: &str| {
        std::path::Path::new(f.rsplit_once('=').map_or(f, |(_, p)| p))
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    };
    let (mut json, mut csv, mut ics) = (Vec::new(), Vec::new(), Vec::new());
    for f in &args.files {
        match extension(f).as_str() {
            // guanxi's own format, or a Salesforce tree file read through the mapping.
            "json" => {
                let text = std::fs::read_to_string(f).with_context(|| format!("reading {f}"))?;
                if transfer::read::is_tree(&text) {
                    csv.push(CsvFile::parse(f)?);
                } else {
                    json.push(f.as_str());
                }
            }
            "csv" | "txt" | "tsv" | "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
                csv.push(CsvFile::parse(f)?)
            }
            "ics" | "ical" => ics.push(std::path::Path::new(f.as_str())),
            other => anyhow::bail!(
                "{f}: cannot tell what '.{other}' holds; guanxi imports .json, .csv, .txt, .tsv, .xlsx, .xls, .ods and .ics files"
            ),
        }
    }
    let zone: chrono_tz::Tz = args.time_zone.parse().map_err(|_| {
        anyhow::anyhow!(
            "--time-zone: '{}' is not a time zone (e.g. Asia/Shanghai)",
            args.time_zone
        )
    })?;
    let reading = transfer::read::ReadOptions {
        encoding: args
            .encoding
            .as_deref()
            .map(transfer::read::Encoding::parse)
            .transpose()?,
        time_zone: Some(zone),
    };
    for file in json {
        let bar = guanxi::report::spinner(&format!("reading {file}"));
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
        let data: transfer::Export = serde_json::from_str(&text)
            .with_context(|| format!("{file} is not in guanxi's format"))?;
        drop(text);
        bar.set_message(format!("importing {file}"));
        let report = transfer::import(store, data, options)
            .await
            .with_context(|| format!("importing {file}"))?;
        bar.finish_and_clear();
        print!("{}", guanxi::report::import(file, &report));
    }
    if !csv.is_empty() {
        let mapping = transfer::Mapping::load(&args.mapping)?;
        let names: Vec<String> = csv.iter().map(|f| f.path.display().to_string()).collect();
        let bar = guanxi::report::bytes_bar();
        let shown = bar.clone();
        let progress = move |done: u64, total: u64| {
            shown.set_length(total);
            shown.set_position(done);
        };
        let report = transfer::csv_file::import_files(
            store,
            &mapping,
            &csv,
            options,
            reading,
            Some(&progress),
        )
        .await
        .with_context(|| format!("importing {}", names.join(", ")))?;
        bar.finish_and_clear();
        print!("{}", guanxi::report::import(&names.join(", "), &report));
    }
    if !ics.is_empty() {
        let (report, summary) =
            transfer::import_calendars(store, &ics, zone, guanxi::domain::today(), options)
                .await
                .context("importing calendars")?;
        let names: Vec<String> = ics.iter().map(|p| p.display().to_string()).collect();
        print!("{}", guanxi::report::import(&names.join(", "), &report));
        print!("{}", guanxi::report::calendar(&summary));
    }
    Ok(())
}

/// `guanxi token create|list|revoke|rotate`.
async fn token(store: &Store, command: guanxi::config::TokenCommand) -> anyhow::Result<()> {
    use guanxi::{config::TokenCommand, domain::Role, store::parse_lifetime};

    let day = |t: time::OffsetDateTime| {
        format!(
            "{} {:02}:{:02} UTC",
            t.date(),
            t.to_offset(time::UtcOffset::UTC).hour(),
            t.to_offset(time::UtcOffset::UTC).minute()
        )
    };
    let describe = |t: &guanxi::domain::ApiToken| {
        let reach = if t.accounts.is_empty() {
            "every account".to_owned()
        } else {
            t.accounts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let at = time::OffsetDateTime::now_utc();
        let mut state = match (t.revoked_at, t.expires_at) {
            (Some(when), _) => format!("revoked {}", when.date()),
            (None, Some(e)) if e <= at => format!("expired {}", day(e)),
            (None, Some(e)) => format!("active, expires {}", day(e)),
            (None, None) => "active".to_owned(),
        };
        if let (None, Some(until)) = (t.revoked_at, t.previous_valid_until) {
            if until > at {
                state.push_str(&format!(", old secret works until {}", day(until)));
            }
        }
        let used = t.last_used_at.map_or_else(
            || "never used".to_owned(),
            |u| format!("last used {}", day(u)),
        );
        format!(
            "{}  {:<7} {:<24} {}  ({}, created {}, {})",
            t.id,
            t.role.as_str(),
            t.name,
            reach,
            state,
            t.created_at.date(),
            used
        )
    };
    let lifetime = |text: Option<&str>| {
        text.map(|t| parse_lifetime("expires-in", t, false))
            .transpose()
    };
    match command {
        TokenCommand::Create {
            role,
            accounts,
            name,
            expires_in,
        } => {
            let role = Role::parse("role", &role)?;
            let lifetime = lifetime(expires_in.as_deref())?;
            let (token, secret) = store
                .create_token_expiring(&name, role, &accounts, lifetime)
                .await?;
            println!("{}", describe(&token));
            println!("secret (shown once; send it as 'Authorization: Bearer ...'):");
            println!("{secret}");
            eprintln!(
                "servers started from now on require a token on every request; restart a running one"
            );
        }
        TokenCommand::List => {
            let tokens = store.tokens().await?;
            if tokens.is_empty() {
                println!("no tokens: a server on a loopback address runs as a local administrator");
            }
            for t in &tokens {
                println!("{}", describe(t));
            }
        }
        TokenCommand::Revoke { id } => {
            let t = store.revoke_token(id).await?;
            println!("{}", describe(&t));
        }
        TokenCommand::Rotate {
            id,
            grace,
            expires_in,
        } => {
            let grace = parse_lifetime("grace", &grace, true)?;
            let lifetime = lifetime(expires_in.as_deref())?;
            let (token, secret) = store.rotate_token(id, grace, lifetime).await?;
            println!("{}", describe(&token));
            println!("new secret (shown once; send it as 'Authorization: Bearer ...'):");
            println!("{secret}");
            match token.previous_valid_until {
                Some(until) if grace.is_positive() => eprintln!(
                    "the old secret keeps working until {}: move its users over before then",
                    day(until)
                ),
                _ => eprintln!("the old secret no longer works"),
            }
        }
    }
    Ok(())
}

async fn audit(store: &Store, args: &guanxi::config::AuditArgs) -> anyhow::Result<()> {
    let filter = guanxi::store::AuditFilter {
        account: args.account,
        person: args.person,
        author: args.author.clone(),
        since: None,
    };
    let (entries, total) = store.audit_trail(&filter, 0, args.limit.max(0)).await?;
    for e in &entries {
        let what = e.entity_id.map(|i| format!(" {i}")).unwrap_or_default();
        let account = e
            .account_id
            .map(|a| format!(" (account {a})"))
            .unwrap_or_default();
        println!(
            "{}  {} [{}]  {} {}{what}{account}",
            e.at, e.author_name, e.author_role, e.action, e.entity
        );
        if args.full {
            for (label, json) in [("before", &e.before_json), ("after", &e.after_json)] {
                if let Some(j) = json {
                    println!("    {label}: {j}");
                }
            }
        }
    }
    println!(
        "{} of {}",
        entries.len(),
        guanxi::domain::count(total, "entry", "entries")
    );
    Ok(())
}

fn load_methodology(args: &DataArgs) -> anyhow::Result<Arc<Methodology>> {
    Ok(Arc::new(Methodology::load_or_default(
        args.methodology.as_deref(),
    )?))
}

/// The store for a bulk writer that works alone (import, gen): one SQLite
/// connection, so it can take the file out of WAL mode while it writes.
async fn open_alone(args: &DataArgs) -> anyhow::Result<Store> {
    let methodology = load_methodology(args)?;
    Store::connect_alone(&args.database_url, methodology)
        .await
        .with_context(|| format!("opening {}", args.database_url))
}

/// The store migrated and on its methodology: checked against what the
/// database recorded under its version, with every earlier version open deals
/// are still on pinned (docs/methodology.md, "Versions"). Commands that write
/// deals (`record`) also record it; read-only ones leave no trace.
async fn ready(mut store: Store, record: bool) -> anyhow::Result<Store> {
    store.migrate().await.context("migrating")?;
    store.settle_methodology(record).await?;
    Ok(store)
}

async fn open(args: &DataArgs) -> anyhow::Result<Store> {
    let methodology = load_methodology(args)?;
    Store::connect(&args.database_url, methodology)
        .await
        .with_context(|| format!("opening {}", args.database_url))
}

/// Writes to stdout, or to a file beside the target renamed over it, so that a
/// reader never sees half a file.
fn write_out(path: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match path {
        None => print!("{text}"),
        Some(path) => {
            let tmp = path.with_extension("partial");
            std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

fn lang_of(s: &str) -> guanxi::advice::Lang {
    match s {
        "zh" => guanxi::advice::Lang::Zh,
        _ => guanxi::advice::Lang::En,
    }
}
