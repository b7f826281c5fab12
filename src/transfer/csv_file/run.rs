//! An import run: one transaction for all the files, chunks written as they come,
//! and the report; the entry points for files and for records handed over.

use super::*;

/// An import of records through a mapping in progress: one transaction, the ids
/// handed out so far, refused rows, and the organisations seen (for the duplicate
/// report).
pub(super) struct Run<'s> {
    /// Away on the converting thread while a file is read.
    pub(super) conv: Option<Converter>,
    pub(super) session: crate::store::ImportSession<'s>,
    pub(super) rejected: Vec<Rejected>,
    pub(super) organisations: Export,
    pub(super) places: Vec<String>,
    pub(super) files: Vec<FileRead>,
    pub(super) defaulted: Vec<Defaulted>,
    pub(super) merged: Vec<Merged>,
    /// Names stored before the import, for the duplicate report.
    pub(super) stored: StoredNames,
    pub(super) m: Arc<Methodology>,
}

impl<'s> Run<'s> {
    pub(super) async fn start(
        store: &'s Store,
        mapping: &Mapping,
        options: ImportOptions,
        entities: &[Entity],
        zone: Option<chrono_tz::Tz>,
    ) -> Result<Run<'s>> {
        let history_in_run = entities.contains(&Entity::StageHistory);
        Ok(Run {
            conv: Some(Converter {
                m: store.methodology.clone(),
                resolver: Resolver::load(store, &mapping.system, entities).await?,
                history_in_run,
                now: OffsetDateTime::now_utc()
                    .replace_nanosecond(0)
                    .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                today: crate::domain::today(),
                decimal_mark: mapping.decimal_mark,
                zone,
                merged: Vec::new(),
                planned: Vec::new(),
                unchanged_stage: Vec::new(),
                not_parties: Vec::new(),
                history: HashMap::new(),
                set_aside: HashMap::new(),
                people_seen: HashMap::new(),
            }),
            stored: stored_names(store).await?,
            m: store.methodology.clone(),
            session: store.begin_import(options, true).await?,
            rejected: Vec::new(),
            organisations: Export::default(),
            places: Vec::new(),
            files: Vec::new(),
            defaulted: Vec::new(),
            merged: Vec::new(),
        })
    }

    /// Converts and writes the records of one file (`name`), read through `section`.
    /// Reading and converting run on a thread of their own, a chunk ahead of the
    /// writing: the database works on one chunk while the next is prepared.
    pub(super) async fn records<I>(
        &mut self,
        name: &str,
        section: &Section,
        headers: &[String],
        separator: Option<u8>,
        records: I,
        mut after_chunk: impl FnMut(),
    ) -> Result<()>
    where
        I: Iterator<Item = RawRecord> + Send + 'static,
    {
        let Some(mut conv) = self.conv.take() else {
            return Err(Error::Internal(anyhow::anyhow!(
                "a file was started while another was still being converted"
            )));
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Converted>(1);
        let file = (name.to_owned(), section.clone(), headers.to_vec());
        let converting = tokio::task::spawn_blocking(move || {
            let (name, section, headers) = file;
            conv.file(&name, &section, &headers, separator, records, &tx);
            conv
        });
        let column_of = |field: Option<&'static str>| column_of(section, field);
        let mut failed = None;
        while let Some(piece) = rx.recv().await {
            self.rejected.extend(piece.rejected);
            if let Some(end) = piece.read {
                if let Some(f) = self.files.iter_mut().rev().find(|f| f.name == name) {
                    f.records = end.records;
                    f.summary_lines = end.summary;
                    f.planned = end.planned;
                    f.unchanged_stage = end.unchanged_stage;
                    f.not_parties = end.not_parties;
                }
                self.defaulted.extend(end.defaulted);
                self.merged.extend(end.merged);
            }
            if let Err(e) = self.flush(piece.chunk, name, &column_of).await {
                failed = Some(e);
                break;
            }
            after_chunk();
        }
        // Closing the channel stops the converting thread at its next chunk.
        drop(rx);
        let conv = converting
            .await
            .map_err(|e| Error::Internal(anyhow::Error::new(e).context("converting records")))?;
        self.conv = Some(conv);
        failed.map_or(Ok(()), Err)
    }

    /// Writes one chunk, naming refused rows by file and line, and keeps its
    /// accounts and competitors for the duplicate report.
    pub(super) async fn flush(
        &mut self,
        chunk: Chunk,
        name: &str,
        column_of: &(dyn Fn(Option<&'static str>) -> Option<String> + Send + Sync),
    ) -> Result<()> {
        if chunk.data.counts().iter().all(|(_, n)| *n == 0) {
            return Ok(());
        }
        let lines = chunk.lines;
        let line_of =
            |list: &str, i: usize| lines.get(list).and_then(|l| l.get(i)).copied().unwrap_or(0);
        // Places run accounts first, then competitors, so an index into the two
        // lists joined finds its line.
        let split = self.organisations.accounts.len();
        let accounts: Vec<String> = (0..chunk.data.accounts.len())
            .map(|i| format!("{name}:{}", line_of("accounts", i)))
            .collect();
        self.places.splice(split..split, accounts);
        self.places.extend(
            (0..chunk.data.competitors.len())
                .map(|i| format!("{name}:{}", line_of("competitors", i))),
        );
        self.organisations
            .accounts
            .extend(chunk.data.accounts.iter().cloned());
        self.organisations
            .competitors
            .extend(chunk.data.competitors.iter().cloned());
        let locate = |list: &'static str, i: usize, field: Option<&'static str>| {
            (format!("{name}:{}", line_of(list, i)), column_of(field))
        };
        let m = self.m.clone();
        import_chunk(
            &mut self.session,
            &m,
            chunk.data,
            &locate,
            &mut self.rejected,
        )
        .await
    }

    /// Commits (unless refused or dry) and reports.
    pub(super) async fn finish(mut self, options: ImportOptions) -> Result<ImportReport> {
        // In file order, line by line.
        self.rejected
            .sort_by_cached_key(|r| match r.place.rsplit_once(':') {
                Some((file, line)) => (file.to_owned(), line.parse::<u64>().unwrap_or(0)),
                None => (r.place.clone(), 0),
            });
        if !self.rejected.is_empty() && !options.partial {
            return Err(refusal(&self.rejected));
        }
        let tables = self.session.finish().await?;
        let mut near_duplicates = likely_duplicates(&self.organisations, &self.stored);
        let accounts = self.organisations.accounts.len();
        for d in &mut near_duplicates {
            let (offset, rest) = match d.path.strip_prefix("accounts[") {
                Some(rest) => (0, rest),
                None => (accounts, d.path.strip_prefix("competitors[").unwrap_or("")),
            };
            if let Some(place) = rest
                .trim_end_matches(']')
                .parse::<usize>()
                .ok()
                .and_then(|i| self.places.get(offset + i))
            {
                d.path = place.clone();
            }
        }
        Ok(ImportReport {
            tables,
            dry_run: options.dry_run,
            rejected: self.rejected,
            near_duplicates,
            files: self.files,
            defaulted: self.defaulted,
            merged: self.merged,
        })
    }
}

/// Imports files of records (CSV, workbooks, Salesforce tree JSON) through
/// `mapping`; see the module documentation.
pub async fn import_csv(
    store: &Store,
    mapping: &Mapping,
    files: &[CsvFile],
    options: ImportOptions,
    progress: Option<&Progress>,
) -> Result<ImportReport> {
    import_files(
        store,
        mapping,
        files,
        options,
        ReadOptions::default(),
        progress,
    )
    .await
}

/// [`import_csv`] with reading options (the encoding of CSV files).
pub async fn import_files(
    store: &Store,
    mapping: &Mapping,
    files: &[CsvFile],
    options: ImportOptions,
    reading: ReadOptions,
    progress: Option<&Progress>,
) -> Result<ImportReport> {
    // Which section each table holds, found before anything is written.
    let mut plan: Vec<(Table, &Section)> = Vec::new();
    let mut skipped: Vec<FileRead> = Vec::new();
    let mut total_bytes = 0;
    // Tree files are read together, so a plan's files and its references are
    // read once, whatever order they are named in; every other file alone.
    let is_tree = |f: &CsvFile| {
        f.entity.is_none()
            && f.path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    };
    let trees: Vec<PathBuf> = files
        .iter()
        .filter(|f| is_tree(f))
        .map(|f| f.path.clone())
        .collect();
    let mut read_tables: Vec<(Option<Entity>, Table)> = Vec::new();
    if !trees.is_empty() {
        read_tables.extend(
            crate::transfer::read::read(&trees, reading)?
                .into_iter()
                .map(|t| (None, t)),
        );
    }
    for f in files.iter().filter(|f| !is_tree(f)) {
        read_tables.extend(
            crate::transfer::read::read(std::slice::from_ref(&f.path), reading)?
                .into_iter()
                .map(|t| (f.entity, t)),
        );
    }
    for (entity, table) in read_tables {
        {
            let f = CsvFile {
                path: table.path.clone(),
                entity,
            };
            let recognised = match f.entity {
                Some(entity) => Recognised::Section(mapping.section(entity).ok_or_else(|| {
                    Error::invalid(
                        table.name.clone(),
                        format!(
                            "the mapping '{}' has no [{}] section",
                            mapping.name,
                            entity.section()
                        ),
                    )
                })?),
                None => mapping
                    .recognise(table.object.as_deref(), &table.headers)
                    .map_err(|e| Error::invalid(table.name.clone(), e))?,
            };
            match recognised {
                Recognised::Section(section) => {
                    total_bytes += table.bytes;
                    plan.push((table, section));
                }
                Recognised::Skipped(object) => skipped.push(FileRead {
                    name: table.name.clone(),
                    read_as: table.read_as.clone(),
                    holds: format!("{object} records, which guanxi does not import"),
                    skipped: true,
                    ..Default::default()
                }),
            }
        }
    }
    // Tree files of several objects are read together; a path named twice once.
    plan.sort_by_key(|(_, s)| s.entity);

    let entities: Vec<Entity> = plan.iter().map(|(_, s)| s.entity).collect();
    let mut run = Run::start(store, mapping, options, &entities, reading.time_zone).await?;
    run.files.extend(skipped);
    let mut bytes_before = 0;
    for (table, section) in &plan {
        let read = Arc::new(AtomicU64::new(0));
        let records = table.records(read.clone())?;
        run.files.push(FileRead {
            name: table.name.clone(),
            read_as: table.read_as.clone(),
            holds: section.entity.section().to_owned(),
            skipped: false,
            ..Default::default()
        });
        run.records(
            &table.name,
            section,
            &table.headers,
            table.delimiter(),
            records,
            || {
                if let Some(p) = progress {
                    p(
                        bytes_before + read.load(std::sync::atomic::Ordering::Relaxed),
                        total_bytes,
                    );
                }
            },
        )
        .await?;
        bytes_before += table.bytes;
    }
    run.finish(options).await
}

/// Imports records handed over in memory (the API's `importRows`): each a map of
/// column to value, read through the mapping's section for `entity`; a record is
/// named `name:N`, N counting from 1.
pub async fn import_records(
    store: &Store,
    mapping: &Mapping,
    entity: Entity,
    name: &str,
    records: &[std::collections::BTreeMap<String, String>],
    options: ImportOptions,
) -> Result<ImportReport> {
    let section = mapping.section(entity).ok_or_else(|| {
        Error::invalid(
            "kind",
            format!(
                "the mapping '{}' has no [{}] section",
                mapping.name,
                entity.section()
            ),
        )
    })?;
    let mut headers: Vec<String> = Vec::new();
    for r in records {
        for k in r.keys() {
            if !headers.contains(k) {
                headers.push(k.clone());
            }
        }
    }
    let rows: Vec<RawRecord> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let cells = headers
                .iter()
                .map(|h| r.get(h).cloned().unwrap_or_default())
                .collect();
            (i as u64 + 1, Row::Cells(cells))
        })
        .collect();
    let mut run = Run::start(store, mapping, options, &[entity], None).await?;
    run.files.push(FileRead {
        name: name.to_owned(),
        read_as: "records handed over".into(),
        holds: entity.section().to_owned(),
        skipped: false,
        ..Default::default()
    });
    run.records(name, section, &headers, None, rows.into_iter(), || {})
        .await?;
    run.finish(options).await
}
