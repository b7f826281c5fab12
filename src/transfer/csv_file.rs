//! CSV files in, through a column mapping: each file is recognised by its headers,
//! streamed record by record into guanxi's own rows, and written in chunks inside
//! one transaction for the whole set of files, so a set either lands whole (or,
//! with `partial`, its good rows do) and a killed import leaves nothing.
//!
//! Records are known by external ids: a record's guanxi id is derived from the
//! mapping's system and the external id (a UUID v5), so the same file imported
//! twice finds the same records. Accounts and competitors already stored under the
//! same normalised name, and employees under the same e-mail, are matched instead.

use std::{
    cell::RefCell,
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    sync::{atomic::AtomicU64, Arc},
};

use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use super::{
    import::{
        import_chunk, likely_duplicates, refusal, stored_names, ImportOptions, ImportReport,
        Rejected, StoredNames,
    },
    mapping::{header_names, Entity, FieldSpec, Mapping, Recognised, Section, Source},
    read::{RawRecord, ReadOptions, Row, Table},
    tables::*,
    Export,
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

/// Why a mapping, not the file, gave a field its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefaultWhy {
    /// The file has none of the field's columns.
    NoColumn,
    /// The cell is empty.
    Empty,
    /// The cell's value is not in the field's table.
    Unlisted,
    /// No rule of the field matches the cell (a title no level rule knows).
    NoRule,
}

/// Values a mapping's declared default gave instead of the file, counted per
/// file, field and reason, with the first lines and values, so nothing defaults
/// unseen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaulted {
    pub file: String,
    /// `accounts.industry`.
    pub field: String,
    /// The column the value was looked for in.
    pub column: Option<String>,
    pub value: String,
    pub why: DefaultWhy,
    pub count: u64,
    /// The first few places (`file:line`).
    pub places: Vec<String>,
    /// For unlisted values: the first few values the file had.
    pub file_values: Vec<String>,
    /// Of `count`, the records matched to stored ones that kept their stored
    /// value: a default never overwrites what is stored.
    pub kept: u64,
}

