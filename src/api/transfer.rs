//! Small imports through the API (`importRows`): records as objects of column to
//! value, read through one of the shipped column mappings, with the same report as
//! the command line. A refused batch is an `INVALID_INPUT` error whose
//! `extensions.rejected` lists every bad row.

use std::collections::BTreeMap;

use async_graphql::{Context, Enum, ErrorExtensions, Json, Result, SimpleObject, ID};

use super::{context::store, error::Coded};
use crate::{
    transfer::{
        csv_file::{import_records, DefaultWhy},
        mapping::{Entity, SHIPPED},
        ImportOptions, ImportReport, Mapping,
    },
    Error,
};

/// Most records one `importRows` call takes; larger files go through `guanxi import`.
pub const MAX_IMPORT_ROWS: usize = 2_000;

/// The kind of record a batch holds (a section of the mapping).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Accounts,
    People,
    Employees,
    Competitors,
    Opportunities,
    StageHistory,
    DecisionChain,
    Relationships,
    Interactions,
}

impl From<ImportKind> for Entity {
    fn from(k: ImportKind) -> Entity {
        match k {
            ImportKind::Accounts => Entity::Accounts,
            ImportKind::People => Entity::People,
            ImportKind::Employees => Entity::Employees,
            ImportKind::Competitors => Entity::Competitors,
            ImportKind::Opportunities => Entity::Opportunities,
            ImportKind::StageHistory => Entity::StageHistory,
            ImportKind::DecisionChain => Entity::DecisionChain,
            ImportKind::Relationships => Entity::Relationships,
            ImportKind::Interactions => Entity::Interactions,
        }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "TableChange")]
pub struct TableChangeG {
    pub table: String,
    pub new: i32,
    pub changed: i32,
    pub unchanged: i32,
}

/// A row left out, where the caller will look for it: `rows:3` is the third record.
#[derive(SimpleObject)]
#[graphql(name = "RejectedRow")]
pub struct RejectedRowG {
    pub place: String,
    /// The record's position in `rows`, from 1.
    pub row: Option<i32>,
    /// The column at fault, when one is.
    pub field: Option<String>,
    pub code: String,
    pub message: String,
}

#[derive(SimpleObject)]
#[graphql(name = "NearDuplicate")]
pub struct NearDuplicateG {
    pub place: String,
    pub name: String,
    pub looks_like: String,
    pub looks_like_id: ID,
    pub why: String,
}

/// A value the mapping's declared default gave instead of the file, counted.
#[derive(SimpleObject)]
#[graphql(name = "DefaultedValue")]
pub struct DefaultedG {
    /// `accounts.industry`.
    pub field: String,
    /// The column the value was looked for in.
    pub column: Option<String>,
    /// The default given.
    pub value: String,
    /// NO_COLUMN, EMPTY, UNLISTED (a value the mapping's table lacks) or NO_RULE.
    pub why: String,
    pub count: i32,
    /// The first few places (`rows:3`).
    pub places: Vec<String>,
    /// For unlisted values, the first few the rows held.
    pub row_values: Vec<String>,
    /// Of `count`, the records matched to stored ones that kept their stored
    /// value instead of the default.
    pub kept_stored: i32,
}

