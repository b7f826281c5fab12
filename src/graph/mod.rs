//! The relationship graph engine: the six quantifications, introduction paths and
//! relationship risk.
//!
//! Everything here is a pure function of one account's [`data::GraphData`] and the
//! methodology: [`AccountGraph::build`] turns the snapshot into effective strengths,
//! influence and a petgraph graph for paths; the `scores`, `paths` and `risk`
//! modules read it. Loading and caching live in `crate::engine`; nothing here knows about
//! SQL or GraphQL. Formulas are documented in `docs/scoring.md`.

/// The account's slice of storage the graph is built from (kept at this path for
/// the callers that name it here).
pub use crate::domain::snapshot as data;
pub mod explain;
pub mod influence;
pub mod model;
pub mod strength;

pub use explain::{Evidence, Explanation, Input, Score, Unit, Weight};
pub use model::{AccountGraph, Hop, NodeKey, OurTie, TheirTie, Via};
pub mod paths;
pub mod risk;
pub mod scores;
pub mod synthetic;