impl Defaulted {
    fn shown_values(&self) -> String {
        self.file_values
            .iter()
            .map(|v| format!("'{v}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for Defaulted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let column = self.column.as_deref().unwrap_or("?");
        let why = match self.why {
            DefaultWhy::NoColumn => format!("the file has no column {column}"),
            DefaultWhy::Empty => format!("{column} is empty"),
            DefaultWhy::Unlisted => format!(
                "{column} holds a value the mapping does not list ({})",
                self.shown_values()
            ),
            DefaultWhy::NoRule => format!(
                "no rule of the mapping matches {column} ({})",
                self.shown_values()
            ),
        };
        let kept = if self.kept == 0 {
            String::new()
        } else {
            format!(
                ", of which {} stored before kept {} stored value",
                crate::domain::count(self.kept as i64, "record", "records"),
                if self.kept == 1 { "its" } else { "their" }
            )
        };
        write!(
            f,
            "{}: {} set to the mapping's default '{}' on {}{kept} ({why}; {}{})",
            self.file,
            self.field,
            self.value,
            crate::domain::count(self.count as i64, "record", "records"),
            self.places.join(", "),
            if self.count as usize > self.places.len() {
                ", …"
            } else {
                ""
            }
        )
    }
}

/// Counts defaults as records are converted; a field counts once per record.
#[derive(Default)]
struct Tally {
    line: u64,
    counted: Vec<(&'static str, DefaultWhy)>,
    uses: BTreeMap<(&'static str, DefaultWhy), Defaulted>,
}

impl Tally {
    fn count(
        &mut self,
        file: &str,
        section: &Section,
        field: &'static str,
        why: DefaultWhy,
        value: &str,
        file_value: Option<&str>,
    ) {
        if self.counted.iter().any(|(f, _)| *f == field) {
            return;
        }
        self.counted.push((field, why));
        let line = self.line;
        let entry = self.uses.entry((field, why)).or_insert_with(|| Defaulted {
            file: file.to_owned(),
            field: format!("{}.{field}", section.entity.section()),
            column: section
                .field(field)
                .and_then(FieldSpec::column)
                .map(str::to_owned),
            value: value.to_owned(),
            why,
            count: 0,
            places: Vec::new(),
            file_values: Vec::new(),
            kept: 0,
        });
        entry.count += 1;
        if entry.places.len() < 5 {
            entry.places.push(format!("{file}:{line}"));
        }
        if let Some(v) = file_value {
            if entry.file_values.len() < 5 && !entry.file_values.iter().any(|x| x == v) {
                entry.file_values.push(v.to_owned());
            }
        }
    }
}

/// One record of a file, read through its section of the mapping.
struct Record<'a> {
    section: &'a Section,
    columns: &'a HashMap<String, usize>,
    cells: &'a [String],
    file: &'a str,
    tally: &'a RefCell<Tally>,
    decimal_mark: char,
    /// The file is semicolon-separated and the mapping declares no decimal
    /// mark: a lone comma in an amount may be one.
    comma_in_doubt: bool,
    zone: Option<chrono_tz::Tz>,
}

impl Record<'_> {
    /// The cell behind a field (the first of its columns the file has a value
    /// in), trimmed, or its fixed value; the default when there is none, counted.
    fn raw(&self, field: &'static str) -> Option<String> {
        let spec = self.section.field(field)?;
        let (value, present) = match &spec.source {
            Source::Column(columns) => {
                let mut present = false;
                let mut found = None;
                for c in columns {
                    if let Some(cell) = self
                        .columns
                        .get(&c.to_lowercase())
                        .and_then(|&i| self.cells.get(i))
                    {
                        present = true;
                        let v = cell.trim();
                        if !v.is_empty() {
                            found = Some(v.to_owned());
                            break;
                        }
                    }
                }
                (found, present)
            }
            Source::Value(v) => (Some(v.clone()), true),
        };
        match value {
            Some(v) => Some(v),
            None => {
                let d = spec.default.clone()?;
                let why = if present {
                    DefaultWhy::Empty
                } else {
                    DefaultWhy::NoColumn
                };
                self.tally
                    .borrow_mut()
                    .count(self.file, self.section, field, why, &d, None);
                Some(d)
            }
        }
    }

    fn spec(&self, field: &str) -> Option<&FieldSpec> {
        self.section.field(field)
    }

    /// The value translated by the field's `values` table or its `rules`; a
    /// value neither lists takes the declared default (counted), or else passes
    /// as it is. `None` when there is no value at all.
    fn translated(&self, field: &'static str) -> Option<(String, bool)> {
        let spec = self.spec(field)?;
        // Of several columns, the first whose value the table lists or a rule
        // matches (a state the table knows, else the country).
        if let Source::Column(names) = &spec.source {
            if names.len() > 1 && (!spec.values.is_empty() || !spec.rules.is_empty()) {
                for name in names {
                    let Some(v) = self
                        .columns
                        .get(&name.to_lowercase())
                        .and_then(|&i| self.cells.get(i))
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                    else {
                        continue;
                    };
                    if let Some(t) = spec.values.get(&v.to_lowercase()) {
                        return Some((t.clone(), true));
                    }
                    if let Some(rule) = spec.rules.iter().find(|r| r.matches(v)) {
                        return Some((rule.value.clone(), true));
                    }
                }
            }
        }
        let raw = self.raw(field)?;
        if let Some(v) = spec.values.get(&raw.to_lowercase()) {
            return Some((v.clone(), true));
        }
        if let Some(rule) = spec.rules.iter().find(|r| r.matches(&raw)) {
            return Some((rule.value.clone(), true));
        }
        let listed = !spec.values.is_empty() || !spec.rules.is_empty();
        if listed && !spec.gives(&raw) {
            if let Some(d) = &spec.default {
                if *d != raw {
                    let why = if spec.rules.is_empty() {
                        DefaultWhy::Unlisted
                    } else {
                        DefaultWhy::NoRule
                    };
                    self.tally.borrow_mut().count(
                        self.file,
                        self.section,
                        field,
                        why,
                        d,
                        Some(&raw),
                    );
                    return Some((d.clone(), true));
                }
            }
        }
        Some((raw, false))
    }

    /// The value, translated by the field's `values` table when listed there.
    fn text(&self, field: &'static str) -> Option<String> {
        self.translated(field).map(|(v, _)| v)
    }

    /// A vocabulary id: translated, or else lower-cased with spaces and dashes as
    /// underscores ("Technical Evaluator" → technical_evaluator).
    fn id(&self, field: &'static str) -> Option<String> {
        let (value, translated) = self.translated(field)?;
        Some(if translated {
            value
        } else {
            value
                .to_lowercase()
                .chars()
                .map(|c| if c == ' ' || c == '-' { '_' } else { c })
                .collect()
        })
    }

    /// True when the mapping's default, not the file, gave the field its value
    /// in this record.
    fn defaulted(&self, field: &str) -> bool {
        self.tally.borrow().counted.iter().any(|(f, _)| *f == field)
    }

    /// Says that this record, matched to a stored one, kept the stored value of
    /// a field its default would have set: counted beside the default.
    fn kept_stored(&self, field: &str) {
        let mut t = self.tally.borrow_mut();
        if let Some(&(f, why)) = t.counted.iter().find(|(f, _)| *f == field) {
            if let Some(e) = t.uses.get_mut(&(f, why)) {
                e.kept += 1;
            }
        }
    }

    /// A yes/no field (`true`/`false`, `1`/`0`, `yes`/`no`, `是`/`否`), none when
    /// empty or unmapped; anything else is refused.
    fn flag(&self, field: &'static str) -> Conv<Option<bool>> {
        let Some(v) = self.text(field) else {
            return Ok(None);
        };
        match v.to_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "是" | "x" => Ok(Some(true)),
            "false" | "0" | "no" | "n" | "否" => Ok(Some(false)),
            _ => Err(err(field, format!("'{v}' is neither true nor false"))),
        }
    }

    /// The place of this record, `file:line`.
    fn place(&self) -> String {
        format!("{}:{}", self.file, self.tally.borrow().line)
    }

    /// The column the field's value came from in this record, to name it.
    fn column(&self, field: &str) -> Option<String> {
        let spec = self.section.field(field)?;
        let Source::Column(columns) = &spec.source else {
            return None;
        };
        columns
            .iter()
            .find(|c| {
                self.columns
                    .get(&c.to_lowercase())
                    .and_then(|&i| self.cells.get(i))
                    .is_some_and(|v| !v.trim().is_empty())
            })
            .or_else(|| {
                columns
                    .iter()
                    .find(|c| self.columns.contains_key(&c.to_lowercase()))
            })
            .or(columns.first())
            .cloned()
    }

    /// The value of a field the record cannot do without; says whether the
    /// cell is empty or the file lacks the column.
    fn required(&self, field: &'static str) -> Conv<String> {
        self.text(field).ok_or_else(|| {
            if self.has_column(field) {
                err(field, "is empty")
            } else {
                err(
                    field,
                    format!(
                        "the file has no column {} (its columns: {})",
                        self.section
                            .field(field)
                            .and_then(|s| match &s.source {
                                Source::Column(c) => Some(c.join(" or ")),
                                Source::Value(_) => None,
                            })
                            .unwrap_or_else(|| field.to_owned()),
                        self.headers_shown()
                    ),
                )
            }
        })
    }

    fn has_column(&self, field: &str) -> bool {
        match self.section.field(field).map(|s| &s.source) {
            Some(Source::Column(columns)) => columns
                .iter()
                .any(|c| self.columns.contains_key(&c.to_lowercase())),
            Some(Source::Value(_)) => true,
            None => false,
        }
    }

    fn headers_shown(&self) -> String {
        let mut h: Vec<(&usize, &String)> = self.columns.iter().map(|(k, v)| (v, k)).collect();
        h.sort();
        h.dedup_by_key(|(i, _)| **i);
        h.into_iter()
            .map(|(_, k)| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn date(&self, field: &'static str) -> Conv<Option<Date>> {
        let Some(raw) = self.raw(field) else {
            return Ok(None);
        };
        let format = self.spec(field).and_then(|s| s.format.as_deref());
        let zoned = match (format, self.zone) {
            (None, Some(zone)) => day_in_zone(&raw, zone),
            _ => None,
        };
        zoned
            .or_else(|| parse_date(&raw, format))
            .map(Some)
            .ok_or_else(|| err(field, format!("'{raw}' is not a date (YYYY-MM-DD)")))
    }

    fn int(&self, field: &'static str) -> Conv<Option<i64>> {
        let Some(raw) = self.text(field) else {
            return Ok(None);
        };
        raw.parse::<i64>()
            .map(Some)
            .map_err(|_| err(field, format!("'{raw}' is not a whole number")))
    }

    fn list(&self, field: &'static str) -> Vec<String> {
        let separator = self.spec(field).map_or(';', |s| s.separator);
        self.raw(field)
            .map(|v| {
                v.split(separator)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// ISO dates and timestamps (the date part), `YYYY/MM/DD`, `YYYY.MM.DD`, or the
/// mapping's own format.
/// Full-width digits and separators are folded first (a Chinese input method's
/// "２０２１－01－01").
pub(crate) fn parse_date(raw: &str, format: Option<&str>) -> Option<Date> {
    let raw = super::values::fold_full_width(raw.trim());
    if let Some(f) = format {
        let description = time::format_description::parse_borrowed::<2>(f).ok()?;
        return Date::parse(&raw, &description).ok();
    }
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let chars: Vec<char> = raw.chars().collect();
    let head: String = chars.iter().take(10).collect();
    let head = head.replace(['/', '.'], "-");
    // A date, or a timestamp whose date part it is; nothing else after it.
    if chars.len() > 10 && !matches!(chars[10], 'T' | ' ' | 't') {
        return None;
    }
    Date::parse(&head, &iso).ok()
}

/// The calendar day in `zone` of a timestamp written with an offset or `Z`
/// (`2026-10-12T18:30:00.000+0000`, `2026-10-12T18:30:00Z`); `None` for anything
/// else (a plain date keeps its day).
pub(crate) fn day_in_zone(raw: &str, zone: chrono_tz::Tz) -> Option<Date> {
    use chrono::Datelike;
    let raw = super::values::fold_full_width(raw.trim());
    if raw.len() <= 10 {
        return None;
    }
    let at = chrono::DateTime::parse_from_rfc3339(&raw)
        .or_else(|_| chrono::DateTime::parse_from_str(&raw, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| chrono::DateTime::parse_from_str(&raw, "%Y-%m-%d %H:%M:%S%.f%z"))
        .ok()?;
    let day = at.with_timezone(&zone).date_naive();
    let month = time::Month::try_from(u8::try_from(day.month()).ok()?).ok()?;
    Date::from_calendar_date(day.year(), month, u8::try_from(day.day()).ok()?).ok()
}

/// An amount in hundredths, read exactly (`values::amount_minor`) and held to the
/// API's limits, or refused naming the column and the value.
fn amount_in(
    field: &'static str,
    raw: &str,
    decimal_mark: char,
    comma_in_doubt: bool,
) -> Conv<i64> {
    // Spreadsheets that separate cells with semicolons are those of locales
    // writing a decimal comma: there, "1,500" may be 1.5.
    if comma_in_doubt && raw.matches(',').count() == 1 && !raw.contains('.') {
        return Err(err(
            field,
            format!("'{raw}' is in a semicolon-separated file, where the comma may be the decimal mark: 1500 or 1.5? Declare the mapping's decimal_mark, or write 1500 or 1.5"),
        ));
    }
    let minor =
        super::values::amount_minor_with(raw, decimal_mark).map_err(|why| err(field, why))?;
    Amount::from_major(field, minor as f64 / 100.0).map_err(|e| err(field, e.to_string()))?;
    Ok(minor)
}

/// A person's full name from its parts: Chinese, Japanese and Korean names family
/// name first with no space, others given name first.
fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    let cjk = |s: &str| s.chars().all(|c| !c.is_ascii() && c.is_alphabetic());
    match (first, last) {
        (Some(f), Some(l)) if cjk(&f) && cjk(&l) => Some(format!("{l}{f}")),
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (None, Some(x)) | (Some(x), None) => Some(x),
        (None, None) => None,
    }
}

/// Every row `sql` selects, or none when the import does not `need` them (the
/// large maps are read only for the kinds of record that refer to them).
async fn rows<T>(store: &Store, sql: &str, needed: bool) -> Result<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    if needed {
        store.dump(sql, None).await
    } else {
        Ok(Vec::new())
    }
}

/// Ids already stored, and those this import has given out, by the keys files use.
struct Resolver {
    system: String,
    accounts_by_key: HashMap<String, Uuid>,
    known_accounts: std::collections::HashSet<Uuid>,
    account_ext: HashMap<String, Uuid>,
    competitors_by_key: HashMap<String, Uuid>,
    employees_by_email: HashMap<String, Uuid>,
    employee_ext: HashMap<String, Uuid>,
    /// Employees by name, for reports that name an owner ("Opportunity Owner"):
    /// a name two employees share finds neither.
    employees_by_name: HashMap<String, Vec<Uuid>>,
    /// Stored departure dates: a file that only says "inactive" keeps them.
    departed_on: HashMap<Uuid, Date>,
    person_account: HashMap<Uuid, Uuid>,
    opportunity_account: HashMap<Uuid, Uuid>,
    /// Interactions' accounts, for the parties a later file adds to them.
    interaction_account: HashMap<Uuid, Uuid>,
    /// Stored opportunities' stage and outcome, to record a stage change only
    /// when a file moves a deal.
    opportunity_stage: HashMap<Uuid, (String, String)>,
    /// Stored budgets and compelling events: a file without those columns keeps them.
    opportunity_budget: HashMap<Uuid, StoredBudget>,
    /// Stored leaving dates: a file without the column keeps them.
    leaving_on: HashMap<Uuid, Date>,
    relationship_by_ends: HashMap<String, Uuid>,
    member_by_pair: HashMap<(Uuid, Uuid), Uuid>,
    /// Accounts and employees as stored before the import: a record matched by
    /// name or e-mail keeps them, and a defaulted field never overwrites them.
    stored_accounts: HashMap<Uuid, AccountRow>,
    stored_employees: HashMap<Uuid, EmployeeRow>,
    /// Stored people's department and level, and deals' currency: a defaulted
    /// field keeps them.
    stored_people: HashMap<Uuid, StoredPerson>,
    /// Stored deals' note, owner and expected signing date: a file without
    /// those columns keeps them.
    stored_deals: HashMap<Uuid, StoredDeal>,
    stored_currency: HashMap<Uuid, String>,
    /// Accounts and employees this import has written, with the place and
    /// external id that first named them: a second, different record of the
    /// files that is the same one is reported as merged.
    seen: HashMap<Uuid, (String, Option<String>)>,
}

/// A stored deal's note, owner and expected signing date.
type StoredDeal = (Option<String>, Option<Uuid>, Option<Date>);

/// A stored person's department, level, title, e-mail and phone.
type StoredPerson = (
    Uuid,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// An opportunity's stored budget status, amount (minor units), confirmation
/// date, compelling event and its date.
type StoredBudget = (
    String,
    Option<i64>,
    Option<Date>,
    Option<String>,
    Option<Date>,
);

impl Resolver {
    /// Reads what the kinds of record in `entities` refer to (the large maps
    /// only when a kind needs them: a batch of accounts never reads every tie).
    async fn load(store: &Store, system: &str, entities: &[Entity]) -> Result<Resolver> {
        use Entity::*;
        let needs = |kinds: &[Entity]| entities.iter().any(|e| kinds.contains(e));
        let flip = |v: Vec<(Uuid, String)>| v.into_iter().map(|(id, k)| (k, id)).collect();
        let accounts: HashMap<String, Uuid> =
            flip(rows(store, "select account_id, name_key from account", true).await?);
        // This system's ids for records matched to stored ones by earlier imports.
        let mut external: HashMap<String, HashMap<String, Uuid>> = HashMap::new();
        for (kind, key, id) in rows::<(String, String, Uuid)>(
            store,
            &format!(
                "select kind, external_key, record_id from external_id where system = '{}'",
                system.replace('\'', "''")
            ),
            true,
        )
        .await?
        {
            external.entry(kind).or_default().insert(key, id);
        }
        Ok(Resolver {
            system: system.to_owned(),
            known_accounts: accounts.values().copied().collect(),
            accounts_by_key: accounts,
            account_ext: external.remove("account").unwrap_or_default(),
            competitors_by_key: flip(
                rows(
                    store,
                    "select competitor_id, name_key from competitor",
                    true,
                )
                .await?,
            ),
            employees_by_email: flip(
                rows(store, "select employee_id, email from employee", true).await?,
            ),
            employee_ext: external.remove("employee").unwrap_or_default(),
            employees_by_name: {
                let mut by: HashMap<String, Vec<Uuid>> = HashMap::new();
                for (id, name) in
                    rows::<(Uuid, String)>(store, "select employee_id, name from employee", true)
                        .await?
                {
                    by.entry(name.trim().to_lowercase()).or_default().push(id);
                }
                by
            },
            departed_on: rows::<(Uuid, Date)>(
                store,
                "select employee_id, departed_on from employee where departed_on is not null",
                true,
            )
            .await?
            .into_iter()
            .collect(),
            person_account: rows::<(Uuid, Uuid)>(
                store,
                "select person_id, account_id from person",
                needs(&[
                    DecisionChain,
                    Relationships,
                    Interactions,
                    InteractionParties,
                ]),
            )
            .await?
            .into_iter()
            .collect(),
            opportunity_account: rows::<(Uuid, Uuid)>(
                store,
                "select opportunity_id, account_id from opportunity",
                needs(&[StageHistory, DecisionChain, Interactions]),
            )
            .await?
            .into_iter()
            .collect(),
            interaction_account: rows::<(Uuid, Uuid)>(
                store,
                "select interaction_id, account_id from interaction",
                needs(&[InteractionParties]),
            )
            .await?
            .into_iter()
            .collect(),
            opportunity_budget: rows::<(
                Uuid,
                String,
                Option<i64>,
                Option<Date>,
                Option<String>,
                Option<Date>,
            )>(
                store,
                "select opportunity_id, budget_status, budget_amount_minor, budget_confirmed_on,
                        compelling_event, compelling_event_by from opportunity",
                needs(&[Opportunities]),
            )
            .await?
            .into_iter()
            .map(|(id, status, amount, on, what, by)| (id, (status, amount, on, what, by)))
            .collect(),
            leaving_on: rows::<(Uuid, Date)>(
                store,
                "select employee_id, leaving_on from employee where leaving_on is not null",
                true,
            )
            .await?
            .into_iter()
            .collect(),
            opportunity_stage: rows::<(Uuid, String, String)>(
                store,
                "select opportunity_id, stage, outcome from opportunity",
                needs(&[Opportunities]),
            )
            .await?
            .into_iter()
            .map(|(id, s, o)| (id, (s, o)))
            .collect(),
            relationship_by_ends: flip(
                rows(
                    store,
                    "select relationship_id, ends_key from relationship",
                    needs(&[Relationships]),
                )
                .await?,
            ),
            stored_accounts: rows::<AccountRow>(store, "select * from account", needs(&[Accounts]))
                .await?
                .into_iter()
                .map(|a| (a.account_id, a))
                .collect(),
            stored_employees: rows::<EmployeeRow>(
                store,
                "select * from employee",
                needs(&[Employees]),
            )
            .await?
            .into_iter()
            .map(|e| (e.employee_id, e))
            .collect(),
            stored_people: rows::<StoredPerson>(
                store,
                "select person_id, department, level, title, email, phone from person",
                needs(&[People]),
            )
            .await?
            .into_iter()
            .map(|p| (p.0, p))
            .collect(),
            stored_deals: rows::<(Uuid, Option<String>, Option<Uuid>, Option<Date>)>(
                store,
                "select opportunity_id, note, owner_id, expected_sign_date from opportunity",
                needs(&[Opportunities]),
            )
            .await?
            .into_iter()
            .map(|(id, note, owner, sign)| (id, (note, owner, sign)))
            .collect(),
            stored_currency: rows::<(Uuid, String)>(
                store,
                "select opportunity_id, currency from opportunity",
                needs(&[Opportunities]),
            )
            .await?
            .into_iter()
            .collect(),
            seen: HashMap::new(),
            member_by_pair: rows::<(Uuid, Uuid, Uuid)>(
                store,
                "select member_id, opportunity_id, person_id from decision_chain_member",
                needs(&[DecisionChain]),
            )
            .await?
            .into_iter()
            .map(|(m, o, p)| ((o, p), m))
            .collect(),
        })
    }

    /// The id an external key stands for in this mapping's system.
    fn id(&self, kind: &str, key: &str) -> Uuid {
        Uuid::new_v5(
            &NAMESPACE,
            format!("{}:{kind}:{}", self.system, self.external(key)).as_bytes(),
        )
    }

    /// An external id as this system names its records: Salesforce's 18- and
    /// 15-character forms of one id are one record.
    fn external<'k>(&self, key: &'k str) -> &'k str {
        if self.system == "salesforce" {
            super::values::salesforce_id(key)
        } else {
            key
        }
    }

    /// An account by the file's external id, or by name.
    fn account_ref(&self, field: &'static str, value: &str) -> Conv<Uuid> {
        let id = self
            .account_ext
            .get(self.external(value))
            .or_else(|| self.accounts_by_key.get(&normalise_organisation(value)))
            .copied()
            .unwrap_or_else(|| self.id("account", value));
        if self.known_accounts.contains(&id) {
            Ok(id)
        } else {
            Err(err(
                field,
                format!("no account '{value}' in the files or the database"),
            ))
        }
    }

    /// An employee by e-mail, by the system's id, or by a name only one
    /// employee has.
    fn employee_ref(&self, field: &'static str, value: &str) -> Conv<Uuid> {
        let found = if value.contains('@') {
            self.employees_by_email.get(&value.trim().to_lowercase())
        } else {
            match self.employee_ext.get(self.external(value)) {
                Some(id) => Some(id),
                None => match self.employees_by_name.get(&value.trim().to_lowercase()) {
                    Some(ids) if ids.len() > 1 => {
                        return Err(err(
                            field,
                            format!(
                                "'{value}' is the name of {} employees; give the e-mail instead",
                                ids.len()
                            ),
                        ))
                    }
                    Some(ids) => ids.first(),
                    None => None,
                },
            }
        };
        found.copied().ok_or_else(|| {
            err(
                field,
                format!("no employee '{value}' (import employees first, or add them)"),
            )
        })
    }

    /// A record of `kind` by external id, with the account it belongs to.
    fn account_owned(
        &self,
        kind: &str,
        accounts: &HashMap<Uuid, Uuid>,
        field: &'static str,
        value: &str,
    ) -> Conv<(Uuid, Uuid)> {
        let id = self.id(kind, value);
        accounts.get(&id).map(|a| (id, *a)).ok_or_else(|| {
            err(
                field,
                format!("no {kind} '{value}' in the files or the database"),
            )
        })
    }

    fn person_ref(&self, field: &'static str, value: &str) -> Conv<(Uuid, Uuid)> {
        self.account_owned("person", &self.person_account, field, value)
    }

    fn opportunity_ref(&self, field: &'static str, value: &str) -> Conv<(Uuid, Uuid)> {
        self.account_owned("opportunity", &self.opportunity_account, field, value)
    }

    /// A competitor by name; one not known yet is added to `chunk`.
    fn competitor(&mut self, name: &str, chunk: &mut Chunk, now: OffsetDateTime) -> Uuid {
        let key = normalise_organisation(name);
        if let Some(id) = self.competitors_by_key.get(&key) {
            return *id;
        }
        let id = self.id("competitor", &key);
        self.competitors_by_key.insert(key, id);
        chunk.push_competitor(CompetitorRow {
            competitor_id: id,
            name: name.to_owned(),
            note: None,
            created_at: now,
            updated_at: now,
        });
        id
    }
}

/// Rows converted from records not yet written, and the line each came from.
struct Chunk {
    data: Export,
    lines: HashMap<&'static str, Vec<u64>>,
    line: u64,
    records: usize,
}

impl Default for Chunk {
    fn default() -> Self {
        Chunk {
            data: Export::empty(""),
            lines: HashMap::new(),
            line: 0,
            records: 0,
        }
    }
}

macro_rules! pushers {
    ($($fn:ident: $field:ident $row:ty = $list:literal),+ $(,)?) => {
        impl Chunk {
            $(fn $fn(&mut self, row: $row) {
                self.data.$field.push(row);
                self.lines.entry($list).or_default().push(self.line);
            })+
        }
    };
}

pushers! {
    push_employee: employees EmployeeRow = "employees",
    push_competitor: competitors CompetitorRow = "competitors",
    push_account: accounts AccountRow = "accounts",
    push_person: people PersonRow = "people",
    push_position: positions PositionRow = "positions",
    push_line: reporting_lines ReportingLineRow = "reportingLines",
    push_opportunity: opportunities OpportunityRow = "opportunities",
    push_stage: stage_changes StageChangeRow = "stageChanges",
    push_rival: opportunity_competitors OpportunityCompetitorRow = "opportunityCompetitors",
    push_member: decision_chain_members ChainMemberRow = "decisionChainMembers",
    push_relationship: relationships RelationshipRow = "relationships",
    push_assessment: assessments AssessmentRow = "assessments",
    push_interaction: interactions InteractionRow = "interactions",
    push_attendee: interaction_employees InteractionEmployeeRow = "interactionEmployees",
    push_guest: interaction_people InteractionPersonRow = "interactionPeople",
    push_external: external_ids ExternalIdRow = "externalIds",
}

/// camelCase row field → snake_case mapping field.
fn snake(field: &str) -> String {
    let mut out = String::new();
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Everything one import of CSV files needs while converting.
struct Converter {
    m: Arc<Methodology>,
    resolver: Resolver,
    /// A stage-history file is part of this import: it, not the opportunities
    /// file, says when deals entered their stages.
    history_in_run: bool,
    now: OffsetDateTime,
    today: Date,
    /// The mapping's decimal mark for amounts, when it declares one.
    decimal_mark: Option<char>,
    /// The zone timestamps with an offset are taken in.
    zone: Option<chrono_tz::Tz>,
    /// Records matched to stored ones or merged within the files, for the report.
    merged: Vec<Merged>,
    /// Activities dated after today, passed over.
    planned: Vec<String>,
    /// Stage-history entries that change no stage, passed over.
    unchanged_stage: Vec<String>,
    /// Interaction parties that are no person or declined, passed over.
    not_parties: Vec<String>,
    /// The stage-history entries read so far, per deal by day.
    history: HashMap<Uuid, BTreeMap<Date, (String, String)>>,
    /// People read without an id, by the id their account and name give: where
    /// first seen, with their e-mail and phone.
    people_seen: HashMap<Uuid, (String, Option<String>, Option<String>)>,
}

/// A record of the files that became a record already there: matched to a
/// stored one by name or e-mail (which keeps its stored values), or the same as
/// an earlier, different record of the files (whose values stand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// `Account.csv:7`.
    pub place: String,
    /// `accounts`, `employees`.
    pub kind: &'static str,
    pub message: String,
}

impl std::fmt::Display for Merged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.place, self.message)
    }
}

impl Converter {
    fn midnight(date: Date) -> OffsetDateTime {
        date.with_time(Time::MIDNIGHT).assume_utc()
    }

    /// Keeps which record this system's id names, when the record was matched
    /// to one stored under another id (by name or e-mail): a later file of the
    /// system that refers to the id finds it.
    fn remember_external(
        &self,
        kind: &str,
        ext: Option<&str>,
        record_id: Uuid,
        account_id: Option<Uuid>,
        chunk: &mut Chunk,
    ) {
        let Some(ext) = ext else { return };
        let key = self.resolver.external(ext).to_owned();
        chunk.push_external(ExternalIdRow {
            external_id_id: Uuid::new_v5(
                &NAMESPACE,
                format!("external_id:{}:{kind}:{key}", self.resolver.system).as_bytes(),
            ),
            system: self.resolver.system.clone(),
            kind: kind.to_owned(),
            external_key: key,
            record_id,
            account_id,
        });
    }

    /// Converts one record into rows in `chunk` (reporting lines into `later`, as
    /// managers may come further down the file).
    fn convert(&mut self, r: &Record, chunk: &mut Chunk, later: &mut Chunk) -> Conv<()> {
        let version = self.m.version.clone();
        let now = self.now;
        let ext = r.raw("external_id");
        match r.section.entity {
            Entity::Accounts => {
                let name = r.required("name")?;
                let key = normalise_organisation(&name);
                let own = self.resolver.id("account", ext.as_deref().unwrap_or(&key));
                // By the system's id first (an account renamed there is the same
                // account), then by name, else a new one.
                let by_ext = ext.as_deref().and_then(|e| {
                    self.resolver
                        .account_ext
                        .get(self.resolver.external(e))
                        .copied()
                        .or_else(|| self.resolver.known_accounts.contains(&own).then_some(own))
                });
                let id = by_ext
                    .or_else(|| self.resolver.accounts_by_key.get(&key).copied())
                    .unwrap_or(own);
                self.resolver.accounts_by_key.insert(key, id);
                self.resolver.known_accounts.insert(id);
                if let Some(e) = &ext {
                    let e = self.resolver.external(e).to_owned();
                    self.resolver.account_ext.insert(e, id);
                }
                let mut row = AccountRow {
                    account_id: id,
                    name,
                    industry: r.id("industry").unwrap_or_default(),
                    region: r.id("region").unwrap_or_default(),
                    tier: r.id("tier").unwrap_or_default(),
                    owner_team: r.text("owner_team"),
                    created_at: now,
                    updated_at: now,
                };
                // An earlier, different record of the files is this account:
                // its values stand, and the merge is reported.
                if let Some((first, first_ext)) = self.resolver.seen.get(&id) {
                    if *first_ext != ext || ext.is_none() {
                        self.merged.push(Merged {
                            place: r.place(),
                            kind: "accounts",
                            message: format!(
                                "'{}' has the same name as the account at {first}: one account, that record's values kept",
                                row.name
                            ),
                        });
                        if id != own {
                            self.remember_external("account", ext.as_deref(), id, Some(id), chunk);
                        }
                        return Ok(());
                    }
                }
                self.resolver
                    .seen
                    .entry(id)
                    .or_insert_with(|| (r.place(), ext.clone()));
                if id != own {
                    self.remember_external("account", ext.as_deref(), id, Some(id), chunk);
                }
                if let Some(stored) = self.resolver.stored_accounts.get(&id) {
                    if id != own {
                        // Matched by name to an account this system did not
                        // create: it keeps its name and values.
                        let kept = keep_stored_account(&mut row, stored, &r.section.update_matched);
                        if !kept.is_empty() {
                            self.merged.push(Merged {
                                place: r.place(),
                                kind: "accounts",
                                message: format!(
                                    "'{}' is the stored account '{}' (same name); kept its stored {}",
                                    r.text("name").unwrap_or_default(),
                                    stored.name,
                                    kept.join(", ")
                                ),
                            });
                        }
                    } else {
                        // A default never overwrites what is stored, nor does a
                        // column the file does not have.
                        for field in ["industry", "region", "tier"] {
                            if r.defaulted(field) {
                                r.kept_stored(field);
                                match field {
                                    "industry" => row.industry = stored.industry.clone(),
                                    "region" => row.region = stored.region.clone(),
                                    _ => row.tier = stored.tier.clone(),
                                }
                            }
                        }
                        if !r.has_column("owner_team") {
                            row.owner_team = stored.owner_team.clone();
                        }
                    }
                }
                chunk.push_account(row);
            }
            Entity::Employees => {
                let name = r.required("name")?;
                let raw_email = r.required("email")?;
                let email = Email::parse("email", &raw_email)
                    .map_err(|_| err("email", format!("'{raw_email}' is not an e-mail address")))?
                    .as_ref()
                    .to_owned();
                let id = match self.resolver.employees_by_email.get(&email) {
                    Some(id) => *id,
                    None => self.resolver.id("employee", &email),
                };
                self.resolver.employees_by_email.insert(email.clone(), id);
                let by_name = self
                    .resolver
                    .employees_by_name
                    .entry(name.trim().to_lowercase())
                    .or_default();
                if !by_name.contains(&id) {
                    by_name.push(id);
                }
                if let Some(e) = &ext {
                    let e = self.resolver.external(e).to_owned();
                    self.resolver.employee_ext.insert(e, id);
                }
                let support_limit = r
                    .int("support_limit")?
                    .map(|n| i32::try_from(n).map_err(|_| err("support_limit", "is too large")))
                    .transpose()?;
                let status = r.id("status").unwrap_or_else(|| "active".into());
                // Someone marked inactive without a date left when first seen so.
                let departed_on = match r.date("departed_on")? {
                    Some(d) => Some(d),
                    None if status == "departed" => Some(
                        self.resolver
                            .departed_on
                            .get(&id)
                            .copied()
                            .unwrap_or(self.today),
                    ),
                    None => None,
                };
                let leaving_on = match r.date("leaving_on")? {
                    Some(d) => Some(d),
                    None => self.resolver.leaving_on.get(&id).copied(),
                };
                let mut row = EmployeeRow {
                    employee_id: id,
                    name,
                    email,
                    role: r.id("role").unwrap_or_default(),
                    team: r.text("team"),
                    status,
                    departed_on,
                    support_limit,
                    created_at: now,
                    updated_at: now,
                    leaving_on,
                };
                // Employees are known by e-mail: the system's own id for them is
                // kept, for its later files that name an owner by that id.
                self.remember_external("employee", ext.as_deref(), id, None, chunk);
                if let Some(stored) = self.resolver.stored_employees.get(&id) {
                    if id != self.resolver.id("employee", &row.email) {
                        let kept =
                            keep_stored_employee(&mut row, stored, &r.section.update_matched);
                        if !kept.is_empty() {
                            self.merged.push(Merged {
                                place: r.place(),
                                kind: "employees",
                                message: format!(
                                    "'{}' is the stored employee '{}' (same e-mail); kept its stored {}",
                                    r.text("name").unwrap_or_default(),
                                    stored.name,
                                    kept.join(", ")
                                ),
                            });
                        }
                    } else {
                        // A default, or a column the file does not have, never
                        // overwrites what is stored: a departed colleague does
                        // not come back through a file without a status.
                        if r.defaulted("role") || !r.has_column("role") {
                            r.kept_stored("role");
                            row.role = stored.role.clone();
                        }
                        if r.defaulted("status") || !r.has_column("status") {
                            r.kept_stored("status");
                            row.status = stored.status.clone();
                            row.departed_on = stored.departed_on;
                        }
                        if !r.has_column("team") {
                            row.team = stored.team.clone();
                        }
                    }
                }
                chunk.push_employee(row);
            }
            Entity::Competitors => {
                let name = r.required("name")?;
                let key = normalise_organisation(&name);
                let id = match self.resolver.competitors_by_key.get(&key) {
                    Some(id) => *id,
                    None => self.resolver.id("competitor", &key),
                };
                self.resolver.competitors_by_key.insert(key, id);
                chunk.push_competitor(CompetitorRow {
                    competitor_id: id,
                    name,
                    note: r.text("note"),
                    created_at: now,
                    updated_at: now,
                });
            }
            Entity::People => {
                let account = r.required("account")?;
                let account_id = self.resolver.account_ref("account", &account)?;
                let name = r
                    .text("name")
                    .or_else(|| full_name(r.text("first_name"), r.text("last_name")))
                    .ok_or_else(|| {
                        let field = if r.spec("name").is_some() {
                            "name"
                        } else {
                            "last_name"
                        };
                        err(field, "is empty: a person needs a name")
                    })?;
                let key = ext
                    .clone()
                    .unwrap_or_else(|| format!("{account_id}/{name}"));
                let id = self.resolver.id("person", &key);
                // Two records of one name at one account, neither with an id:
                // one person when nothing tells them apart (that record's
                // values stand, reported); refused when their e-mails or phones
                // differ, as two people the files cannot tell apart.
                if ext.is_none() {
                    let email = r.text("email").map(|e| e.to_lowercase());
                    let phone = r.text("phone");
                    if let Some((first, e, p)) = self.people_seen.get(&id) {
                        let differ = |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(a), Some(b)) if a != b);
                        if differ(e, &email) || differ(p, &phone) {
                            let field = if differ(e, &email) { "email" } else { "phone" };
                            return Err(err(
                                field,
                                format!("'{name}' has the same name as the person at {first} at this account but another {}, and neither has an id: give the file an id column to tell them apart", if field == "email" { "e-mail" } else { "phone" }),
                            ));
                        }
                        self.merged.push(Merged {
                            place: r.place(),
                            kind: "people",
                            message: format!(
                                "'{name}' has the same name as the person at {first} at this account, and neither has an id: one person, that record's values kept"
                            ),
                        });
                        return Ok(());
                    }
                    self.people_seen.insert(id, (r.place(), email, phone));
                }
                self.resolver.person_account.insert(id, account_id);
                let since = r.date("since")?.unwrap_or(self.today);
                let mut department = r.id("department").unwrap_or_default();
                let mut level = r.id("level").unwrap_or_default();
                // A default never overwrites what is stored.
                let stored = self.resolver.stored_people.get(&id);
                if let Some((_, d, l, ..)) = stored {
                    if r.defaulted("department") {
                        r.kept_stored("department");
                        department = d.clone();
                    }
                    if r.defaulted("level") {
                        r.kept_stored("level");
                        level = l.clone();
                    }
                }
                // A column the file does not have keeps what is stored.
                let kept = |field: &str, read: Option<String>, stored: Option<&Option<String>>| {
                    match stored {
                        Some(s) if !r.has_column(field) => s.clone(),
                        _ => read,
                    }
                };
                let title = kept("title", r.text("title"), stored.map(|p| &p.3));
                let email = kept(
                    "email",
                    r.text("email").map(|e| e.to_lowercase()),
                    stored.map(|p| &p.4),
                );
                let phone = kept("phone", r.text("phone"), stored.map(|p| &p.5));
                chunk.push_person(PersonRow {
                    person_id: id,
                    account_id,
                    name,
                    title: title.clone(),
                    department: department.clone(),
                    level: level.clone(),
                    email,
                    phone,
                    created_at: now,
                    updated_at: now,
                });
                chunk.push_position(PositionRow {
                    position_id: self.resolver.id("position", &id.to_string()),
                    person_id: id,
                    account_id,
                    title,
                    department,
                    level,
                    valid_from: since,
                    valid_to: None,
                });
                for (field, kind) in [("reports_to", "solid"), ("dotted_to", "dotted")] {
                    if let Some(manager) = r.raw(field) {
                        later.line = chunk.line;
                        later.push_line(ReportingLineRow {
                            reporting_line_id: self
                                .resolver
                                .id("reporting_line", &format!("{id}/{kind}/{manager}")),
                            account_id,
                            person_id: id,
                            manager_id: self.resolver.id("person", &manager),
                            kind: kind.into(),
                            valid_from: since,
                            valid_to: None,
                        });
                    }
                }
            }
            Entity::Opportunities => {
                let account = r.required("account")?;
                let account_id = self.resolver.account_ref("account", &account)?;
                let name = r.required("name")?;
                let key = ext
                    .clone()
                    .unwrap_or_else(|| format!("{account_id}/{name}"));
                let id = self.resolver.id("opportunity", &key);
                self.resolver.opportunity_account.insert(id, account_id);
                let amount_minor = match (r.text("amount"), r.int("amount_minor")?) {
                    (_, Some(minor)) => minor,
                    (Some(raw), None) => amount_in("amount", &raw, r.decimal_mark, r.comma_in_doubt)?,
                    // Never a guessed 0, which would make the deal "not worth winning".
                    (None, None) if r.has_column("amount") => {
                        return Err(err(
                            "amount",
                            "is empty: give the deal's amount (or declare a default for `amount` in the mapping)",
                        ))
                    }
                    (None, None) => {
                        return Err(err(
                            "amount",
                            "the file has no amount column: give the deals' amounts (or declare a default for `amount` in the mapping)",
                        ))
                    }
                };
                let (mut stage, mut outcome) = stage_and_outcome(r)?;
                // Salesforce's IsClosed and IsWon say how a deal ended whatever
                // its stage is called ("Closed - Signed" in a customised org).
                let ended = match r.flag("closed")? {
                    None => None,
                    Some(false) => Some("open"),
                    Some(true) => match r.flag("won")? {
                        Some(true) => Some("won"),
                        Some(false) => Some("lost"),
                        None if outcome != "open" => None,
                        None => {
                            return Err(err(
                                "won",
                                "is not given for a closed deal: was it won or lost?",
                            ))
                        }
                    },
                };
                if let Some(o) = ended {
                    outcome = o.to_owned();
                }
                // A stage the mapping does not list takes its default, but never
                // moves a stored deal: it keeps its stage (and, unless the file
                // says how it ended, its outcome). A new deal won in such a
                // stage was won in the last one.
                if r.defaulted("stage") {
                    match self.resolver.opportunity_stage.get(&id) {
                        Some((s, o)) => {
                            r.kept_stored("stage");
                            stage = s.clone();
                            if ended.is_none() {
                                outcome = o.clone();
                            }
                        }
                        None if outcome == "won" => {
                            if let Some(last) = self.m.vocabularies.stages.last() {
                                stage = last.id.clone();
                            }
                        }
                        None => {}
                    }
                }
                // Budget columns the file does not have keep what is stored.
                let stored = self
                    .resolver
                    .opportunity_budget
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| ("unknown".to_owned(), None, None, None, None));
                let budget_status = match r.id("budget_status") {
                    Some(s) => crate::domain::BudgetStatus::parse("budget_status", &s)
                        .map_err(|e| err("budget_status", e.to_string()))?
                        .as_str()
                        .to_owned(),
                    None => stored.0,
                };
                let budget_amount_minor = match r.text("budget_amount") {
                    Some(raw) => Some(amount_in(
                        "budget_amount",
                        &raw,
                        r.decimal_mark,
                        r.comma_in_doubt,
                    )?),
                    None => stored.1,
                };
                let budget_confirmed_on = match r.date("budget_confirmed_on")? {
                    Some(d) => Some(d),
                    None => stored.2.filter(|_| budget_status == "confirmed"),
                };
                if budget_confirmed_on.is_some() && budget_status != "confirmed" {
                    return Err(err(
                        "budget_confirmed_on",
                        format!("only a confirmed budget has a confirmation date; the status is {budget_status}"),
                    ));
                }
                let compelling_event = r.text("compelling_event").or(stored.3);
                let compelling_event_by = r.date("compelling_event_by")?.or(stored.4);
                // A column the file does not have keeps what is stored (a report
                // without Description does not wipe descriptions).
                let deal = self.resolver.stored_deals.get(&id).cloned();
                let owner_id = match (&deal, r.has_column("owner")) {
                    (Some((_, owner, _)), false) => *owner,
                    _ => r
                        .raw("owner")
                        .map(|o| self.resolver.employee_ref("owner", &o))
                        .transpose()?,
                };
                let entered_on = r.date("created_on")?.unwrap_or(self.today);
                let expected_sign_date = match (&deal, r.has_column("expected_sign_date")) {
                    (Some((_, _, sign)), false) => *sign,
                    _ => r.date("expected_sign_date")?,
                };
                let deal_note = match (&deal, r.has_column("note")) {
                    (Some((note, _, _)), false) => note.clone(),
                    _ => r.text("note"),
                };
                // A closed deal closed on its close date (CloseDate), not on the
                // day it was imported: a 2025 win is no 2026-Q4 win.
                let closed_on = (outcome != "open")
                    .then_some(expected_sign_date)
                    .flatten()
                    .filter(|d| *d <= self.today);
                let rivals: Vec<Uuid> = r
                    .list("competitors")
                    .iter()
                    .map(|c| self.resolver.competitor(c, chunk, now))
                    .collect();
                chunk.push_opportunity(OpportunityRow {
                    opportunity_id: id,
                    account_id,
                    name,
                    amount_minor,
                    currency: {
                        // Read first: whether the default gave it is known after.
                        let read = r.id("currency").unwrap_or_default().to_uppercase();
                        match self.resolver.stored_currency.get(&id) {
                            Some(c) if r.defaulted("currency") => {
                                r.kept_stored("currency");
                                c.clone()
                            }
                            _ => read,
                        }
                    },
                    stage: stage.clone(),
                    expected_sign_date,
                    outcome: outcome.clone(),
                    owner_id,
                    note: deal_note,
                    methodology_version: version.clone(),
                    created_at: now,
                    updated_at: now,
                    budget_status,
                    budget_amount_minor,
                    budget_confirmed_on,
                    compelling_event,
                    compelling_event_by,
                });
                // Where no stage history comes along, the file's stage is recorded
                // as entered when the deal was created (a new deal) or today (a
                // stored deal the file moves); a closed deal closes on its close
                // date, after an open spell in its stage from its creation.
                let is_new = !self.resolver.opportunity_stage.contains_key(&id);
                let moved = match self.resolver.opportunity_stage.get(&id) {
                    None => Some(closed_on.unwrap_or(entered_on)),
                    Some((s, o)) if *s != stage || *o != outcome => {
                        Some(closed_on.unwrap_or(self.today))
                    }
                    Some(_) => None,
                };
                if let (true, Some(closed), false) = (is_new, closed_on, self.history_in_run) {
                    if closed > entered_on {
                        chunk.push_stage(StageChangeRow {
                            stage_change_id: self
                                .resolver
                                .id("stage_change", &format!("{id}/{stage}/open/{entered_on}")),
                            opportunity_id: id,
                            account_id,
                            stage: stage.clone(),
                            outcome: "open".into(),
                            entered_on,
                            changed_by: None,
                            note: None,
                            methodology_version: version.clone(),
                            recorded_at: now,
                            override_reason: None,
                        });
                    }
                }
                if let (Some(entered_on), false) = (moved, self.history_in_run) {
                    chunk.push_stage(StageChangeRow {
                        stage_change_id: self.resolver.id(
                            "stage_change",
                            &format!("{id}/{stage}/{outcome}/{entered_on}"),
                        ),
                        opportunity_id: id,
                        account_id,
                        stage: stage.clone(),
                        outcome: outcome.clone(),
                        entered_on,
                        changed_by: None,
                        note: None,
                        methodology_version: version,
                        recorded_at: now,
                        override_reason: None,
                    });
                }
                self.resolver.opportunity_stage.insert(id, (stage, outcome));
                for competitor_id in rivals {
                    chunk.push_rival(OpportunityCompetitorRow {
                        opportunity_id: id,
                        competitor_id,
                        account_id,
                    });
                }
            }
            Entity::StageHistory => {
                let (opportunity_id, account_id) = self
                    .resolver
                    .opportunity_ref("opportunity", &r.required("opportunity")?)?;
                let entered_on = r
                    .date("entered_on")?
                    .ok_or_else(|| err("entered_on", "is empty"))?;
                let (stage, outcome) = stage_and_outcome(r)?;
                // Salesforce writes a history entry for every change of amount,
                // close date or probability, each with the stage of the day: an
                // entry in the stage the deal was already in is no stage change
                // (it would restart the deal's days in its stage).
                let entries = self.history.entry(opportunity_id).or_default();
                let current = entries.range(..=entered_on).next_back().map(|(_, v)| v);
                if current == Some(&(stage.clone(), outcome.clone())) {
                    self.unchanged_stage.push(r.place());
                    return Ok(());
                }
                entries.insert(entered_on, (stage.clone(), outcome.clone()));
                let key = ext
                    .clone()
                    .unwrap_or_else(|| format!("{opportunity_id}/{stage}/{outcome}/{entered_on}"));
                chunk.push_stage(StageChangeRow {
                    stage_change_id: self.resolver.id("stage_change", &key),
                    opportunity_id,
                    account_id,
                    stage,
                    outcome,
                    entered_on,
                    changed_by: None,
                    note: r.text("note"),
                    methodology_version: version,
                    recorded_at: now,
                    override_reason: None,
                });
            }
            Entity::DecisionChain => {
                let (opportunity_id, account_id) = self
                    .resolver
                    .opportunity_ref("opportunity", &r.required("opportunity")?)?;
                let (person_id, _) = self.resolver.person_ref("person", &r.required("person")?)?;
                let member_id = *self
                    .resolver
                    .member_by_pair
                    .entry((opportunity_id, person_id))
                    .or_insert_with(|| {
                        Uuid::new_v5(
                            &NAMESPACE,
                            format!("chain_member:{opportunity_id}/{person_id}").as_bytes(),
                        )
                    });
                let small = |field: &'static str| -> Conv<Option<i32>> {
                    r.int(field)?
                        .map(|n| i32::try_from(n).map_err(|_| err(field, "is out of range")))
                        .transpose()
                };
                let favoured_competitor_id = r
                    .text("favoured_competitor")
                    .map(|c| self.resolver.competitor(&c, chunk, now));
                let is_primary = r.flag("primary")?.unwrap_or(false);
                chunk.push_member(ChainMemberRow {
                    is_primary,
                    member_id,
                    opportunity_id,
                    account_id,
                    person_id,
                    buying_role: r.id("buying_role").unwrap_or_default(),
                    influence: small("influence")?,
                    attitude: small("attitude")?.unwrap_or(0),
                    favoured_competitor_id,
                    note: r.text("note"),
                    updated_at: now,
                    // The import's own audit entry says who ran it.
                    recorded_by: None,
                    source: "import".into(),
                });
            }
            Entity::Relationships => self.relationship(r, chunk, ext)?,
            Entity::Interactions => {
                let account_id = self
                    .resolver
                    .account_ref("account", &r.required("account")?)?;
                let occurred_on = r
                    .date("occurred_on")?
                    .ok_or_else(|| err("occurred_on", "is empty"))?;
                // A meeting or task still to come has not happened: passed over
                // and counted, as a calendar's upcoming meetings are.
                if occurred_on > self.today {
                    self.planned.push(r.place());
                    return Ok(());
                }
                let subject = r.text("subject");
                // Salesforce's WhatId names a deal or any other record (the
                // account, a case): only a deal is the interaction's deal.
                let opportunity_id = match r.raw("opportunity") {
                    Some(o) => match self.resolver.opportunity_ref("opportunity", &o) {
                        Ok((id, _)) => Some(id),
                        Err(_) if r.column("opportunity").as_deref() == Some("WhatId") => None,
                        Err(e) => return Err(e),
                    },
                    None => None,
                };
                let key = ext.clone().unwrap_or_else(|| {
                    format!(
                        "{account_id}/{occurred_on}/{}",
                        subject.as_deref().unwrap_or("")
                    )
                });
                let id = self.resolver.id("interaction", &key);
                self.resolver.interaction_account.insert(id, account_id);
                let employees = r
                    .list("employees")
                    .iter()
                    .map(|e| self.resolver.employee_ref("employees", e))
                    .collect::<Conv<Vec<_>>>()?;
                let people = r
                    .list("people")
                    .iter()
                    .map(|p| self.resolver.person_ref("people", p).map(|(id, _)| id))
                    .collect::<Conv<Vec<_>>>()?;
                chunk.push_interaction(InteractionRow {
                    interaction_id: id,
                    account_id,
                    opportunity_id,
                    kind: r.id("kind").unwrap_or_default(),
                    occurred_on,
                    subject,
                    note: r.text("note"),
                    created_at: now,
                });
                for employee_id in employees {
                    chunk.push_attendee(InteractionEmployeeRow {
                        interaction_id: id,
                        employee_id,
                        account_id,
                    });
                }
                for person_id in people {
                    chunk.push_guest(InteractionPersonRow {
                        interaction_id: id,
                        person_id,
                        account_id,
                    });
                }
            }
            Entity::InteractionParties => self.party(r, chunk)?,
        }
        Ok(())
    }

    /// One more party to an interaction: a contact becomes a guest, a user an
    /// attendee. A relation to a record that is no person (`IsWhat`: the
    /// account, a deal; a lead) or an invitation declined is passed over and
    /// listed; a party that is in neither the files nor the database is refused.
    fn party(&mut self, r: &Record, chunk: &mut Chunk) -> Conv<()> {
        let interaction = r.required("interaction")?;
        let interaction_id = self.resolver.id("interaction", &interaction);
        let Some(&account_id) = self.resolver.interaction_account.get(&interaction_id) else {
            return Err(err(
                "interaction",
                format!("no interaction '{interaction}' in the files or the database"),
            ));
        };
        let party = r.required("party")?;
        let declined = r.text("response").is_some_and(|s| {
            matches!(
                s.to_lowercase().as_str(),
                "declined" | "uninvited" | "拒绝" | "已拒绝"
            )
        });
        let lead = self.resolver.system == "salesforce" && party.starts_with("00Q");
        if r.flag("is_what")? == Some(true) || declined || lead {
            self.not_parties.push(r.place());
            return Ok(());
        }
        if let Ok((person_id, _)) = self.resolver.person_ref("party", &party) {
            chunk.push_guest(InteractionPersonRow {
                interaction_id,
                person_id,
                account_id,
            });
        } else if let Ok(employee_id) = self.resolver.employee_ref("party", &party) {
            chunk.push_attendee(InteractionEmployeeRow {
                interaction_id,
                employee_id,
                account_id,
            });
        } else {
            return Err(err(
                "party",
                format!("'{party}' is neither a contact nor a user in the files or the database"),
            ));
        }
        Ok(())
    }

    /// One assessment of a tie: the relationship (found by its ends) and the
    /// assessment; the newest assessment sets the current strength.
    fn relationship(&mut self, r: &Record, chunk: &mut Chunk, ext: Option<String>) -> Conv<()> {
        let kind = r.id("kind").unwrap_or_else(|| "employee_person".into());
        let person = |field: &'static str| -> Conv<(Uuid, Uuid)> {
            let v = r.raw(field).ok_or_else(|| err(field, "is empty"))?;
            self.resolver.person_ref(field, &v)
        };
        let employee = |field: &'static str| -> Conv<Uuid> {
            let v = r.raw(field).ok_or_else(|| err(field, "is empty"))?;
            self.resolver.employee_ref(field, &v)
        };
        let (ends, account_id) = match kind.as_str() {
            "employee_person" => {
                let employee_id = employee("employee")?;
                let (person_id, a) = person("person")?;
                (
                    Endpoints::EmployeePerson {
                        employee_id,
                        person_id,
                    },
                    Some(a),
                )
            }
            "person_person" => {
                let (person_id, a) = person("person")?;
                let (other_person_id, _) = person("other_person")?;
                let tie = r.id("tie").unwrap_or_else(|| "informal".into());
                let tie = match tie.as_str() {
                    "informal" => TieKind::Informal,
                    "influences" => TieKind::Influences,
                    _ => {
                        return Err(err("tie", format!("'{tie}' is not a tie (informal, influences)")))
                    }
                };
                (
                    Endpoints::PersonPerson {
                        person_id,
                        other_person_id,
                        tie,
                    },
                    Some(a),
                )
            }
            "competitor_person" => {
                let name = r.raw("competitor").ok_or_else(|| err("competitor", "is empty"))?;
                let (person_id, a) = person("person")?;
                (
                    Endpoints::CompetitorPerson {
                        competitor_id: self.resolver.competitor(&name, chunk, self.now),
                        person_id,
                    },
                    Some(a),
                )
            }
            "employee_employee" => (
                Endpoints::EmployeeEmployee {
                    employee_id: employee("employee")?,
                    other_employee_id: employee("other_employee")?,
                },
                None,
            ),
            other => {
                return Err(err(
                    "kind",
                    format!(
                        "'{other}' is not a relationship kind (employee_person, person_person, competitor_person, employee_employee)"
                    ),
                ))
            }
        };
        let key = ends_key(&ends);
        let id = match self.resolver.relationship_by_ends.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.resolver.id("relationship", &key);
                self.resolver.relationship_by_ends.insert(key, id);
                id
            }
        };
        let strength = r
            .int("strength")?
            .ok_or_else(|| err("strength", "is empty"))?;
        let strength = i32::try_from(strength)
            .map_err(|_| err("strength", format!("must be within 0..5, got {strength}")))?;
        let assessed_at = Self::midnight(
            r.date("assessed_on")?
                .ok_or_else(|| err("assessed_on", "is empty"))?,
        );
        let source = r.id("source").unwrap_or_else(|| "import".into());
        let assessed_by = r
            .raw("assessed_by")
            .map(|e| self.resolver.employee_ref("assessed_by", &e))
            .transpose()?;
        let assessment_key =
            ext.unwrap_or_else(|| format!("{id}/{assessed_at}/{strength}/{source}"));
        chunk.push_relationship(RelationshipRow::new(
            id,
            account_id,
            &ends,
            strength,
            assessed_at,
        ));
        chunk.push_assessment(AssessmentRow {
            assessment_id: self.resolver.id("assessment", &assessment_key),
            relationship_id: id,
            account_id,
            strength,
            source,
            assessed_by,
            assessed_at,
            note: r.text("note"),
            methodology_version: self.m.version.clone(),
            recorded_by: None,
        });
        Ok(())
    }
}

