//! Reading one account's graph inputs in one consistent snapshot.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{Backend, Store};
use crate::{
    domain::snapshot::{
        AnswerState, CompetitorNode, Contact, EmployeeNode, GraphData, GraphVersion, LineEdge,
        MemberNode, OpportunityNode, PersonNode, StepState, TieEdge, TieEnds,
    },
    Error, Result,
};

/// A decision-chain row: opportunity, person, role, influence, attitude, favoured competitor.
type MemberRow = (Uuid, Uuid, String, Option<i32>, i32, Option<Uuid>, bool);

/// An opportunity row: id, name, stage, outcome, amount, currency, expected sign
/// date, owner, stage entered, competitors in play.
type OpportunityRow = (
    Uuid,
    String,
    String,
    String,
    i64,
    String,
    Option<Date>,
    Option<Uuid>,
    Option<Date>,
    i64,
    String,
    Option<i64>,
    Option<Date>,
    Option<String>,
    Option<Date>,
    String,
);

/// People now at other accounts that the account's person–person ties (either
/// way) or decision chains reach; `$1` is the account.
const OUTSIDERS: &str = "select q.person_id from person q where q.account_id <> $1 and q.person_id in (
        select other_person_id from relationship where account_id = $1 and other_person_id is not null
        union select person_id from relationship where account_id = $1 and other_person_id is not null
        union select r.person_id from relationship r join person x on x.person_id = r.other_person_id
              where x.account_id = $1
        union select r.other_person_id from relationship r join person x on x.person_id = r.person_id
              where r.other_person_id is not null and x.account_id = $1
        union select person_id from decision_chain_member where account_id = $1)";

type RelationshipRow = (
    Uuid,
    String,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    Option<String>,
    i32,
    OffsetDateTime,
);

fn tie(row: RelationshipRow) -> Option<TieEdge> {
    let (
        relationship_id,
        kind,
        employee,
        person,
        other_person,
        competitor,
        other_employee,
        tie,
        strength,
        at,
    ) = row;
    let ends = match (kind.as_str(), tie.as_deref()) {
        ("employee_person", _) => TieEnds::EmployeePerson {
            employee: employee?,
            person: person?,
        },
        ("person_person", Some("informal")) => TieEnds::Informal {
            a: person?,
            b: other_person?,
        },
        ("person_person", _) => TieEnds::Influences {
            from: person?,
            to: other_person?,
        },
        ("competitor_person", _) => TieEnds::CompetitorPerson {
            competitor: competitor?,
            person: person?,
        },
        ("employee_employee", _) => TieEnds::EmployeeEmployee {
            a: employee?,
            b: other_employee?,
        },
        _ => return None,
    };
    Some(TieEdge {
        relationship_id,
        ends,
        strength,
        assessed_on: at.date(),
    })
}

