//! `guanxi import`: files of guanxi's format, CSV and calendars, checked and
//! written in one transaction, with what was read, merged and refused.

use anyhow::Context;
use guanxi::store::Store;

use super::{open_alone, ready};

pub async fn run(args: guanxi::config::ImportArgs) -> anyhow::Result<()> {
    let store = ready(open_alone(&args.data).await?, true).await?;
    import(&store, &args).await?;
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
