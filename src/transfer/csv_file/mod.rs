//! CSV files in, through a column mapping: each file is recognised by its headers,
//! streamed record by record into guanxi's own rows, and written in chunks inside
//! one transaction for the whole set of files, so a set either lands whole (or,
//! with `partial`, its good rows do) and a killed import leaves nothing.
//!
//! Records are known by external ids: a record's guanxi id is derived from the
//! mapping's system and the external id (a UUID v5), so the same file imported
//! twice finds the same records. Accounts and competitors already stored under the
//! same normalised name, and employees under the same e-mail, are matched instead.
//!
//! The rooms: `record` reads a record through its section (defaults counted),
//! `resolver` knows the ids, `convert` and its `convert_*` siblings turn a record
//! into rows by kind, `chunk` holds rows until they are written, `file` converts
//! one file on a blocking thread, and `run` writes the chunks in one transaction
//! and reports.

use std::{
    cell::RefCell,
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{atomic::AtomicU64, Arc},
};

// Millions of ids hashed per large import: foldhash, seeded per process, not SipHash.
use foldhash::{HashMap, HashMapExt, HashSet};
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use super::{
    import::{
        import_chunk, likely_duplicates, refusal, stored_names, ImportReport, Rejected, StoredNames,
    },
    mapping::{header_names, Entity, FieldSpec, Mapping, Recognised, Section, Source},
    read::{RawRecord, ReadOptions, Row, Table},
    tables::*,
    Export, ImportOptions,
};
use crate::{
    domain::{normalise_organisation, Amount, Email, Endpoints, TieKind},
    methodology::Methodology,
    store::{ends_key, Store},
    Error, Result,
};

/// Records converted before a chunk is written.
const CHUNK_RECORDS: usize = 20_000;

/// The namespace of ids derived from external ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x6775_616e_7869_4000_8000_0000_0000_0001);

/// Reports progress as (bytes read, bytes in all files).
pub type Progress = dyn Fn(u64, u64) + Send + Sync;

/// A CSV file to import, optionally with its kind named (`people=contacts.csv`)
/// where its headers would not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    pub path: PathBuf,
    pub entity: Option<Entity>,
}

impl CsvFile {
    /// `PATH` or `KIND=PATH`.
    pub fn parse(arg: &str) -> Result<CsvFile> {
        if let Some((kind, path)) = arg.split_once('=') {
            if let Some(entity) = Entity::from_section(kind) {
                return Ok(CsvFile {
                    path: path.into(),
                    entity: Some(entity),
                });
            }
            if !Path::new(arg).exists() {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "'{kind}' is not a kind of record ({})",
                        Entity::all_sections()
                    ),
                ));
            }
        }
        Ok(CsvFile {
            path: arg.into(),
            entity: None,
        })
    }
}

/// A problem with one field of one record, before any row exists.
struct FieldError {
    field: &'static str,
    message: String,
}

fn err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

type Conv<T> = std::result::Result<T, FieldError>;

mod chunk;
mod convert;
mod convert_activities;
mod convert_deals;
mod convert_parties;
mod file;
mod record;
mod resolver;
mod run;

use chunk::*;
use convert::*;
use file::*;
use record::*;
use resolver::*;

pub use convert::Merged;
pub use file::FileRead;
pub use record::{DefaultWhy, Defaulted};
pub use run::{import_csv, import_files, import_records};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_with_an_offset_falls_on_its_day_in_the_import_zone() {
        let shanghai: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
        assert_eq!(
            day_in_zone("2026-10-12T18:30:00.000+0000", shanghai),
            Some(time::macros::date!(2026 - 10 - 13))
        );
        assert_eq!(
            day_in_zone("2026-10-12T08:30:00Z", shanghai),
            Some(time::macros::date!(2026 - 10 - 12))
        );
        assert_eq!(day_in_zone("2026-10-12", shanghai), None);
        assert_eq!(day_in_zone("2026-10-12T18:30:00", shanghai), None);
    }

    #[test]
    fn dates_in_the_shapes_exports_use() {
        let d = |s| parse_date(s, None);
        assert_eq!(d("2026-11-05"), Some(time::macros::date!(2026 - 11 - 05)));
        assert_eq!(d("2026/11/05"), Some(time::macros::date!(2026 - 11 - 05)));
        assert_eq!(
            d("2026-11-05T09:30:00.000+0000"),
            Some(time::macros::date!(2026 - 11 - 05))
        );
        assert_eq!(d("05.11.2026"), None);
        assert_eq!(d("2026-13-01"), None);
        assert_eq!(
            parse_date("11/05/2026", Some("[month]/[day]/[year]")),
            Some(time::macros::date!(2026 - 11 - 05))
        );
    }

    #[test]
    fn full_width_dates_are_read_and_nothing_panics() {
        let d = |s| parse_date(s, None);
        assert_eq!(
            d("２０２１-01-01"),
            Some(time::macros::date!(2021 - 01 - 01))
        );
        assert_eq!(
            d("２０２１－０１－０１"),
            Some(time::macros::date!(2021 - 01 - 01))
        );
        // Multi-byte characters where the date ends: refused, never a panic.
        assert_eq!(d("2021-01-01号"), None);
        assert_eq!(d("二〇二一年一月一日"), None);
        assert_eq!(
            d("２０２１-01-01T08:00:00+08:00"),
            Some(time::macros::date!(2021 - 01 - 01))
        );
    }

    #[test]
    fn a_header_naming_a_column_twice_is_refused() {
        let cells = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let why = super::super::read::checked_headers(cells(&["Id", "Name", "name"])).unwrap_err();
        assert!(why.contains("'name' twice (columns 2 and 3)"), "{why}");
        assert_eq!(
            super::super::read::checked_headers(cells(&["\u{feff}Id", "Name"])).unwrap(),
            vec!["Id", "Name"]
        );
    }

    #[test]
    fn cells_hold_the_api_rules_for_text() {
        assert!(cell_problem("王建国").is_none());
        assert!(cell_problem("line one\nline two\tand a tab").is_none());
        assert!(cell_problem("nul\u{0}").unwrap().contains("U+0000"));
        assert!(cell_problem("\u{1b}[31mred\u{1b}[0m")
            .unwrap()
            .contains("U+001B"));
        assert!(cell_problem(&"x".repeat(4001))
            .unwrap()
            .contains("4001 characters"));
        assert!(cell_problem(&"x".repeat(4000)).is_none());
    }

    #[test]
    fn amounts_and_names() {
        assert_eq!(
            amount_in("amount", "¥1,200,000.50", '.', false).ok(),
            Some(120_000_050)
        );
        assert_eq!(
            amount_in("amount", "120万", '.', false).ok(),
            Some(120_000_000)
        );
        assert!(amount_in("amount", "1,5", '.', false).is_err());
        assert!(amount_in("amount", "twelve", '.', false).is_err());
        // In a semicolon-separated file a lone comma may be a decimal one.
        assert_eq!(amount_in("amount", "1,500", '.', false).ok(), Some(150_000));
        assert!(amount_in("amount", "1,500", '.', true).is_err());
        assert_eq!(
            amount_in("amount", "1,500,000", '.', true).ok(),
            Some(150_000_000)
        );
        assert_eq!(
            amount_in("amount", "1,500.00", '.', true).ok(),
            Some(150_000)
        );
        assert_eq!(
            full_name(Some("建国".into()), Some("王".into())).as_deref(),
            Some("王建国")
        );
        assert_eq!(
            full_name(Some("Grace".into()), Some("Li".into())).as_deref(),
            Some("Grace Li")
        );
    }
}
