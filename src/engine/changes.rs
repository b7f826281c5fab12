//! What changed in an account's relationships between two days (since a day,
//! to today by default): the agenda of a relationship planning meeting ("since
//! we last met"), or a review of any past window.
//!
//! Assessments are compared tie by tie (the latest before the day against the
//! latest now), so a tie judged three times since counts once, by where it ended.
//! A tie has gone cold when it is cold today (assessed 3+, silent for a half-life)
//! and was not yet on the day. People are new when their position at the account
//! began on or after the day (a person recorded without a start day starts the
//! day they were recorded); departures are positions
//! at the account that ended in the window, and our employees who left with ties
//! here. The org chart's changes are read from positions (a new position at the
//! same account: promoted, moved down, or a new title or department) and
//! reporting lines (a new manager, a dotted line added or ended).

use std::collections::{BTreeMap, HashMap};

use time::Date;
use uuid::Uuid;

use super::Engine;
use crate::{
    domain::today,
    graph::{
        data::TieEnds,
        strength::{effective, tenths},
    },
    Result,
};

/// Which way a tie's assessment moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Up,
    Down,
    /// First assessed since the day.
    New,
}

/// One tie whose assessment changed.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentChange {
    pub relationship_id: Uuid,
    /// Who holds the tie (our employee, a competitor, or a customer person).
    pub holder: String,
    /// The customer person at the other end.
    pub person_id: Uuid,
    pub person: String,
    /// `ours`, `competitor` or `between_people`.
    pub kind: &'static str,
    pub before: Option<i32>,
    pub after: i32,
    pub movement: Movement,
    pub on: Date,
    pub note: Option<String>,
    /// For our ties: the strength the scores used the day before the new
    /// assessment (the earlier one faded by its age, warmed by the interactions
    /// until then) and the one they use from it, to one decimal. A faded 4
    /// re-assessed as 3 is judged down but counts for more: 2.0 → 3.0.
    pub scored_before: Option<f64>,
    pub scored_after: Option<f64>,
}

/// Someone who joined the account, or left it.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonMove {
    pub person_id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub level: String,
    pub department: String,
    pub on: Date,
}

/// A tie that went cold since the day.
#[derive(Debug, Clone, PartialEq)]
pub struct CooledTie {
    pub relationship_id: Uuid,
    pub employee_id: Uuid,
    pub employee: String,
    pub person_id: Uuid,
    pub person: String,
    pub assessed: i32,
    pub last_contact: Date,
    pub silent_days: i64,
}

/// One of our employees who left with ties at the account.
#[derive(Debug, Clone, PartialEq)]
pub struct EmployeeDeparture {
    pub employee_id: Uuid,
    pub name: String,
    pub on: Date,
    /// The people they held ties with here (names).
    pub ties: Vec<String>,
}

/// One change to the org chart.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgChange {
    pub person_id: Uuid,
    pub person: String,
    /// `promoted`, `moved_down`, `new_role` (title or department at the same
    /// level), `new_manager`, `dotted_line_added`, `dotted_line_ended`.
    pub kind: &'static str,
    /// What it was and what it became: the title (position changes) or the
    /// manager's name (lines).
    pub before: Option<String>,
    pub after: Option<String>,
    /// The levels before and after, for position changes (level ids).
    pub before_level: Option<String>,
    pub after_level: Option<String>,
    pub on: Date,
}

/// Everything that changed in a window.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipChanges {
    pub account_id: Uuid,
    pub since: Date,
    pub until: Date,
    pub assessments: Vec<AssessmentChange>,
    pub new_people: Vec<PersonMove>,
    pub cooled: Vec<CooledTie>,
    pub people_left: Vec<PersonMove>,
    pub employees_left: Vec<EmployeeDeparture>,
    /// Promotions, new roles, new managers and dotted lines, newest first.
    pub org: Vec<OrgChange>,
}