/// Puts a stored record's values back on a row matched to it, field by field,
/// except the fields the mapping's `update_matched` lists; adds the names of
/// the fields kept that differ to `kept`.
macro_rules! keep_stored {
    ($row:ident, $stored:ident, $update:ident, $kept:ident; $($field:ident: $name:literal),+) => {$(
        if !$update.iter().any(|u| u == $name) && $row.$field != $stored.$field {
            $row.$field = $stored.$field.clone();
            $kept.push($name);
        }
    )+};
}

/// Keeps a stored account's values on a row matched to it by name, except the
/// fields the mapping's `update_matched` lists; names the fields kept that differ.
fn keep_stored_account(
    row: &mut AccountRow,
    stored: &AccountRow,
    update: &[String],
) -> Vec<&'static str> {
    let mut kept = Vec::new();
    keep_stored!(row, stored, update, kept; name: "name", industry: "industry", region: "region", tier: "tier", owner_team: "owner_team");
    kept
}

/// As [`keep_stored_account`], for an employee matched by e-mail; status and
/// departure date go together.
fn keep_stored_employee(
    row: &mut EmployeeRow,
    stored: &EmployeeRow,
    update: &[String],
) -> Vec<&'static str> {
    let mut kept = Vec::new();
    keep_stored!(row, stored, update, kept; name: "name", role: "role", team: "team", support_limit: "support_limit", leaving_on: "leaving_on");
    if !update.iter().any(|u| u == "status")
        && (row.status != stored.status || row.departed_on != stored.departed_on)
    {
        row.status = stored.status.clone();
        row.departed_on = stored.departed_on;
        kept.push("status");
    }
    kept
}

