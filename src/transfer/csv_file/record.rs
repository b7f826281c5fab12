//! Records of a file read through their section of the mapping, with the defaults
//! the mapping gave counted, and the cell-level readers (dates, amounts, names).

use super::*;

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
    pub(super) fn shown_values(&self) -> String {
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
pub(super) struct Tally {
    pub(super) line: u64,
    pub(super) counted: Vec<(&'static str, DefaultWhy)>,
    pub(super) uses: BTreeMap<(&'static str, DefaultWhy), Defaulted>,
}

impl Tally {
    pub(super) fn count(
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
pub(super) struct Record<'a> {
    pub(super) section: &'a Section,
    pub(super) columns: &'a HashMap<String, usize>,
    pub(super) cells: &'a [String],
    pub(super) file: &'a str,
    pub(super) tally: &'a RefCell<Tally>,
    pub(super) decimal_mark: char,
    /// The file is semicolon-separated and the mapping declares no decimal
    /// mark: a lone comma in an amount may be one.
    pub(super) comma_in_doubt: bool,
    pub(super) zone: Option<chrono_tz::Tz>,
}

impl Record<'_> {
    /// The cell behind a field (the first of its columns the file has a value
    /// in), trimmed, or its fixed value; the default when there is none, counted.
    pub(super) fn raw(&self, field: &'static str) -> Option<String> {
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

    pub(super) fn spec(&self, field: &str) -> Option<&FieldSpec> {
        self.section.field(field)
    }

    /// The value translated by the field's `values` table or its `rules`; a
    /// value neither lists takes the declared default (counted), or else passes
    /// as it is. `None` when there is no value at all.
    pub(super) fn translated(&self, field: &'static str) -> Option<(String, bool)> {
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
    pub(super) fn text(&self, field: &'static str) -> Option<String> {
        self.translated(field).map(|(v, _)| v)
    }

    /// A vocabulary id: translated, or else lower-cased with spaces and dashes as
    /// underscores ("Technical Evaluator" → technical_evaluator).
    pub(super) fn id(&self, field: &'static str) -> Option<String> {
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
    pub(super) fn defaulted(&self, field: &str) -> bool {
        self.tally.borrow().counted.iter().any(|(f, _)| *f == field)
    }

    /// Says that this record, matched to a stored one, kept the stored value of
    /// a field its default would have set: counted beside the default.
    pub(super) fn kept_stored(&self, field: &str) {
        let mut t = self.tally.borrow_mut();
        if let Some(&(f, why)) = t.counted.iter().find(|(f, _)| *f == field) {
            if let Some(e) = t.uses.get_mut(&(f, why)) {
                e.kept += 1;
            }
        }
    }

    /// A yes/no field (`true`/`false`, `1`/`0`, `yes`/`no`, `是`/`否`), none when
    /// empty or unmapped; anything else is refused.
    pub(super) fn flag(&self, field: &'static str) -> Conv<Option<bool>> {
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
    pub(super) fn place(&self) -> String {
        format!("{}:{}", self.file, self.tally.borrow().line)
    }

    /// The column the field's value came from in this record, to name it.
    pub(super) fn column(&self, field: &str) -> Option<String> {
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
    pub(super) fn required(&self, field: &'static str) -> Conv<String> {
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

    pub(super) fn has_column(&self, field: &str) -> bool {
        match self.section.field(field).map(|s| &s.source) {
            Some(Source::Column(columns)) => columns
                .iter()
                .any(|c| self.columns.contains_key(&c.to_lowercase())),
            Some(Source::Value(_)) => true,
            None => false,
        }
    }

    pub(super) fn headers_shown(&self) -> String {
        let mut h: Vec<(&usize, &String)> = self.columns.iter().map(|(k, v)| (v, k)).collect();
        h.sort();
        h.dedup_by_key(|(i, _)| **i);
        h.into_iter()
            .map(|(_, k)| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn date(&self, field: &'static str) -> Conv<Option<Date>> {
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

    pub(super) fn int(&self, field: &'static str) -> Conv<Option<i64>> {
        let Some(raw) = self.text(field) else {
            return Ok(None);
        };
        raw.parse::<i64>()
            .map(Some)
            .map_err(|_| err(field, format!("'{raw}' is not a whole number")))
    }

    pub(super) fn list(&self, field: &'static str) -> Vec<String> {
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
    let raw = crate::transfer::values::fold_full_width(raw.trim());
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
    let raw = crate::transfer::values::fold_full_width(raw.trim());
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
pub(super) fn amount_in(
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
    let minor = crate::transfer::values::amount_minor_with(raw, decimal_mark)
        .map_err(|why| err(field, why))?;
    Amount::from_major(field, minor as f64 / 100.0).map_err(|e| err(field, e.to_string()))?;
    Ok(minor)
}

/// A person's full name from its parts: Chinese, Japanese and Korean names family
/// name first with no space, others given name first.
pub(super) fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    let cjk = |s: &str| s.chars().all(|c| !c.is_ascii() && c.is_alphabetic());
    match (first, last) {
        (Some(f), Some(l)) if cjk(&f) && cjk(&l) => Some(format!("{l}{f}")),
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (None, Some(x)) | (Some(x), None) => Some(x),
        (None, None) => None,
    }
}
