//! Reading guanxi's own format back: every row checked against the methodology
//! first (all problems reported at once, by path), then written in one transaction
//! by id, insert or update, so importing the same file twice changes nothing and a
//! newer file updates what changed. A refused file writes nothing.

use crate::{
    domain::{normalise_organisation, EmployeeStatus, LineKind, Outcome},
    methodology::Methodology,
    Error, Result,
};

use super::{tables::ends, Export, ImportOptions, FORMAT};

/// One invalid value: row `index` of `list`, its `field` (camelCase), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub list: &'static str,
    pub index: usize,
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.list.is_empty() {
            write!(f, "{}: {}", self.field, self.message)
        } else {
            write!(
                f,
                "{}[{}].{}: {}",
                self.list, self.index, self.field, self.message
            )
        }
    }
}

/// A validation error's message without its field (the problem names the field).
fn message(e: &Error) -> String {
    match e {
        Error::InvalidInput { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Every invalid value in the document; a problem with the document itself (its
/// format) has an empty `list`.
pub fn check(m: &Methodology, data: &Export) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut p = |list: &'static str, index: usize, field: &'static str, message: String| {
        problems.push(Problem {
            list,
            index,
            field,
            message,
        })
    };
    if data.format != FORMAT {
        p(
            "",
            0,
            "format",
            format!(
                "'{}' is not '{FORMAT}', the format this version reads",
                data.format
            ),
        );
    }
    let v = &m.vocabularies;
    let vocab = |vocabulary: &crate::methodology::Vocabulary, value: &str| {
        (!vocabulary.contains(value)).then(|| {
            format!(
                "'{value}' is not in the methodology's {} ({})",
                vocabulary.name,
                vocabulary.ids().collect::<Vec<_>>().join(", ")
            )
        })
    };
    // The API's rules, so a file cannot hold what a person could not type in.
    let name = |n: &str| {
        crate::domain::Name::parse("name", n)
            .err()
            .map(|e| message(&e))
    };
    let organisation = |n: &str| {
        crate::domain::OrganisationName::parse("name", n)
            .err()
            .map(|e| message(&e))
    };
    let today = crate::domain::today();
    let now = time::OffsetDateTime::now_utc();
    let day = |d: time::Date| crate::domain::dates::day("", d).err().map(|e| message(&e));
    let some_day = |d: Option<time::Date>| d.and_then(day);
    macro_rules! each {
        ($list:expr, $label:literal, |$row:ident| [$($field:literal => $check:expr),* $(,)?]) => {
            for (i, $row) in $list.iter().enumerate() {
                $(if let Some(msg) = $check { p($label, i, $field, msg); })*
            }
        };
    }
    let fixed = |r: crate::Result<()>| r.err().map(|e| e.to_string());
    // Free text as the API takes it: a short text (titles, teams, subjects) or a note.
    let short = |t: &Option<String>| {
        crate::domain::optional_text("", t.as_deref(), crate::domain::MAX_SHORT_TEXT)
            .err()
            .map(|e| message(&e))
    };
    let note = |t: &Option<String>| {
        crate::domain::optional_text("", t.as_deref(), crate::domain::MAX_NOTE_CHARS)
            .err()
            .map(|e| message(&e))
    };
    let email = |t: &Option<String>| {
        t.as_deref().and_then(|e| {
            crate::domain::Email::parse("", e)
                .err()
                .map(|e| message(&e))
        })
    };
    let phone = |t: &Option<String>| {
        t.as_deref().and_then(|p| {
            crate::domain::Phone::parse("", p)
                .err()
                .map(|e| message(&e))
        })
    };
    each!(data.employees, "employees", |e| [
        "name" => name(&e.name),
        "email" => email(&Some(e.email.clone())),
        "team" => short(&e.team),
        "role" => vocab(&v.employee_roles, &e.role),
        "status" => fixed(EmployeeStatus::parse("status", &e.status).map(|_| ())),
        "departedOn" => some_day(e.departed_on),
        "leavingOn" => some_day(e.leaving_on),
    ]);
    each!(data.competitors, "competitors", |c| ["name" => organisation(&c.name), "note" => note(&c.note)]);
    each!(data.support_resources, "supportResources", |r| [
        "name" => name(&r.name),
        "kind" => vocab(&v.support_resource_kinds, &r.kind),
    ]);
    each!(data.accounts, "accounts", |a| [
        "name" => organisation(&a.name),
        "industry" => vocab(&v.industries, &a.industry),
        "region" => vocab(&v.regions, &a.region),
        "tier" => vocab(&v.tiers, &a.tier),
        "ownerTeam" => short(&a.owner_team),
    ]);
    each!(data.people, "people", |x| [
        "name" => name(&x.name),
        "title" => short(&x.title),
        "email" => email(&x.email),
        "phone" => phone(&x.phone),
        "department" => vocab(&v.departments, &x.department),
        "level" => vocab(&v.levels, &x.level),
    ]);
    each!(data.positions, "positions", |x| [
        "validFrom" => day(x.valid_from),
        "validTo" => some_day(x.valid_to),
        "department" => vocab(&v.departments, &x.department),
        "level" => vocab(&v.levels, &x.level),
    ]);
    each!(data.reporting_lines, "reportingLines", |x| [
        "validFrom" => day(x.valid_from),
        "validTo" => some_day(x.valid_to),
        "kind" => fixed(LineKind::parse("kind", &x.kind).map(|_| ())),
    ]);
    each!(data.opportunities, "opportunities", |o| [
        "name" => name(&o.name),
        "note" => note(&o.note),
        "amountMinor" => (o.amount_minor < 0).then(|| format!("must not be negative, got {}", o.amount_minor)),
        "expectedSignDate" => some_day(o.expected_sign_date),
        "currency" => vocab(&v.currencies, &o.currency.to_lowercase()),
        "stage" => vocab(&v.stage_terms, &o.stage),
        "outcome" => fixed(Outcome::parse("outcome", &o.outcome).map(|_| ())),
        "budgetStatus" => fixed(crate::domain::BudgetStatus::parse("budgetStatus", &o.budget_status).map(|_| ())),
        "budgetAmountMinor" => o.budget_amount_minor.filter(|a| *a < 0).map(|a| format!("must not be negative, got {a}")),
        "budgetConfirmedOn" => o.budget_confirmed_on.and_then(|d| crate::domain::dates::past_day("", d, today).err().map(|e| message(&e)))
            .or_else(|| (o.budget_confirmed_on.is_some() && o.budget_status != "confirmed").then(|| "only a confirmed budget has a confirmation date".to_owned())),
        "compellingEvent" => fixed(crate::domain::optional_text("compellingEvent", o.compelling_event.as_deref(), crate::domain::MAX_EVENT_CHARS).map(|_| ())),
        "compellingEventBy" => some_day(o.compelling_event_by),
    ]);
    let past = |at: time::OffsetDateTime| {
        crate::domain::dates::past_moment("", at, now)
            .err()
            .map(|e| message(&e))
    };
    each!(data.stage_changes, "stageChanges", |x| [
        "enteredOn" => day(x.entered_on),
        "stage" => vocab(&v.stage_terms, &x.stage),
        "outcome" => fixed(Outcome::parse("outcome", &x.outcome).map(|_| ())),
    ]);
    each!(data.team_members, "teamMembers", |x| ["role" => vocab(&v.employee_roles, &x.role)]);
    each!(data.decision_chain_members, "decisionChainMembers", |x| [
        "buyingRole" => vocab(&v.buying_roles, &x.buying_role),
        "influence" => x.influence.filter(|i| !(1..=5).contains(i)).map(|i| format!("must be within 1..5, got {i}")),
        "attitude" => (!(-2..=2).contains(&x.attitude)).then(|| format!("must be within -2..2, got {}", x.attitude)),
        "note" => note(&x.note),
    ]);
    each!(data.relationships, "relationships", |x| [
        "assessedAt" => past(x.assessed_at),
        "kind" => ends(x).is_none().then(|| format!("'{}' with these ends is not a relationship guanxi knows", x.kind)),
        "strength" => (!(0..=5).contains(&x.strength)).then(|| format!("must be within 0..5, got {}", x.strength)),
    ]);
    each!(data.assessments, "assessments", |x| [
        "strength" => (!(0..=5).contains(&x.strength)).then(|| format!("must be within 0..5, got {}", x.strength)),
        "source" => fixed(crate::domain::AssessmentSource::parse("source", &x.source).map(|_| ())),
        "assessedAt" => crate::domain::dates::past_moment("", x.assessed_at, now).err().map(|e| message(&e)),
        "note" => note(&x.note),
    ]);
    each!(data.interactions, "interactions", |x| [
        "kind" => vocab(&v.interaction_kinds, &x.kind),
        "occurredOn" => crate::domain::dates::past_day("", x.occurred_on, today).err().map(|e| message(&e)),
        "subject" => short(&x.subject),
        "note" => note(&x.note),
    ]);
    each!(data.support_requests, "supportRequests", |x| [
        "neededBy" => day(x.needed_by),
        "kind" => vocab(&v.support_resource_kinds, &x.kind),
        "status" => fixed(crate::domain::SupportStatus::parse("status", &x.status).map(|_| ())),
    ]);
    each!(data.win_step_ticks, "winStepTicks", |x| [
        "stage" => vocab(&v.stage_terms, &x.stage),
        "tickedAt" => past(x.ticked_at),
    ]);
    each!(data.plan_item_ticks, "planItemTicks", |x| ["tickedAt" => past(x.ticked_at)]);
    each!(data.qualification_answers, "qualificationAnswers", |x| ["answeredAt" => past(x.answered_at)]);
    each!(data.improvement_points, "improvementPoints", |x| [
        "dueOn" => some_day(x.due_on),
        "closedOn" => some_day(x.closed_on),
    ]);
    problems
}

/// What an import wrote (or, dry, would write): per table, rows new, changed and
/// already as in the file; rows left out (with `partial`); and names that look
/// like another organisation's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub tables: Vec<crate::store::TableChange>,
    pub dry_run: bool,
    pub rejected: Vec<Rejected>,
    /// Reported, never merged: a person decides.
    pub near_duplicates: Vec<NearDuplicate>,
    /// How each file was read and what it held (files of records only).
    pub files: Vec<super::csv_file::FileRead>,
    /// Values the mapping's defaults gave, counted (files of records only).
    pub defaulted: Vec<super::csv_file::Defaulted>,
    /// Records matched to stored ones by name or e-mail, or merged within the
    /// files (files of records only).
    pub merged: Vec<super::csv_file::Merged>,
}

/// A row left out of an import, named where the person will look for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// `people[3]` in a JSON document, `contacts.csv:14` in a CSV file.
    pub place: String,
    /// The field (or CSV column) at fault, when one is.
    pub field: Option<String>,
    /// A stable code, as in API errors.
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            // `people[3].level` in a document, `contacts.csv:14 Level__c` in a file.
            Some(field) if self.place.ends_with(']') => {
                write!(f, "{}.{field}: {}", self.place, self.message)
            }
            Some(field) => write!(f, "{} {field}: {}", self.place, self.message),
            None => write!(f, "{}: {}", self.place, self.message),
        }
    }
}