/// A stage, with the outcome a mapping may attach to it (`"Closed Won" =
/// "sign/won"`); an `outcome` field, when given, wins.
fn stage_and_outcome(r: &Record) -> Conv<(String, String)> {
    let stage = r.id("stage").ok_or_else(|| err("stage", "is empty"))?;
    let (stage, from_stage) = match stage.split_once('/') {
        Some((s, o)) => (s.to_owned(), Some(o.to_owned())),
        None => (stage, None),
    };
    let outcome = r
        .id("outcome")
        .filter(|o| o != "open" || from_stage.is_none())
        .or(from_stage)
        .unwrap_or_else(|| "open".into());
    Ok((stage, outcome))
}

/// Why a cell cannot be imported as text, if it cannot: a control character
/// (other than tab and line breaks), which no API input accepts and which would
/// reach reports raw, or more characters than a note may have.
fn cell_problem(cell: &str) -> Option<String> {
    if let Some(c) = cell
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Some(format!(
            "holds the control character U+{:04X}, which no text may contain",
            c as u32
        ));
    }
    let n = cell.chars().count();
    (n > crate::domain::MAX_NOTE_CHARS).then(|| {
        format!(
            "is {n} characters long; a cell holds at most {} (a note's limit)",
            crate::domain::MAX_NOTE_CHARS
        )
    })
}

