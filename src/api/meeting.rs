//! Meeting material over GraphQL: what changed in an account since a day, and the
//! two meetings' reports as Markdown or a self-contained HTML page.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use time::Date;
use uuid::Uuid;

use super::{advice::LangG, context::engine, error::Coded, ids::id};
use crate::{
    engine::{Movement, RelationshipChanges},
    meeting::{self, ReportFormat},
};

/// How meeting material is written.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "ReportFormat", remote = "crate::meeting::ReportFormat")]
pub enum ReportFormatG {
    /// Markdown, for a wiki, a chat or a terminal.
    Markdown,
    /// One self-contained HTML page with the relationship map inside.
    Html,
}

/// Which way a tie's assessment moved.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "Movement", remote = "crate::engine::Movement")]
pub enum MovementG {
    Up,
    Down,
    /// First assessed in the window.
    New,
}

/// A tie whose assessment changed: the latest before the window against the
/// latest in it.
#[derive(SimpleObject)]
pub struct AssessmentChangeG {
    pub relationship_id: ID,
    /// Our employee, the competitor or the customer person holding the tie.
    pub holder: String,
    pub person_id: ID,
    pub person: String,
    /// `ours`, `competitor` or `between_people`.
    pub kind: String,
    pub before: Option<i32>,
    pub after: i32,
    pub movement: MovementG,
    pub on: Date,
    pub note: Option<String>,
    /// For our ties: the strength the scores used the day before this
    /// assessment (the latest one before the window, faded by its age and warmed
    /// by interactions until then), to one decimal; null for a first assessment
    /// and for other ties.
    pub scored_before: Option<f64>,
    /// For our ties: the strength the scores use from this assessment on (the
    /// day it was made, before any fading); null for other ties. A faded 4
    /// re-assessed as 3 moves down as a judgement but up in the scores.
    pub scored_after: Option<f64>,
}

/// Someone who joined or left the account.
#[derive(SimpleObject)]
pub struct PersonMoveG {
    pub person_id: ID,
    pub name: String,
    pub title: Option<String>,
    pub level: String,
    pub department: String,
    pub on: Date,
}

/// A tie of ours (assessed 3+) that fell silent for a half-life within the window.
#[derive(SimpleObject)]
pub struct CooledTieG {
    pub relationship_id: ID,
    pub employee_id: ID,
    pub employee: String,
    pub person_id: ID,
    pub person: String,
    pub assessed: i32,
    pub last_contact: Date,
    pub silent_days: i64,
}

/// One of our employees who left with ties at the account.
#[derive(SimpleObject)]
pub struct EmployeeDepartureG {
    pub employee_id: ID,
    pub name: String,
    pub on: Date,
    /// The people they held ties with here.
    pub ties: Vec<String>,
}

/// What changed in an account's relationships from `since` to today.
pub struct RelationshipChangesG(pub RelationshipChanges);

