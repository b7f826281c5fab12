//! Column mappings: how the headers and values of a team's own CSV export become
//! guanxi's records. A mapping is a TOML file with one section per kind of record
//! (`[accounts]`, `[people]`, ...); each field names the column it comes from, or a
//! fixed value, with optional value translations and a default. Loading checks
//! every section and field and names the file and item at fault.

use std::{collections::BTreeMap, path::Path};

use crate::{Error, Result};

/// The kinds of record a CSV file can hold, in the order an import writes them
/// (a record's references come before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    Employees,
    Competitors,
    Accounts,
    People,
    Opportunities,
    StageHistory,
    DecisionChain,
    Relationships,
    Interactions,
    /// More people and colleagues at an interaction (Salesforce's TaskRelation
    /// and EventRelation): one row per party.
    InteractionParties,
}

/// A field of a kind of record, and whether a mapping must map it.
type Field = (&'static str, bool);

/// `(field, required)` per entity. `name` for people may instead come from
/// `first_name` and `last_name`.
const FIELDS: &[(Entity, &str, &[Field])] = &[
    (
        Entity::Accounts,
        "accounts",
        &[
            ("external_id", false),
            ("name", true),
            ("industry", false),
            ("region", false),
            ("tier", false),
            ("owner_team", false),
        ],
    ),
    (
        Entity::People,
        "people",
        &[
            ("external_id", false),
            ("account", true),
            ("name", false),
            ("first_name", false),
            ("last_name", false),
            ("title", false),
            ("department", false),
            ("level", false),
            ("email", false),
            ("phone", false),
            ("reports_to", false),
            ("dotted_to", false),
            ("since", false),
        ],
    ),
    (
        Entity::Employees,
        "employees",
        &[
            ("external_id", false),
            ("name", true),
            ("email", true),
            ("role", false),
            ("team", false),
            ("status", false),
            ("departed_on", false),
            ("leaving_on", false),
            ("support_limit", false),
        ],
    ),
    (
        Entity::Competitors,
        "competitors",
        &[("external_id", false), ("name", true), ("note", false)],
    ),
    (
        Entity::Opportunities,
        "opportunities",
        &[
            ("external_id", false),
            ("account", true),
            ("name", true),
            ("amount", false),
            ("amount_minor", false),
            ("currency", false),
            ("stage", true),
            ("outcome", false),
            ("closed", false),
            ("won", false),
            ("expected_sign_date", false),
            ("owner", false),
            ("competitors", false),
            ("note", false),
            ("created_on", false),
            ("budget_status", false),
            ("budget_amount", false),
            ("budget_confirmed_on", false),
            ("compelling_event", false),
            ("compelling_event_by", false),
        ],
    ),
    (
        Entity::StageHistory,
        "stage_history",
        &[
            ("external_id", false),
            ("opportunity", true),
            ("stage", true),
            ("entered_on", true),
            ("outcome", false),
            ("note", false),
        ],
    ),
    (
        Entity::DecisionChain,
        "decision_chain",
        &[
            ("external_id", false),
            ("opportunity", true),
            ("person", true),
            ("buying_role", true),
            ("influence", false),
            ("attitude", false),
            ("favoured_competitor", false),
            ("note", false),
            ("primary", false),
        ],
    ),
    (
        Entity::Relationships,
        "relationships",
        &[
            ("external_id", false),
            ("kind", false),
            ("employee", false),
            ("person", false),
            ("other_person", false),
            ("competitor", false),
            ("other_employee", false),
            ("tie", false),
            ("strength", true),
            ("assessed_on", true),
            ("source", false),
            ("assessed_by", false),
            ("note", false),
        ],
    ),
    (
        Entity::Interactions,
        "interactions",
        &[
            ("external_id", false),
            ("account", true),
            ("opportunity", false),
            ("kind", true),
            ("occurred_on", true),
            ("subject", false),
            ("note", false),
            ("employees", false),
            ("people", false),
        ],
    ),
    (
        Entity::InteractionParties,
        "interaction_parties",
        &[
            ("external_id", false),
            ("interaction", true),
            ("party", true),
            ("is_what", false),
            ("response", false),
        ],
    ),
];

impl Entity {
    /// The section name in a mapping file.
    pub fn section(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(e, _, _)| *e == self)
            .map(|(_, s, _)| *s)
            .unwrap_or("")
    }

    fn fields(self) -> &'static [(&'static str, bool)] {
        FIELDS
            .iter()
            .find(|(e, _, _)| *e == self)
            .map(|(_, _, f)| *f)
            .unwrap_or(&[])
    }

    pub fn from_section(name: &str) -> Option<Entity> {
        FIELDS
            .iter()
            .find(|(_, s, _)| *s == name)
            .map(|(e, _, _)| *e)
    }

    pub fn all_sections() -> String {
        FIELDS
            .iter()
            .map(|(_, s, _)| *s)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A column, by its header; with several, the first the file has with a
    /// value in it (`["StageName", "Stage"]`: an API export or a report's label;
    /// `["BillingState", "BillingCountry"]`: the state, else the country).
    Column(Vec<String>),
    /// The same value on every row.
    Value(String),
}

