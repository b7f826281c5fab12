//! The domain: what an account team maps, as validated types.
//!
//! Every input passes through a `*Input::validate` here before storage sees it, so
//! the API layer only converts wire types and never judges a value. Vocabulary
//! checks read the loaded [`Methodology`](crate::methodology::Methodology). Records
//! (`Account`, `Person`, ...) are what storage hands back.

mod access;
mod account;
pub mod catalogue;
mod competitor;
pub mod dates;
mod decision_chain;
mod employee;
mod improvement;
mod interaction;
mod kinds;
mod lang;
mod money;
mod name;
mod opportunity;
mod period;
mod person;
mod phrase;
mod relationship;
mod scalar;
pub mod snapshot;
mod support;
mod wording;

pub use access::{ApiToken, Principal, Role, Scope};
pub use account::{Account, AccountInput, AccountPatch, ValidAccount};
pub use competitor::{Competitor, CompetitorInput, CompetitorPatch, ValidCompetitor};
pub use decision_chain::{DecisionChainMember, MemberInput, ValidMember};
pub use employee::{Employee, EmployeeInput, EmployeePatch, ValidEmployee};
pub use improvement::{
    ImprovementInput, ImprovementPatch, ImprovementPoint, ValidImprovement, MAX_POINT_CHARS,
};
pub use interaction::{Interaction, InteractionInput, InteractionPatch, ValidInteraction};
pub use kinds::{
    AssessmentSource, BudgetStatus, EmployeeStatus, ImprovementStatus, LineKind, Outcome,
    RelationshipKind, SupportStatus, TieKind,
};
pub use lang::Lang;
pub use money::{grouped, money, money_zh};
pub use name::{
    is_invisible, likely_same_organisation, look_alike_key, normalise_organisation, person_keys,
    tidy, Name, OrganisationName,
};
pub use opportunity::{
    BudgetInput, CompellingEventInput, Opportunity, OpportunityInput, OpportunityPatch,
    StageChange, TeamMember, TeamMemberInput, ValidOpportunity, MAX_EVENT_CHARS,
};
pub use period::{Period, YearMonth};
pub use person::{
    Person, PersonInput, PersonPatch, Position, ReportingLine, ReportingLineInput, ValidPerson,
    ValidReportingLine,
};
pub use phrase::{Arg, Phrase};
pub use relationship::{Assessment, AssessmentInput, Endpoints, Relationship, ValidAssessment};
pub use scalar::{currency, optional_text, Amount, Attitude, Email, Influence, Phone, Strength};
pub use support::{
    skill_tags, tags, SupportDecision, SupportDecisionInput, SupportRequest, SupportRequestInput,
    SupportRequestPatch, SupportResource, SupportResourceInput, SupportResourcePatch,
    ValidSupportRequest, ValidSupportResource,
};
pub use wording::count;

/// Longest note or description we keep.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Longest title, team or department-like free text.
pub const MAX_SHORT_TEXT: usize = 200;

/// Today's date in UTC, the default for "as of" and "entered on" dates.
/// A day written `YYYY-MM-DD`, as people type it on a command line.
pub fn parse_date(field: &str, s: &str) -> crate::Result<time::Date> {
    time::Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| crate::Error::invalid_said(field, Phrase::new("error-not-a-day").arg("value", s)))
}

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