/// An account or competitor in the file whose name looks like another one's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearDuplicate {
    /// `accounts[3]`, `competitors[0]`.
    pub path: String,
    pub name: String,
    pub looks_like: String,
    pub looks_like_id: uuid::Uuid,
    pub why: &'static str,
}

/// Names in the file alike to stored names (of other records) or to each other.
fn near_duplicates<'a>(
    list: &str,
    incoming: impl Iterator<Item = (uuid::Uuid, &'a str)>,
    stored: &[(uuid::Uuid, String)],
) -> Vec<NearDuplicate> {
    let incoming: Vec<(uuid::Uuid, &str, String)> = incoming
        .map(|(id, name)| (id, name, normalise_organisation(name)))
        .collect();
    let mut out = Vec::new();
    for (i, (id, name, key)) in incoming.iter().enumerate() {
        let others = stored
            .iter()
            .map(|(oid, oname)| (*oid, oname.as_str()))
            .chain(incoming[..i].iter().map(|(oid, oname, _)| (*oid, *oname)));
        for (oid, oname) in others {
            if oid == *id {
                continue;
            }
            let other_key = normalise_organisation(oname);
            let looks_the_same = *key != other_key
                && crate::domain::look_alike_key(name) == crate::domain::look_alike_key(oname);
            let why = if looks_the_same {
                Some("looks the same: look-alike letters, invisible characters or brackets")
            } else {
                crate::domain::likely_same_organisation(key, &other_key)
            };
            if let Some(why) = why {
                out.push(NearDuplicate {
                    path: format!("{list}[{i}]"),
                    name: (*name).to_owned(),
                    looks_like: oname.to_owned(),
                    looks_like_id: oid,
                    why,
                });
                break;
            }
        }
    }
    out
}

