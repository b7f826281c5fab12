//! GraphQL faces of the product's fixed enumerations (the domain owns the values).

use async_graphql::Enum;

/// Where a deal ended up.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "Outcome", remote = "crate::domain::Outcome")]
pub enum OutcomeG {
    /// Still being worked.
    Open,
    Won,
    Lost,
}

/// Whether the customer's budget for a deal is confirmed.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "BudgetStatus", remote = "crate::domain::BudgetStatus")]
pub enum BudgetStatusG {
    /// Approved and allocated.
    Confirmed,
    /// Known of, but not approved, or frozen.
    Unconfirmed,
    /// Not found out yet.
    Unknown,
}

/// Whether an employee is still with us. Departed employees keep their history
/// but carry no relationship weight.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "EmployeeStatus", remote = "crate::domain::EmployeeStatus")]
pub enum EmployeeStatusG {
    Active,
    Departed,
}

/// A solid (primary) or dotted (secondary) reporting line.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "LineKind", remote = "crate::domain::LineKind")]
pub enum LineKindG {
    Solid,
    Dotted,
}

/// What the two ends of a relationship are.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "RelationshipKind", remote = "crate::domain::RelationshipKind")]
pub enum RelationshipKindG {
    /// One of our employees and a customer person.
    EmployeePerson,
    /// Two customer people.
    PersonPerson,
    /// A competitor and a customer person.
    CompetitorPerson,
    /// Two of our employees (for introductions).
    EmployeeEmployee,
}

/// The nature of a person–person tie.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "TieKind", remote = "crate::domain::TieKind")]
pub enum TieKindG {
    /// `person` influences `otherPerson` (directed).
    Influences,
    /// An informal tie (former colleagues, classmates...), symmetric.
    Informal,
}

/// Where an assessment came from.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "AssessmentSource", remote = "crate::domain::AssessmentSource")]
pub enum AssessmentSourceG {
    /// A person's judgement.
    Judgement,
    /// Brought in by an import.
    Import,
    /// Derived from interactions.
    Interaction,
}

/// Reads a stored enum value; a value the product does not know is corrupt data.
pub(crate) fn stored<T>(parsed: crate::Result<T>) -> async_graphql::Result<T> {
    parsed
        .map_err(|e| {
            tracing::error!(error = %e, "unknown enum value in the database");
            crate::Error::Internal(anyhow::anyhow!("corrupt enum value: {e}"))
        })
        .map_err(|e| async_graphql::ErrorExtensions::extend(&e))
}

/// How a relationship map is written.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "MapFormat", remote = "crate::map::MapFormat")]
pub enum MapFormatG {
    /// A self-contained SVG document.
    Svg,
    /// Graphviz DOT.
    Dot,
}
