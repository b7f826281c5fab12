//! One file's records converted into chunks on a blocking thread, with what was
//! refused and passed over on the way.

use super::*;

/// What the converting thread hands the writer: a chunk, and the records it
/// refused while making it; the last of a file also what was seen on the way.
pub(super) struct Converted {
    pub(super) chunk: Chunk,
    pub(super) rejected: Vec<Rejected>,
    pub(super) read: Option<FileEnd>,
}

/// What converting a file saw besides its rows.
pub(super) struct FileEnd {
    pub(super) records: u64,
    pub(super) summary: Vec<u64>,
    pub(super) defaulted: Vec<Defaulted>,
    pub(super) merged: Vec<Merged>,
    pub(super) planned: Vec<String>,
    pub(super) unchanged_stage: Vec<String>,
    pub(super) not_parties: Vec<String>,
}

/// How one file (or sheet, or object of a tree file) was read and what it held.
/// Opened with its lists empty (`..Default::default()`); converting fills them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileRead {
    pub name: String,
    /// Its encoding and separator, its sheet or its format.
    pub read_as: String,
    /// The kind of record it held (`people`), or why it was skipped.
    pub holds: String,
    pub skipped: bool,
    /// Records read (summary lines not counted).
    pub records: u64,
    /// A report's total, subtotal and footer lines, passed over.
    pub summary_lines: Vec<u64>,
    /// Activities dated after today (a meeting still to come, an open task),
    /// passed over: they have not happened.
    pub planned: Vec<String>,
    /// Stage-history entries in the stage the deal was already in (Salesforce
    /// writes one for each change of amount or close date), passed over.
    pub unchanged_stage: Vec<String>,
    /// Relations of an activity to a record that is no person (the account, a
    /// deal, a lead), or invitations declined, passed over.
    pub not_parties: Vec<String>,
}

/// The column a field is read from, to name it in a rejection.
pub(super) fn column_of(section: &Section, field: Option<&'static str>) -> Option<String> {
    let field = field?;
    let snake = snake(field);
    Some(
        section
            .field(&snake)
            .and_then(FieldSpec::column)
            .map(str::to_owned)
            .unwrap_or(snake),
    )
}

impl Converter {
    /// Converts one file's records into chunks and sends them, with the records
    /// refused along the way; stops early when the writer has gone. The last
    /// piece carries what the mapping defaulted and the summary lines passed.
    pub(super) fn file(
        &mut self,
        name: &str,
        section: &Section,
        headers: &[String],
        separator: Option<u8>,
        records: impl Iterator<Item = RawRecord>,
        out: &tokio::sync::mpsc::Sender<Converted>,
    ) {
        // Columns by every name they answer to (a report's `Account: Account
        // Name` also as `Account Name`), the header's own first.
        let mut columns: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            columns.insert(h.to_lowercase(), i);
        }
        for (i, h) in headers.iter().enumerate() {
            for n in header_names(h) {
                columns.entry(n).or_insert(i);
            }
        }
        let read_columns: HashSet<usize> = section
            .fields
            .values()
            .filter_map(|spec| match &spec.source {
                Source::Column(names) => Some(names),
                Source::Value(_) => None,
            })
            .flatten()
            .filter_map(|name| columns.get(&name.to_lowercase()).copied())
            .collect();
        let tally = RefCell::new(Tally::default());
        let mut chunk = Chunk::default();
        let mut later = Chunk::default();
        let mut rejected = Vec::new();
        let mut summary = Vec::new();
        let mut count = 0u64;
        let refuse = |line: u64, field: Option<String>, message: String| Rejected {
            place: format!("{name}:{line}"),
            field,
            code: "INVALID_INPUT",
            message,
        };
        for (line, row) in records {
            let cells = match row {
                Row::Cells(c) => c,
                Row::Summary => {
                    summary.push(line);
                    continue;
                }
                Row::Unreadable(message) => {
                    count += 1;
                    rejected.push(refuse(line, None, message));
                    continue;
                }
            };
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            count += 1;
            if cells.len() != headers.len() {
                rejected.push(refuse(
                    line,
                    None,
                    format!(
                        "has {} cells but the header has {} columns",
                        cells.len(),
                        headers.len()
                    ),
                ));
                continue;
            }
            // A line break written CRLF (Windows) is the same line break: kept as
            // the API keeps it, LF.
            let cells: Vec<String> = cells
                .into_iter()
                .map(|c| {
                    if c.contains('\r') {
                        c.replace("\r\n", "\n").replace('\r', "\n")
                    } else {
                        c
                    }
                })
                .collect();
            // The API's rules for text hold for every cell the mapping reads: no
            // control characters (NUL, escape sequences), and nothing longer than
            // a note. Columns it does not read land nowhere.
            if let Some((i, why)) = cells
                .iter()
                .enumerate()
                .filter(|(i, _)| read_columns.contains(i))
                .find_map(|(i, c)| cell_problem(c).map(|w| (i, w)))
            {
                rejected.push(refuse(line, headers.get(i).cloned(), why));
                continue;
            }
            chunk.line = line;
            {
                let mut t = tally.borrow_mut();
                t.line = line;
                t.counted.clear();
            }
            let r = Record {
                section,
                columns: &columns,
                cells: &cells,
                file: name,
                tally: &tally,
                decimal_mark: self.decimal_mark.unwrap_or('.'),
                comma_in_doubt: self.decimal_mark.is_none() && separator == Some(b';'),
                zone: self.zone,
            };
            if let Err(e) = self.convert(&r, &mut chunk, &mut later) {
                let column = r
                    .column(e.field)
                    .or_else(|| column_of(section, Some(e.field)));
                rejected.push(refuse(line, column, e.message));
                continue;
            }
            chunk.records += 1;
            if chunk.records >= CHUNK_RECORDS {
                let piece = Converted {
                    chunk: std::mem::take(&mut chunk),
                    rejected: std::mem::take(&mut rejected),
                    read: None,
                };
                if out.blocking_send(piece).is_err() {
                    return;
                }
            }
        }
        let defaulted: Vec<Defaulted> = tally.into_inner().uses.into_values().collect();
        let pieces = [
            Converted {
                chunk,
                rejected: std::mem::take(&mut rejected),
                read: None,
            },
            Converted {
                chunk: later,
                rejected: Vec::new(),
                read: Some(FileEnd {
                    records: count,
                    summary,
                    defaulted,
                    merged: std::mem::take(&mut self.merged),
                    planned: std::mem::take(&mut self.planned),
                    unchanged_stage: std::mem::take(&mut self.unchanged_stage),
                    not_parties: std::mem::take(&mut self.not_parties),
                }),
            },
        ];
        for piece in pieces {
            if out.blocking_send(piece).is_err() {
                return;
            }
        }
    }
}