impl RelationshipChanges {
    pub fn moved(&self, m: Movement) -> impl Iterator<Item = &AssessmentChange> {
        self.assessments.iter().filter(move |a| a.movement == m)
    }
}

impl Engine {
    /// What changed in the account's relationships from `since` to `until`
    /// (both inclusive; today when `None`). A window that ends before it starts,
    /// or after today, is refused.
    pub async fn relationship_changes(
        &self,
        account: Uuid,
        since: Date,
        until: Option<Date>,
    ) -> Result<RelationshipChanges> {
        let today = today();
        let until = until.unwrap_or(today);
        if until < since {
            return Err(crate::Error::invalid(
                "until",
                format!("{until} is before since ({since})"),
            ));
        }
        if until > today {
            return Err(crate::Error::invalid(
                "until",
                format!("{until} is after today ({today}): changes are known up to today"),
            ));
        }
        let cached = self.graph(account).await?;
        let (data, graph) = (&cached.data, &cached.graph);
        let store = self.store();

        // Assessments, tie by tie.
        let ends: HashMap<Uuid, TieEnds> = data
            .ties
            .iter()
            .map(|t| (t.relationship_id, t.ends))
            .collect();
        let mut before: HashMap<Uuid, (i32, Date)> = HashMap::new();
        let mut after: BTreeMap<Uuid, (i32, Date, Option<String>)> = BTreeMap::new();
        for a in store.assessments_of_account(account).await? {
            let on = a.assessed_at.date();
            if on < since {
                before.insert(a.relationship_id, (a.strength, on));
            } else if on <= until {
                after.insert(a.relationship_id, (a.strength, on, a.note));
            }
        }
        let mut assessments = Vec::new();
        for (rel, (now, on, note)) in after {
            let earlier = before.get(&rel).copied();
            let was = earlier.map(|(s, _)| s);
            let movement = match was {
                None => Movement::New,
                Some(b) if now > b => Movement::Up,
                Some(b) if now < b => Movement::Down,
                Some(_) => continue,
            };
            let Some(end) = ends.get(&rel) else { continue };
            let (holder, person, kind) = match *end {
                TieEnds::EmployeePerson { employee, person } => {
                    (graph.employee_name(employee), person, "ours")
                }
                TieEnds::CompetitorPerson { competitor, person } => {
                    (graph.competitor_name(competitor), person, "competitor")
                }
                TieEnds::Influences { from, to } => (graph.person_name(from), to, "between_people"),
                TieEnds::Informal { a, b } => (graph.person_name(a), b, "between_people"),
                TieEnds::EmployeeEmployee { .. } => continue,
            };
            let (scored_before, scored_after) = match (*end, earlier) {
                (TieEnds::EmployeePerson { person, .. }, Some((b, b_on))) => {
                    // The interactions the tie had by then, from the graph's
                    // own list (active or departed holder alike).
                    let contacts: Vec<Date> = graph
                        .our_ties
                        .get(&person)
                        .into_iter()
                        .chain(graph.departed_ties.get(&person))
                        .flatten()
                        .find(|t| t.relationship_id == rel)
                        .map(|t| {
                            t.interactions
                                .iter()
                                .map(|(_, d)| *d)
                                .filter(|d| *d < on)
                                .collect()
                        })
                        .unwrap_or_default();
                    let day_before = on.previous_day().unwrap_or(on);
                    let faded =
                        effective(b, b_on, &contacts, day_before, &graph.scales.decay).value;
                    (Some(tenths(faded)), Some(f64::from(now)))
                }
                (TieEnds::EmployeePerson { .. }, None) => (None, Some(f64::from(now))),
                _ => (None, None),
            };
            assessments.push(AssessmentChange {
                relationship_id: rel,
                holder,
                person_id: person,
                person: graph.person_name(person),
                kind,
                before: was,
                after: now,
                movement,
                on,
                note,
                scored_before,
                scored_after,
            });
        }
        assessments.sort_by(|a, b| b.on.cmp(&a.on).then(a.person.cmp(&b.person)));

        // People who joined and left: by each person's positions at the account
        // taken together, so a promotion (a new position at the same account) is
        // neither a newcomer nor a departure.
        struct Stay<'p> {
            first: &'p crate::domain::Position,
            last: &'p crate::domain::Position,
            open: bool,
        }
        let positions: Vec<crate::domain::Position> = store
            .positions_of_account(account)
            .await?
            .into_iter()
            .filter(|p| p.valid_from <= until)
            .collect();
        let mut stays: BTreeMap<Uuid, Stay> = BTreeMap::new();
        for pos in &positions {
            let stay = stays.entry(pos.person_id).or_insert(Stay {
                first: pos,
                last: pos,
                open: false,
            });
            if pos.valid_from < stay.first.valid_from {
                stay.first = pos;
            }
            if pos.valid_to > stay.last.valid_to {
                stay.last = pos;
            }
            // Still there on the window's last day.
            stay.open |= pos.valid_to.is_none_or(|t| t > until);
        }
        let mut new_people: BTreeMap<Uuid, PersonMove> = BTreeMap::new();
        let mut people_left = Vec::new();
        for (person, stay) in &stays {
            if stay.first.valid_from >= since && stay.first.valid_from <= until {
                if let Some(p) = graph.person(*person) {
                    new_people.insert(
                        p.id,
                        PersonMove {
                            person_id: p.id,
                            name: p.name.clone(),
                            title: p.title.clone(),
                            level: p.level.clone(),
                            department: p.department.clone(),
                            on: stay.first.valid_from,
                        },
                    );
                }
            }
            let left = stay.last.valid_to.filter(|d| *d >= since && *d <= until);
            if let (Some(on), false) = (left, stay.open) {
                let name = store
                    .former_person_name(*person, account)
                    .await?
                    .unwrap_or_else(|| person.to_string());
                people_left.push(PersonMove {
                    person_id: *person,
                    name,
                    title: stay.last.title.clone(),
                    level: stay.last.level.clone(),
                    department: stay.last.department.clone(),
                    on,
                });
            }
        }
        let mut new_people: Vec<PersonMove> = new_people.into_values().collect();
        new_people.sort_by(|a, b| b.on.cmp(&a.on).then(a.name.cmp(&b.name)));
        people_left.sort_by(|a, b| b.on.cmp(&a.on).then(a.name.cmp(&b.name)));

