//! The demo data set: two customer accounts as a real account team would map them,
//! shipped as `demo/demo.json` and loaded through the same store API (and so the
//! same validation) as any user's data.
//!
//! Loading is idempotent: employees are matched by e-mail, competitors and accounts
//! by normalised name, support resources by name; an account already present is
//! left as it is, with everything under it.

use std::{collections::HashMap, fmt};

use serde::Deserialize;
use time::{macros::time, Date, OffsetDateTime};
use uuid::Uuid;

use crate::{
    domain::{
        AccountInput, AssessmentInput, CompetitorInput, EmployeeInput, ImprovementInput,
        ImprovementPatch, ImprovementStatus, InteractionInput, MemberInput, OpportunityInput,
        OpportunityPatch, PersonInput, ReportingLineInput, SupportDecision, SupportDecisionInput,
        SupportRequestInput, SupportResourceInput, TeamMemberInput,
    },
    store::Store,
    Error, Result,
};

const DEMO_JSON: &str = include_str!("../demo/demo.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoSet {
    employees: Vec<DemoEmployee>,
    competitors: Vec<DemoCompetitor>,
    accounts: Vec<DemoAccount>,
    employee_ties: Vec<DemoEmployeeTie>,
    support_resources: Vec<DemoSupport>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoEmployee {
    name: String,
    email: String,
    role: String,
    team: Option<String>,
    status: Option<String>,
    departed_on: Option<Date>,
    support_limit: Option<i64>,
    /// A planned leaving day.
    leaving_on: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCompetitor {
    name: String,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoAccount {
    name: String,
    industry: String,
    region: String,
    tier: String,
    owner_team: Option<String>,
    people: Vec<DemoPerson>,
    dotted_lines: Vec<DemoDottedLine>,
    opportunities: Vec<DemoOpportunity>,
    relationships: Vec<DemoRelationship>,
    interactions: Vec<DemoInteraction>,
    #[serde(default)]
    improvement_points: Vec<DemoImprovement>,
}

/// A point a coach set at the last relationship-planning session.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoImprovement {
    text: String,
    owner: String,
    due: Date,
    opportunity: Option<String>,
    status: Option<String>,
    closed_on: Option<Date>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoPerson {
    name: String,
    title: Option<String>,
    department: String,
    level: String,
    email: Option<String>,
    phone: Option<String>,
    reports_to: Option<String>,
    since: Date,
    /// They left for another account of the data set (a champion who became a VP
    /// elsewhere): moved there once every account is loaded, keeping our ties.
    moved_to: Option<DemoMove>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoMove {
    account: String,
    on: Date,
    title: Option<String>,
    department: String,
    level: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoDottedLine {
    person: String,
    manager: String,
    since: Date,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoOpportunity {
    name: String,
    amount: f64,
    currency: String,
    owner: Option<String>,
    expected_sign_date: Option<Date>,
    competitors: Vec<String>,
    #[serde(default)]
    team: Vec<DemoTeamMember>,
    history: Vec<DemoStage>,
    note: Option<String>,
    chain: Vec<DemoMember>,
    #[serde(default)]
    support_requests: Vec<DemoSupportRequest>,
    /// The customer's budget, where the team has found it out.
    budget: Option<DemoBudget>,
    /// Manual win steps of the current stage the team has done (step ids of
    /// stages.toml), ticked by the owner.
    #[serde(default)]
    steps_done: Vec<String>,
    compelling_event: Option<DemoEvent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoBudget {
    status: String,
    amount: Option<f64>,
    confirmed_on: Option<Date>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoEvent {
    what: String,
    by: Option<Date>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoSupportRequest {
    kind: String,
    resource: Option<String>,
    units: i64,
    needed_by: Date,
    requested_by: Option<String>,
    note: Option<String>,
    lift: Option<f64>,
    #[serde(default)]
    skills: Vec<String>,
    /// Granted already: the resource given and the month booked.
    granted: Option<DemoGrant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoGrant {
    resource: String,
    month: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTeamMember {
    employee: String,
    role: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoStage {
    stage: String,
    outcome: Option<String>,
    on: Date,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoMember {
    person: String,
    role: String,
    influence: Option<i64>,
    attitude: Option<i64>,
    favours: Option<String>,
    #[serde(default)]
    primary: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoRelationship {
    employee: Option<String>,
    person: String,
    other_person: Option<String>,
    competitor: Option<String>,
    tie: Option<String>,
    history: Vec<DemoAssessment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAssessment {
    strength: i64,
    on: Date,
    by: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoInteraction {
    kind: String,
    on: Date,
    subject: Option<String>,
    note: Option<String>,
    employees: Vec<String>,
    people: Vec<String>,
    opportunity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DemoEmployeeTie {
    employee: String,
    other_employee: String,
    strength: i64,
    on: Date,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSupport {
    name: String,
    kind: String,
    capacity: i64,
    unit: Option<String>,
    employee: Option<String>,
    #[serde(default)]
    industries: Vec<String>,
    #[serde(default)]
    skills: Vec<String>,
}

/// What a load did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub accounts_created: usize,
    pub accounts_present: usize,
    pub people: usize,
    pub opportunities: usize,
    pub assessments: usize,
    pub interactions: usize,
    pub employees_created: usize,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.accounts_created == 0 {
            return write!(
                f,
                "demo data already present ({} accounts); nothing changed",
                self.accounts_present
            );
        }
        write!(
            f,
            "demo data loaded: {} accounts, {} people, {} opportunities, {} assessments, {} interactions, {} employees",
            self.accounts_created,
            self.people,
            self.opportunities,
            self.assessments,
            self.interactions,
            self.employees_created
        )
    }
}

fn at_ten(d: Date) -> OffsetDateTime {
    d.with_time(time!(10:00)).assume_utc()
}

fn lookup(map: &HashMap<String, Uuid>, what: &str, key: &str) -> Result<Uuid> {
    map.get(key).copied().ok_or_else(|| {
        Error::Internal(anyhow::anyhow!("demo data names an unknown {what} '{key}'"))
    })
}

/// Loads the demo data set into the store, skipping what is already there.
pub async fn load(store: &Store) -> Result<DemoSummary> {
    let set: DemoSet = serde_json::from_str(DEMO_JSON)
        .map_err(|e| Error::Internal(anyhow::anyhow!("demo/demo.json is malformed: {e}")))?;
    load_set(store, set).await
}

/// Loads a data set written in the demo's format (`demo/demo.json`: people,
/// deals and ties by name) from `text`, such as a casebook case; `source` names
/// it in errors.
pub async fn load_data_set(store: &Store, text: &str, source: &str) -> Result<DemoSummary> {
    let set: DemoSet = serde_json::from_str(text).map_err(|e| {
        Error::invalid(
            "data",
            format!("{source} is not a data set in the demo's format: {e}"),
        )
    })?;
    load_set(store, set).await
}

async fn load_set(store: &Store, set: DemoSet) -> Result<DemoSummary> {
    let mut summary = DemoSummary::default();

    let mut employees: HashMap<String, Uuid> = store
        .employees(true)
        .await?
        .into_iter()
        .map(|e| (e.email, e.employee_id))
        .collect();
    for e in &set.employees {
        if employees.contains_key(&e.email) {
            continue;
        }
        let created = store
            .create_employee(&EmployeeInput {
                name: e.name.clone(),
                email: e.email.clone(),
                role: e.role.clone(),
                team: e.team.clone(),
                status: e.status.clone().unwrap_or_else(|| "active".into()),
                departed_on: e.departed_on,
                support_limit: e.support_limit,
                leaving_on: e.leaving_on,
            })
            .await?;
        employees.insert(created.email, created.employee_id);
        summary.employees_created += 1;
    }

    let mut competitors: HashMap<String, Uuid> = HashMap::new();
    let existing = store.competitors().await?;
    for c in &set.competitors {
        let key = crate::domain::normalise_organisation(&c.name);
        let id = match existing.iter().find(|x| x.name_key == key) {
            Some(x) => x.competitor_id,
            None => {
                store
                    .create_competitor(&CompetitorInput {
                        name: c.name.clone(),
                        note: c.note.clone(),
                    })
                    .await?
                    .competitor_id
            }
        };
        competitors.insert(c.name.clone(), id);
    }

    let mut resources: HashMap<String, Uuid> = store
        .support_resources()
        .await?
        .into_iter()
        .map(|r| (r.name, r.support_resource_id))
        .collect();
    for r in &set.support_resources {
        if resources.contains_key(&r.name) {
            continue;
        }
        let created = store
            .create_support_resource(&SupportResourceInput {
                name: r.name.clone(),
                kind: r.kind.clone(),
                capacity: r.capacity,
                unit: r.unit.clone(),
                employee_id: r
                    .employee
                    .as_deref()
                    .map(|e| lookup(&employees, "employee", e))
                    .transpose()?,
                industries: r.industries.clone(),
                skills: r.skills.clone(),
            })
            .await?;
        resources.insert(created.name, created.support_resource_id);
    }

    let mut moves = Vec::new();
    for a in &set.accounts {
        if store.account_by_name(&a.name).await?.is_some() {
            summary.accounts_present += 1;
            continue;
        }
        let refs = Refs {
            employees: &employees,
            competitors: &competitors,
            resources: &resources,
        };
        moves.extend(load_account(store, a, &refs, &mut summary).await?);
    }
    // People who moved between accounts of the set, once both exist.
    for (person, to) in moves {
        let account = store.account_by_name(&to.account).await?.ok_or_else(|| {
            Error::invalid(
                "movedTo.account",
                format!("no account '{}' in the data set", to.account),
            )
        })?;
        store
            .update_person(
                person,
                crate::domain::PersonPatch {
                    account_id: Some(account.account_id),
                    title: to.title.clone(),
                    department: Some(to.department.clone()),
                    level: Some(to.level.clone()),
                    since: Some(to.on),
                    ..Default::default()
                },
            )
            .await?;
    }

    if summary.accounts_created > 0 {
        for t in &set.employee_ties {
            store
                .assess_relationship(&AssessmentInput {
                    employee_id: Some(lookup(&employees, "employee", &t.employee)?),
                    other_employee_id: Some(lookup(&employees, "employee", &t.other_employee)?),
                    strength: t.strength,
                    source: Some("judgement".into()),
                    assessed_at: Some(at_ten(t.on)),
                    ..Default::default()
                })
                .await?;
            summary.assessments += 1;
        }
    }

    Ok(summary)
}

/// Ids of what accounts refer to, by the names the demo file uses.
struct Refs<'a> {
    employees: &'a HashMap<String, Uuid>,
    competitors: &'a HashMap<String, Uuid>,
    resources: &'a HashMap<String, Uuid>,
}

/// Loads one account; returns the people who move to another account of the set.
async fn load_account<'a>(
    store: &Store,
    a: &'a DemoAccount,
    refs: &Refs<'_>,
    summary: &mut DemoSummary,
) -> Result<Vec<(Uuid, &'a DemoMove)>> {
    let (employees, competitors) = (refs.employees, refs.competitors);
    let account = store
        .create_account(&AccountInput {
            name: a.name.clone(),
            industry: a.industry.clone(),
            region: a.region.clone(),
            tier: a.tier.clone(),
            owner_team: a.owner_team.clone(),
        })
        .await?;
    summary.accounts_created += 1;

    // People in file order: a manager always comes before their reports.
    let mut people: HashMap<String, Uuid> = HashMap::new();
    let mut moves = Vec::new();
    for p in &a.people {
        let reports_to = p
            .reports_to
            .as_deref()
            .map(|m| lookup(&people, "person", m))
            .transpose()?;
        let created = store
            .create_person(&PersonInput {
                account_id: account.account_id,
                name: p.name.clone(),
                title: p.title.clone(),
                department: p.department.clone(),
                level: p.level.clone(),
                email: p.email.clone(),
                phone: p.phone.clone(),
                reports_to,
                since: Some(p.since),
            })
            .await?;
        people.insert(p.name.clone(), created.person_id);
        if let Some(to) = &p.moved_to {
            moves.push((created.person_id, to));
        }
        summary.people += 1;
    }
    for d in &a.dotted_lines {
        store
            .set_reporting_line(&ReportingLineInput {
                person_id: lookup(&people, "person", &d.person)?,
                manager_id: lookup(&people, "person", &d.manager)?,
                kind: "dotted".into(),
                valid_from: Some(d.since),
                valid_to: None,
            })
            .await?;
    }

    let mut opportunities: HashMap<String, Uuid> = HashMap::new();
    for o in &a.opportunities {
        let Some((first, rest)) = o.history.split_first() else {
            return Err(Error::Internal(anyhow::anyhow!(
                "demo opportunity '{}' has no history",
                o.name
            )));
        };
        let owner = o
            .owner
            .as_deref()
            .map(|e| lookup(employees, "employee", e))
            .transpose()?;
        let created = store
            .create_opportunity(&OpportunityInput {
                account_id: account.account_id,
                name: o.name.clone(),
                amount: o.amount,
                currency: o.currency.clone(),
                stage: first.stage.clone(),
                expected_sign_date: o.expected_sign_date,
                outcome: first.outcome.clone(),
                owner_id: owner,
                competitor_ids: Some(
                    o.competitors
                        .iter()
                        .map(|c| lookup(competitors, "competitor", c))
                        .collect::<Result<_>>()?,
                ),
                team: Some(
                    o.team
                        .iter()
                        .map(|m| {
                            Ok(TeamMemberInput {
                                employee_id: lookup(employees, "employee", &m.employee)?,
                                role: m.role.clone(),
                            })
                        })
                        .collect::<Result<_>>()?,
                ),
                note: o.note.clone(),
                changed_on: Some(first.on),
                changed_by: owner,
                override_reason: None,
                budget: o.budget.as_ref().map(|b| crate::domain::BudgetInput {
                    status: Some(b.status.clone()),
                    amount: b.amount,
                    confirmed_on: b.confirmed_on,
                }),
                compelling_event: o.compelling_event.as_ref().map(|e| {
                    crate::domain::CompellingEventInput {
                        what: Some(e.what.clone()),
                        by: e.by,
                    }
                }),
            })
            .await?;
        for step in rest {
            store
                .update_opportunity(
                    created.opportunity_id,
                    OpportunityPatch {
                        stage: Some(step.stage.clone()),
                        outcome: step.outcome.clone(),
                        changed_on: Some(step.on),
                        changed_by: owner,
                        ..Default::default()
                    },
                )
                .await?;
        }
        for step in &o.steps_done {
            store
                .tick_win_step(created.opportunity_id, step, true, owner, None)
                .await?;
        }
        let members = o
            .chain
            .iter()
            .map(|m| {
                Ok(MemberInput {
                    person_id: lookup(&people, "person", &m.person)?,
                    buying_role: m.role.clone(),
                    influence: m.influence,
                    attitude: m.attitude,
                    favoured_competitor_id: m
                        .favours
                        .as_deref()
                        .map(|c| lookup(competitors, "competitor", c))
                        .transpose()?,
                    note: None,
                    primary: Some(m.primary),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        store
            .set_decision_chain(created.opportunity_id, &members, true)
            .await?;
        for r in &o.support_requests {
            let request = store
                .request_support(&SupportRequestInput {
                    opportunity_id: created.opportunity_id,
                    kind: r.kind.clone(),
                    resource_id: r
                        .resource
                        .as_deref()
                        .map(|x| lookup(refs.resources, "support resource", x))
                        .transpose()?,
                    units: r.units,
                    needed_by: Some(r.needed_by),
                    lift: r.lift,
                    requested_by: r
                        .requested_by
                        .as_deref()
                        .map(|e| lookup(employees, "employee", e))
                        .transpose()?,
                    note: r.note.clone(),
                    skills: r.skills.clone(),
                })
                .await?;
            if let Some(g) = &r.granted {
                store
                    .decide_support(
                        request.support_request_id,
                        &SupportDecisionInput {
                            decision: SupportDecision::Grant,
                            resource_id: Some(lookup(
                                refs.resources,
                                "support resource",
                                &g.resource,
                            )?),
                            month: Some(g.month.clone()),
                            decided_by: None,
                            note: Some("granted at the last planning session".into()),
                        },
                    )
                    .await?;
            }
        }
        opportunities.insert(o.name.clone(), created.opportunity_id);
        summary.opportunities += 1;
    }

    for r in &a.relationships {
        for h in &r.history {
            store
                .assess_relationship(&AssessmentInput {
                    employee_id: r
                        .employee
                        .as_deref()
                        .map(|e| lookup(employees, "employee", e))
                        .transpose()?,
                    person_id: Some(lookup(&people, "person", &r.person)?),
                    other_person_id: r
                        .other_person
                        .as_deref()
                        .map(|p| lookup(&people, "person", p))
                        .transpose()?,
                    competitor_id: r
                        .competitor
                        .as_deref()
                        .map(|c| lookup(competitors, "competitor", c))
                        .transpose()?,
                    other_employee_id: None,
                    tie: r.tie.clone(),
                    strength: h.strength,
                    note: h.note.clone(),
                    source: Some("judgement".into()),
                    assessed_by: h
                        .by
                        .as_deref()
                        .map(|e| lookup(employees, "employee", e))
                        .transpose()?,
                    assessed_at: Some(at_ten(h.on)),
                })
                .await?;
            summary.assessments += 1;
        }
    }

    for i in &a.interactions {
        store
            .record_interaction(&InteractionInput {
                account_id: account.account_id,
                opportunity_id: i
                    .opportunity
                    .as_deref()
                    .map(|o| lookup(&opportunities, "opportunity", o))
                    .transpose()?,
                kind: i.kind.clone(),
                occurred_on: Some(i.on),
                subject: i.subject.clone(),
                note: i.note.clone(),
                employee_ids: i
                    .employees
                    .iter()
                    .map(|e| lookup(employees, "employee", e))
                    .collect::<Result<_>>()?,
                person_ids: i
                    .people
                    .iter()
                    .map(|p| lookup(&people, "person", p))
                    .collect::<Result<_>>()?,
            })
            .await?;
        summary.interactions += 1;
    }

    for p in &a.improvement_points {
        let point = store
            .set_improvement_point(&ImprovementInput {
                account_id: account.account_id,
                opportunity_id: p
                    .opportunity
                    .as_deref()
                    .map(|o| lookup(&opportunities, "opportunity", o))
                    .transpose()?,
                text: p.text.clone(),
                owner_id: Some(lookup(employees, "employee", &p.owner)?),
                due_on: Some(p.due),
            })
            .await?;
        if let Some(status) = &p.status {
            store
                .update_improvement_point(
                    point.improvement_point_id,
                    ImprovementPatch {
                        status: Some(ImprovementStatus::parse("status", status)?),
                        note: p.note.clone(),
                        on: p.closed_on,
                        ..Default::default()
                    },
                )
                .await?;
        }
    }
    Ok(moves)
}
