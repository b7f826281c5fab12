//! `guanxi gen`: a seeded synthetic portfolio written into a database, for
//! benchmarks and load tests at realistic sizes. Every account is one of the graph
//! engine's synthetic accounts (org chart by level and department, reporting lines,
//! influence and informal ties, our employees' ties, competitors' ties, interactions
//! over half a year, opportunities with decision chains and teams); employees and
//! competitors are shared across the portfolio as in a real sales organisation.
//! The same seed and sizes always give the same data; writing goes through the
//! import's bulk path, in one transaction.

use std::collections::{BTreeMap, HashSet};

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{tables::*, Export, ImportOptions};
use crate::{
    domain::{Endpoints, TieKind},
    graph::{
        data::{GraphData, TieEnds},
        synthetic::{generate, Spec},
    },
    store::{ends_key, Store},
    Error, Result,
};

/// The namespace of ids the generator derives (positions, assessments, members).
const NAMESPACE: Uuid = Uuid::from_u128(0x6775_616e_7869_4000_8000_0000_0000_0002);

/// The size of a portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortfolioSpec {
    pub accounts: usize,
    pub people_per_account: usize,
    /// Our employees, shared by every account.
    pub employees: usize,
    pub competitors: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub accounts: usize,
    pub people: usize,
    pub employees: usize,
    /// Relationships of every kind (the graph's edges).
    pub relationships: usize,
    pub interactions: usize,
    pub opportunities: usize,
}

fn derived(id: Uuid, what: &str) -> Uuid {
    let mut name = id.as_bytes().to_vec();
    name.extend_from_slice(what.as_bytes());
    Uuid::new_v5(&NAMESPACE, &name)
}

fn midnight(d: time::Date) -> OffsetDateTime {
    d.midnight().assume_utc()
}

/// Generates the portfolio and writes it in one transaction. `progress` hears
/// (accounts written, accounts in all).
pub async fn generate_portfolio(
    store: &Store,
    spec: &PortfolioSpec,
    progress: Option<&(dyn Fn(usize, usize) + Send + Sync)>,
) -> Result<Generated> {
    if spec.accounts == 0 || spec.people_per_account < 2 || spec.employees == 0 {
        return Err(Error::invalid(
            "size",
            "a portfolio needs at least one account, two people per account and one employee",
        ));
    }
    let version = store.methodology().version.clone();
    let stamp = midnight(Spec::sized(2, 0).as_of);
    let mut session = store
        .begin_import(
            ImportOptions {
                bulk: true,
                ..ImportOptions::default()
            },
            false,
        )
        .await?;
    let mut out = Generated {
        employees: spec.employees,
        ..Generated::default()
    };

    // The organisation: employees and competitors every account shares.
    let roles = ["ar", "sr", "fr", "expert", "executive"];
    let employees: Vec<Uuid> = (0..spec.employees)
        .map(|e| Uuid::new_v5(&NAMESPACE, format!("employee:{}:{e}", spec.seed).as_bytes()))
        .collect();
    let competitors: Vec<Uuid> = (0..spec.competitors.max(1))
        .map(|c| {
            Uuid::new_v5(
                &NAMESPACE,
                format!("competitor:{}:{c}", spec.seed).as_bytes(),
            )
        })
        .collect();
    let mut org = Export::empty("");
    org.employees = employees
        .iter()
        .enumerate()
        .map(|(e, &id)| EmployeeRow {
            employee_id: id,
            name: format!("Employee {e:05}"),
            email: format!("employee{e}@ourco.example"),
            role: roles[e % roles.len()].into(),
            team: Some(format!("team-{}", e % 20)),
            status: "active".into(),
            departed_on: None,
            support_limit: None,
            created_at: stamp,
            updated_at: stamp,
            leaving_on: None,
        })
        .collect();
    org.competitors = competitors
        .iter()
        .enumerate()
        .map(|(c, &id)| CompetitorRow {
            competitor_id: id,
            name: format!("Rival {c:03} Networks"),
            note: None,
            created_at: stamp,
            updated_at: stamp,
        })
        .collect();
    session.put(org).await?;
    refuse_rejections(&mut session)?;

    let mut employee_ties = HashSet::new();
    for a in 0..spec.accounts {
        let data = generate(&Spec::sized(
            spec.people_per_account,
            spec.seed.wrapping_mul(1_000_003).wrapping_add(a as u64),
        ));
        let rows = account_rows(
            &data,
            a,
            &employees,
            &competitors,
            &version,
            &mut employee_ties,
        );
        out.accounts += 1;
        out.people += rows.people.len();
        out.relationships += rows.relationships.len();
        out.interactions += rows.interactions.len();
        out.opportunities += rows.opportunities.len();
        session.put(rows).await?;
        refuse_rejections(&mut session)?;
        if let Some(p) = progress {
            p(a + 1, spec.accounts);
        }
    }
    session.finish().await?;
    Ok(out)
}

