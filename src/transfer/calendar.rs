//! Meetings from reps' calendars: an iCalendar (.ics) export becomes interactions.
//! Attendees are matched to people and employees by e-mail; a meeting with at
//! least one known customer person becomes an interaction at that person's account,
//! known by the event's UID (and, for a recurring event, the occurrence's date), so
//! importing the same calendar again changes nothing. Customer attendees nobody
//! knows are listed as people to add, with their account guessed from the e-mail
//! domain.

use std::{collections::HashMap, path::Path, str::FromStr};

use chrono::TimeZone as _;
use icalendar::parser::{read_calendar, unfold, Component, Property};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::store::Lookup;

use super::{
    import::{import_chunk, refusal, ImportReport},
    tables::*,
    Export, ImportOptions,
};
use crate::{domain::MAX_NOTE_CHARS, store::Store, Error, Result};

/// The namespace of interaction ids derived from event UIDs.
const NAMESPACE: Uuid = Uuid::from_u128(0x6775_616e_7869_4000_8000_0000_0000_0002);
/// Occurrences of one recurring event looked at, at most.
const MAX_OCCURRENCES: u16 = 2_000;

/// What a calendar import saw besides the rows it wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarSummary {
    /// Events in the files (a recurring event counts once).
    pub events: usize,
    /// Meetings that became (or already were) interactions, occurrences counted.
    pub meetings: usize,
    pub cancelled: usize,
    /// Occurrences after today: they have not happened yet.
    pub upcoming: usize,
    /// Meetings with no known customer person (internal, or with strangers only).
    pub without_customer: usize,
    pub people_to_add: Vec<PersonToAdd>,
}

/// A customer attendee nobody in guanxi has that address for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonToAdd {
    pub email: String,
    /// The name the calendar gives (CN), if any.
    pub name: Option<String>,
    /// The account whose people share this e-mail domain, if one does.
    pub account: Option<(Uuid, String)>,
    /// Meetings this person attended.
    pub meetings: usize,
}

/// Who is who, by e-mail.
struct Directory {
    employees: HashMap<String, Uuid>,
    people: HashMap<String, (Uuid, Uuid)>,
    /// E-mail domain → the account most of its people belong to.
    domains: HashMap<String, Uuid>,
    our_domains: std::collections::HashSet<String>,
    account_names: HashMap<Uuid, String>,
}

fn domain_of(email: &str) -> Option<&str> {
    email.rsplit_once('@').map(|(_, d)| d)
}

impl Directory {
    async fn load(store: &Store) -> Result<Directory> {
        let employees: HashMap<String, Uuid> = store
            .lookup::<(Uuid, String)>(Lookup::EmployeeEmails)
            .await?
            .into_iter()
            .map(|(id, e)| (e.to_lowercase(), id))
            .collect();
        let people: HashMap<String, (Uuid, Uuid)> = store
            .lookup::<(Uuid, Uuid, String)>(Lookup::PersonEmails)
            .await?
            .into_iter()
            .map(|(p, a, e)| (e.trim().to_lowercase(), (p, a)))
            .collect();
        let mut votes: HashMap<String, HashMap<Uuid, usize>> = HashMap::new();
        for (email, (_, account)) in &people {
            if let Some(d) = domain_of(email) {
                *votes
                    .entry(d.to_owned())
                    .or_default()
                    .entry(*account)
                    .or_default() += 1;
            }
        }
        let domains = votes
            .into_iter()
            .filter_map(|(d, v)| {
                v.into_iter()
                    .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
                    .map(|(a, _)| (d, a))
            })
            .collect();
        let our_domains = employees
            .keys()
            .filter_map(|e| domain_of(e).map(str::to_owned))
            .collect();
        let account_names = store
            .lookup::<(Uuid, String)>(Lookup::AccountNames)
            .await?
            .into_iter()
            .collect();
        Ok(Directory {
            employees,
            people,
            domains,
            our_domains,
            account_names,
        })
    }
}

fn prop<'a>(c: &'a Component<'a>, name: &str) -> Option<&'a Property<'a>> {
    c.properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn param<'a>(p: &'a Property<'a>, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref().map(|v| v.as_str().trim_matches('"')))
}