/// The reads, compiled once per backend inside a snapshot transaction.
macro_rules! read_graph {
    ($tx:ident, $account_id:expr, $as_of:expr) => {{
        let account: Option<(String, i64, String)> =
            sqlx::query_as("select name, version, tier from account where account_id = $1")
                .bind($account_id)
                .fetch_optional(&mut *$tx)
                .await?;
        let (account_name, account_version, tier) =
            account.ok_or_else(|| Error::not_found("account", $account_id))?;
        let org: i64 = sqlx::query_scalar("select version from org_version where org_version_id = 1")
            .fetch_one(&mut *$tx)
            .await?;
        let people: Vec<(Uuid, String, Option<String>, String, String)> = sqlx::query_as(
            "select person_id, name, title, department, level from person where account_id = $1
             order by name, person_id",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let lines: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
            "select person_id, manager_id, kind from reporting_line
             where account_id = $1 and valid_from <= $2 and (valid_to is null or valid_to > $2)",
        )
        .bind($account_id)
        .bind($as_of)
        .fetch_all(&mut *$tx)
        .await?;
        // Two indexed reads: with `or` in one condition SQLite scanned every
        // relationship of every account (42 s to score a 1M-edge portfolio).
        // Ties between our own employees are in no account.
        let relationships: Vec<RelationshipRow> = sqlx::query_as(
            "select relationship_id, kind, employee_id, person_id, other_person_id, competitor_id,
                    other_employee_id, tie, strength, assessed_at
             from relationship where account_id = $1
             union all
             select relationship_id, kind, employee_id, person_id, other_person_id, competitor_id,
                    other_employee_id, tie, strength, assessed_at
             from relationship where account_id is null and kind = 'employee_employee'",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        // Ties across accounts: person–person ties filed elsewhere with one end
        // here, and our ties to the people at other accounts those reach (doors).
        let mut relationships = relationships;
        let crossing: Vec<RelationshipRow> = sqlx::query_as(&format!(
            "select r.relationship_id, r.kind, r.employee_id, r.person_id, r.other_person_id, r.competitor_id,
                    r.other_employee_id, r.tie, r.strength, r.assessed_at
             from relationship r join person p on p.person_id = r.other_person_id
             where p.account_id = $1 and r.account_id <> $1
             union all
             select r.relationship_id, r.kind, r.employee_id, r.person_id, r.other_person_id, r.competitor_id,
                    r.other_employee_id, r.tie, r.strength, r.assessed_at
             from relationship r join person p on p.person_id = r.person_id
             where r.other_person_id is not null and p.account_id = $1 and r.account_id <> $1
               and r.other_person_id not in (select person_id from person where account_id = $1)
             union all
             select r.relationship_id, r.kind, r.employee_id, r.person_id, r.other_person_id, r.competitor_id,
                    r.other_employee_id, r.tie, r.strength, r.assessed_at
             from relationship r
             where r.employee_id is not null and r.account_id <> $1 and r.person_id in ({OUTSIDERS})"
        ))
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        relationships.extend(crossing);
        let outsiders: Vec<(Uuid, String, String)> = sqlx::query_as(&format!(
            "select p.person_id, p.name, a.name from person p join account a on a.account_id = p.account_id
             where p.person_id in ({OUTSIDERS}) order by p.name, p.person_id"
        ))
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let employees: Vec<(Uuid, String, String, String, Option<Date>)> =
            sqlx::query_as("select employee_id, name, role, status, leaving_on from employee order by name, employee_id")
                .fetch_all(&mut *$tx)
                .await?;
        let competitors: Vec<(Uuid, String)> = sqlx::query_as(
            "select competitor_id, name from competitor where competitor_id in (
                 select competitor_id from relationship where account_id = $1 and competitor_id is not null
                 union select competitor_id from opportunity_competitor where account_id = $1
                 union select favoured_competitor_id from decision_chain_member
                       where account_id = $1 and favoured_competitor_id is not null)
             order by name_key",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let contacts: Vec<(Uuid, Uuid, Uuid, Date)> = sqlx::query_as(
            "select i.interaction_id, ie.employee_id, ip.person_id, i.occurred_on
             from interaction i
             join interaction_employee ie on ie.interaction_id = i.interaction_id
             join interaction_person ip on ip.interaction_id = i.interaction_id
             where i.account_id = $1",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let opportunities: Vec<OpportunityRow> = sqlx::query_as(
            "select o.opportunity_id, o.name, o.stage, o.outcome, o.amount_minor, o.currency,
                    o.expected_sign_date, o.owner_id,
                    (select max(entered_on) from stage_change s where s.opportunity_id = o.opportunity_id),
                    (select count(*) from opportunity_competitor c where c.opportunity_id = o.opportunity_id),
                    o.budget_status, o.budget_amount_minor, o.budget_confirmed_on,
                    o.compelling_event, o.compelling_event_by, o.methodology_version
             from opportunity o where o.account_id = $1
             order by o.created_at, o.opportunity_id",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        // The latest tick per step, answer per question and tick per plan item.
        let steps: Vec<(Uuid, String, String, bool)> = sqlx::query_as(
            "select t.opportunity_id, t.stage, t.step_id, t.done from win_step_tick t
             where t.account_id = $1 and t.ticked_at = (
                 select max(u.ticked_at) from win_step_tick u
                 where u.opportunity_id = t.opportunity_id and u.stage = t.stage and u.step_id = t.step_id)",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let answers: Vec<(Uuid, String, String)> = sqlx::query_as(
            "select a.opportunity_id, a.question_id, a.answer from qualification_answer a
             where a.account_id = $1 and a.answered_at = (
                 select max(b.answered_at) from qualification_answer b
                 where b.opportunity_id = a.opportunity_id and b.question_id = a.question_id)",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let plan_ticks: Vec<(String, bool)> = sqlx::query_as(
            "select t.item_id, t.done from plan_item_tick t
             where t.account_id = $1 and t.ticked_at = (
                 select max(u.ticked_at) from plan_item_tick u
                 where u.account_id = t.account_id and u.item_id = t.item_id)",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let members: Vec<MemberRow> = sqlx::query_as(
            "select opportunity_id, person_id, buying_role, influence, attitude, favoured_competitor_id, is_primary
             from decision_chain_member where account_id = $1 order by person_id",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let team: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
            // By part, then name: who of the team takes over never depends on
            // when a record was made.
            "select t.opportunity_id, t.employee_id, t.role from opportunity_team_member t
             join employee e on e.employee_id = t.employee_id
             where t.account_id = $1 order by t.opportunity_id, t.role, e.name, t.employee_id",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        let support: Vec<(Uuid, String, String)> = sqlx::query_as(
            "select opportunity_id, kind, status from support_request where account_id = $1
             order by created_at, support_request_id",
        )
        .bind($account_id)
        .fetch_all(&mut *$tx)
        .await?;
        RawGraph {
            support,
            outsiders,
            account_name,
            tier,
            steps,
            answers,
            plan_ticks,
            version: GraphVersion { account: account_version, org },
            people,
            lines,
            relationships,
            employees,
            competitors,
            contacts,
            opportunities,
            members,
            team,
        }
    }};
}

struct RawGraph {
    support: Vec<(Uuid, String, String)>,
    outsiders: Vec<(Uuid, String, String)>,
    account_name: String,
    tier: String,
    steps: Vec<(Uuid, String, String, bool)>,
    answers: Vec<(Uuid, String, String)>,
    plan_ticks: Vec<(String, bool)>,
    version: GraphVersion,
    people: Vec<(Uuid, String, Option<String>, String, String)>,
    lines: Vec<(Uuid, Uuid, String)>,
    relationships: Vec<RelationshipRow>,
    employees: Vec<(Uuid, String, String, String, Option<Date>)>,
    competitors: Vec<(Uuid, String)>,
    contacts: Vec<(Uuid, Uuid, Uuid, Date)>,
    opportunities: Vec<OpportunityRow>,
    members: Vec<MemberRow>,
    team: Vec<(Uuid, Uuid, String)>,
}

impl Store {
    /// The current versions of an account's graph inputs, without reading them.
    /// Every reachable account's graph version in one read: a page over many
    /// accounts (the pipeline) checks its cached graphs with this instead of one
    /// read per account.
    pub async fn graph_versions(&self) -> Result<std::collections::HashMap<Uuid, GraphVersion>> {
        super::with_pool!(self, pool => {
            let rows: Vec<(Uuid, i64, i64)> = sqlx::query_as(
                "select a.account_id, a.version, o.version from account a, org_version o
                 where o.org_version_id = 1",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .filter(|(a, _, _)| self.scope().allows(*a))
                .map(|(a, account, org)| (a, GraphVersion { account, org }))
                .collect())
        })
    }

    pub async fn graph_version(&self, account_id: Uuid) -> Result<Option<GraphVersion>> {
        super::with_pool!(self, pool => {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "select a.version, o.version from account a, org_version o
                 where a.account_id = $1 and o.org_version_id = 1",
            )
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
            Ok(row
                .filter(|_| self.scope().allows(account_id))
                .map(|(account, org)| GraphVersion { account, org }))
        })
    }

    /// Reads everything the graph engine needs for one account, as of a date (for
    /// reporting lines), in one snapshot so the version matches the data.
    #[tracing::instrument(skip(self))]
    pub async fn graph_data(&self, account_id: Uuid, as_of: Date) -> Result<GraphData> {
        self.reach("account", account_id, account_id)?;
        let raw = match &self.backend {
            Backend::Sqlite(pool) => {
                // In WAL mode a read transaction sees one snapshot from its first read.
                let mut tx = pool.begin().await?;
                let raw = read_graph!(tx, account_id, as_of);
                tx.commit().await?;
                raw
            }
            Backend::Postgres(pool) => {
                let mut tx = pool
                    .begin_with("begin isolation level repeatable read read only")
                    .await?;
                let raw = read_graph!(tx, account_id, as_of);
                tx.commit().await?;
                raw
            }
        };
        Ok(assemble(account_id, raw))
    }
}

