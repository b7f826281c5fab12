//! What importers look stored records up by: names, e-mails, external ids, a
//! tie's ends. Each lookup is a named, fixed statement, so the code that reads
//! other systems' files (`crate::transfer`) holds no SQL and cannot run any.

use uuid::Uuid;

use super::Store;
use crate::Result;

/// One of the fixed reads an import resolves references with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// `(account_id, name_key)`
    AccountKeys,
    /// `(account_id, name)`
    AccountNames,
    /// Every account row ([`super::tables::AccountRow`]).
    Accounts,
    /// `(kind, external_key, record_id)` of one external system.
    ExternalIds { system: &'a str },
    /// `(competitor_id, name_key)`
    CompetitorKeys,
    /// `(competitor_id, name)`
    CompetitorNames,
    /// `(employee_id, email)`
    EmployeeEmails,
    /// `(employee_id, name)`
    EmployeeNames,
    /// `(employee_id, departed_on)` of those who left.
    EmployeeDepartures,
    /// `(employee_id, leaving_on)` of those planning to leave.
    EmployeeLeaving,
    /// Every employee row ([`super::tables::EmployeeRow`]).
    Employees,
    /// `(person_id, account_id)`
    PersonAccounts,
    /// `(person_id, account_id, email)` of people with an e-mail.
    PersonEmails,
    /// `(person_id, department, level, title, email, phone)`
    PersonDetails,
    /// `(opportunity_id, account_id)`
    OpportunityAccounts,
    /// `(opportunity_id, budget_status, budget_amount_minor, budget_confirmed_on,
    /// compelling_event, compelling_event_by)`
    OpportunityBudgets,
    /// `(opportunity_id, stage, outcome)`
    OpportunityStages,
    /// `(opportunity_id, note, owner_id, expected_sign_date)`
    OpportunityDetails,
    /// `(opportunity_id, currency)`
    OpportunityCurrencies,
    /// `(interaction_id, account_id)`
    InteractionAccounts,
    /// Every relationship row, to key edges by their ends.
    RelationshipEnds,
    /// `(member_id, opportunity_id, person_id)`
    ChainMembers,
}

impl Lookup<'_> {
    fn sql(self) -> &'static str {
        match self {
            Lookup::AccountKeys => "select account_id, name_key from account",
            Lookup::AccountNames => "select account_id, name from account",
            Lookup::Accounts => "select * from account",
            Lookup::ExternalIds { .. } => {
                "select kind, external_key, record_id from external_id where system = $1"
            }
            Lookup::CompetitorKeys => "select competitor_id, name_key from competitor",
            Lookup::CompetitorNames => "select competitor_id, name from competitor",
            Lookup::EmployeeEmails => "select employee_id, email from employee",
            Lookup::EmployeeNames => "select employee_id, name from employee",
            Lookup::EmployeeDepartures => {
                "select employee_id, departed_on from employee where departed_on is not null"
            }
            Lookup::EmployeeLeaving => {
                "select employee_id, leaving_on from employee where leaving_on is not null"
            }
            Lookup::Employees => "select * from employee",
            Lookup::PersonAccounts => "select person_id, account_id from person",
            Lookup::PersonEmails => {
                "select person_id, account_id, email from person where email is not null"
            }
            Lookup::PersonDetails => {
                "select person_id, department, level, title, email, phone from person"
            }
            Lookup::OpportunityAccounts => "select opportunity_id, account_id from opportunity",
            Lookup::OpportunityBudgets => {
                "select opportunity_id, budget_status, budget_amount_minor, budget_confirmed_on,
                        compelling_event, compelling_event_by from opportunity"
            }
            Lookup::OpportunityStages => "select opportunity_id, stage, outcome from opportunity",
            Lookup::OpportunityDetails => {
                "select opportunity_id, note, owner_id, expected_sign_date from opportunity"
            }
            Lookup::OpportunityCurrencies => "select opportunity_id, currency from opportunity",
            Lookup::InteractionAccounts => "select interaction_id, account_id from interaction",
            Lookup::RelationshipEnds => "select * from relationship",
            Lookup::ChainMembers => {
                "select member_id, opportunity_id, person_id from decision_chain_member"
            }
        }
    }
}

/// What a lookup's rows can be read as on both backends: a tuple of its columns
/// or a row type. Callers outside the store name this, not sqlx.
pub trait Readable:
    Send
    + Unpin
    + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

impl<T> Readable for T where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
}

impl Store {
    /// Every row of one lookup, as `T` (a tuple of its columns, or its row type).
    pub async fn lookup<T: Readable>(&self, what: Lookup<'_>) -> Result<Vec<T>> {
        super::with_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, T>(what.sql());
            if let Lookup::ExternalIds { system } = what {
                q = q.bind(system.to_owned());
            }
            Ok(q.fetch_all(pool).await?)
        })
    }

    /// Account and competitor names by id, for the look-alike check of imports.
    pub async fn organisation_names(&self) -> Result<(Vec<(Uuid, String)>, Vec<(Uuid, String)>)> {
        Ok((
            self.lookup(Lookup::AccountNames).await?,
            self.lookup(Lookup::CompetitorNames).await?,
        ))
    }
}