/// One field of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub source: Source,
    /// Value translations, keyed by the file's value lower-cased and trimmed.
    pub values: BTreeMap<String, String>,
    /// Used when the cell is empty.
    pub default: Option<String>,
    /// A date format in the `time` crate's description syntax, e.g.
    /// `[month]/[day]/[year]`; ISO dates and timestamps are read without one.
    pub format: Option<String>,
    /// Separates several values in one cell (lists such as attendees); `;` unless set.
    pub separator: char,
    /// Values derived from words in the cell, the first rule that matches
    /// winning (a level from a title: "VP" or 总经理 → executive); tried when the
    /// value is not in `values`.
    pub rules: Vec<Rule>,
}

/// `{ value = "executive", words = ["CEO", "Chief", "总裁"] }`: a cell holding any
/// of the words (whole words in Latin script, anywhere in Chinese) gives `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub value: String,
    pub words: Vec<String>,
}

impl Rule {
    pub fn matches(&self, cell: &str) -> bool {
        let cell = cell.to_lowercase();
        self.words.iter().any(|w| {
            let w = w.to_lowercase();
            if !w.is_ascii() {
                return cell.contains(&w);
            }
            cell.match_indices(&w).any(|(at, _)| {
                let before = cell[..at].chars().next_back();
                let after = cell[at + w.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
    }
}

impl FieldSpec {
    /// The column this field reads, if any (for naming a cell in an error): the
    /// first of its columns.
    pub fn column(&self) -> Option<&str> {
        match &self.source {
            Source::Column(c) => c.first().map(String::as_str),
            Source::Value(_) => None,
        }
    }

    /// True when `value` (lower-cased) is one this field's table gives: a file
    /// may already hold guanxi's own ids.
    pub fn gives(&self, value: &str) -> bool {
        self.values.values().any(|v| v.eq_ignore_ascii_case(value))
            || self
                .rules
                .iter()
                .any(|r| r.value.eq_ignore_ascii_case(value))
    }
}

/// How one kind of file maps onto one kind of record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub entity: Entity,
    /// Headers whose presence identifies a file of this kind; `A|B` is either.
    pub detect: Vec<String>,
    /// Objects a file may say it holds (a Salesforce tree file's record type, a
    /// file named `Account.csv`, a sheet named 客户), matched case-insensitively.
    pub objects: Vec<String>,
    /// Fields a record already stored, but not by this mapping's system (matched
    /// by name or e-mail), takes from the file; any other field keeps its stored
    /// value.
    pub update_matched: Vec<String>,
    pub fields: BTreeMap<&'static str, FieldSpec>,
}

impl Section {
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.get(name)
    }
}

/// A loaded, checked mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub name: String,
    /// Names the system external ids come from, so two systems' ids never collide.
    pub system: String,
    pub sections: Vec<Section>,
    /// Objects the system exports that guanxi does not import (Product2, Lead, …):
    /// a file holding one is listed as skipped. Each with the headers that
    /// identify such a file.
    pub skip: Vec<(String, Vec<String>)>,
    /// The decimal mark amounts are written with, when the mapping's
    /// `decimal_mark` declares it (`,`: then `.` and spaces group thousands);
    /// undeclared, `.` is read, and a lone comma in a semicolon-separated file
    /// (as European spreadsheets write `1,5`) is refused as doubtful.
    pub decimal_mark: Option<char>,
}

/// What a file holds, as a mapping reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognised<'m> {
    Section(&'m Section),
    /// An object the mapping names as not imported.
    Skipped(&'m str),
}

/// The mappings shipped with guanxi, usable by name (`--mapping salesforce`).
pub const SHIPPED: &[(&str, &str)] = &[
    ("salesforce", include_str!("../../mappings/salesforce.toml")),
    ("guanxi", include_str!("../../mappings/guanxi.toml")),
    ("zh", include_str!("../../mappings/zh.toml")),
];

impl Mapping {
    /// Loads a mapping from a file, or a shipped one by name.
    pub fn load(path_or_name: &str) -> Result<Mapping> {
        if let Some((name, text)) = SHIPPED.iter().find(|(n, _)| *n == path_or_name) {
            return Mapping::parse(&format!("{name} (shipped)"), text);
        }
        let path = Path::new(path_or_name);
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::invalid(
                "mapping",
                format!(
                    "cannot read {}: {e} (shipped mappings: {})",
                    path.display(),
                    SHIPPED
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        Mapping::parse(&path.display().to_string(), &text)
    }

    /// Parses and checks a mapping; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Mapping> {
        let bad =
            |item: String, message: String| Error::invalid(format!("{file}: {item}"), message);
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| bad("syntax".into(), e.message().to_owned()))?;
        let string = |key: &str| -> Result<String> {
            match table.get(key) {
                Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                _ => Err(bad(key.into(), "must be a non-empty string".into())),
            }
        };
        let name = string("name")?;
        let system = string("system")?;
        if !system
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(bad(
                "system".into(),
                format!(
                    "'{system}' must be letters, digits, '-' and '_' (it names the system's ids)"
                ),
            ));
        }
        let decimal_mark = match table.get("decimal_mark") {
            None => None,
            Some(toml::Value::String(s)) if s == "." || s == "," => s.chars().next(),
            Some(_) => return Err(bad("decimal_mark".into(), "must be \".\" or \",\"".into())),
        };
        let mut skip = Vec::new();
        if let Some(value) = table.get("skip") {
            let t = value.as_table().ok_or_else(|| {
                bad(
                    "[skip]".into(),
                    "must be a table of object = [headers that identify it]".into(),
                )
            })?;
            for (object, headers) in t {
                let list = headers
                    .as_array()
                    .and_then(|a| {
                        a.iter()
                            .map(|v| v.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| {
                        bad(
                            format!("[skip] {object}"),
                            "must be a list of header names".into(),
                        )
                    })?;
                skip.push((object.clone(), list));
            }
        }
        let mut sections = Vec::new();
        for (key, value) in &table {
            if matches!(key.as_str(), "name" | "system" | "decimal_mark" | "skip") {
                continue;
            }
            let Some(entity) = Entity::from_section(key) else {
                return Err(bad(
                    format!("[{key}]"),
                    format!(
                        "is not a kind of record guanxi imports ({})",
                        Entity::all_sections()
                    ),
                ));
            };
            let toml::Value::Table(t) = value else {
                return Err(bad(format!("[{key}]"), "must be a table of fields".into()));
            };
            sections
                .push(section(entity, t).map_err(|(item, m)| bad(format!("[{key}] {item}"), m))?);
        }
        if sections.is_empty() {
            return Err(bad(
                "sections".into(),
                format!("maps no kind of record ({})", Entity::all_sections()),
            ));
        }
        sections.sort_by_key(|s| s.entity);
        Ok(Mapping {
            name,
            system,
            sections,
            skip,
            decimal_mark,
        })
    }

    /// What a file holds: the section its object names (a tree file's type, the
    /// file's or sheet's name), an object the mapping skips, or the section its
    /// headers fit.
    pub fn recognise(
        &self,
        object: Option<&str>,
        headers: &[String],
    ) -> std::result::Result<Recognised<'_>, String> {
        if let Some(object) = object {
            if let Some(s) = self
                .sections
                .iter()
                .find(|s| s.objects.iter().any(|o| o.eq_ignore_ascii_case(object)))
            {
                return Ok(Recognised::Section(s));
            }
            if let Some((o, _)) = self
                .skip
                .iter()
                .find(|(o, _)| o.eq_ignore_ascii_case(object))
            {
                return Ok(Recognised::Skipped(o));
            }
        }
        let has = |h: &String| has_header(headers, h);
        if let Some((o, _)) = self
            .skip
            .iter()
            .find(|(_, detect)| !detect.is_empty() && detect.iter().all(has))
        {
            return Ok(Recognised::Skipped(o));
        }
        self.section_for(headers).map(Recognised::Section)
    }

    /// The section a file with these headers holds: every `detect` header present,
    /// the most specific such section winning. `None` when no section fits.
    pub fn section_for(&self, headers: &[String]) -> std::result::Result<&Section, String> {
        let has = |h: &String| has_header(headers, h);
        let mut fits: Vec<&Section> = self
            .sections
            .iter()
            .filter(|s| s.detect.iter().all(has))
            .collect();
        fits.sort_by_key(|s| std::cmp::Reverse(s.detect.len()));
        match fits.as_slice() {
            [] => Err(format!(
                "its headers fit no section of the mapping '{}' ({})",
                self.name,
                self.sections
                    .iter()
                    .map(|s| format!("{} needs {}", s.entity.section(), s.detect.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            [one] => Ok(one),
            [first, second, ..] if first.detect.len() > second.detect.len() => Ok(first),
            [first, second, ..] => Err(format!(
                "its headers fit both [{}] and [{}]; name the kind before the file (e.g. {}=FILE)",
                first.entity.section(),
                second.entity.section(),
                first.entity.section()
            )),
        }
    }

    pub fn section(&self, entity: Entity) -> Option<&Section> {
        self.sections.iter().find(|s| s.entity == entity)
    }
}

/// A report's header `Account: Account Name` also answers to `Account Name`.
pub fn header_names(header: &str) -> impl Iterator<Item = String> + '_ {
    let lower = header.trim().to_lowercase();
    let short = lower
        .split_once(": ")
        .map(|(_, rest)| rest.trim().to_owned())
        .filter(|r| !r.is_empty());
    std::iter::once(lower).chain(short)
}

/// True when a file with `headers` has the column `wanted` (`A|B`: either).
fn has_header(headers: &[String], wanted: &str) -> bool {
    wanted.split('|').any(|w| {
        let w = w.trim().to_lowercase();
        headers.iter().any(|h| header_names(h).any(|n| n == w))
    })
}

type ItemError = (String, String);

fn section(entity: Entity, t: &toml::Table) -> std::result::Result<Section, ItemError> {
    let known = entity.fields();
    let mut fields = BTreeMap::new();
    let mut detect = None;
    let mut objects = Vec::new();
    let mut update_matched = Vec::new();
    let strings = |key: &str, value: &toml::Value| -> std::result::Result<Vec<String>, ItemError> {
        match value {
            toml::Value::String(s) => Ok(vec![s.clone()]),
            toml::Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| (key.to_owned(), "must be a list of strings".to_owned())),
            _ => Err((
                key.to_owned(),
                "must be a string or a list of strings".to_owned(),
            )),
        }
    };
    for (key, value) in t {
        if key == "object" {
            objects = strings(key, value)?;
            continue;
        }
        if key == "update_matched" {
            update_matched = strings(key, value)?;
            if let Some(f) = update_matched
                .iter()
                .find(|f| !known.iter().any(|(k, _)| k == f))
            {
                return Err((
                    key.clone(),
                    format!("'{f}' is not a field of {}", entity.section()),
                ));
            }
            continue;
        }
        if key == "detect" {
            let list = value
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .unwrap_or(None)
                .filter(|l| !l.is_empty())
                .ok_or_else(|| {
                    (
                        "detect".to_owned(),
                        "must be a list of header names".to_owned(),
                    )
                })?;
            detect = Some(list);
            continue;
        }
        let Some((field, _)) = known.iter().find(|(f, _)| f == key) else {
            return Err((
                key.clone(),
                format!(
                    "is not a field of {} (fields: {})",
                    entity.section(),
                    known.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        fields.insert(*field, field_spec(value).map_err(|m| (key.clone(), m))?);
    }
    for (field, required) in known {
        if *required && !fields.contains_key(field) {
            return Err((field.to_string(), "is required and not mapped".into()));
        }
    }
    if entity == Entity::People && !fields.contains_key("name") && !fields.contains_key("last_name")
    {
        return Err((
            "name".into(),
            "is required: map `name`, or `last_name` (with `first_name`)".into(),
        ));
    }
    if entity == Entity::Opportunities
        && !fields.contains_key("amount")
        && !fields.contains_key("amount_minor")
    {
        return Err((
            "amount".into(),
            "is required: map `amount` or `amount_minor`".into(),
        ));
    }
    // By default a file is recognised by the columns of its required fields and
    // its external id.
    let detect = detect.unwrap_or_else(|| {
        let mut d: Vec<String> = fields
            .iter()
            .filter(|(f, _)| **f == "external_id" || known.iter().any(|(k, r)| k == *f && *r))
            .filter_map(|(_, s)| match &s.source {
                Source::Column(c) => Some(c.join("|")),
                Source::Value(_) => None,
            })
            .collect();
        d.dedup();
        d
    });
    Ok(Section {
        entity,
        detect,
        objects,
        update_matched,
        fields,
    })
}

fn field_spec(value: &toml::Value) -> std::result::Result<FieldSpec, String> {
    let mut spec = FieldSpec {
        source: Source::Value(String::new()),
        values: BTreeMap::new(),
        default: None,
        format: None,
        separator: ';',
        rules: Vec::new(),
    };
    let columns = |v: &toml::Value| -> std::result::Result<Vec<String>, String> {
        let list = match v {
            toml::Value::String(c) => vec![c.trim().to_owned()],
            toml::Value::Array(a) => a
                .iter()
                .map(|c| c.as_str().map(|c| c.trim().to_owned()))
                .collect::<Option<Vec<_>>>()
                .ok_or("a column list must hold column names")?,
            _ => return Err("`column` must be a column name or a list of them".into()),
        };
        if list.is_empty() || list.iter().any(String::is_empty) {
            return Err("a column name must not be empty".into());
        }
        Ok(list)
    };
    match value {
        toml::Value::String(_) | toml::Value::Array(_) => {
            spec.source = Source::Column(columns(value)?);
        }
        toml::Value::Table(t) => {
            let mut source = None;
            for (k, v) in t {
                let text = || {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("`{k}` must be a string"))
                };
                match k.as_str() {
                    "column" => source = Some(Source::Column(columns(v)?)),
                    "rules" => {
                        let list = v.as_array().ok_or("`rules` must be a list of { value = ..., words = [...] }")?;
                        for (i, rule) in list.iter().enumerate() {
                            let value = rule.get("value").and_then(|v| v.as_str());
                            let words = rule.get("words").and_then(|w| w.as_array()).and_then(|a| {
                                a.iter().map(|w| w.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>()
                            });
                            match (value, words) {
                                (Some(value), Some(words)) if !words.is_empty() => spec.rules.push(Rule {
                                    value: value.to_owned(),
                                    words,
                                }),
                                _ => {
                                    return Err(format!(
                                        "rules[{i}] must be {{ value = \"...\", words = [\"...\"] }}"
                                    ))
                                }
                            }
                        }
                    }
                    "value" => source = Some(Source::Value(text()?)),
                    "default" => spec.default = Some(text()?),
                    "format" => {
                        let f = text()?;
                        time::format_description::parse_borrowed::<2>(&f)
                            .map_err(|e| format!("`format` '{f}' is not a date format: {e}"))?;
                        spec.format = Some(f);
                    }
                    "separator" => {
                        let s = text()?;
                        let mut chars = s.chars();
                        spec.separator = match (chars.next(), chars.next()) {
                            (Some(c), None) => c,
                            _ => return Err("`separator` must be one character".into()),
                        };
                    }
                    "values" => {
                        let Some(map) = v.as_table() else {
                            return Err("`values` must be a table of file value = guanxi value".into());
                        };
                        for (from, to) in map {
                            let to = to
                                .as_str()
                                .ok_or_else(|| format!("values.\"{from}\" must be a string"))?;
                            spec.values.insert(from.trim().to_lowercase(), to.to_owned());
                        }
                    }
                    other => {
                        return Err(format!(
                            "`{other}` is not a field option (column, value, default, values, rules, format, separator)"
                        ))
                    }
                }
            }
            spec.source = match (source, &spec.default) {
                (Some(s), _) => s,
                (None, Some(d)) => Source::Value(d.clone()),
                (None, None) => return Err("needs `column` or `value`".into()),
            };
        }
        _ => return Err("must be a column name or a table { column = ..., ... }".into()),
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_mappings_load() {
        for (name, _) in SHIPPED {
            let m = Mapping::load(name).expect(name);
            assert!(!m.sections.is_empty());
        }
    }

    #[test]
    fn mistakes_are_named_with_file_and_item() {
        let e = Mapping::parse(
            "m.toml",
            "name = 'x'\nsystem = 'crm'\n[persons]\nname = 'N'",
        )
        .unwrap_err();
        assert!(e.to_string().contains("m.toml: [persons]"), "{e}");
        let e = Mapping::parse(
            "m.toml",
            "name = 'x'\nsystem = 'crm'\n[accounts]\nname = 'N'\nlevle = 'L'",
        )
        .unwrap_err();
        assert!(e.to_string().contains("[accounts] levle"), "{e}");
        let e = Mapping::parse("m.toml", "name = 'x'\nsystem = 'crm'\n[people]\nname = 'N'")
            .unwrap_err();
        assert!(
            e.to_string().contains("[people] account: is required"),
            "{e}"
        );
        let e = Mapping::parse(
            "m.toml",
            "name = 'x'\nsystem = 'crm'\n[accounts]\nname = 'N'\nindustry = { column = 'I', format = '[nonsense' }",
        )
        .unwrap_err();
        assert!(e.to_string().contains("[accounts] industry"), "{e}");
    }

    #[test]
    fn the_most_specific_section_wins() {
        let m = Mapping::load("salesforce").unwrap();
        let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let opp = m
            .section_for(&headers(&[
                "Id",
                "AccountId",
                "Name",
                "StageName",
                "Amount",
            ]))
            .unwrap();
        assert_eq!(opp.entity, Entity::Opportunities);
        let acc = m
            .section_for(&headers(&["Id", "Name", "Industry"]))
            .unwrap();
        assert_eq!(acc.entity, Entity::Accounts);
        assert!(m.section_for(&headers(&["Foo"])).is_err());
    }
}
