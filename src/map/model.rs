//! What a relationship map shows, read from a scored account graph.

use std::collections::{BTreeMap, HashMap, HashSet};

use time::Date;
use uuid::Uuid;

use crate::domain::Lang;
use crate::graph::{
    data::{GraphData, MemberNode},
    model::AccountGraph,
    risk,
};
use crate::methodology::Methodology;

/// Most people an account map draws. A wall of 300 boxes helps no meeting, and the
/// layered layout's cost grows with the cube of the people (57 ms at 120, 0.85 s at
/// 300): beyond this the map keeps the people of open deals' decision chains,
/// then the most important others (level and place in the structure).
pub const ACCOUNT_MAP_PEOPLE: usize = 120;

/// The people an account map draws: everyone up to [`ACCOUNT_MAP_PEOPLE`], else
/// deal chains first, then by importance (name to break ties).
fn busiest(graph: &AccountGraph, roles: &HashMap<Uuid, &MemberNode>) -> HashSet<Uuid> {
    if graph.people.len() <= ACCOUNT_MAP_PEOPLE {
        return graph.people.iter().map(|p| p.id).collect();
    }
    let mut ranked: Vec<(bool, f64, &str, Uuid)> = graph
        .people
        .iter()
        .map(|p| {
            (
                roles.contains_key(&p.id),
                crate::graph::influence::account_importance(graph, p.id),
                p.name.as_str(),
                p.id,
            )
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(b.2))
            .then(a.3.cmp(&b.3))
    });
    ranked
        .into_iter()
        .take(ACCOUNT_MAP_PEOPLE)
        .map(|r| r.3)
        .collect()
}

/// A customer person on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPerson {
    pub id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub department: String,
    pub level: String,
    /// 0 for the top level of the methodology; unknown levels rank last.
    pub level_rank: usize,
    /// The person's buying role (label) in the opportunity, or their most
    /// influential role across the account's open deals.
    pub role: Option<String>,
    /// Influence 1..5 where a decision chain states or derives it.
    pub influence: Option<i32>,
    /// Attitude -2..2 where a decision chain records it.
    pub attitude: Option<i32>,
    /// A key person held by at most one real tie.
    pub single_threaded: bool,
    /// Their best tie (assessed 3+) has been silent for a half-life.
    pub cooling: bool,
    /// In the opportunity's decision chain (always true on an account map);
    /// managers drawn only to show structure are false.
    pub in_focus: bool,
}

/// Who holds a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TieSide {
    Ours(Uuid),
    Theirs(Uuid),
}

/// One of our employees' or a competitor's ties to a person on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapTie {
    pub side: TieSide,
    pub person: Uuid,
    /// 0..5: effective strength for ours (cooled by silence), assessed for theirs.
    pub strength: f64,
    pub assessed: i32,
    /// Assessed 3+ and silent for a half-life.
    pub cooling: bool,
    pub last_contact: Option<Date>,
}

/// An employee or competitor drawn on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapParty {
    pub side: TieSide,
    pub name: String,
    /// The employee's role; the competitor's is empty.
    pub role: String,
}

/// Everything one map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipMap {
    pub account_name: String,
    /// The opportunity the map is for, if any.
    pub opportunity: Option<(Uuid, String)>,
    pub as_of: Date,
    /// Levels from the top, as the methodology orders them (labels).
    pub levels: Vec<String>,
    pub people: Vec<MapPerson>,
    /// People of the account left off an account map that would be too large to
    /// read (see [`ACCOUNT_MAP_PEOPLE`]).
    pub omitted: usize,
    /// Reporting lines between people on the map: (person, manager, dotted).
    pub lines: Vec<(Uuid, Uuid, bool)>,
    pub parties: Vec<MapParty>,
    pub ties: Vec<MapTie>,
}

