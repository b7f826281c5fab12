//! Files as tables of text cells, before any mapping: CSV in the encodings and
//! with the separators spreadsheets write, Excel and OpenDocument workbooks, and
//! Salesforce's sObject tree JSON. Each reader says how it read the file, so a dry
//! run can show it, and refuses what it cannot read exactly (a malformed byte, an
//! unclosed quote, a row cut short), naming the line.

mod delimited;
mod tree;
mod workbook;

use std::{
    path::{Path, PathBuf},
    sync::{atomic::AtomicU64, Arc},
};

pub use delimited::Encoding;
pub use tree::is_tree;

use crate::{Error, Result};

/// One record as read: where it is (its line in a CSV file, its row in a sheet,
/// its number in a tree file), and what it holds.
pub type RawRecord = (u64, Row);

/// What one record of a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// The cells, one per header.
    Cells(Vec<String>),
    /// Why the record cannot be read (a broken quote, a malformed byte, a row
    /// cut short).
    Unreadable(String),
    /// A report's total, subtotal or footer line: not a record, and counted.
    Summary,
}

/// A file, or one sheet of a workbook, or the records of one object in a tree
/// file, ready to be read record by record.
#[derive(Debug, Clone)]
pub struct Table {
    /// How places name it: `Contact.csv`, `Book.xlsx[联系人]`, `Account.json`.
    pub name: String,
    pub path: PathBuf,
    /// The header's columns, trimmed, a byte-order mark removed.
    pub headers: Vec<String>,
    /// How the file was read, for the dry run: its encoding and separator, its
    /// sheet, or its format.
    pub read_as: String,
    /// The object the file says it holds, where it does: a tree file's record
    /// type, a sheet's name, a file named after a Salesforce object (`Account.csv`).
    pub object: Option<String>,
    /// What a place's number counts: "line", "row" or "record".
    pub unit: &'static str,
    /// The file's size, for progress.
    pub bytes: u64,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    /// A UTF-8 CSV file, read again from disk.
    File { delimiter: u8 },
    /// A CSV file decoded into UTF-8 in memory (UTF-16, GB18030, …).
    Decoded { text: Arc<Vec<u8>>, delimiter: u8 },
    /// Records already read (workbooks, tree files).
    Rows(Arc<Vec<RawRecord>>),
}

/// Reading options that come from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// The encoding of CSV files; detected when not given.
    pub encoding: Option<Encoding>,
    /// The zone whose calendar day a timestamp with an offset falls on
    /// (`2026-10-12T18:30:00.000+0000` is 13 October in Asia/Shanghai); without
    /// one, a timestamp's day is the one it is written with.
    pub time_zone: Option<chrono_tz::Tz>,
}

impl Table {
    /// The separator of a delimited file (`b';'` for a semicolon-separated one);
    /// none for workbooks and tree files.
    pub fn delimiter(&self) -> Option<u8> {
        match &self.body {
            Body::File { delimiter } | Body::Decoded { delimiter, .. } => Some(*delimiter),
            Body::Rows(_) => None,
        }
    }

    /// The records after the header, in order. `read` counts the bytes read so
    /// far, for progress.
    pub fn records(
        &self,
        read: Arc<AtomicU64>,
    ) -> Result<Box<dyn Iterator<Item = RawRecord> + Send>> {
        match &self.body {
            Body::File { delimiter } => {
                let file =
                    std::fs::File::open(&self.path).map_err(|e| cannot_read(&self.path, e))?;
                let again =
                    std::fs::File::open(&self.path).map_err(|e| cannot_read(&self.path, e))?;
                Ok(Box::new(delimited::records(file, again, *delimiter, read)))
            }
            Body::Decoded { text, delimiter } => {
                let bytes = || std::io::Cursor::new(ArcBytes(text.clone()));
                Ok(Box::new(delimited::records(
                    bytes(),
                    bytes(),
                    *delimiter,
                    read,
                )))
            }
            Body::Rows(rows) => {
                let rows = rows.clone();
                read.store(self.bytes, std::sync::atomic::Ordering::Relaxed);
                Ok(Box::new((0..rows.len()).map(move |i| rows[i].clone())))
            }
        }
    }

    /// `name:N`, the place of the record numbered `n`.
    pub fn place(&self, n: u64) -> String {
        format!("{}:{n}", self.name)
    }
}

/// Shared bytes that a `Cursor` can read.
#[derive(Debug, Clone)]
struct ArcBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn cannot_read(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::invalid("file", format!("cannot read {}: {e}", path.display()))
}

/// The file's name without its folders, as places show it.
fn short_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The Salesforce object a file is named after (`Account.csv`, `Contact-2.csv`,
/// `OpportunityContactRole_export.csv` → its first word), for recognising it.
fn object_of(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    let word: String = stem
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let word = word.trim_end_matches(|c: char| c == '_' || c.is_ascii_digit());
    (!word.is_empty()).then(|| word.to_owned())
}

/// Reads every file: CSV (`.csv`, `.txt`, `.tsv`), workbooks (`.xlsx`, `.xlsm`,
/// `.xls`, `.ods`: one table per sheet with data) and tree JSON (`.json`: record
/// files and plans, read together so references resolve across them).
pub fn read(paths: &[PathBuf], options: ReadOptions) -> Result<Vec<Table>> {
    let mut tables = Vec::new();
    let mut trees = Vec::new();
    for path in paths {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "csv" | "txt" | "tsv" => tables.push(delimited::open(path, options.encoding)?),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => tables.extend(workbook::open(path)?),
            "json" => trees.push(path.clone()),
            other => {
                return Err(Error::invalid(
                    short_name(path),
                    format!(
                        "cannot tell what '.{other}' holds; records come in .csv, .xlsx, .xls, .ods and Salesforce tree .json files"
                    ),
                ))
            }
        }
    }
    if !trees.is_empty() {
        tables.extend(tree::open(&trees)?);
    }
    Ok(tables)
}

