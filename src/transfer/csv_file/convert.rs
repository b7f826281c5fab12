//! One record into guanxi's rows, by the kind of record its section holds.

use super::*;

/// Everything one import of CSV files needs while converting.
pub(super) struct Converter {
    pub(super) m: Arc<Methodology>,
    pub(super) resolver: Resolver,
    /// A stage-history file is part of this import: it, not the opportunities
    /// file, says when deals entered their stages.
    pub(super) history_in_run: bool,
    pub(super) now: OffsetDateTime,
    pub(super) today: Date,
    /// The mapping's decimal mark for amounts, when it declares one.
    pub(super) decimal_mark: Option<char>,
    /// The zone timestamps with an offset are taken in.
    pub(super) zone: Option<chrono_tz::Tz>,
    /// Records matched to stored ones or merged within the files, for the report.
    pub(super) merged: Vec<Merged>,
    /// Activities dated after today, passed over.
    pub(super) planned: Vec<String>,
    /// Stage-history entries that change no stage, passed over.
    pub(super) unchanged_stage: Vec<String>,
    /// Interaction parties that are no person or declined, passed over.
    pub(super) not_parties: Vec<String>,
    /// The stage-history entries read so far, per deal by day.
    pub(super) history: HashMap<Uuid, BTreeMap<Date, (String, String)>>,
    /// Stage-history entries passed over as repeats, per deal by day, with
    /// their places: written after all if an earlier change turns up.
    pub(super) set_aside: HashMap<Uuid, BTreeMap<Date, (String, StageChangeRow)>>,
    /// People read without an id, by the id their account and name give: where
    /// first seen, with their e-mail and phone.
    pub(super) people_seen: HashMap<Uuid, (String, Option<String>, Option<String>)>,
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
    pub(super) fn midnight(date: Date) -> OffsetDateTime {
        date.with_time(Time::MIDNIGHT).assume_utc()
    }

    /// Keeps which record this system's id names, when the record was matched
    /// to one stored under another id (by name or e-mail): a later file of the
    /// system that refers to the id finds it.
    pub(super) fn remember_external(
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
    pub(super) fn convert(&mut self, r: &Record, chunk: &mut Chunk, later: &mut Chunk) -> Conv<()> {
        let ext = r.raw("external_id");
        match r.section.entity {
            Entity::Accounts => self.account(r, chunk, ext)?,
            Entity::Employees => self.employee(r, chunk, ext)?,
            Entity::Competitors => self.competitor(r, chunk)?,
            Entity::People => self.person(r, chunk, later, ext)?,
            Entity::Opportunities => self.opportunity(r, chunk, ext)?,
            Entity::StageHistory => self.stage_entry(r, chunk, ext)?,
            Entity::DecisionChain => self.chain_member(r, chunk)?,
            Entity::Relationships => self.relationship(r, chunk, ext)?,
            Entity::Interactions => self.interaction(r, chunk, ext)?,
            Entity::InteractionParties => self.party(r, chunk)?,
        }
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
pub(super) fn keep_stored_account(
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
pub(super) fn keep_stored_employee(
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
pub(super) fn stage_and_outcome(r: &Record) -> Conv<(String, String)> {
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
pub(super) fn cell_problem(cell: &str) -> Option<String> {
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