#[Object(name = "RelationshipChanges")]
impl RelationshipChangesG {
    async fn since(&self) -> Date {
        self.0.since
    }
    async fn until(&self) -> Date {
        self.0.until
    }
    /// Every tie whose assessment moved, newest first.
    async fn assessments(&self) -> Vec<AssessmentChangeG> {
        self.changes(None)
    }
    async fn assessments_up(&self) -> Vec<AssessmentChangeG> {
        self.changes(Some(Movement::Up))
    }
    async fn assessments_down(&self) -> Vec<AssessmentChangeG> {
        self.changes(Some(Movement::Down))
    }
    /// Ties assessed for the first time in the window.
    async fn new_ties(&self) -> Vec<AssessmentChangeG> {
        self.changes(Some(Movement::New))
    }
    /// People whose position at the account began in the window.
    async fn new_people(&self) -> Vec<PersonMoveG> {
        moves(&self.0.new_people)
    }
    async fn ties_gone_cold(&self) -> Vec<CooledTieG> {
        self.0
            .cooled
            .iter()
            .map(|t| CooledTieG {
                relationship_id: id(t.relationship_id),
                employee_id: id(t.employee_id),
                employee: t.employee.clone(),
                person_id: id(t.person_id),
                person: t.person.clone(),
                assessed: t.assessed,
                last_contact: t.last_contact,
                silent_days: t.silent_days,
            })
            .collect()
    }
    /// Customer people whose position at the account ended in the window.
    async fn people_left(&self) -> Vec<PersonMoveG> {
        moves(&self.0.people_left)
    }
    /// The org chart's changes in the window, newest first: promotions, moves
    /// down, new roles, new managers, dotted lines added and ended.
    async fn org_changes(&self) -> Vec<OrgChangeG> {
        self.0
            .org
            .iter()
            .map(|o| OrgChangeG {
                person_id: id(o.person_id),
                person: o.person.clone(),
                kind: o.kind.to_owned(),
                before: o.before.clone(),
                after: o.after.clone(),
                before_level: o.before_level.clone(),
                after_level: o.after_level.clone(),
                on: o.on,
            })
            .collect()
    }
    /// Our employees who left in the window with ties here.
    async fn employees_left(&self) -> Vec<EmployeeDepartureG> {
        self.0
            .employees_left
            .iter()
            .map(|e| EmployeeDepartureG {
                employee_id: id(e.employee_id),
                name: e.name.clone(),
                on: e.on,
                ties: e.ties.clone(),
            })
            .collect()
    }
}

impl RelationshipChangesG {
    fn changes(&self, only: Option<Movement>) -> Vec<AssessmentChangeG> {
        self.0
            .assessments
            .iter()
            .filter(|a| only.is_none_or(|m| a.movement == m))
            .map(|a| AssessmentChangeG {
                relationship_id: id(a.relationship_id),
                holder: a.holder.clone(),
                person_id: id(a.person_id),
                person: a.person.clone(),
                kind: a.kind.to_owned(),
                before: a.before,
                after: a.after,
                movement: a.movement.into(),
                on: a.on,
                note: a.note.clone(),
                scored_before: a.scored_before,
                scored_after: a.scored_after,
            })
            .collect()
    }
}

fn moves(list: &[crate::engine::PersonMove]) -> Vec<PersonMoveG> {
    list.iter()
        .map(|p| PersonMoveG {
            person_id: id(p.person_id),
            name: p.name.clone(),
            title: p.title.clone(),
            level: p.level.clone(),
            department: p.department.clone(),
            on: p.on,
        })
        .collect()
}

/// One change to the org chart.
#[derive(SimpleObject)]
#[graphql(name = "OrgChange")]
pub struct OrgChangeG {
    pub person_id: ID,
    pub person: String,
    /// `promoted`, `moved_down`, `new_role`, `new_manager`,
    /// `dotted_line_added`, `dotted_line_ended`.
    pub kind: String,
    /// The title (position changes) or the manager's name (lines) before.
    pub before: Option<String>,
    pub after: Option<String>,
    /// Level ids before and after, for position changes.
    pub before_level: Option<String>,
    pub after_level: Option<String>,
    pub on: Date,
}

pub(crate) async fn relationship_changes(
    ctx: &Context<'_>,
    account: Uuid,
    since: Date,
    until: Option<Date>,
) -> Result<RelationshipChangesG> {
    Ok(RelationshipChangesG(
        engine(ctx)
            .relationship_changes(account, since, until)
            .await
            .coded()?,
    ))
}

pub(crate) async fn opportunity_report(
    ctx: &Context<'_>,
    opportunity: Uuid,
    format: ReportFormatG,
    lang: LangG,
) -> Result<String> {
    let m = meeting::gather::opportunity_meeting(engine(ctx), opportunity, lang.into())
        .await
        .coded()?;
    Ok(meeting::render_opportunity(&m, ReportFormat::from(format)))
}

pub(crate) async fn planning_report(
    ctx: &Context<'_>,
    account: Uuid,
    since: Date,
    until: Option<Date>,
    format: ReportFormatG,
    lang: LangG,
) -> Result<String> {
    let m = meeting::gather::planning_meeting(engine(ctx), account, since, until, lang.into())
        .await
        .coded()?;
    Ok(meeting::render_planning(&m, ReportFormat::from(format)))
}