/// A generated row the database refuses is a bug in the generator: stop.
fn refuse_rejections(session: &mut crate::store::ImportSession<'_>) -> Result<()> {
    match session.take_rejected().first() {
        None => Ok(()),
        Some(r) => Err(Error::Internal(anyhow::anyhow!(
            "generated {}[{}] was refused: {}",
            r.list,
            r.index,
            r.message
        ))),
    }
}

/// One synthetic account as rows, its employees and competitors mapped onto the
/// shared ones. Employee–employee ties already written are left out.
fn account_rows(
    data: &GraphData,
    a: usize,
    employees: &[Uuid],
    competitors: &[Uuid],
    version: &str,
    employee_ties: &mut HashSet<String>,
) -> Export {
    let account = data.account_id;
    let local_employees: BTreeMap<Uuid, Uuid> = data
        .employees
        .iter()
        .enumerate()
        .map(|(k, e)| (e.id, employees[(a * 7 + k * 13) % employees.len()]))
        .collect();
    let local_competitors: BTreeMap<Uuid, Uuid> = data
        .competitors
        .iter()
        .enumerate()
        .map(|(k, c)| (c.id, competitors[(a + k) % competitors.len()]))
        .collect();
    let employee = |id: &Uuid| local_employees.get(id).copied().unwrap_or(employees[0]);
    let competitor = |id: &Uuid| local_competitors.get(id).copied().unwrap_or(competitors[0]);
    let as_of = Spec::sized(2, 0).as_of;
    let since = as_of - Duration::days(730);
    let stamp = midnight(since);

    let mut x = Export::empty("");
    x.accounts.push(AccountRow {
        account_id: account,
        name: format!("Synthetic Account {a:06}"),
        industry: "telecom".into(),
        region: [
            "north_china",
            "east_china",
            "south_china",
            "central_china",
            "west_china",
        ][a % 5]
            .into(),
        tier: data.tier.clone(),
        owner_team: Some(format!("team-{}", a % 20)),
        created_at: stamp,
        updated_at: stamp,
    });
    for p in &data.people {
        x.people.push(PersonRow {
            person_id: p.id,
            account_id: account,
            name: p.name.clone(),
            title: p.title.clone(),
            department: p.department.clone(),
            level: p.level.clone(),
            email: None,
            phone: None,
            created_at: stamp,
            updated_at: stamp,
        });
        x.positions.push(PositionRow {
            position_id: derived(p.id, "position"),
            person_id: p.id,
            account_id: account,
            title: p.title.clone(),
            department: p.department.clone(),
            level: p.level.clone(),
            valid_from: since,
            valid_to: None,
        });
    }
    for l in &data.lines {
        x.reporting_lines.push(ReportingLineRow {
            reporting_line_id: derived(l.person, &format!("line:{}", l.manager)),
            account_id: account,
            person_id: l.person,
            manager_id: l.manager,
            kind: if l.dotted { "dotted" } else { "solid" }.into(),
            valid_from: since,
            valid_to: None,
        });
    }
    let mut seen = HashSet::new();
    for t in &data.ties {
        let (ends, account_id) = match t.ends {
            TieEnds::EmployeePerson {
                employee: e,
                person,
            } => (
                Endpoints::EmployeePerson {
                    employee_id: employee(&e),
                    person_id: person,
                },
                Some(account),
            ),
            TieEnds::Influences { from, to } => (
                Endpoints::PersonPerson {
                    person_id: from,
                    other_person_id: to,
                    tie: TieKind::Influences,
                },
                Some(account),
            ),
            TieEnds::Informal { a, b } => (
                Endpoints::PersonPerson {
                    person_id: a,
                    other_person_id: b,
                    tie: TieKind::Informal,
                },
                Some(account),
            ),
            TieEnds::CompetitorPerson {
                competitor: c,
                person,
            } => (
                Endpoints::CompetitorPerson {
                    competitor_id: competitor(&c),
                    person_id: person,
                },
                Some(account),
            ),
            TieEnds::EmployeeEmployee { a, b } => {
                let (a, b) = (employee(&a), employee(&b));
                if a == b {
                    continue;
                }
                (
                    Endpoints::EmployeeEmployee {
                        employee_id: a,
                        other_employee_id: b,
                    },
                    None,
                )
            }
        };
        let mut r = RelationshipRow::new(
            t.relationship_id,
            account_id,
            &ends,
            t.strength,
            midnight(t.assessed_on),
        );
        // Two local employees may map onto one shared one: one edge per pair.
        let key = ends_key(&ends);
        if matches!(ends, Endpoints::EmployeeEmployee { .. }) {
            if !employee_ties.insert(key.clone()) {
                continue;
            }
            r.relationship_id = Uuid::new_v5(&NAMESPACE, key.as_bytes());
        }
        if !seen.insert(key) {
            continue;
        }
        x.assessments.push(AssessmentRow {
            assessment_id: derived(r.relationship_id, "assessment"),
            relationship_id: r.relationship_id,
            account_id: r.account_id,
            strength: r.strength,
            source: "judgement".into(),
            assessed_by: None,
            assessed_at: r.assessed_at,
            note: None,
            methodology_version: version.to_owned(),
            recorded_by: Some(crate::store::COMMAND_LINE.to_owned()),
        });
        x.relationships.push(r);
    }
    let mut met = HashSet::new();
    for c in &data.contacts {
        if met.insert(c.interaction_id) {
            x.interactions.push(InteractionRow {
                interaction_id: c.interaction_id,
                account_id: account,
                opportunity_id: None,
                kind: "visit".into(),
                occurred_on: c.on,
                subject: None,
                note: None,
                created_at: midnight(c.on),
            });
        }
        let e = employee(&c.employee);
        if met.insert(derived(c.interaction_id, &e.to_string())) {
            x.interaction_employees.push(InteractionEmployeeRow {
                interaction_id: c.interaction_id,
                employee_id: e,
                account_id: account,
            });
        }
        if met.insert(derived(c.interaction_id, &c.person.to_string())) {
            x.interaction_people.push(InteractionPersonRow {
                interaction_id: c.interaction_id,
                person_id: c.person,
                account_id: account,
            });
        }
    }
    for o in &data.opportunities {
        let entered = o.stage_entered.unwrap_or(as_of);
        x.opportunities.push(OpportunityRow {
            opportunity_id: o.id,
            account_id: account,
            name: o.name.clone(),
            amount_minor: (o.amount * 100.0).round() as i64,
            currency: o.currency.clone(),
            stage: o.stage.clone(),
            expected_sign_date: o.expected_sign_date,
            outcome: if o.open { "open" } else { "lost" }.into(),
            owner_id: o.owner.as_ref().map(employee),
            note: None,
            methodology_version: version.to_owned(),
            created_at: midnight(entered),
            updated_at: midnight(entered),
            budget_status: o.qualifying.budget.as_str().into(),
            budget_amount_minor: o
                .qualifying
                .budget_amount
                .map(|a| (a * 100.0).round() as i64),
            budget_confirmed_on: o.qualifying.budget_confirmed_on,
            compelling_event: o.qualifying.event.clone(),
            compelling_event_by: o.qualifying.event_by,
        });
        x.stage_changes.push(StageChangeRow {
            stage_change_id: derived(o.id, "stage"),
            opportunity_id: o.id,
            account_id: account,
            stage: o.stage.clone(),
            outcome: if o.open { "open" } else { "lost" }.into(),
            entered_on: entered,
            changed_by: None,
            note: None,
            methodology_version: version.to_owned(),
            recorded_at: midnight(entered),
            override_reason: None,
        });
        for m in &o.members {
            x.decision_chain_members.push(ChainMemberRow {
                is_primary: false,
                member_id: derived(o.id, &m.person.to_string()),
                opportunity_id: o.id,
                account_id: account,
                person_id: m.person,
                buying_role: m.buying_role.clone(),
                influence: m.influence,
                attitude: m.attitude,
                favoured_competitor_id: m.favoured_competitor.as_ref().map(competitor),
                note: None,
                updated_at: midnight(entered),
                recorded_by: Some(crate::store::COMMAND_LINE.to_owned()),
                source: "import".into(),
            });
        }
        let mut on_team = HashSet::new();
        for (e, role) in &o.team {
            let e = employee(e);
            if on_team.insert(e) {
                x.team_members.push(TeamMemberRow {
                    opportunity_id: o.id,
                    employee_id: e,
                    account_id: account,
                    role: role.clone(),
                });
            }
        }
    }
    x
}