impl ImportReport {
    pub fn new_rows(&self) -> usize {
        self.tables.iter().map(|t| t.new).sum()
    }
    pub fn changed_rows(&self) -> usize {
        self.tables.iter().map(|t| t.changed).sum()
    }
    pub fn unchanged_rows(&self) -> usize {
        self.tables.iter().map(|t| t.unchanged).sum()
    }
}

/// Where a row of a chunk came from: `(list, index, field)` to a place and a
/// field name as the person knows them.
pub(crate) type Locate<'a> = dyn Fn(&'static str, usize, Option<&'static str>) -> (String, Option<String>)
    + Send
    + Sync
    + 'a;

/// Checks one chunk, sets aside its invalid rows, writes the rest into the
/// session and adds every refused row to `rejected`, named by `locate`.
pub(crate) async fn import_chunk(
    session: &mut crate::store::ImportSession<'_>,
    m: &Methodology,
    mut chunk: Export,
    locate: &Locate<'_>,
    rejected: &mut Vec<Rejected>,
) -> Result<()> {
    let problems = check(m, &chunk);
    if let Some(p) = problems.iter().find(|p| p.list.is_empty()) {
        return Err(Error::invalid(p.field, p.message.clone()));
    }
    let mut drop = std::collections::HashSet::new();
    // Places already told about in this chunk: one line's person and position
    // share a place and a story.
    let mut told: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut told_field = std::collections::HashSet::new();
    for p in problems {
        let (place, field) = locate(p.list, p.index, Some(p.field));
        drop.insert((p.list, p.index));
        if !told_field.insert((place.clone(), field.clone(), p.message.clone())) {
            continue;
        }
        told.insert(place.clone());
        rejected.push(Rejected {
            place,
            field,
            code: "INVALID_INPUT",
            message: p.message,
        });
    }
    for (i, a) in chunk.accounts.iter().enumerate() {
        if !drop.contains(&("accounts", i)) && normalise_organisation(&a.name).is_empty() {
            let (place, field) = locate("accounts", i, Some("name"));
            rejected.push(Rejected {
                place,
                field,
                code: "INVALID_INPUT",
                message: "has no letters or digits".into(),
            });
            drop.insert(("accounts", i));
        }
    }
    let kept = chunk.without(&drop);
    session.put(chunk).await?;
    for r in session.take_rejected() {
        let index = kept
            .iter()
            .find(|(list, _)| *list == r.list)
            .map_or(r.index, |(_, original)| original[r.index]);
        let (place, field) = locate(r.list, index, None);
        // A row refused because the row it hangs on was (a position of a person
        // left out) is the same story: told once.
        if !told.insert(place.clone()) {
            continue;
        }
        rejected.push(Rejected {
            place,
            field,
            code: r.code,
            message: r.message,
        });
    }
    Ok(())
}

