//! Input types: wire shapes only. Each converts into a domain input, where every
//! value is judged; ids are parsed here because their format is a wire concern.

use async_graphql::{InputObject, MaybeUndefined, ID};
use time::{Date, OffsetDateTime};

use super::{
    enums::{AssessmentSourceG, BudgetStatusG, EmployeeStatusG, LineKindG, OutcomeG, TieKindG},
    ids::{parse, parse_all, parse_opt},
};
use crate::{
    domain::{
        AccountInput, AccountPatch, AssessmentInput, AssessmentSource, CompetitorInput,
        CompetitorPatch, EmployeeInput, EmployeePatch, EmployeeStatus, InteractionInput,
        InteractionPatch, LineKind, MemberInput, OpportunityInput, OpportunityPatch, Outcome,
        PersonInput, PersonPatch, ReportingLineInput, SupportResourceInput, SupportResourcePatch,
        TeamMemberInput as DomainTeamMember, TieKind,
    },
    Result,
};

#[derive(InputObject)]
pub struct CreateAccountInput {
    /// Full registered name; must differ from every other account's after
    /// normalisation (case, spacing, full-width characters, legal forms).
    pub name: String,
    /// An id from `methodology.vocabularies` `industries`.
    pub industry: String,
    /// An id from `regions`.
    pub region: String,
    /// An id from `tiers`.
    pub tier: String,
    pub owner_team: Option<String>,
}

impl From<CreateAccountInput> for AccountInput {
    fn from(i: CreateAccountInput) -> Self {
        AccountInput {
            name: i.name,
            industry: i.industry,
            region: i.region,
            tier: i.tier,
            owner_team: i.owner_team,
        }
    }
}

/// Fields left out keep their value; an empty `ownerTeam` clears it.
#[derive(InputObject)]
pub struct UpdateAccountInput {
    /// The `revision` of the record as you read it: when someone has changed it
    /// since, nothing is written and the answer is `CONFLICT` with the current
    /// record in `extensions.current`. Leave it out only for blind writes.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub owner_team: Option<String>,
}

impl From<UpdateAccountInput> for AccountPatch {
    fn from(i: UpdateAccountInput) -> Self {
        AccountPatch {
            expected_revision: i.expected_revision,
            name: i.name,
            industry: i.industry,
            region: i.region,
            tier: i.tier,
            owner_team: i.owner_team,
        }
    }
}

#[derive(InputObject)]
pub struct CreatePersonInput {
    pub account_id: ID,
    /// As written; Chinese names family name first, no spaces.
    pub name: String,
    pub title: Option<String>,
    /// An id from `departments`.
    pub department: String,
    /// An id from `levels`.
    pub level: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Solid-line manager, a person of the same account.
    pub reports_to_id: Option<ID>,
    /// When the position began; today if left out.
    pub since: Option<Date>,
}

impl CreatePersonInput {
    pub(crate) fn into_domain(self) -> Result<PersonInput> {
        Ok(PersonInput {
            account_id: parse("accountId", &self.account_id)?,
            name: self.name,
            title: self.title,
            department: self.department,
            level: self.level,
            email: self.email,
            phone: self.phone,
            reports_to: parse_opt("reportsToId", &self.reports_to_id)?,
            since: self.since,
        })
    }
}

/// Fields left out keep their value. Changing account, title, department or level
/// closes the current position on `since` (today by default) and opens a new one.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The `revision` of the record as you read it: when someone has changed it
    /// since, nothing is written and the answer is `CONFLICT` with the current
    /// record in `extensions.current`. Leave it out only for blind writes.
    pub expected_revision: Option<i64>,
    /// Moving the person to another account; their history stays where it happened.
    pub account_id: Option<ID>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub level: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub since: Option<Date>,
}

impl UpdatePersonInput {
    pub(crate) fn into_domain(self) -> Result<PersonPatch> {
        Ok(PersonPatch {
            expected_revision: self.expected_revision,
            account_id: parse_opt("accountId", &self.account_id)?,
            name: self.name,
            title: self.title,
            department: self.department,
            level: self.level,
            email: self.email,
            phone: self.phone,
            since: self.since,
        })
    }
}

