//! Seeded synthetic account graphs that look like real ones: a pyramid of levels
//! across departments with reporting lines, influence and informal ties, our
//! employees' ties concentrated in a few departments, competitors' ties on the key
//! people, interactions over half a year, and opportunities with decision chains.
//! The same seed always gives the same graph.

use rand::{rngs::StdRng, seq::IndexedRandom, Rng, SeedableRng};
use time::{Date, Duration};
use uuid::Uuid;

use super::data::{
    CompetitorNode, Contact, EmployeeNode, GraphData, GraphVersion, LineEdge, MemberNode,
    OpportunityNode, PersonNode, TieEdge, TieEnds,
};

/// The size and shape of a synthetic account.
#[derive(Debug, Clone)]
pub struct Spec {
    pub seed: u64,
    pub people: usize,
    pub employees: usize,
    pub competitors: usize,
    /// Employee–person ties per employee, on average.
    pub ties_per_employee: usize,
    pub opportunities: usize,
    pub chain_size: usize,
    /// The day interactions are counted back from.
    pub as_of: Date,
}

impl Spec {
    /// An account of `people` people with about ten edges per person.
    pub fn sized(people: usize, seed: u64) -> Self {
        Spec {
            seed,
            people,
            employees: (people / 10).clamp(3, 400),
            competitors: 3,
            ties_per_employee: 80,
            opportunities: (people / 200).clamp(1, 20),
            chain_size: 10,
            as_of: Date::from_calendar_date(2026, time::Month::November, 26).unwrap_or(Date::MIN),
        }
    }
}

const DEPARTMENTS: &[&str] = &[
    "executive_office",
    "it",
    "finance",
    "procurement",
    "operations",
    "network",
    "business",
    "security",
];
const STAGES: &[&str] = &[
    "validate_lead",
    "qualify",
    "shape_solution",
    "propose",
    "negotiate",
    "sign",
];
const ROLES: &[&str] = &["ar", "sr", "fr", "expert", "executive"];
const BUYING_ROLES: &[&str] = &[
    "decision_maker",
    "approver",
    "technical_evaluator",
    "business_evaluator",
    "financial_evaluator",
    "procurement",
    "user",
    "coach",
    "gatekeeper",
];

fn uuid(rng: &mut StdRng) -> Uuid {
    Uuid::from_u128(rng.random::<u128>() & !(0xF << 76) | (0x4 << 76))
}