/// The error that refuses a whole import, naming its first twenty bad rows.
/// How many records the refusals concern: a record refused for two reasons
/// (a person and the position made from the same line) counts once.
pub fn records_refused(rejected: &[Rejected]) -> usize {
    let mut places: Vec<&str> = rejected.iter().map(|r| r.place.as_str()).collect();
    places.sort_unstable();
    places.dedup();
    places.len()
}

pub(crate) fn refusal(rejected: &[Rejected]) -> Error {
    let shown: Vec<String> = rejected.iter().take(20).map(ToString::to_string).collect();
    let more = rejected.len().saturating_sub(shown.len());
    let records = records_refused(rejected);
    let message = format!(
        "{} row{} refused, nothing imported: {}{}",
        records,
        if records == 1 { "" } else { "s" },
        shown.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    );
    if rejected.iter().all(|r| r.code == "CONFLICT") {
        Error::Conflict(message)
    } else {
        Error::invalid("file", message)
    }
}

/// Accounts' and competitors' names as stored before an import, to compare the
/// incoming ones with.
pub(crate) struct StoredNames {
    accounts: Vec<(uuid::Uuid, String)>,
    competitors: Vec<(uuid::Uuid, String)>,
}

pub(crate) async fn stored_names(store: &crate::store::Store) -> Result<StoredNames> {
    let (accounts, competitors) = store.organisation_names().await?;
    Ok(StoredNames {
        accounts,
        competitors,
    })
}

/// Names in `data` that look like other organisations', stored or in `data`.
pub(crate) fn likely_duplicates(data: &Export, stored: &StoredNames) -> Vec<NearDuplicate> {
    let mut near = near_duplicates(
        "accounts",
        data.accounts
            .iter()
            .map(|a| (a.account_id, a.name.as_str())),
        &stored.accounts,
    );
    near.extend(near_duplicates(
        "competitors",
        data.competitors
            .iter()
            .map(|c| (c.competitor_id, c.name.as_str())),
        &stored.competitors,
    ));
    near
}

/// Imports a document in guanxi's own format. Every invalid row, and every row
/// pointing at a record that exists neither in the document nor in the database,
/// is named; without `partial` any of them refuses the whole document, with it the
/// good rows are written and the rest listed. `dry_run` writes nothing.
pub async fn import(
    store: &crate::store::Store,
    data: Export,
    options: ImportOptions,
) -> Result<ImportReport> {
    let near_duplicates = likely_duplicates(&data, &stored_names(store).await?);
    let mut session = store.begin_import(options, false).await?;
    let mut rejected = Vec::new();
    let locate = |list: &'static str, i: usize, field: Option<&'static str>| {
        (format!("{list}[{i}]"), field.map(str::to_owned))
    };
    import_chunk(
        &mut session,
        store.methodology(),
        data,
        &locate,
        &mut rejected,
    )
    .await?;
    if !rejected.is_empty() && !options.partial {
        return Err(refusal(&rejected));
    }
    let tables = session.finish().await?;
    Ok(ImportReport {
        tables,
        dry_run: options.dry_run,
        rejected,
        near_duplicates,
        files: Vec::new(),
        defaulted: Vec::new(),
        merged: Vec::new(),
    })
}