/// True for a report's total or subtotal line (its first cell says so), or a
/// footer line of one cell (Salesforce ends report exports with a copyright
/// and "Confidential Information" lines). A row of one ordinary cell is not.
pub(crate) fn summary_line(cells: &[String], columns: usize) -> bool {
    let Some(first) = cells.iter().map(|c| c.trim()).find(|c| !c.is_empty()) else {
        return false;
    };
    let lower = first.to_lowercase();
    let total = lower == "total"
        || lower == "totals"
        || lower.starts_with("grand total")
        || lower.starts_with("subtotal")
        || lower.starts_with("total (")
        || lower.starts_with("count (")
        || ["小计", "合计", "总计", "汇总"]
            .iter()
            .any(|t| lower.starts_with(t));
    let filled = cells.iter().filter(|c| !c.trim().is_empty()).count();
    let footer = filled == 1
        && cells.len() < columns.max(2)
        && [
            "confidential information",
            "copyright",
            "generated by",
            "filtered by",
            "salesforce.com",
            "©",
        ]
        .iter()
        .any(|t| lower.starts_with(t));
    total || footer
}

/// Headers as a reader hands them over: trimmed, a byte-order mark dropped, and
/// refused when a column is named twice (one would win unseen).
pub(crate) fn checked_headers(cells: Vec<String>) -> std::result::Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::with_capacity(cells.len());
    for (i, cell) in cells.into_iter().enumerate() {
        let text = cell.trim_start_matches('\u{feff}').trim().to_owned();
        if !text.is_empty() {
            if let Some(p) = out.iter().position(|o| o.eq_ignore_ascii_case(&text)) {
                return Err(format!(
                    "the header names column '{text}' twice (columns {} and {}); rename or drop one",
                    p + 1,
                    i + 1
                ));
            }
        }
        out.push(text);
    }
    if out.iter().all(String::is_empty) {
        return Err("has no header (its first line is empty)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod fuzz {
    //! No bytes make a reader panic, and what a writer puts in a cell is what the
    //! reader reads back. Bounded budgets: they run in CI with everything else.

    use super::*;
    use proptest::prelude::*;

    fn all_records(t: &Table) -> Vec<RawRecord> {
        t.records(Arc::new(AtomicU64::new(0))).unwrap().collect()
    }

    /// Reads a file through to its end, whatever it holds: refused or read,
    /// never a panic.
    fn read_through(path: std::path::PathBuf) {
        if let Ok(tables) = read(&[path], ReadOptions::default()) {
            for t in &tables {
                let _ = all_records(t);
            }
        }
    }

    /// The cells of a written file's first table, its id column left out.
    fn cells_after_id(path: std::path::PathBuf) -> Vec<Vec<String>> {
        let tables = read(&[path], ReadOptions::default()).unwrap();
        all_records(&tables[0])
            .into_iter()
            .map(|(_, row)| match row {
                Row::Cells(c) => c[1..].to_vec(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    /// A cell as people type them: letters, digits, Chinese, separators, quotes,
    /// line breaks, spaces.
    fn cell() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-zA-Z0-9 ,;\"'\\t\\n.:()万元华信-]{0,14}").unwrap()
    }

    fn grid() -> impl Strategy<Value = Vec<Vec<String>>> {
        (1usize..5).prop_flat_map(|width| {
            proptest::collection::vec(proptest::collection::vec(cell(), width), 1..8)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic_the_csv_reader(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("random.csv");
            std::fs::write(&path, &bytes).unwrap();
            read_through(path);
        }

        #[test]
        fn csv_cells_read_back_as_written(rows in grid()) {
            let width = rows[0].len();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("cells.csv");
            let mut w = csv::Writer::from_path(&path).unwrap();
            // An id first, so no row is blank or a report's total.
            let header: Vec<String> = std::iter::once("id".to_owned()).chain((0..width).map(|i| format!("c{i}"))).collect();
            w.write_record(&header).unwrap();
            for (i, r) in rows.iter().enumerate() {
                w.write_record(std::iter::once(format!("r{i}")).chain(r.iter().cloned())).unwrap();
            }
            w.flush().unwrap();
            drop(w);
            prop_assert_eq!(cells_after_id(path), rows);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn damaged_workbooks_never_panic_the_reader(hits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("book.xlsx");
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "客户名称").unwrap();
            sheet.write_string(1, 0, "华信").unwrap();
            sheet.write_number(1, 1, 1234.5).unwrap();
            let mut bytes = book.save_to_buffer().unwrap();
            for (at, b) in hits {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            std::fs::write(&path, &bytes).unwrap();
            read_through(path);
        }

        #[test]
        fn workbook_cells_read_back_as_written(rows in grid()) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("cells.xlsx");
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            let width = rows[0].len();
            sheet.write_string(0, 0, "id").unwrap();
            for c in 0..width {
                sheet.write_string(0, c as u16 + 1, format!("c{c}")).unwrap();
            }
            for (r, row) in rows.iter().enumerate() {
                sheet.write_string(r as u32 + 1, 0, format!("r{r}")).unwrap();
                for (c, v) in row.iter().enumerate() {
                    if !v.is_empty() {
                        sheet.write_string(r as u32 + 1, c as u16 + 1, v).unwrap();
                    }
                }
            }
            book.save(&path).unwrap();
            prop_assert_eq!(cells_after_id(path), rows);
        }
    }
}