/// Generates one account.
pub fn generate(spec: &Spec) -> GraphData {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let n = spec.people.max(1);
    let executives = (n / 50).max(1);
    let managers = (n / 6).max(1).min(n - executives.min(n));
    let mut people = Vec::with_capacity(n);
    for i in 0..n {
        let (level, department) = if i < executives {
            (
                "executive",
                if i == 0 {
                    "executive_office"
                } else {
                    DEPARTMENTS[i % DEPARTMENTS.len()]
                },
            )
        } else if i < executives + managers {
            ("management", DEPARTMENTS[1 + i % (DEPARTMENTS.len() - 1)])
        } else {
            ("operational", DEPARTMENTS[1 + i % (DEPARTMENTS.len() - 1)])
        };
        people.push(PersonNode {
            id: uuid(&mut rng),
            name: format!("Person {i:05}"),
            title: None,
            department: department.to_owned(),
            level: level.to_owned(),
        });
    }
    // Reporting lines: executives to the top one, managers to an executive,
    // operational people to a manager; some dotted lines across.
    let mut lines = Vec::with_capacity(n + n / 20);
    for i in 1..n {
        let manager = if i < executives {
            0
        } else if i < executives + managers {
            rng.random_range(0..executives)
        } else {
            executives
                + rng
                    .random_range(0..managers.max(1))
                    .min(managers.saturating_sub(1))
        };
        if manager != i {
            lines.push(LineEdge {
                person: people[i].id,
                manager: people[manager].id,
                dotted: false,
            });
        }
        if rng.random_bool(0.05) {
            let dotted = rng.random_range(0..(executives + managers).min(n));
            if dotted != i && dotted != manager {
                lines.push(LineEdge {
                    person: people[i].id,
                    manager: people[dotted].id,
                    dotted: true,
                });
            }
        }
    }
    let day = |rng: &mut StdRng| spec.as_of - Duration::days(rng.random_range(0..180));
    let mut ties = Vec::new();
    let tie = |rng: &mut StdRng, ends: TieEnds, strength: i32, on: Date| TieEdge {
        relationship_id: uuid(rng),
        ends,
        strength,
        assessed_on: on,
    };
    // Customer-side influence and informal ties.
    for i in 0..n {
        if rng.random_bool(0.6) {
            let j = rng.random_range(0..(executives + managers).min(n));
            if i != j {
                let on = day(&mut rng);
                let s = rng.random_range(1..=5);
                ties.push(tie(
                    &mut rng,
                    TieEnds::Influences {
                        from: people[j].id,
                        to: people[i].id,
                    },
                    s,
                    on,
                ));
            }
        }
        if rng.random_bool(0.3) {
            let j = rng.random_range(0..n);
            if i != j {
                let on = day(&mut rng);
                let s = rng.random_range(1..=4);
                ties.push(tie(
                    &mut rng,
                    TieEnds::Informal {
                        a: people[i].id,
                        b: people[j].id,
                    },
                    s,
                    on,
                ));
            }
        }
    }
    let employees: Vec<EmployeeNode> = (0..spec.employees.max(1))
        .map(|i| EmployeeNode {
            id: uuid(&mut rng),
            name: format!("Employee {i:04}"),
            role: ROLES[i % ROLES.len()].to_owned(),
            active: i % 25 != 24,
            leaving_on: None,
        })
        .collect();
    let mut contacts = Vec::new();
    // Our ties: each employee works a few departments, mostly management and below.
    for e in &employees {
        let home = rng.random_range(0..DEPARTMENTS.len());
        let mut chosen = std::collections::HashSet::new();
        for _ in 0..spec.ties_per_employee.min(n) {
            let p = if rng.random_bool(0.7) {
                let candidates: Vec<usize> = (0..8)
                    .map(|_| rng.random_range(0..n))
                    .filter(|&p| people[p].department == DEPARTMENTS[home])
                    .collect();
                candidates
                    .first()
                    .copied()
                    .unwrap_or_else(|| rng.random_range(0..n))
            } else {
                rng.random_range(0..n)
            };
            if !chosen.insert(p) {
                continue;
            }
            let on = day(&mut rng);
            let s = rng.random_range(1..=5);
            let t = tie(
                &mut rng,
                TieEnds::EmployeePerson {
                    employee: e.id,
                    person: people[p].id,
                },
                s,
                on,
            );
            for _ in 0..rng.random_range(0..3) {
                contacts.push(Contact {
                    interaction_id: uuid(&mut rng),
                    employee: e.id,
                    person: people[p].id,
                    on: day(&mut rng),
                });
            }
            ties.push(t);
        }
    }
    // Colleagues.
    for (i, e) in employees.iter().enumerate() {
        for _ in 0..3 {
            let j = rng.random_range(0..employees.len());
            if i < j {
                let on = day(&mut rng);
                let s = rng.random_range(2..=5);
                ties.push(tie(
                    &mut rng,
                    TieEnds::EmployeeEmployee {
                        a: e.id,
                        b: employees[j].id,
                    },
                    s,
                    on,
                ));
            }
        }
    }
    let competitors: Vec<CompetitorNode> = (0..spec.competitors)
        .map(|i| CompetitorNode {
            id: uuid(&mut rng),
            name: format!("Competitor {i}"),
        })
        .collect();
    for c in &competitors {
        for p in people.iter().take(executives + managers) {
            if rng.random_bool(0.25) {
                let on = day(&mut rng);
                let s = rng.random_range(1..=5);
                ties.push(tie(
                    &mut rng,
                    TieEnds::CompetitorPerson {
                        competitor: c.id,
                        person: p.id,
                    },
                    s,
                    on,
                ));
            }
        }
    }
    let senior: Vec<usize> = (0..(executives + managers).min(n)).collect();
    let opportunities = (0..spec.opportunities)
        .map(|i| {
            let mut members = Vec::new();
            let mut picked = std::collections::HashSet::new();
            for k in 0..spec.chain_size.min(senior.len()) {
                let Some(&p) = senior.choose(&mut rng) else {
                    break;
                };
                if !picked.insert(p) {
                    continue;
                }
                members.push(MemberNode {
                    person: people[p].id,
                    buying_role: BUYING_ROLES[k % BUYING_ROLES.len()].to_owned(),
                    influence: rng.random_bool(0.7).then(|| rng.random_range(1..=5)),
                    attitude: rng.random_range(-2..=2),
                    favoured_competitor: if rng.random_bool(0.15) {
                        competitors.choose(&mut rng).map(|c| c.id)
                    } else {
                        None
                    },
                    primary: k == 0,
                });
            }
            OpportunityNode {
                id: uuid(&mut rng),
                name: format!("Opportunity {i}"),
                stage: STAGES[i % STAGES.len()].into(),
                open: true,
                won: false,
                amount: f64::from(rng.random_range(1..500u32)) * 100_000.0,
                currency: "CNY".into(),
                expected_sign_date: rng
                    .random_bool(0.8)
                    .then(|| spec.as_of + Duration::days(rng.random_range(-30..240))),
                owner: employees.first().map(|e| e.id),
                stage_entered: Some(spec.as_of - Duration::days(rng.random_range(0..120))),
                competitors_in_play: rng.random_range(0..=competitors.len()),
                qualifying: Default::default(),
                members,
                team: employees
                    .iter()
                    .take(3)
                    .map(|e| (e.id, e.role.clone()))
                    .collect(),
                // No version of its own: the methodology's current process.
                methodology_version: String::new(),
            }
        })
        .collect();
    GraphData {
        account_id: uuid(&mut rng),
        account_name: format!("Synthetic account {}", spec.seed),
        tier: if spec.seed.is_multiple_of(3) {
            "strategic"
        } else {
            "key"
        }
        .into(),
        win_steps: Vec::new(),
        answers: Vec::new(),
        plan_ticks: Vec::new(),
        support: Vec::new(),
        outsiders: Vec::new(),
        version: GraphVersion { account: 1, org: 1 },
        people,
        lines,
        employees,
        competitors,
        ties,
        contacts,
        opportunities,
    }
}

/// Edges of a snapshot: reporting lines plus relationships.
pub fn edge_count(data: &GraphData) -> usize {
    data.lines.len() + data.ties.len()
}
