//! CSV as spreadsheets and other systems write it: UTF-8 with or without a
//! byte-order mark, UTF-16 (Excel's "Unicode text"), GB18030/GBK (Chinese
//! Excel's default) and other legacy encodings, separated by commas, semicolons
//! or tabs. The encoding is read from the byte-order mark, or the file is checked
//! to be UTF-8 whole, or else detected from its content (and said so); the
//! separator is the one the header line uses.

use std::{
    io::{BufRead, Read},
    path::Path,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use super::{
    cannot_read, checked_headers, object_of, short_name, summary_line, Body, RawRecord, Row, Table,
};
use crate::{Error, Result};

/// A text encoding, named as `--encoding` takes it (`utf-8`, `gb18030`, `gbk`,
/// `utf-16le`, `windows-1252`, … as the WHATWG Encoding Standard labels them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoding(&'static encoding_rs::Encoding);

impl Encoding {
    pub fn parse(label: &str) -> Result<Encoding> {
        encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .map(Encoding)
            .ok_or_else(|| {
                Error::invalid(
                    "encoding",
                    format!("'{label}' is not an encoding (e.g. utf-8, gb18030, gbk, utf-16le, windows-1252)"),
                )
            })
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

/// Opens a CSV file: finds its encoding and separator and reads its header.
pub(super) fn open(path: &Path, encoding: Option<Encoding>) -> Result<Table> {
    let name = short_name(path);
    let bytes = std::fs::metadata(path)
        .map_err(|e| cannot_read(path, e))?
        .len();
    let head = {
        let mut f = std::fs::File::open(path).map_err(|e| cannot_read(path, e))?;
        let mut head = vec![0u8; 4];
        let n = read_up_to(&mut f, &mut head).map_err(|e| cannot_read(path, e))?;
        head.truncate(n);
        head
    };
    let bom = encoding_rs::Encoding::for_bom(&head);
    let (body, read_as, first_line) = match (bom, encoding) {
        (Some((e, _)), _) if e == encoding_rs::UTF_8 => utf8(path, &name, "UTF-8 with BOM")?,
        (None, None) => match utf8(path, &name, "UTF-8") {
            Ok(read) => read,
            Err(not_utf8) => {
                let all = std::fs::read(path).map_err(|e| cannot_read(path, e))?;
                // UTF-8 text with a stray byte is a damaged UTF-8 file, not a
                // legacy encoding: decoding it as one would garble every Chinese
                // name in it.
                let valid = match std::str::from_utf8(&all) {
                    Ok(_) => all.len(),
                    Err(e) => e.valid_up_to(),
                };
                let utf8_before = std::str::from_utf8(&all[..valid])
                    .map_or(0, |t| t.chars().filter(|c| !c.is_ascii()).count());
                if utf8_before > 0 {
                    return Err(not_utf8);
                }
                let mut detector =
                    chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                detector.feed(&all, true);
                let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
                decoded(
                    &name,
                    &all,
                    guess,
                    format!(
                        "{} (detected from its content; say --encoding if it is another)",
                        guess.name()
                    ),
                )?
            }
        },
        (None, Some(Encoding(e))) if e == encoding_rs::UTF_8 => utf8(path, &name, "UTF-8")?,
        (Some((e, _)), _) => {
            let all = std::fs::read(path).map_err(|e| cannot_read(path, e))?;
            decoded(
                &name,
                &all,
                e,
                format!("{} (by its byte-order mark)", e.name()),
            )?
        }
        (None, Some(Encoding(e))) => {
            let all = std::fs::read(path).map_err(|e| cannot_read(path, e))?;
            decoded(&name, &all, e, format!("{} (as --encoding says)", e.name()))?
        }
    };
    let delimiter = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"))
    {
        b'\t'
    } else {
        sniff_delimiter(&first_line)
    };
    let (body, text) = match body {
        Body::Decoded { text, .. } => (
            Body::Decoded {
                text: text.clone(),
                delimiter,
            },
            Some(text),
        ),
        _ => (Body::File { delimiter }, None),
    };
    let headers = {
        let input: Box<dyn Read> = match &text {
            Some(t) => Box::new(std::io::Cursor::new(super::ArcBytes(t.clone()))),
            None => Box::new(std::fs::File::open(path).map_err(|e| cannot_read(path, e))?),
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .delimiter(delimiter)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Err(Error::invalid(name, "is empty: no header, no records")),
            Err(e) => {
                return Err(Error::invalid(
                    name,
                    format!("line 1: cannot be read as CSV: {e}"),
                ))
            }
        }
        let cells = record
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>();
        if cells.iter().any(|c| c.contains(['\n', '\r'])) {
            return Err(Error::invalid(
                name,
                "line 1: the header has a line break inside a column name: a quote opened there is never closed",
            ));
        }
        checked_headers(cells).map_err(|e| Error::invalid(name.clone(), format!("line 1: {e}")))?
    };
    let separator = match delimiter {
        b',' => "comma-separated",
        b';' => "semicolon-separated",
        b'\t' => "tab-separated",
        _ => "separated",
    };
    Ok(Table {
        name,
        path: path.to_owned(),
        headers,
        read_as: format!("CSV, {read_as}, {separator}"),
        object: object_of(path),
        unit: "line",
        bytes,
        body,
    })
}

fn read_up_to(f: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Checks that the whole file is UTF-8, streaming; keeps its first line for
/// finding the separator. Refused naming the line of the first bad byte.
fn utf8(path: &Path, name: &str, read_as: &str) -> Result<(Body, String, String)> {
    let file = std::fs::File::open(path).map_err(|e| cannot_read(path, e))?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, file);
    let mut carry: Vec<u8> = Vec::new();
    let mut line = 1u64;
    let mut first_line: Option<String> = None;
    let mut head: Vec<u8> = Vec::new();
    loop {
        let buf = input.fill_buf().map_err(|e| cannot_read(path, e))?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        carry.extend_from_slice(buf);
        input.consume(n);
        if first_line.is_none() {
            head.extend_from_slice(&carry[..carry.len().min(1 << 16)]);
            if let Some(end) = head.iter().position(|b| *b == b'\n') {
                first_line = Some(String::from_utf8_lossy(&head[..end]).into_owned());
            }
        }
        match std::str::from_utf8(&carry) {
            Ok(_) => {
                line += carry.iter().filter(|b| **b == b'\n').count() as u64;
                carry.clear();
            }
            Err(e) if e.error_len().is_none() => {
                // A character cut by the buffer's end: keep its first bytes.
                let good = e.valid_up_to();
                line += carry[..good].iter().filter(|b| **b == b'\n').count() as u64;
                carry.drain(..good);
            }
            Err(e) => {
                let at = e.valid_up_to();
                let line = line + carry[..at].iter().filter(|b| **b == b'\n').count() as u64;
                return Err(Error::invalid(
                    name.to_owned(),
                    format!(
                        "line {line}: byte 0x{:02X} is not UTF-8 (give the file's encoding with --encoding, e.g. gb18030)",
                        carry[at]
                    ),
                ));
            }
        }
    }
    if !carry.is_empty() {
        return Err(Error::invalid(
            name.to_owned(),
            format!("line {line}: the file ends inside a character: it is cut short, or not UTF-8"),
        ));
    }
    let first_line = first_line.unwrap_or_else(|| String::from_utf8_lossy(&head).into_owned());
    Ok((
        Body::File { delimiter: b',' },
        read_as.to_owned(),
        first_line,
    ))
}

/// Decodes a whole file from `encoding` into UTF-8; refused naming the line of
/// the first byte sequence that encoding cannot hold.
fn decoded(
    name: &str,
    all: &[u8],
    encoding: &'static encoding_rs::Encoding,
    read_as: String,
) -> Result<(Body, String, String)> {
    let (text, _, malformed) = encoding.decode(all);
    if malformed {
        // Where the first malformed sequence is: decode up to each line's end.
        let mut line = 1u64;
        let mut decoder = encoding.new_decoder_with_bom_removal();
        let mut out = String::with_capacity(1024);
        for chunk in all.split_inclusive(|b| *b == b'\n') {
            out.clear();
            out.reserve(
                decoder
                    .max_utf8_buffer_length(chunk.len())
                    .unwrap_or(chunk.len() * 3),
            );
            let (result, _) = decoder.decode_to_string_without_replacement(chunk, &mut out, false);
            if matches!(result, encoding_rs::DecoderResult::Malformed(_, _)) {
                break;
            }
            line += 1;
        }
        return Err(Error::invalid(
            name.to_owned(),
            format!(
                "line {line}: holds bytes that are not {} text (give the file's encoding with --encoding)",
                encoding.name()
            ),
        ));
    }
    let first_line = text.lines().next().unwrap_or("").to_owned();
    Ok((
        Body::Decoded {
            text: Arc::new(text.into_owned().into_bytes()),
            delimiter: b',',
        },
        read_as,
        first_line,
    ))
}

/// The separator the header line uses most, outside quotes: comma, semicolon
/// (Excel where the comma is the decimal mark) or tab.
fn sniff_delimiter(first_line: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first_line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    // The first of the most used wins: comma before semicolon before tab.
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts
        .iter()
        .find(|(_, n)| *n == most && most > 0)
        .map_or(b',', |(d, _)| *d)
}

/// Physical line numbers for byte offsets, read alongside the CSV reader from a
/// second copy of the input (the reader counts records, not the blank lines and
/// quoted line breaks between them).
struct LineCounter<R> {
    input: std::io::BufReader<R>,
    byte: u64,
    line: u64,
}

impl<R: Read> LineCounter<R> {
    fn new(input: R) -> Self {
        LineCounter {
            input: std::io::BufReader::with_capacity(1 << 16, input),
            byte: 0,
            line: 1,
        }
    }

    /// The line a byte offset is on (offsets only grow).
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.byte < byte {
            let Ok(buf) = self.input.fill_buf() else {
                break;
            };
            if buf.is_empty() {
                break;
            }
            let take = buf.len().min((byte - self.byte) as usize);
            self.line += buf[..take].iter().filter(|b| **b == b'\n').count() as u64;
            self.input.consume(take);
            self.byte += take as u64;
        }
        // The reader's offset may sit on the line break before a record (CRLF
        // files) or before blank lines it skipped: the record starts after them.
        loop {
            let next = match self.input.fill_buf() {
                Ok([b, ..]) if *b == b'\r' || *b == b'\n' => *b,
                _ => break,
            };
            if next == b'\n' {
                self.line += 1;
            }
            self.input.consume(1);
            self.byte += 1;
        }
        self.line
    }

    /// The quote characters from here to the end: an odd count after the last
    /// record's start means a quote it opened is never closed (every quoted cell
    /// has two, and a quote inside one is written twice).
    fn quotes_to_end(&mut self) -> u64 {
        let mut quotes = 0;
        while let Ok(buf) = self.input.fill_buf() {
            if buf.is_empty() {
                break;
            }
            quotes += buf.iter().filter(|b| **b == b'"').count() as u64;
            let n = buf.len();
            self.input.consume(n);
        }
        quotes
    }
}

/// The records after the header of a CSV input; `again` is a second copy of it
/// for line numbers. One record is held back until the next is read, so the last
/// can be checked for a quote that swallowed the rest of the file.
pub(super) fn records<R, S>(
    input: R,
    again: S,
    delimiter: u8,
    read: Arc<AtomicU64>,
) -> impl Iterator<Item = RawRecord> + Send
where
    R: Read + Send + 'static,
    S: Read + Send + 'static,
{
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);
    let columns = rdr.byte_headers().map(|h| h.len()).unwrap_or(0);
    let mut lines = LineCounter::new(again);
    let mut record = csv::ByteRecord::new();
    let mut pending: Option<RawRecord> = None;
    let mut done = false;
    std::iter::from_fn(move || loop {
        if done {
            return pending.take();
        }
        let current = match rdr.read_byte_record(&mut record) {
            Ok(true) => {
                let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
                let cells: Vec<String> = record
                    .iter()
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect();
                read.store(rdr.position().byte(), Ordering::Relaxed);
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                (line, classify(cells, columns))
            }
            Ok(false) => {
                done = true;
                read.store(rdr.position().byte(), Ordering::Relaxed);
                let last = pending.take()?;
                if lines.quotes_to_end() % 2 == 1 {
                    return Some((
                        last.0,
                        Row::Unreadable(
                            "a quote opened in this record is never closed, so the rest of the file would be one cell"
                                .into(),
                        ),
                    ));
                }
                return Some(last);
            }
            Err(e) => {
                // Only reading the input fails here (the cells are bytes): what
                // was read stands, and the failure is the last record.
                done = true;
                let line = e.position().map_or(0, |p| p.line());
                (line, Row::Unreadable(format!("cannot be read as CSV: {e}")))
            }
        };
        if let Some(previous) = pending.replace(current) {
            return Some(previous);
        }
    })
}

/// A record's cells, or why they are not a record: a report's summary line, or a
/// row with more or fewer cells than the header has columns.
fn classify(cells: Vec<String>, columns: usize) -> Row {
    if summary_line(&cells, columns) {
        return Row::Summary;
    }
    match cells.len().cmp(&columns) {
        std::cmp::Ordering::Greater => Row::Unreadable(format!(
            "has {} cells but the header has {columns} columns (a separator inside an unquoted cell?)",
            cells.len()
        )),
        std::cmp::Ordering::Less => Row::Unreadable(format!(
            "has {} cells but the header has {columns} columns: the row is cut short (a truncated file, or a line break in an unquoted cell?)",
            cells.len()
        )),
        std::cmp::Ordering::Equal => Row::Cells(cells),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(bytes: &[u8], file: &str) -> (tempfile::TempDir, Result<Table>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file);
        std::fs::write(&path, bytes).unwrap();
        let t = open(&path, None);
        (dir, t)
    }

    fn rows(t: &Table) -> Vec<RawRecord> {
        t.records(Arc::new(AtomicU64::new(0))).unwrap().collect()
    }

    fn cells(v: &[&str]) -> Row {
        Row::Cells(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn encodings_and_separators_are_found() {
        let (_d, t) = table("\u{feff}Name;Amount\n华信;1.200,50\n".as_bytes(), "a.csv");
        let t = t.unwrap();
        assert_eq!(t.headers, ["Name", "Amount"]);
        assert!(
            t.read_as.contains("UTF-8 with BOM") && t.read_as.contains("semicolon"),
            "{}",
            t.read_as
        );
        assert_eq!(rows(&t), vec![(2, cells(&["华信", "1.200,50"]))]);

        let (gbk, _, _) =
            encoding_rs::GB18030.encode("客户名称,金额\n华信移动,120万\n中国联通,35万\n");
        let (_d, t) = table(&gbk, "客户.csv");
        let t = t.unwrap();
        assert_eq!(t.headers, ["客户名称", "金额"]);
        assert!(
            t.read_as.contains("GBK") || t.read_as.contains("gb18030"),
            "{}",
            t.read_as
        );
        assert_eq!(rows(&t)[1], (3, cells(&["中国联通", "35万"])));

        let mut utf16 = vec![0xFF, 0xFE];
        for u in "Name\tTitle\r\n张伟\tCFO\r\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let (_d, t) = table(&utf16, "u.txt");
        let t = t.unwrap();
        assert!(
            t.read_as.contains("UTF-16LE") && t.read_as.contains("tab"),
            "{}",
            t.read_as
        );
        assert_eq!(rows(&t), vec![(2, cells(&["张伟", "CFO"]))]);
    }

    #[test]
    fn broken_files_are_refused_naming_the_line() {
        // A row cut mid-line.
        let (_d, t) = table(
            b"Id,Name,Industry\n1,First Co,Retail\n2,Second Com",
            "cut.csv",
        );
        let r = rows(&t.unwrap());
        assert!(
            matches!(&r[1], (3, Row::Unreadable(m)) if m.contains("cut short")),
            "{r:?}"
        );
        // An unclosed quote swallowing the rest of the file.
        let (_d, t) = table(b"Id,Name\n1,\"First Co\n2,Second\n3,Third\n", "quote.csv");
        let r = rows(&t.unwrap());
        assert!(
            matches!(r.last(), Some((2, Row::Unreadable(m))) if m.contains("never closed")),
            "{r:?}"
        );
        // A quote inside a quoted cell written twice is no problem.
        let (_d, t) = table(b"Id,Name\n1,\"The \"\"Best\"\" Co\"\n", "ok.csv");
        assert_eq!(
            rows(&t.unwrap()),
            vec![(2, cells(&["1", "The \"Best\" Co"]))]
        );
        // A header naming a column twice.
        let (_d, t) = table(b"Id,Name,name\n1,a,b\n", "twice.csv");
        assert!(t.unwrap_err().to_string().contains("twice"));
        // A UTF-8 file with one stray byte is damaged, not another encoding.
        let (_d, t) = table(
            "Name\n华信\nM\u{fc}ller\n"
                .replace('\u{fc}', "\u{1}")
                .as_bytes(),
            "stray.csv",
        );
        assert!(t.is_ok());
        let mut bytes = "Name\n华信移动\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"M\xfcller\n");
        let (_d, t) = table(&bytes, "stray.csv");
        let why = t.unwrap_err().to_string();
        assert!(why.contains("line 3") && why.contains("not UTF-8"), "{why}");
        // Windows-1252 bytes are not taken for UTF-8.
        let (_d, t) = table(b"Name\nM\xfcller GmbH\n", "latin.csv");
        let t = t.unwrap();
        assert!(t.read_as.contains("windows-1252"), "{}", t.read_as);
        assert_eq!(rows(&t), vec![(2, cells(&["Müller GmbH"]))]);
    }

    #[test]
    fn report_totals_and_footers_are_not_records() {
        let text = "\u{feff}\"Account: Account Name\",\"Opportunity Name\",\"Amount\"\n\"Huaxin\",\"Core\",\"1,000.00\"\n\"Total\",\"\",\"1,000.00\"\n\"\"\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.\"\n";
        let (_d, t) = table(text.as_bytes(), "report.csv");
        let r = rows(&t.unwrap());
        assert_eq!(r[0], (2, cells(&["Huaxin", "Core", "1,000.00"])));
        assert_eq!(r[1], (3, Row::Summary));
        assert_eq!(r[2], (5, Row::Summary));
        assert_eq!(r[3], (6, Row::Summary));
        assert_eq!(r.len(), 4);
    }
}
