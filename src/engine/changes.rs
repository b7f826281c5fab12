//! What changed in an account's relationships since a day: the agenda of a
//! relationship planning meeting ("since we last met").
//!
//! Assessments are compared tie by tie (the latest before the day against the
//! latest now), so a tie judged three times since counts once, by where it ended.
//! A tie has gone cold when it is cold today (assessed 3+, silent for a half-life)
//! and was not yet on the day. People are new when their position at the account
//! began on or after the day (a person recorded without a start day starts the
//! day they were recorded); departures are positions
//! at the account that ended since, and our employees who left with ties here.

use std::collections::{BTreeMap, HashMap};

use time::Date;
use uuid::Uuid;

use super::Engine;
use crate::{domain::today, graph::data::TieEnds, Result};

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

/// Everything that changed since a day.
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
}

impl RelationshipChanges {
    pub fn moved(&self, m: Movement) -> impl Iterator<Item = &AssessmentChange> {
        self.assessments.iter().filter(move |a| a.movement == m)
    }
}

impl Engine {
    /// What changed in the account's relationships from `since` (inclusive) to today.
    pub async fn relationship_changes(
        &self,
        account: Uuid,
        since: Date,
    ) -> Result<RelationshipChanges> {
        let cached = self.graph(account).await?;
        let (data, graph) = (&cached.data, &cached.graph);
        let until = today();
        let store = self.store();

        // Assessments, tie by tie.
        let ends: HashMap<Uuid, TieEnds> = data
            .ties
            .iter()
            .map(|t| (t.relationship_id, t.ends))
            .collect();
        let mut before: HashMap<Uuid, i32> = HashMap::new();
        let mut after: BTreeMap<Uuid, (i32, Date, Option<String>)> = BTreeMap::new();
        for a in store.assessments_of_account(account).await? {
            let on = a.assessed_at.date();
            if on < since {
                before.insert(a.relationship_id, a.strength);
            } else {
                after.insert(a.relationship_id, (a.strength, on, a.note));
            }
        }
        let mut assessments = Vec::new();
        for (rel, (now, on, note)) in after {
            let was = before.get(&rel).copied();
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
        let positions = store.positions_of_account(account).await?;
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
            stay.open |= pos.valid_to.is_none();
        }
        let mut new_people: BTreeMap<Uuid, PersonMove> = BTreeMap::new();
        let mut people_left = Vec::new();
        for (person, stay) in &stays {
            if stay.first.valid_from >= since {
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
                let last = t.effective.last_contact;
                if graph.gone_cold(t, graph.as_of) && !graph.gone_cold(t, since) {
                    cooled.push(CooledTie {
                        relationship_id: t.relationship_id,
                        employee_id: t.employee,
                        employee: graph.employee_name(t.employee),
                        person_id: *person,
                        person: graph.person_name(*person),
                        assessed: t.assessed,
                        last_contact: last,
                        silent_days: (graph.as_of - last).whole_days(),
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
            if let Some(on) = e.departed_on.filter(|d| *d >= since) {
                ties.sort();
                employees_left.push(EmployeeDeparture {
                    employee_id: employee,
                    name: e.name,
                    on,
                    ties,
                });
            }
        }

        Ok(RelationshipChanges {
            account_id: account,
            since,
            until,
            assessments,
            new_people,
            cooled,
            people_left,
            employees_left,
        })
    }
}