impl RelationshipMap {
    /// The map of one account, or of one of its opportunities (its decision chain
    /// and the managers above them). `None` when the opportunity is not in this
    /// account's graph.
    pub fn build(
        data: &GraphData,
        graph: &AccountGraph,
        methodology: &Methodology,
        opportunity: Option<Uuid>,
        lang: Lang,
    ) -> Option<Self> {
        let vocab = &methodology.vocabularies;
        let label = |v: &crate::methodology::Vocabulary, id: &str| v.label_of(id, lang == Lang::Zh);
        let deal = match opportunity {
            Some(id) => Some(graph.opportunity(id)?),
            None => None,
        };
        let managers: HashMap<Uuid, (Uuid, bool)> = {
            let mut m = HashMap::new();
            // Solid lines win over dotted ones for placing a person.
            for l in data.lines.iter().filter(|l| l.dotted) {
                m.insert(l.person, (l.manager, true));
            }
            for l in data.lines.iter().filter(|l| !l.dotted) {
                m.insert(l.person, (l.manager, false));
            }
            m
        };

        // Who is on the map, and their role in the deal (or their weightiest role).
        let roles = match deal {
            Some(o) => AccountGraph::weightiest_members([o]),
            None => AccountGraph::weightiest_members(graph.opportunities.iter().filter(|o| o.open)),
        };
        let focus: HashSet<Uuid> = match deal {
            Some(o) => o.members.iter().map(|m| m.person).collect(),
            None => busiest(graph, &roles),
        };
        let mut shown: HashSet<Uuid> = focus.clone();
        if deal.is_some() {
            for &p in &focus {
                let mut at = p;
                while let Some(&(m, _)) = managers.get(&at) {
                    if !shown.insert(m) || graph.person(m).is_none() {
                        break;
                    }
                    at = m;
                }
            }
        }

        let threads: HashSet<Uuid> = match deal {
            Some(o) => risk::single_threaded(graph, o.id),
            None => risk::account_single_threaded(graph),
        }
        .into_iter()
        .map(|t| t.person)
        .collect();

        let people: Vec<MapPerson> = graph
            .people
            .iter()
            .filter(|p| shown.contains(&p.id))
            .map(|p| {
                let role = roles.get(&p.id);
                let cooling = graph
                    .our_ties
                    .get(&p.id)
                    .and_then(|t| t.first())
                    .is_some_and(|t| graph.gone_cold(t, graph.as_of));
                MapPerson {
                    id: p.id,
                    name: p.name.clone(),
                    title: p.title.clone(),
                    department: label(&vocab.departments, &p.department),
                    level: label(&vocab.levels, &p.level),
                    level_rank: graph.level_rank(&p.level),
                    role: role.map(|r| label(&vocab.buying_roles, &r.buying_role)),
                    influence: role.and_then(|r| r.influence),
                    attitude: role.map(|r| r.attitude),
                    single_threaded: threads.contains(&p.id),
                    cooling,
                    in_focus: focus.contains(&p.id),
                }
            })
            .collect();
        let on_map: HashSet<Uuid> = people.iter().map(|p| p.id).collect();

        let lines = data
            .lines
            .iter()
            .filter(|l| on_map.contains(&l.person) && on_map.contains(&l.manager))
            .map(|l| (l.person, l.manager, l.dotted))
            .collect();

        let mut ties = Vec::new();
        for p in &people {
            for t in graph.our_ties.get(&p.id).into_iter().flatten() {
                ties.push(MapTie {
                    side: TieSide::Ours(t.employee),
                    person: p.id,
                    strength: t.effective.value,
                    assessed: t.assessed,
                    cooling: graph.gone_cold(t, graph.as_of),
                    last_contact: Some(t.effective.last_contact),
                });
            }
            for t in graph.their_ties.get(&p.id).into_iter().flatten() {
                ties.push(MapTie {
                    side: TieSide::Theirs(t.competitor),
                    person: p.id,
                    strength: f64::from(t.strength),
                    assessed: t.strength,
                    cooling: false,
                    last_contact: None,
                });
            }
        }
        let mut parties: BTreeMap<TieSide, MapParty> = BTreeMap::new();
        for t in &ties {
            parties.entry(t.side).or_insert_with(|| match t.side {
                TieSide::Ours(e) => MapParty {
                    side: t.side,
                    name: graph.employee_name(e),
                    role: graph
                        .employees
                        .get(&e)
                        .map(|e| label(&vocab.employee_roles, &e.role))
                        .unwrap_or_default(),
                },
                TieSide::Theirs(c) => MapParty {
                    side: t.side,
                    name: graph.competitor_name(c),
                    role: String::new(),
                },
            });
        }
        let mut parties: Vec<MapParty> = parties.into_values().collect();
        parties.sort_by(|a, b| {
            matches!(a.side, TieSide::Theirs(_))
                .cmp(&matches!(b.side, TieSide::Theirs(_)))
                .then(a.name.cmp(&b.name))
        });

        Some(RelationshipMap {
            omitted: match deal {
                Some(_) => 0,
                None => graph.people.len() - people.len(),
            },
            account_name: graph.account_name.clone(),
            opportunity: deal.map(|o| (o.id, o.name.clone())),
            as_of: graph.as_of,
            levels: vocab
                .levels
                .terms
                .iter()
                .map(|t| label(&vocab.levels, &t.id))
                .collect(),
            people,
            lines,
            parties,
            ties,
        })
    }

    pub fn person(&self, id: Uuid) -> Option<&MapPerson> {
        self.people.iter().find(|p| p.id == id)
    }
}
