//! Output types: thin resolvers over the domain records. Nested fields load what
//! they need from the store; nothing here computes or validates.
//!
//! The records are domain types, which know nothing of GraphQL, so their fields
//! are written out as getters here (`#[Object]`) rather than derived; the types
//! made only for the API derive `SimpleObject`. One file per kind of record.

mod account;
mod methodology;
mod opportunity;
mod ours;
mod people;
mod relationship;

pub use account::AccountConnectionFields;
pub use methodology::MethodologyInfo;
pub use relationship::DerivedTieG;

/// Most interactions a nested list returns unless asked for fewer.
const DEFAULT_INTERACTIONS: i64 = 50;
const MAX_INTERACTIONS: i64 = 500;

pub(super) fn interactions_limit(first: Option<i32>) -> i64 {
    first
        .map(i64::from)
        .unwrap_or(DEFAULT_INTERACTIONS)
        .clamp(0, MAX_INTERACTIONS)
}
