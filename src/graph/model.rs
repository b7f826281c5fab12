//! [`AccountGraph`]: one account's snapshot turned into what the scores read.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use time::Date;
use uuid::Uuid;

use super::{
    data::{AnswerState, StepState},
    data::{
        CompetitorNode, EmployeeNode, GraphData, GraphVersion, MemberNode, OpportunityNode,
        OutsiderNode, PersonNode, TieEnds,
    },
    influence,
    strength::{effective, Effective},
};
use crate::methodology::{Methodology, Scales, Scoring};

/// Ties judged weaker than this are not watched for cooling: there is little
/// warmth to lose.
pub const COLD_FROM_ASSESSED: i32 = 3;

/// One of our ties to a customer person.
#[derive(Debug, Clone, PartialEq)]
pub struct OurTie {
    pub employee: Uuid,
    pub relationship_id: Uuid,
    /// The latest assessment, 0..5.
    pub assessed: i32,
    pub assessed_on: Date,
    pub effective: Effective,
    /// The shared interactions behind the warmth, newest first.
    pub interactions: Vec<(Uuid, Date)>,
}

/// A competitor's tie to a customer person.
#[derive(Debug, Clone, PartialEq)]
pub struct TheirTie {
    pub competitor: Uuid,
    pub relationship_id: Uuid,
    pub strength: i32,
}

/// A node of the introduction graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKey {
    Employee(Uuid),
    Person(Uuid),
}

/// What an introduction hop goes through.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Via {
    /// Our employee's tie to a customer person.
    Tie(Uuid),
    /// A tie between two colleagues.
    Colleague(Uuid),
    /// One customer person influences the other.
    Influence(Uuid),
    /// An informal tie between two customer people.
    Informal(Uuid),
    /// A reporting line, either direction.
    ReportsTo { dotted: bool },
}

/// An edge of the introduction graph: strength 0..5 and what carries it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hop {
    pub strength: f64,
    pub via: Via,
}

/// One of our employees and a customer person who met, but whose tie nobody
/// assessed: evidence of a relationship, kept apart from judged ties and never
/// counted by a score.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedTie {
    pub employee: Uuid,
    pub person: Uuid,
    /// Meetings both attended in the last 180 days.
    pub meetings: usize,
    pub last_met: Date,
    /// The interactions behind it, newest first.
    pub interactions: Vec<Uuid>,
}

/// The vocabularies an explanation names terms of.
#[derive(Debug, Clone, Copy)]
pub enum Term {
    BuyingRole,
    EmployeeRole,
    Level,
    Department,
}

/// The graph built from one account's snapshot. Immutable once built; cached by
/// version.
#[derive(Debug, Clone)]
pub struct AccountGraph {
    pub account_id: Uuid,
    pub account_name: String,
    pub version: GraphVersion,
    pub as_of: Date,
    pub people: Vec<PersonNode>,
    pub person_index: HashMap<Uuid, usize>,
    pub employees: HashMap<Uuid, EmployeeNode>,
    pub competitors: HashMap<Uuid, CompetitorNode>,
    /// Active employees' ties per person, strongest first.
    pub our_ties: HashMap<Uuid, Vec<OurTie>>,
    /// Derived ties per customer person, most meetings first: met, never
    /// assessed, counted by no score.
    pub derived_ties: HashMap<Uuid, Vec<DerivedTie>>,
    /// Departed employees' ties per person: history, carrying nothing.
    pub departed_ties: HashMap<Uuid, Vec<OurTie>>,
    pub their_ties: HashMap<Uuid, Vec<TheirTie>>,
    /// Normalised PageRank over the reports-to and influences structure, in [0, 1].
    pub structure: HashMap<Uuid, f64>,
    pub opportunities: Vec<OpportunityNode>,
    pub tier: String,
    /// Manual win-step states, recorded answers and plan ticks (latest of each).
    pub win_steps: Vec<StepState>,
    pub answers: Vec<AnswerState>,
    pub plan_ticks: Vec<(String, bool)>,
    /// Support requests: (opportunity, kind, status).
    pub support: Vec<(Uuid, String, String)>,
    /// People at other accounts the account reaches (doors), by id.
    pub outsiders: HashMap<Uuid, OutsiderNode>,
    /// Our active employees' effective ties to those people, strongest first.
    pub door_ties: HashMap<Uuid, Vec<(Uuid, f64)>>,
    /// Active employees and people, for introduction paths.
    pub intro: DiGraph<NodeKey, Hop>,
    pub intro_index: HashMap<NodeKey, NodeIndex>,
    pub scoring: Scoring,
    pub scales: Scales,
    /// Levels from the top, as in the methodology.
    pub levels: Vec<String>,
    /// The methodology's terms, for explanations that name a role, level or
    /// department in the reader's language.
    pub vocabularies: std::sync::Arc<crate::methodology::Vocabularies>,
    /// The account score, computed on first use: every opportunity of the account
    /// shares it.
    pub account_score: std::sync::OnceLock<super::Score>,
    /// Per employee role, our active employee not leaving with the strongest tie
    /// at the account (equals by name), computed on first use.
    pub role_holders: std::sync::OnceLock<HashMap<String, Uuid>>,
}