#[derive(InputObject)]
pub struct SetReportingLineInput {
    pub person_id: ID,
    pub manager_id: ID,
    /// A new solid line replaces the current one from `validFrom`; dotted lines add up.
    #[graphql(default_with = "LineKindG::Solid")]
    pub kind: LineKindG,
    /// Today if left out.
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

impl SetReportingLineInput {
    pub(crate) fn into_domain(self) -> Result<ReportingLineInput> {
        Ok(ReportingLineInput {
            person_id: parse("personId", &self.person_id)?,
            manager_id: parse("managerId", &self.manager_id)?,
            kind: LineKind::from(self.kind).as_str().to_owned(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        })
    }
}

#[derive(InputObject)]
pub struct CreateEmployeeInput {
    pub name: String,
    /// Unique; used to match calendar attendees.
    pub email: String,
    /// An id from `employee_roles`.
    pub role: String,
    pub team: Option<String>,
    #[graphql(default_with = "EmployeeStatusG::Active")]
    pub status: EmployeeStatusG,
    /// Required sense: a departed employee has a departure date (today if left out).
    pub departed_on: Option<Date>,
    /// Support engagements per month this person can take on across every support
    /// resource they stand behind (0..1000); no limit if left out.
    pub support_limit: Option<i64>,
    /// The day they leave, when planned: active until then; the coaching asks them
    /// to hand over their ties before it.
    pub leaving_on: Option<Date>,
}

impl From<CreateEmployeeInput> for EmployeeInput {
    fn from(i: CreateEmployeeInput) -> Self {
        EmployeeInput {
            name: i.name,
            email: i.email,
            role: i.role,
            team: i.team,
            status: EmployeeStatus::from(i.status).as_str().to_owned(),
            departed_on: i.departed_on,
            support_limit: i.support_limit,
            leaving_on: i.leaving_on,
        }
    }
}

/// Fields left out keep their value. Setting `status: DEPARTED` records a departure.
#[derive(InputObject)]
pub struct UpdateEmployeeInput {
    /// The `revision` of the record as you read it: when someone has changed it
    /// since, nothing is written and the answer is `CONFLICT` with the current
    /// record in `extensions.current`. Leave it out only for blind writes.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub team: Option<String>,
    pub status: Option<EmployeeStatusG>,
    pub departed_on: Option<Date>,
    /// Null clears the limit; left out keeps it.
    pub support_limit: MaybeUndefined<i64>,
    /// A planned leaving day; null clears it (they stay), left out keeps it.
    pub leaving_on: MaybeUndefined<Date>,
}

impl From<UpdateEmployeeInput> for EmployeePatch {
    fn from(i: UpdateEmployeeInput) -> Self {
        EmployeePatch {
            expected_revision: i.expected_revision,
            name: i.name,
            email: i.email,
            role: i.role,
            team: i.team,
            status: i
                .status
                .map(|s| EmployeeStatus::from(s).as_str().to_owned()),
            departed_on: i.departed_on,
            support_limit: match i.support_limit {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(v) => Some(Some(v)),
            },
            leaving_on: match i.leaving_on {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(v) => Some(Some(v)),
            },
        }
    }
}

#[derive(InputObject)]
pub struct CreateCompetitorInput {
    /// Unique after normalisation, like account names.
    pub name: String,
    pub note: Option<String>,
}

impl From<CreateCompetitorInput> for CompetitorInput {
    fn from(i: CreateCompetitorInput) -> Self {
        CompetitorInput {
            name: i.name,
            note: i.note,
        }
    }
}

#[derive(InputObject)]
pub struct UpdateCompetitorInput {
    /// The `revision` of the record as you read it: when someone has changed it
    /// since, nothing is written and the answer is `CONFLICT` with the current
    /// record in `extensions.current`. Leave it out only for blind writes.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub note: Option<String>,
}

impl From<UpdateCompetitorInput> for CompetitorPatch {
    fn from(i: UpdateCompetitorInput) -> Self {
        CompetitorPatch {
            expected_revision: i.expected_revision,
            name: i.name,
            note: i.note,
        }
    }
}

/// One of our employees on a deal.
#[derive(InputObject)]
pub struct TeamMemberInput {
    pub employee_id: ID,
    /// Their part on this deal: an id from `employee_roles` (ar, sr, fr, expert...).
    pub role: String,
}

fn team(members: Option<Vec<TeamMemberInput>>) -> Result<Option<Vec<DomainTeamMember>>> {
    members
        .map(|members| {
            members
                .into_iter()
                .enumerate()
                .map(|(i, m)| {
                    Ok(DomainTeamMember {
                        employee_id: parse(&format!("team[{i}].employeeId"), &m.employee_id)?,
                        role: m.role,
                    })
                })
                .collect()
        })
        .transpose()
}

#[derive(InputObject)]
pub struct CreateOpportunityInput {
    pub account_id: ID,
    pub name: String,
    /// In major units of `currency`; not negative.
    pub amount: f64,
    /// ISO 4217 code from `currencies` (CNY, USD...).
    pub currency: String,
    /// A stage id from `methodology.stages`.
    pub stage: String,
    pub expected_sign_date: Option<Date>,
    #[graphql(default_with = "OutcomeG::Open")]
    pub outcome: OutcomeG,
    /// The employee who owns the deal.
    pub owner_id: Option<ID>,
    /// Competitors in play.
    pub competitor_ids: Option<Vec<ID>>,
    /// Our team on the deal.
    pub team: Option<Vec<TeamMemberInput>>,
    pub note: Option<String>,
    /// When the stage was entered; today if left out.
    pub changed_on: Option<Date>,
    /// The employee who recorded it.
    pub changed_by: Option<ID>,
    /// The customer's budget for it; unknown if left out.
    pub budget: Option<BudgetInputG>,
    /// What makes the customer act by a date.
    pub compelling_event: Option<CompellingEventInputG>,
}

/// The customer's budget for a deal: "is there an opportunity?" reads it.
#[derive(InputObject)]
#[graphql(name = "BudgetInput")]
pub struct BudgetInputG {
    pub status: Option<BudgetStatusG>,
    /// In major units of the deal's currency; not negative.
    pub amount: Option<f64>,
    /// When it was confirmed (only for a CONFIRMED budget; not in the future).
    pub confirmed_on: Option<Date>,
}

/// What makes the customer act by a date (a regulation, a go-live, a tender).
#[derive(InputObject)]
#[graphql(name = "CompellingEventInput")]
pub struct CompellingEventInputG {
    /// Up to 200 characters.
    pub what: Option<String>,
    pub by: Option<Date>,
}

fn budget_input(b: Option<BudgetInputG>) -> Option<crate::domain::BudgetInput> {
    b.map(|b| crate::domain::BudgetInput {
        status: b
            .status
            .map(|s| crate::domain::BudgetStatus::from(s).as_str().to_owned()),
        amount: b.amount,
        confirmed_on: b.confirmed_on,
    })
}

fn event_input(e: Option<CompellingEventInputG>) -> Option<crate::domain::CompellingEventInput> {
    e.map(|e| crate::domain::CompellingEventInput {
        what: e.what,
        by: e.by,
    })
}

impl CreateOpportunityInput {
    pub(crate) fn into_domain(self) -> Result<OpportunityInput> {
        Ok(OpportunityInput {
            account_id: parse("accountId", &self.account_id)?,
            name: self.name,
            amount: self.amount,
            currency: self.currency,
            stage: self.stage,
            expected_sign_date: self.expected_sign_date,
            outcome: Some(Outcome::from(self.outcome).as_str().to_owned()),
            owner_id: parse_opt("ownerId", &self.owner_id)?,
            competitor_ids: self
                .competitor_ids
                .map(|ids| parse_all("competitorIds", &ids))
                .transpose()?,
            team: team(self.team)?,
            note: self.note,
            changed_on: self.changed_on,
            changed_by: parse_opt("changedBy", &self.changed_by)?,
            override_reason: None,
            budget: budget_input(self.budget),
            compelling_event: event_input(self.compelling_event),
        })
    }
}

/// Fields left out keep their value. A new stage or outcome adds a line to the
/// history, dated `changedOn` (today by default). `competitorIds` and `team` replace
/// their lists.
#[derive(InputObject)]
pub struct UpdateOpportunityInput {
    /// The `revision` of the record as you read it: when someone has changed it
    /// since, nothing is written and the answer is `CONFLICT` with the current
    /// record in `extensions.current`. Leave it out only for blind writes.
    pub expected_revision: Option<i64>,
    pub name: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub stage: Option<String>,
    pub expected_sign_date: Option<Date>,
    pub outcome: Option<OutcomeG>,
    pub owner_id: Option<ID>,
    pub competitor_ids: Option<Vec<ID>>,
    pub team: Option<Vec<TeamMemberInput>>,
    pub note: Option<String>,
    pub changed_on: Option<Date>,
    pub changed_by: Option<ID>,
    /// The customer's budget; fields left out keep what was recorded.
    pub budget: Option<BudgetInputG>,
    /// The compelling event; fields left out keep what was recorded.
    pub compelling_event: Option<CompellingEventInputG>,
}

impl UpdateOpportunityInput {
    pub(crate) fn into_domain(self) -> Result<OpportunityPatch> {
        Ok(OpportunityPatch {
            expected_revision: self.expected_revision,
            name: self.name,
            amount: self.amount,
            currency: self.currency,
            stage: self.stage,
            expected_sign_date: self.expected_sign_date,
            outcome: self.outcome.map(|o| Outcome::from(o).as_str().to_owned()),
            owner_id: parse_opt("ownerId", &self.owner_id)?,
            competitor_ids: self
                .competitor_ids
                .map(|ids| parse_all("competitorIds", &ids))
                .transpose()?,
            team: team(self.team)?,
            note: self.note,
            changed_on: self.changed_on,
            changed_by: parse_opt("changedBy", &self.changed_by)?,
            override_reason: None,
            budget: budget_input(self.budget),
            compelling_event: event_input(self.compelling_event),
        })
    }
}

#[derive(InputObject)]
pub struct DecisionChainMemberInput {
    /// A person of the opportunity's account.
    pub person_id: ID,
    /// An id from `buying_roles`.
    pub buying_role: String,
    /// 1..5; leave out to let the graph engine derive it from the org chart.
    pub influence: Option<i64>,
    /// -2 opponent .. +2 champion; neutral if left out.
    pub attitude: Option<i64>,
    pub favoured_competitor_id: Option<ID>,
    pub note: Option<String>,
    /// The deal's primary contact (at most one member); not if left out.
    pub primary: Option<bool>,
}

impl DecisionChainMemberInput {
    pub(crate) fn into_domain(self, i: usize) -> Result<MemberInput> {
        Ok(MemberInput {
            person_id: parse(&format!("members[{i}].personId"), &self.person_id)?,
            buying_role: self.buying_role,
            influence: self.influence,
            attitude: self.attitude,
            favoured_competitor_id: parse_opt(
                &format!("members[{i}].favouredCompetitorId"),
                &self.favoured_competitor_id,
            )?,
            note: self.note,
            primary: self.primary,
        })
    }
}

/// Give one pair of ends: `employeeId`+`personId` (our tie), `personId`+
/// `otherPersonId` (a customer-side tie), `competitorId`+`personId` (a
/// competitor's tie) or `employeeId`+`otherEmployeeId` (between colleagues).
#[derive(InputObject)]
pub struct AssessRelationshipInput {
    pub employee_id: Option<ID>,
    pub person_id: Option<ID>,
    pub other_person_id: Option<ID>,
    pub competitor_id: Option<ID>,
    pub other_employee_id: Option<ID>,
    /// For person–person ties; `INFLUENCES` if left out.
    pub tie: Option<TieKindG>,
    /// 0 none, 1 knows the name, 2 has met, 3 trusts and shares, 4 supports us, 5 coach.
    pub strength: i64,
    pub note: Option<String>,
    /// `JUDGEMENT` if left out.
    pub source: Option<AssessmentSourceG>,
    /// The employee making the judgement.
    pub assessed_by: Option<ID>,
    /// When the judgement was made; now if left out.
    pub assessed_at: Option<OffsetDateTime>,
}

impl AssessRelationshipInput {
    pub(crate) fn into_domain(self) -> Result<AssessmentInput> {
        Ok(AssessmentInput {
            employee_id: parse_opt("employeeId", &self.employee_id)?,
            person_id: parse_opt("personId", &self.person_id)?,
            other_person_id: parse_opt("otherPersonId", &self.other_person_id)?,
            competitor_id: parse_opt("competitorId", &self.competitor_id)?,
            other_employee_id: parse_opt("otherEmployeeId", &self.other_employee_id)?,
            tie: self.tie.map(|t| TieKind::from(t).as_str().to_owned()),
            strength: self.strength,
            note: self.note,
            source: self
                .source
                .map(|s| AssessmentSource::from(s).as_str().to_owned()),
            assessed_by: parse_opt("assessedBy", &self.assessed_by)?,
            assessed_at: self.assessed_at,
        })
    }
}

#[derive(InputObject)]
pub struct RecordInteractionInput {
    pub account_id: ID,
    pub opportunity_id: Option<ID>,
    /// An id from `interaction_kinds`.
    pub kind: String,
    /// Today if left out.
    pub occurred_on: Option<Date>,
    pub subject: Option<String>,
    pub note: Option<String>,
    /// Our participants (at least one).
    pub employee_ids: Vec<ID>,
    /// Customer participants at the account (at least one).
    pub person_ids: Vec<ID>,
}

impl RecordInteractionInput {
    pub(crate) fn into_domain(self) -> Result<InteractionInput> {
        Ok(InteractionInput {
            account_id: parse("accountId", &self.account_id)?,
            opportunity_id: parse_opt("opportunityId", &self.opportunity_id)?,
            kind: self.kind,
            occurred_on: self.occurred_on,
            subject: self.subject,
            note: self.note,
            employee_ids: parse_all("employeeIds", &self.employee_ids)?,
            person_ids: parse_all("personIds", &self.person_ids)?,
        })
    }
}

/// Fields left out keep their value; participant lists replace the current ones.
#[derive(InputObject)]
pub struct UpdateInteractionInput {
    pub opportunity_id: Option<ID>,
    pub kind: Option<String>,
    pub occurred_on: Option<Date>,
    pub subject: Option<String>,
    pub note: Option<String>,
    pub employee_ids: Option<Vec<ID>>,
    pub person_ids: Option<Vec<ID>>,
}

impl UpdateInteractionInput {
    pub(crate) fn into_domain(self) -> Result<InteractionPatch> {
        Ok(InteractionPatch {
            opportunity_id: parse_opt("opportunityId", &self.opportunity_id)?,
            kind: self.kind,
            occurred_on: self.occurred_on,
            subject: self.subject,
            note: self.note,
            employee_ids: self
                .employee_ids
                .map(|ids| parse_all("employeeIds", &ids))
                .transpose()?,
            person_ids: self
                .person_ids
                .map(|ids| parse_all("personIds", &ids))
                .transpose()?,
        })
    }
}

#[derive(InputObject)]
pub struct CreateSupportResourceInput {
    pub name: String,
    /// An id from `support_resource_kinds`.
    pub kind: String,
    /// Units available per period, 0..100000.
    pub capacity: i64,
    pub unit: Option<String>,
    pub employee_id: Option<ID>,
    /// Industry ids it serves; every industry if left out or empty. A deal of
    /// another industry values it less (support.toml `industry_mismatch_factor`).
    pub industries: Option<Vec<String>>,
    /// Skill tags it brings; a request needing a skill it lacks is not served by it.
    pub skills: Option<Vec<String>>,
}

impl CreateSupportResourceInput {
    pub(crate) fn into_domain(self) -> Result<SupportResourceInput> {
        Ok(SupportResourceInput {
            name: self.name,
            kind: self.kind,
            capacity: self.capacity,
            unit: self.unit,
            employee_id: parse_opt("employeeId", &self.employee_id)?,
            industries: self.industries.unwrap_or_default(),
            skills: self.skills.unwrap_or_default(),
        })
    }
}

#[derive(InputObject)]
pub struct UpdateSupportResourceInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub capacity: Option<i64>,
    pub unit: Option<String>,
    pub employee_id: Option<ID>,
    /// Replaces the industries it serves (empty: every industry).
    pub industries: Option<Vec<String>>,
    /// Replaces the skills it brings.
    pub skills: Option<Vec<String>>,
}

impl UpdateSupportResourceInput {
    pub(crate) fn into_domain(self) -> Result<SupportResourcePatch> {
        Ok(SupportResourcePatch {
            name: self.name,
            kind: self.kind,
            capacity: self.capacity,
            unit: self.unit,
            employee_id: parse_opt("employeeId", &self.employee_id)?,
            industries: self.industries,
            skills: self.skills,
        })
    }
}