        // Ties that crossed into silence within the window.
        let mut cooled = Vec::new();
        for (person, ties) in &graph.our_ties {
            for t in ties {
                // As the evidence stood on each end of the window, so a past
                // window is not judged by meetings that came after it.
                let last = t
                    .interactions
                    .iter()
                    .map(|(_, d)| *d)
                    .filter(|d| *d <= until)
                    .fold(t.assessed_on.min(until), Date::max);
                if graph.was_cold_on(t, until) && !graph.was_cold_on(t, since) {
                    cooled.push(CooledTie {
                        relationship_id: t.relationship_id,
                        employee_id: t.employee,
                        employee: graph.employee_name(t.employee),
                        person_id: *person,
                        person: graph.person_name(*person),
                        assessed: t.assessed,
                        last_contact: last,
                        silent_days: (until - last).whole_days(),
                    });
                }
            }
        }
        cooled.sort_by(|a, b| {
            b.silent_days
                .cmp(&a.silent_days)
                .then(a.person.cmp(&b.person))
        });

        // Our employees who left with ties here.
        let mut held: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
        for (person, ties) in &graph.departed_ties {
            for t in ties {
                held.entry(t.employee)
                    .or_default()
                    .push(graph.person_name(*person));
            }
        }
        let mut employees_left = Vec::new();
        for (employee, mut ties) in held {
            let Some(e) = store.employee(employee).await? else {
                continue;
            };
            if let Some(on) = e.departed_on.filter(|d| *d >= since && *d <= until) {
                ties.sort();
                employees_left.push(EmployeeDeparture {
                    employee_id: employee,
                    name: e.name,
                    on,
                    ties,
                });
            }
        }

