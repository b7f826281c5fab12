//! Enumerations fixed by the product itself (not by a company's methodology): they
//! change what the code does, so they are Rust enums, stored by their `as_str` ids.

use crate::{Error, Result};

macro_rules! fixed_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $id:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self> {
                match raw.trim() {
                    $($id => Ok($name::$variant),)+
                    other => Err(Error::invalid(
                        field,
                        format!(
                            "unknown value '{}'; expected one of: {}",
                            other,
                            [$($id),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}

fixed_enum!(
    /// Where a deal ended up.
    Outcome { Open = "open", Won = "won", Lost = "lost" }
);
fixed_enum!(
    /// Whether the customer's budget for a deal is confirmed: approved and
    /// allocated (confirmed), known of but not approved or frozen (unconfirmed), or
    /// not found out yet (unknown).
    BudgetStatus { Confirmed = "confirmed", Unconfirmed = "unconfirmed", Unknown = "unknown" }
);

impl Default for BudgetStatus {
    /// Nothing found out yet.
    fn default() -> Self {
        BudgetStatus::Unknown
    }
}
fixed_enum!(
    /// Departed employees keep their history but carry no relationship weight.
    EmployeeStatus { Active = "active", Departed = "departed" }
);
fixed_enum!(
    /// Matrix organisations: one solid line manager, possibly several dotted ones.
    LineKind { Solid = "solid", Dotted = "dotted" }
);
fixed_enum!(
    /// What connects the two ends of a relationship edge.
    RelationshipKind {
        /// One of our employees and a customer person.
        EmployeePerson = "employee_person",
        /// Two customer people: one influences the other, or an informal tie.
        PersonPerson = "person_person",
        /// A competitor and a customer person.
        CompetitorPerson = "competitor_person",
        /// Two of our employees, for introductions.
        EmployeeEmployee = "employee_employee",
    }
);
fixed_enum!(
    /// The nature of a person–person tie (reports-to lines are structure, stored apart).
    TieKind { Influences = "influences", Informal = "informal" }
);
fixed_enum!(
    /// Where an assessment came from.
    AssessmentSource {
        /// A person's judgement, entered by hand.
        Judgement = "judgement",
        /// Brought in by an import.
        Import = "import",
        /// Derived from recorded interactions.
        Interaction = "interaction",
    }
);
fixed_enum!(
    /// Where a support request stands: asked for, then granted (a resource and a
    /// month booked), declined or cancelled; granted support is done once given.
    SupportStatus {
        Requested = "requested",
        Granted = "granted",
        Declined = "declined",
        Done = "done",
        Cancelled = "cancelled",
    }
);
fixed_enum!(
    /// Where an improvement point stands.
    ImprovementStatus {
        /// Set and not yet done.
        Open = "open",
        Done = "done",
        /// Given up: no longer worth doing.
        Dropped = "dropped",
    }
);