#[derive(SimpleObject)]
#[graphql(name = "ImportReport")]
pub struct ImportReportG {
    /// True when nothing was written (a dry run).
    pub dry_run: bool,
    pub new: i32,
    pub changed: i32,
    pub unchanged: i32,
    pub tables: Vec<TableChangeG>,
    /// Rows left out (only with `partial`; otherwise a bad row refuses the batch).
    pub rejected: Vec<RejectedRowG>,
    /// Names that look like another organisation's; reported, never merged.
    pub near_duplicates: Vec<NearDuplicateG>,
    /// Every value a declared default of the mapping gave, counted per field.
    pub defaulted: Vec<DefaultedG>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn rejected_rows(r: &ImportReport) -> Vec<RejectedRowG> {
    r.rejected
        .iter()
        .map(|x| RejectedRowG {
            place: x.place.clone(),
            row: x
                .place
                .rsplit_once(':')
                .and_then(|(_, n)| n.parse::<i32>().ok()),
            field: x.field.clone(),
            code: x.code.to_owned(),
            message: x.message.clone(),
        })
        .collect()
}

impl From<ImportReport> for ImportReportG {
    fn from(r: ImportReport) -> Self {
        ImportReportG {
            dry_run: r.dry_run,
            new: count(r.new_rows()),
            changed: count(r.changed_rows()),
            unchanged: count(r.unchanged_rows()),
            tables: r
                .tables
                .iter()
                .map(|t| TableChangeG {
                    table: t.table.to_owned(),
                    new: count(t.new),
                    changed: count(t.changed),
                    unchanged: count(t.unchanged),
                })
                .collect(),
            rejected: rejected_rows(&r),
            near_duplicates: r
                .near_duplicates
                .iter()
                .map(|d| NearDuplicateG {
                    place: d.path.clone(),
                    name: d.name.clone(),
                    looks_like: d.looks_like.clone(),
                    looks_like_id: ID(d.looks_like_id.to_string()),
                    why: d.why.to_owned(),
                })
                .collect(),
            defaulted: r
                .defaulted
                .iter()
                .map(|d| DefaultedG {
                    field: d.field.clone(),
                    column: d.column.clone(),
                    value: d.value.clone(),
                    why: match d.why {
                        DefaultWhy::NoColumn => "NO_COLUMN",
                        DefaultWhy::Empty => "EMPTY",
                        DefaultWhy::Unlisted => "UNLISTED",
                        DefaultWhy::NoRule => "NO_RULE",
                    }
                    .to_owned(),
                    count: count(d.count as usize),
                    places: d.places.clone(),
                    row_values: d.file_values.clone(),
                    kept_stored: count(d.kept as usize),
                })
                .collect(),
        }
    }
}

/// A cell as text: strings as they are, numbers and booleans written out.
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) async fn import_rows(
    ctx: &Context<'_>,
    kind: ImportKind,
    rows: Vec<Json<BTreeMap<String, serde_json::Value>>>,
    mapping: &str,
    dry_run: bool,
    partial: bool,
) -> Result<ImportReportG> {
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(Error::invalid(
            "rows",
            format!(
                "at most {MAX_IMPORT_ROWS} rows per call, got {}; use `guanxi import` for files",
                rows.len()
            ),
        )
        .extend());
    }
    // Only shipped mappings: a request must not make the server read its own files.
    if !SHIPPED.iter().any(|(n, _)| *n == mapping) {
        return Err(Error::invalid(
            "mapping",
            format!(
                "'{mapping}' is not a shipped mapping ({})",
                SHIPPED
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .extend());
    }
    let mapping = Mapping::load(mapping).coded()?;
    let records: Vec<BTreeMap<String, String>> = rows
        .iter()
        .map(|r| r.0.iter().map(|(k, v)| (k.clone(), cell(v))).collect())
        .collect();
    let store = store(ctx);
    // Checked first without writing, so a refused batch can list every bad row.
    let check = ImportOptions {
        dry_run: true,
        partial: true,
        bulk: false,
    };
    let checked = import_records(store, &mapping, kind.into(), "rows", &records, check)
        .await
        .coded()?;
    if !partial && !checked.rejected.is_empty() {
        let rejected = rejected_rows(&checked);
        let message = format!(
            "{} of {} refused, nothing imported; first: {}",
            rejected.len(),
            crate::domain::count(records.len() as i64, "row", "rows"),
            checked.rejected[0]
        );
        return Err(async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", "INVALID_INPUT");
            ext.set(
                "rejected",
                async_graphql::Value::List(
                    rejected
                        .iter()
                        .map(|r| {
                            let mut m = async_graphql::indexmap::IndexMap::new();
                            m.insert(
                                async_graphql::Name::new("place"),
                                async_graphql::Value::from(r.place.clone()),
                            );
                            m.insert(
                                async_graphql::Name::new("row"),
                                r.row
                                    .map_or(async_graphql::Value::Null, async_graphql::Value::from),
                            );
                            m.insert(
                                async_graphql::Name::new("field"),
                                r.field
                                    .clone()
                                    .map_or(async_graphql::Value::Null, async_graphql::Value::from),
                            );
                            m.insert(
                                async_graphql::Name::new("message"),
                                async_graphql::Value::from(r.message.clone()),
                            );
                            async_graphql::Value::Object(m)
                        })
                        .collect(),
                ),
            );
        }));
    }
    if dry_run {
        return Ok(checked.into());
    }
    let options = ImportOptions {
        dry_run: false,
        partial,
        bulk: false,
    };
    import_records(store, &mapping, kind.into(), "rows", &records, options)
        .await
        .map(Into::into)
        .coded()
}