/// What the converting thread hands the writer: a chunk, and the records it
/// refused while making it; the last of a file also what was seen on the way.
struct Converted {
    chunk: Chunk,
    rejected: Vec<Rejected>,
    read: Option<FileEnd>,
}

/// What converting a file saw besides its rows.
struct FileEnd {
    records: u64,
    summary: Vec<u64>,
    defaulted: Vec<Defaulted>,
    merged: Vec<Merged>,
    planned: Vec<String>,
    unchanged_stage: Vec<String>,
    not_parties: Vec<String>,
}

/// How one file (or sheet, or object of a tree file) was read and what it held.
#[derive(Debug, Clone, PartialEq, Eq)]
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
fn column_of(section: &Section, field: Option<&'static str>) -> Option<String> {
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
    fn file(
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
        let read_columns: std::collections::HashSet<usize> = section
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

/// An import of records through a mapping in progress: one transaction, the ids
/// handed out so far, refused rows, and the organisations seen (for the duplicate
/// report).
struct Run<'s> {
    /// Away on the converting thread while a file is read.
    conv: Option<Converter>,
    session: crate::store::ImportSession<'s>,
    rejected: Vec<Rejected>,
    organisations: Export,
    places: Vec<String>,
    files: Vec<FileRead>,
    defaulted: Vec<Defaulted>,
    merged: Vec<Merged>,
    /// Names stored before the import, for the duplicate report.
    stored: StoredNames,
    m: Arc<Methodology>,
}

impl<'s> Run<'s> {
    async fn start(
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
    async fn records<I>(
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
    async fn flush(
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
    async fn finish(mut self, options: ImportOptions) -> Result<ImportReport> {
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
            super::read::read(&trees, reading)?
                .into_iter()
                .map(|t| (None, t)),
        );
    }
    for f in files.iter().filter(|f| !is_tree(f)) {
        read_tables.extend(
            super::read::read(std::slice::from_ref(&f.path), reading)?
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
                    records: 0,
                    summary_lines: Vec::new(),
                    planned: Vec::new(),
                    unchanged_stage: Vec::new(),
                    not_parties: Vec::new(),
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
            records: 0,
            summary_lines: Vec::new(),
            planned: Vec::new(),
            unchanged_stage: Vec::new(),
            not_parties: Vec::new(),
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
        records: 0,
        summary_lines: Vec::new(),
        planned: Vec::new(),
        unchanged_stage: Vec::new(),
        not_parties: Vec::new(),
    });
    run.records(name, section, &headers, None, rows.into_iter(), || {})
        .await?;
    run.finish(options).await
}

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