        let org = org_changes(
            graph,
            &positions,
            &store.reporting_line_history_of_account(account).await?,
            since,
            until,
        );
        Ok(RelationshipChanges {
            account_id: account,
            since,
            until,
            assessments,
            new_people,
            cooled,
            people_left,
            employees_left,
            org,
        })
    }
}

/// The org chart's changes in the window: each new position at the account
/// after an earlier one there (promoted, moved down, a new role), each solid
/// line that replaced another (a new manager), and dotted lines added or ended.
fn org_changes(
    graph: &crate::graph::AccountGraph,
    positions: &[crate::domain::Position],
    lines: &[crate::domain::ReportingLine],
    since: Date,
    until: Date,
) -> Vec<OrgChange> {
    let within = |d: Date| d >= since && d <= until;
    let mut out = Vec::new();
    let mut by_person: BTreeMap<Uuid, Vec<&crate::domain::Position>> = BTreeMap::new();
    for p in positions {
        by_person.entry(p.person_id).or_default().push(p);
    }
    for (person, mut held) in by_person {
        held.sort_by_key(|p| (p.valid_from, p.position_id));
        for pair in held.windows(2) {
            let (was, now) = (pair[0], pair[1]);
            if !within(now.valid_from) {
                continue;
            }
            let (rank_was, rank_now) = (graph.level_rank(&was.level), graph.level_rank(&now.level));
            let kind = if rank_now < rank_was {
                "promoted"
            } else if rank_now > rank_was {
                "moved_down"
            } else if was.title != now.title || was.department != now.department {
                "new_role"
            } else {
                continue;
            };
            out.push(OrgChange {
                person_id: person,
                person: graph.person_name(person),
                kind,
                before: was.title.clone(),
                after: now.title.clone(),
                before_level: Some(was.level.clone()),
                after_level: Some(now.level.clone()),
                on: now.valid_from,
            });
        }
    }
    let mut solid: BTreeMap<Uuid, Vec<&crate::domain::ReportingLine>> = BTreeMap::new();
    for l in lines {
        if l.kind == "dotted" {
            if within(l.valid_from) {
                out.push(OrgChange {
                    person_id: l.person_id,
                    person: graph.person_name(l.person_id),
                    kind: "dotted_line_added",
                    before: None,
                    after: Some(graph.person_name(l.manager_id)),
                    before_level: None,
                    after_level: None,
                    on: l.valid_from,
                });
            }
            if let Some(end) = l.valid_to.filter(|d| within(*d)) {
                out.push(OrgChange {
                    person_id: l.person_id,
                    person: graph.person_name(l.person_id),
                    kind: "dotted_line_ended",
                    before: Some(graph.person_name(l.manager_id)),
                    after: None,
                    before_level: None,
                    after_level: None,
                    on: end,
                });
            }
        } else {
            solid.entry(l.person_id).or_default().push(l);
        }
    }
    for (person, mut held) in solid {
        held.sort_by_key(|l| (l.valid_from, l.reporting_line_id));
        for pair in held.windows(2) {
            let (was, now) = (pair[0], pair[1]);
            if within(now.valid_from) && was.manager_id != now.manager_id {
                out.push(OrgChange {
                    person_id: person,
                    person: graph.person_name(person),
                    kind: "new_manager",
                    before: Some(graph.person_name(was.manager_id)),
                    after: Some(graph.person_name(now.manager_id)),
                    before_level: None,
                    after_level: None,
                    on: now.valid_from,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        b.on.cmp(&a.on)
            .then(a.person.cmp(&b.person))
            .then(a.kind.cmp(b.kind))
    });
    out
}