/// Text with iCalendar escapes undone.
fn unescape(p: &Property) -> String {
    p.val
        .as_str()
        .replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

/// The calendar date a DATE or DATE-TIME property falls on: in its own time zone
/// (TZID) or floating as written; a UTC time (`Z`) in the calendar's zone.
fn local_date(p: &Property, zone: chrono_tz::Tz) -> Option<Date> {
    let v = p.val.as_str().trim();
    let digits = v.get(0..8)?;
    let date = Date::parse(
        digits,
        time::macros::format_description!("[year][month][day]"),
    )
    .ok()?;
    if !v.ends_with('Z') || v.len() < 15 {
        return Some(date);
    }
    let time = time::Time::parse(
        v.get(9..15)?,
        time::macros::format_description!("[hour][minute][second]"),
    )
    .ok()?;
    let utc = chrono::Utc
        .timestamp_opt(date.with_time(time).assume_utc().unix_timestamp(), 0)
        .single()?;
    let local = utc.with_timezone(&zone).format("%Y-%m-%d").to_string();
    Date::parse(
        &local,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// Dates of every occurrence of a recurring event, in its own time zone (or the
/// calendar's, for UTC start times), exceptions removed.
fn occurrences(event: &Component, zone: chrono_tz::Tz) -> std::result::Result<Vec<Date>, String> {
    let mut lines = Vec::new();
    for p in &event.properties {
        let name = p.name.as_str().to_ascii_uppercase();
        if !matches!(name.as_str(), "DTSTART" | "RRULE" | "EXDATE" | "RDATE") {
            continue;
        }
        let params: String = p
            .params
            .iter()
            .filter(|x| !x.key.as_str().eq_ignore_ascii_case("VALUE"))
            .map(|x| match &x.val {
                Some(v) => format!(";{}={}", x.key.as_str(), v.as_str()),
                None => format!(";{}", x.key.as_str()),
            })
            .collect();
        lines.push(format!("{name}{params}:{}", p.val.as_str()));
    }
    let set = rrule::RRuleSet::from_str(&lines.join("\n")).map_err(|e| e.to_string())?;
    let utc_start = prop(event, "DTSTART").is_some_and(|p| p.val.as_str().ends_with('Z'));
    let dates = set.all(MAX_OCCURRENCES).dates;
    Ok(dates
        .into_iter()
        .filter_map(|d| {
            let text = if utc_start {
                d.with_timezone(&zone).format("%Y-%m-%d").to_string()
            } else {
                d.format("%Y-%m-%d").to_string()
            };
            Date::parse(
                &text,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .ok()
        })
        .collect())
}

/// A meeting kind from the event's words; the methodology's `visit` otherwise.
fn kind_of(summary: &str, location: &str) -> &'static str {
    let words = format!("{summary} {location}").to_lowercase();
    let has = |list: &[&str]| list.iter().any(|w| words.contains(w));
    if has(&["lunch", "dinner", "breakfast", "午餐", "晚餐", "饭", "宴"]) {
        "meal"
    } else if has(&["workshop", "研讨", "工作坊"]) {
        "workshop"
    } else if has(&["call", "zoom", "teams", "webex", "电话", "腾讯会议", "视频"]) {
        "call"
    } else {
        "visit"
    }
}

/// Imports calendar files; see the module documentation. `zone` places UTC times
/// on a calendar day when a file names no zone of its own (X-WR-TIMEZONE).
/// Occurrences after `today` are left for a later import.
pub async fn import_calendars(
    store: &Store,
    files: &[&Path],
    zone: chrono_tz::Tz,
    today: Date,
    options: ImportOptions,
) -> Result<(ImportReport, CalendarSummary)> {
    let directory = Directory::load(store).await?;
    let m = store.methodology();
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut summary = CalendarSummary::default();
    let mut strangers: HashMap<String, PersonToAdd> = HashMap::new();
    let mut session = store.begin_import(options, true).await?;
    let mut rejected = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let raw = std::fs::read(path)
            .map_err(|e| Error::invalid("file", format!("cannot read {}: {e}", path.display())))?;
        let text = String::from_utf8(raw)
            .map_err(|_| Error::invalid(name.clone(), "is not UTF-8 text"))?;
        let unfolded = unfold(text.trim_start_matches('\u{feff}'));
        let calendar = read_calendar(&unfolded).map_err(|e| {
            Error::invalid(
                name.clone(),
                format!(
                    "is not an iCalendar file: {}",
                    e.lines().next().unwrap_or("")
                ),
            )
        })?;
        let zone = calendar
            .properties
            .iter()
            .find(|p| p.name.as_str().eq_ignore_ascii_case("X-WR-TIMEZONE"))
            .and_then(|p| chrono_tz::Tz::from_str(p.val.as_str().trim()).ok())
            .unwrap_or(zone);
        let events: Vec<&Component> = calendar
            .components
            .iter()
            .filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))
            .collect();
        // Moved or cancelled single occurrences of recurring events, by UID and date.
        let mut overridden: HashMap<(String, Date), bool> = HashMap::new();
        for e in &events {
            if let (Some(uid), Some(rid)) = (prop(e, "UID"), prop(e, "RECURRENCE-ID")) {
                if let Some(d) = local_date(rid, zone) {
                    overridden.insert((uid.val.as_str().trim().to_owned(), d), true);
                }
            }
        }
        let mut chunk = Export::empty(&m.version);
        let mut places: Vec<String> = Vec::new();
        for e in &events {
            let Some(uid) = prop(e, "UID").map(|p| p.val.as_str().trim().to_owned()) else {
                rejected.push(super::Rejected {
                    place: format!(
                        "{name}: event '{}'",
                        prop(e, "SUMMARY").map(unescape).unwrap_or_default()
                    ),
                    field: Some("UID".into()),
                    code: "INVALID_INPUT",
                    message: "has no UID, so it cannot be imported idempotently".into(),
                });
                continue;
            };
            let place = format!("{name}: event {uid}");
            let is_override = prop(e, "RECURRENCE-ID").is_some();
            if !is_override {
                summary.events += 1;
            }
            let cancelled = prop(e, "STATUS")
                .is_some_and(|s| s.val.as_str().trim().eq_ignore_ascii_case("CANCELLED"));
            let dates: Vec<Date> = if is_override {
                prop(e, "RECURRENCE-ID")
                    .and_then(|p| local_date(p, zone))
                    .into_iter()
                    .collect()
            } else if prop(e, "RRULE").is_some() {
                match occurrences(e, zone) {
                    Ok(d) => d
                        .into_iter()
                        .filter(|d| !overridden.contains_key(&(uid.clone(), *d)))
                        .collect(),
                    Err(why) => {
                        rejected.push(super::Rejected {
                            place,
                            field: Some("RRULE".into()),
                            code: "INVALID_INPUT",
                            message: format!("cannot be expanded: {why}"),
                        });
                        continue;
                    }
                }
            } else {
                match prop(e, "DTSTART").and_then(|p| local_date(p, zone)) {
                    Some(d) => vec![d],
                    None => {
                        rejected.push(super::Rejected {
                            place,
                            field: Some("DTSTART".into()),
                            code: "INVALID_INPUT",
                            message: "is missing or not a date".into(),
                        });
                        continue;
                    }
                }
            };
            if cancelled {
                summary.cancelled += dates.len().max(1);
                continue;
            }
            // A moved occurrence happens on its new start date.
            let dates: Vec<Date> = if is_override {
                prop(e, "DTSTART")
                    .and_then(|p| local_date(p, zone))
                    .map(|d| vec![d])
                    .unwrap_or(dates)
            } else {
                dates
            };
            let occurrence_keys: Vec<Date> = if is_override {
                prop(e, "RECURRENCE-ID")
                    .and_then(|p| local_date(p, zone))
                    .into_iter()
                    .collect()
            } else {
                dates.clone()
            };

            let mut employees = Vec::new();
            let mut people: Vec<(Uuid, Uuid)> = Vec::new();
            let mut unknown: Vec<(String, Option<String>)> = Vec::new();
            for p in e.properties.iter().filter(|p| {
                let n = p.name.as_str();
                n.eq_ignore_ascii_case("ATTENDEE") || n.eq_ignore_ascii_case("ORGANIZER")
            }) {
                if param(p, "PARTSTAT").is_some_and(|s| s.eq_ignore_ascii_case("DECLINED")) {
                    continue;
                }
                let value = p.val.as_str().trim();
                let email = value
                    .strip_prefix("mailto:")
                    .or_else(|| value.strip_prefix("MAILTO:"))
                    .unwrap_or(value)
                    .trim()
                    .to_lowercase();
                if let Some(id) = directory.employees.get(&email) {
                    employees.push(*id);
                } else if let Some(pa) = directory.people.get(&email) {
                    people.push(*pa);
                } else if domain_of(&email).is_some_and(|d| !directory.our_domains.contains(d)) {
                    unknown.push((email, param(p, "CN").map(str::to_owned)));
                }
            }
            employees.sort();
            employees.dedup();
            let mut happened = 0;
            for (i, date) in dates.iter().enumerate() {
                if *date > today {
                    summary.upcoming += 1;
                    continue;
                }
                happened += 1;
                let Some(account_id) = majority(people.iter().map(|(_, a)| *a)) else {
                    summary.without_customer += 1;
                    continue;
                };
                summary.meetings += 1;
                let key = occurrence_keys.get(i).copied().unwrap_or(*date);
                let interaction_id = Uuid::new_v5(&NAMESPACE, format!("{uid}/{key}").as_bytes());
                let summary_text = prop(e, "SUMMARY").map(unescape);
                let location = prop(e, "LOCATION").map(unescape).unwrap_or_default();
                let note = prop(e, "DESCRIPTION")
                    .map(unescape)
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| d.chars().take(MAX_NOTE_CHARS).collect());
                chunk.interactions.push(InteractionRow {
                    interaction_id,
                    account_id,
                    opportunity_id: None,
                    kind: kind_of(summary_text.as_deref().unwrap_or(""), &location).into(),
                    occurred_on: *date,
                    subject: summary_text
                        .map(|s| s.chars().take(crate::domain::MAX_SHORT_TEXT).collect()),
                    note,
                    created_at: now,
                });
                places.push(place.clone());
                for employee_id in &employees {
                    chunk.interaction_employees.push(InteractionEmployeeRow {
                        interaction_id,
                        employee_id: *employee_id,
                        account_id,
                    });
                }
                let mut seen = Vec::new();
                for (person_id, a) in &people {
                    if *a == account_id && !seen.contains(person_id) {
                        seen.push(*person_id);
                        chunk.interaction_people.push(InteractionPersonRow {
                            interaction_id,
                            person_id: *person_id,
                            account_id,
                        });
                    }
                }
            }
            if happened > 0 {
                for (email, cn) in unknown {
                    let account = domain_of(&email)
                        .and_then(|d| directory.domains.get(d))
                        .map(|a| {
                            (
                                *a,
                                directory.account_names.get(a).cloned().unwrap_or_default(),
                            )
                        });
                    let entry = strangers.entry(email.clone()).or_insert(PersonToAdd {
                        email,
                        name: None,
                        account,
                        meetings: 0,
                    });
                    entry.meetings += happened;
                    if entry.name.is_none() {
                        entry.name = cn;
                    }
                }
            }
        }
        let locate = |list: &'static str, i: usize, field: Option<&'static str>| {
            let place = if list == "interactions" {
                places.get(i).cloned()
            } else {
                None
            };
            (
                place.unwrap_or_else(|| name.clone()),
                field.map(str::to_owned),
            )
        };
        import_chunk(&mut session, m, chunk, &locate, &mut rejected).await?;
    }
    if !rejected.is_empty() && !options.partial {
        return Err(refusal(&rejected));
    }
    let tables = session.finish().await?;
    let mut people_to_add: Vec<PersonToAdd> = strangers.into_values().collect();
    people_to_add.sort_by(|a, b| b.meetings.cmp(&a.meetings).then(a.email.cmp(&b.email)));
    summary.people_to_add = people_to_add;
    Ok((
        ImportReport {
            tables,
            dry_run: options.dry_run,
            rejected,
            near_duplicates: Vec::new(),
            files: Vec::new(),
            defaulted: Vec::new(),
            merged: Vec::new(),
        },
        summary,
    ))
}

/// The most frequent account among a meeting's customer attendees (ties to the
/// smallest id, so the answer never depends on attendee order).
fn majority(accounts: impl Iterator<Item = Uuid>) -> Option<Uuid> {
    let mut votes: HashMap<Uuid, usize> = HashMap::new();
    for a in accounts {
        *votes.entry(a).or_default() += 1;
    }
    votes
        .into_iter()
        .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
        .map(|(a, _)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_kinds_from_words() {
        assert_eq!(kind_of("Lunch with CIO", ""), "meal");
        assert_eq!(kind_of("季度回顾", "腾讯会议"), "call");
        assert_eq!(kind_of("5G workshop", "HQ"), "workshop");
        assert_eq!(kind_of("Quarterly review", "HQ 12F"), "visit");
    }
}