impl AccountGraph {
    /// Builds the graph as of a day (decay is measured to it).
    ///
    /// Complexity: O(V + E + C log C) for C shared interactions, plus the
    /// structural PageRank, O(iterations × structure edges).
    pub fn build(data: &GraphData, methodology: &Methodology, as_of: Date) -> Self {
        let person_index: HashMap<Uuid, usize> = data
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let employees: HashMap<Uuid, EmployeeNode> =
            data.employees.iter().map(|e| (e.id, e.clone())).collect();
        let active = |e: &Uuid| employees.get(e).is_some_and(|e| e.active);

        let mut contacts: HashMap<(Uuid, Uuid), Vec<(Uuid, Date)>> = HashMap::new();
        for c in &data.contacts {
            contacts
                .entry((c.employee, c.person))
                .or_default()
                .push((c.interaction_id, c.on));
        }
        for list in contacts.values_mut() {
            list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }

        let mut our_ties: HashMap<Uuid, Vec<OurTie>> = HashMap::new();
        let mut door_ties: HashMap<Uuid, Vec<(Uuid, f64)>> = HashMap::new();
        let mut departed_ties: HashMap<Uuid, Vec<OurTie>> = HashMap::new();
        let mut their_ties: HashMap<Uuid, Vec<TheirTie>> = HashMap::new();
        let mut intro: DiGraph<NodeKey, Hop> = DiGraph::new();
        let mut intro_index: HashMap<NodeKey, NodeIndex> = HashMap::new();
        for p in &data.people {
            let key = NodeKey::Person(p.id);
            intro_index.insert(key, intro.add_node(key));
        }
        // People at other accounts are doors: nodes of the introduction graph
        // (our ties to them and theirs to people here lead in), never people of
        // the account, so no score counts them.
        let outsiders: HashMap<Uuid, OutsiderNode> =
            data.outsiders.iter().map(|o| (o.id, o.clone())).collect();
        for o in &data.outsiders {
            let key = NodeKey::Person(o.id);
            intro_index
                .entry(key)
                .or_insert_with(|| intro.add_node(key));
        }
        for e in data.employees.iter().filter(|e| e.active) {
            let key = NodeKey::Employee(e.id);
            intro_index.insert(key, intro.add_node(key));
        }
        let mut link = |from: NodeKey, to: NodeKey, hop: Hop| {
            if hop.strength > 0.0 {
                if let (Some(&a), Some(&b)) = (intro_index.get(&from), intro_index.get(&to)) {
                    intro.add_edge(a, b, hop);
                }
            }
        };

        for t in &data.ties {
            match t.ends {
                TieEnds::EmployeePerson { employee, person } => {
                    if !person_index.contains_key(&person) {
                        // A door: the tie leads into the introduction graph only.
                        if outsiders.contains_key(&person) && active(&employee) {
                            let dates: Vec<Date> = contacts
                                .get(&(employee, person))
                                .map(|l| l.iter().map(|(_, d)| *d).collect())
                                .unwrap_or_default();
                            let value = effective(
                                t.strength,
                                t.assessed_on,
                                &dates,
                                as_of,
                                &methodology.scales.decay,
                            )
                            .value;
                            link(
                                NodeKey::Employee(employee),
                                NodeKey::Person(person),
                                Hop {
                                    strength: value,
                                    via: Via::Tie(t.relationship_id),
                                },
                            );
                            door_ties.entry(person).or_default().push((employee, value));
                        }
                        continue;
                    }
                    let dates: Vec<Date> = contacts
                        .get(&(employee, person))
                        .map(|l| l.iter().map(|(_, d)| *d).collect())
                        .unwrap_or_default();
                    let tie = OurTie {
                        employee,
                        relationship_id: t.relationship_id,
                        assessed: t.strength,
                        assessed_on: t.assessed_on,
                        effective: effective(
                            t.strength,
                            t.assessed_on,
                            &dates,
                            as_of,
                            &methodology.scales.decay,
                        ),
                        interactions: contacts
                            .get(&(employee, person))
                            .cloned()
                            .unwrap_or_default(),
                    };
                    if active(&employee) {
                        link(
                            NodeKey::Employee(employee),
                            NodeKey::Person(person),
                            Hop {
                                strength: tie.effective.value,
                                via: Via::Tie(t.relationship_id),
                            },
                        );
                        our_ties.entry(person).or_default().push(tie);
                    } else {
                        departed_ties.entry(person).or_default().push(tie);
                    }
                }
                TieEnds::CompetitorPerson { competitor, person } => {
                    if person_index.contains_key(&person) {
                        their_ties.entry(person).or_default().push(TheirTie {
                            competitor,
                            relationship_id: t.relationship_id,
                            strength: t.strength,
                        });
                    }
                }
                TieEnds::Influences { from, to } => link(
                    NodeKey::Person(from),
                    NodeKey::Person(to),
                    Hop {
                        strength: f64::from(t.strength),
                        via: Via::Influence(t.relationship_id),
                    },
                ),
                TieEnds::Informal { a, b } => {
                    let hop = Hop {
                        strength: f64::from(t.strength),
                        via: Via::Informal(t.relationship_id),
                    };
                    link(NodeKey::Person(a), NodeKey::Person(b), hop);
                    link(NodeKey::Person(b), NodeKey::Person(a), hop);
                }
                TieEnds::EmployeeEmployee { a, b } => {
                    let hop = Hop {
                        strength: f64::from(t.strength),
                        via: Via::Colleague(t.relationship_id),
                    };
                    link(NodeKey::Employee(a), NodeKey::Employee(b), hop);
                    link(NodeKey::Employee(b), NodeKey::Employee(a), hop);
                }
            }
        }
        let intro_scale = &methodology.scales.introduction;
        for l in &data.lines {
            let strength = f64::from(if l.dotted {
                intro_scale.reports_to_dotted_strength
            } else {
                intro_scale.reports_to_solid_strength
            });
            let hop = Hop {
                strength,
                via: Via::ReportsTo { dotted: l.dotted },
            };
            link(NodeKey::Person(l.manager), NodeKey::Person(l.person), hop);
            link(NodeKey::Person(l.person), NodeKey::Person(l.manager), hop);
        }
        for ties in our_ties.values_mut().chain(departed_ties.values_mut()) {
            ties.sort_by(|a, b| {
                b.effective
                    .value
                    .total_cmp(&a.effective.value)
                    .then(a.employee.cmp(&b.employee))
            });
        }
        for ties in door_ties.values_mut() {
            ties.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        for ties in their_ties.values_mut() {
            ties.sort_by(|a, b| {
                b.strength
                    .cmp(&a.strength)
                    .then(a.competitor.cmp(&b.competitor))
            });
        }

        let structure =
            influence::structural_rank(data, methodology.scoring.derived_influence.damping);

        // Pairs that met but have no assessed tie of ours (active or not).
        let assessed: std::collections::HashSet<(Uuid, Uuid)> = data
            .ties
            .iter()
            .filter_map(|t| match t.ends {
                TieEnds::EmployeePerson { employee, person } => Some((employee, person)),
                _ => None,
            })
            .collect();
        let mut derived_ties: HashMap<Uuid, Vec<DerivedTie>> = HashMap::new();
        for ((employee, person), list) in &contacts {
            if assessed.contains(&(*employee, *person)) || !active(employee) {
                continue;
            }
            let recent: Vec<&(Uuid, Date)> = list
                .iter()
                .filter(|(_, d)| *d <= as_of && (as_of - *d).whole_days() <= 180)
                .collect();
            if recent.len() < methodology.scoring.derived_tie_meetings {
                continue;
            }
            derived_ties.entry(*person).or_default().push(DerivedTie {
                employee: *employee,
                person: *person,
                meetings: recent.len(),
                last_met: recent[0].1,
                interactions: recent.iter().map(|(i, _)| *i).collect(),
            });
        }
        for list in derived_ties.values_mut() {
            list.sort_by(|a, b| {
                b.meetings
                    .cmp(&a.meetings)
                    .then(b.last_met.cmp(&a.last_met))
                    .then(a.employee.cmp(&b.employee))
            });
        }

        AccountGraph {
            account_id: data.account_id,
            account_name: data.account_name.clone(),
            version: data.version,
            as_of,
            people: data.people.clone(),
            person_index,
            employees,
            competitors: data.competitors.iter().map(|c| (c.id, c.clone())).collect(),
            our_ties,
            derived_ties,
            departed_ties,
            their_ties,
            structure,
            opportunities: data.opportunities.clone(),
            tier: data.tier.clone(),
            win_steps: data.win_steps.clone(),
            answers: data.answers.clone(),
            plan_ticks: data.plan_ticks.clone(),
            support: data.support.clone(),
            outsiders,
            door_ties,
            intro,
            intro_index,
            scoring: methodology.scoring.clone(),
            scales: methodology.scales.clone(),
            levels: methodology
                .vocabularies
                .levels
                .ids()
                .map(str::to_owned)
                .collect(),
            vocabularies: methodology.vocabularies.clone(),
            account_score: std::sync::OnceLock::new(),
            role_holders: std::sync::OnceLock::new(),
        }
    }

    /// Our employee in `role` (an employee role id), active and not leaving, with
    /// the strongest judged tie anywhere at the account; equals by name.
    pub fn strongest_in_role(&self, role: &str) -> Option<Uuid> {
        self.role_holders
            .get_or_init(|| {
                let mut best: HashMap<String, (f64, String, Uuid)> = HashMap::new();
                for t in self
                    .people
                    .iter()
                    .flat_map(|p| self.our_ties.get(&p.id).into_iter().flatten())
                {
                    let Some(e) = self.employees.get(&t.employee) else {
                        continue;
                    };
                    if !e.stays() {
                        continue;
                    }
                    let s = self.judged(t);
                    let better = best
                        .get(&e.role)
                        .is_none_or(|(b, name, _)| s > *b || (s == *b && e.name < *name));
                    if better {
                        best.insert(e.role.clone(), (s, e.name.clone(), e.id));
                    }
                }
                best.into_iter().map(|(r, (_, _, e))| (r, e)).collect()
            })
            .get(role)
            .copied()
    }

    pub fn person(&self, id: Uuid) -> Option<&PersonNode> {
        self.person_index.get(&id).map(|&i| &self.people[i])
    }

    pub fn person_name(&self, id: Uuid) -> String {
        self.person(id)
            .map(|p| p.name.clone())
            .or_else(|| self.outsiders.get(&id).map(|o| o.name.clone()))
            .unwrap_or_else(|| id.to_string())
    }

    pub fn employee_name(&self, id: Uuid) -> String {
        self.employees
            .get(&id)
            .map_or_else(|| id.to_string(), |e| e.name.clone())
    }

    /// A term of one of the methodology's vocabularies with its label in both
    /// languages (the id itself where the methodology does not know it).
    pub fn term(&self, of: Term, id: &str) -> crate::domain::Arg {
        let v = &self.vocabularies;
        let list = match of {
            Term::BuyingRole => &v.buying_roles,
            Term::EmployeeRole => &v.employee_roles,
            Term::Level => &v.levels,
            Term::Department => &v.departments,
        };
        crate::domain::Arg::Term {
            en: list.label_of(id, false),
            zh: list.label_of(id, true),
        }
    }

    pub fn competitor_name(&self, id: Uuid) -> String {
        self.competitors
            .get(&id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    }

    /// Our best effective strength to a person, normalised to [0, 1].
    pub fn ours(&self, person: Uuid) -> f64 {
        self.our_ties
            .get(&person)
            .and_then(|t| t.first())
            .map_or(0.0, |t| t.effective.value / 5.0)
    }

    /// Our best effective strength to a person through employees accepted by `keep`.
    pub fn ours_by(&self, person: Uuid, keep: impl Fn(Uuid) -> bool) -> f64 {
        self.our_ties
            .get(&person)
            .and_then(|ties| ties.iter().find(|t| keep(t.employee)))
            .map_or(0.0, |t| t.effective.value / 5.0)
    }

    /// The strength a tie is judged at against a threshold: the level the team
    /// assessed while the tie is fresh (a 3 that has decayed to 2.98 still counts
    /// as 3), its decayed value once it has gone cold ([`Self::gone_cold`]), and
    /// its effective value where interactions warmed it above the assessment. One
    /// rule for prompts, win steps, exit criteria and the four questions; scores
    /// keep the effective value.
    pub fn judged(&self, tie: &OurTie) -> f64 {
        if self.gone_cold(tie, self.as_of) {
            tie.effective.value
        } else {
            tie.effective.value.max(f64::from(tie.assessed))
        }
    }

    /// Our best judged strength (0..5) to a person ([`Self::judged`]).
    pub fn judged_ours(&self, person: Uuid) -> f64 {
        self.our_ties.get(&person).map_or(0.0, |ties| {
            ties.iter().map(|t| self.judged(t)).fold(0.0, f64::max)
        })
    }

    /// Active employees whose tie is a real tie, judged by [`Self::judged`].
    pub fn real_ties(&self, person: Uuid) -> Vec<&OurTie> {
        self.our_ties
            .get(&person)
            .map(|ties| {
                ties.iter()
                    .filter(|t| self.judged(t) >= self.scoring.real_tie_strength)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn opportunity(&self, id: Uuid) -> Option<&OpportunityNode> {
        self.opportunities.iter().find(|o| o.id == id)
    }

    /// Each person's weightiest place (highest influence; the first listed on a
    /// tie) across `deals`: the role a map or an inventory shows for someone who
    /// sits in several decision chains.
    pub fn weightiest_members<'a>(
        deals: impl IntoIterator<Item = &'a OpportunityNode>,
    ) -> HashMap<Uuid, &'a MemberNode> {
        let mut out: HashMap<Uuid, &MemberNode> = HashMap::new();
        for o in deals {
            for m in &o.members {
                let weight = m.influence.unwrap_or(0);
                if out
                    .get(&m.person)
                    .is_none_or(|kept| kept.influence.unwrap_or(0) < weight)
                {
                    out.insert(m.person, m);
                }
            }
        }
        out
    }

    /// Whether one of our ties has gone cold by `day`: assessed
    /// [`COLD_FROM_ASSESSED`] or more, and no evidence (assessment or interaction)
    /// for a half-life of the decay scale. One rule for the prompts, the map and
    /// "changes since".
    pub fn gone_cold(&self, tie: &OurTie, day: Date) -> bool {
        let last = tie.effective.last_contact;
        tie.assessed >= COLD_FROM_ASSESSED
            && last <= day
            && (day - last).whole_days() as f64 >= self.scales.decay.half_life_days
    }

    /// Whether the tie was cold on an earlier `day`, judged by the evidence
    /// there was then: its assessment (if made by then) and the meetings up to
    /// that day. A tie assessed only after the day was not a tie then.
    pub fn was_cold_on(&self, tie: &OurTie, day: Date) -> bool {
        if tie.assessed_on > day {
            return false;
        }
        let last = tie
            .interactions
            .iter()
            .map(|(_, d)| *d)
            .filter(|d| *d <= day)
            .fold(tie.assessed_on, Date::max);
        tie.assessed >= COLD_FROM_ASSESSED
            && (day - last).whole_days() as f64 >= self.scales.decay.half_life_days
    }

    /// Rank of a level from the top (0 = executive); unknown levels rank last.
    pub fn level_rank(&self, level: &str) -> usize {
        self.levels
            .iter()
            .position(|l| l == level)
            .unwrap_or(self.levels.len())
    }
}
