//! Excel and OpenDocument workbooks (`calamine`): every sheet with a header is a
//! table of its own, named `Book.xlsx[Sheet]`, its rows numbered as the
//! spreadsheet numbers them. Numbers are written out as the shortest text that
//! reads back to the same value, dates as ISO dates, and a cell holding a
//! formula error (#N/A, #REF!) refuses its row.

use std::{path::Path, sync::Arc};

use calamine::{Data, Reader};

use super::{cannot_read, checked_headers, short_name, summary_line, Body, RawRecord, Row, Table};
use crate::{Error, Result};

pub(super) fn open(path: &Path) -> Result<Vec<Table>> {
    let name = short_name(path);
    let bytes = std::fs::metadata(path)
        .map_err(|e| cannot_read(path, e))?
        .len();
    let mut book = calamine::open_workbook_auto(path)
        .map_err(|e| Error::invalid(name.clone(), format!("cannot be read as a workbook: {e}")))?;
    let mut tables = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).map_err(|e| {
            Error::invalid(format!("{name}[{sheet}]"), format!("cannot be read: {e}"))
        })?;
        let first_row = range.start().map_or(0, |(r, _)| r as u64);
        let mut rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| (first_row + i as u64 + 1, cells));
        // The header is the first row with anything in it.
        let Some((header_row, header)) =
            rows.find(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)))
        else {
            continue;
        };
        let table_name = format!("{name}[{sheet}]");
        let headers = checked_headers(header.iter().map(|c| text(c).unwrap_or_default()).collect())
            .map_err(|e| Error::invalid(table_name.clone(), format!("row {header_row}: {e}")))?;
        let columns = headers.len();
        let mut records: Vec<RawRecord> = Vec::new();
        for (row, cells) in rows {
            let mut out = Vec::with_capacity(columns);
            let mut bad = None;
            for (i, c) in cells.iter().enumerate() {
                match text(c) {
                    Ok(t) => out.push(t),
                    Err(why) => {
                        bad = Some(format!(
                            "column {}: {why}",
                            headers
                                .get(i)
                                .filter(|h| !h.is_empty())
                                .cloned()
                                .unwrap_or_else(|| (i + 1).to_string())
                        ));
                        break;
                    }
                }
            }
            if let Some(why) = bad {
                records.push((row, Row::Unreadable(why)));
                continue;
            }
            // Cells right of the header's last column hold nothing a mapping reads.
            if out[columns.min(out.len())..]
                .iter()
                .any(|c| !c.trim().is_empty())
            {
                records.push((
                    row,
                    Row::Unreadable(format!(
                        "has a value right of the header's last column ({columns} columns)"
                    )),
                ));
                continue;
            }
            out.truncate(columns);
            out.resize(columns, String::new());
            if out.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if summary_line(&out, columns) {
                records.push((row, Row::Summary));
                continue;
            }
            records.push((row, Row::Cells(out)));
        }
        tables.push(Table {
            name: table_name,
            path: path.to_owned(),
            headers,
            read_as: format!("workbook, sheet '{sheet}'"),
            object: Some(sheet.clone()),
            unit: "row",
            bytes,
            body: Body::Rows(Arc::new(records)),
        });
    }
    if tables.is_empty() {
        return Err(Error::invalid(name, "has no sheet with a header row"));
    }
    Ok(tables)
}

/// A cell as text, or why it has none.
fn text(cell: &Data) -> std::result::Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust writes the shortest text that reads back to the same number, never
        // with an exponent: 1234.56 stays "1234.56", 1.2e7 is "12000000".
        Data::Float(f) if f.is_finite() => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Float(f) => return Err(format!("holds the number {f}, which is not a value")),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(d) => format!("{}", d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("holds the spreadsheet error {e}")),
    })
}