fn assemble(account_id: Uuid, raw: RawGraph) -> GraphData {
    let mut opportunities: Vec<OpportunityNode> = raw
        .opportunities
        .into_iter()
        .map(
            |(
                id,
                name,
                stage,
                outcome,
                amount,
                currency,
                expected_sign_date,
                owner,
                stage_entered,
                competitors,
                budget,
                budget_amount,
                budget_confirmed_on,
                event,
                event_by,
                methodology_version,
            )| {
                OpportunityNode {
                    id,
                    name,
                    stage,
                    open: outcome == "open",
                    won: outcome == "won",
                    amount: amount as f64 / 100.0,
                    currency,
                    expected_sign_date,
                    owner,
                    stage_entered,
                    competitors_in_play: usize::try_from(competitors).unwrap_or(0),
                    qualifying: crate::domain::snapshot::Qualifying {
                        budget: crate::domain::BudgetStatus::parse("budget_status", &budget)
                            .unwrap_or_default(),
                        budget_amount: budget_amount.map(|m| m as f64 / 100.0),
                        budget_confirmed_on,
                        event,
                        event_by,
                    },
                    members: Vec::new(),
                    team: Vec::new(),
                    methodology_version,
                }
            },
        )
        .collect();
    let position: std::collections::HashMap<Uuid, usize> = opportunities
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id, i))
        .collect();
    for (opportunity, person, buying_role, influence, attitude, favoured, primary) in raw.members {
        if let Some(&i) = position.get(&opportunity) {
            opportunities[i].members.push(MemberNode {
                person,
                buying_role,
                influence,
                attitude,
                favoured_competitor: favoured,
                primary,
            });
        }
    }
    for (opportunity, employee, role) in raw.team {
        if let Some(&i) = position.get(&opportunity) {
            opportunities[i].team.push((employee, role));
        }
    }
    GraphData {
        account_id,
        account_name: raw.account_name,
        tier: raw.tier,
        win_steps: raw
            .steps
            .into_iter()
            .map(|(opportunity, stage, step, done)| StepState {
                opportunity,
                stage,
                step,
                done,
            })
            .collect(),
        answers: raw
            .answers
            .into_iter()
            .map(|(opportunity, question, answer)| AnswerState {
                opportunity,
                question,
                answer,
            })
            .collect(),
        plan_ticks: raw.plan_ticks,
        support: raw.support,
        outsiders: raw
            .outsiders
            .into_iter()
            .map(|(id, name, account)| crate::domain::snapshot::OutsiderNode { id, name, account })
            .collect(),
        version: raw.version,
        people: raw
            .people
            .into_iter()
            .map(|(id, name, title, department, level)| PersonNode {
                id,
                name,
                title,
                department,
                level,
            })
            .collect(),
        lines: raw
            .lines
            .into_iter()
            .map(|(person, manager, kind)| LineEdge {
                person,
                manager,
                dotted: kind == "dotted",
            })
            .collect(),
        employees: raw
            .employees
            .into_iter()
            .map(|(id, name, role, status, leaving_on)| EmployeeNode {
                id,
                name,
                role,
                // Someone whose leaving day has come is gone, as if departed.
                active: status == "active" && leaving_on.is_none_or(|d| d > crate::domain::today()),
                leaving_on,
            })
            .collect(),
        competitors: raw
            .competitors
            .into_iter()
            .map(|(id, name)| CompetitorNode { id, name })
            .collect(),
        ties: raw.relationships.into_iter().filter_map(tie).collect(),
        contacts: raw
            .contacts
            .into_iter()
            .map(|(interaction_id, employee, person, on)| Contact {
                interaction_id,
                employee,
                person,
                on,
            })
            .collect(),
        opportunities,
    }
}
