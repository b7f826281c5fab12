//! The sales methodology as data: scales and vocabularies read from `methodology/`.
//!
//! Everything a company may tune without recompiling lives in TOML files under one
//! directory: `methodology.toml` (name and version), `scales.toml` (strength labels,
//! decay, introduction-path factors, influence and attitude labels),
//! `vocabularies.toml` (tiers, industries, regions, levels, buying roles, employee
//! roles, interaction and support kinds, currencies) and `stages.toml` (the stages in
//! order, with their win steps and exit criteria), `scoring.toml` (parameters of the
//! six quantifications and of health), `qualification.toml` (the four questions),
//! `account_plan.toml` (the ESP+ plan), `coaching.toml` (coaching rules),
//! `support.toml` (support needs and how the allocator values deals) and
//! `forecast.toml` (win probability, forecast categories, history settings).
//! Conditions are expressions over named facts ([`facts`]). Loading validates everything and reports every problem with its file and
//! item, so a bad edit is caught at start-up rather than at the first request.
//!
//! Extending: a new concern gets its own file, its own `raw` structs and a
//! `validate_*` step in [`load`]; the [`Problems`] collector keeps reporting uniform.

mod advice;
mod condition;
mod diff;
mod error;
pub mod facts;
mod forecast;
mod load;
mod process;
mod scales;
mod scoring;
mod snapshot;
mod support;
mod vocabulary;

pub use advice::{
    placeholders, PlanElement, PlanItem, Priority, Question, Rule, SignUrgency, PATH_TARGETS,
};
pub use condition::Condition;
pub use diff::diff;
pub use error::{MethodologyError, Problem};
pub use forecast::{
    Category, ForecastRules, Gate, PatternSettings, ProbabilityModel, RelationshipPicture,
};
pub use load::{Methodology, DEFAULT_DIR};
pub use process::{ExitCriterion, StageProcess, StepKind, WinStep};
pub use scales::{DecayScale, IntroductionScale, LabelledValue, Scales, TieHolder};
pub use scoring::{AccountWeights, CompanyRole, DerivedInfluence, HealthWeights, Scoring};
pub use snapshot::{snapshot, step_changes};
pub use support::{label, AllocationSettings, SupportNeed, SupportRules, ValueRules};
pub use vocabulary::{Stage, Term, Vocabularies, Vocabulary};
