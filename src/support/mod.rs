//! Support allocation: the checklist of what each deal's stage calls for, what a
//! request is worth, and the plan that puts scarce experts, executives and budgets
//! where they change the most outcomes. Pure functions; the engine feeds them.

pub mod allocate;
pub mod explain;
pub mod needs;
pub mod synthetic;
pub mod value;

pub use allocate::{allocate, Assignment, LeftOut, Method, Part, Plan, Problem, Settings};
pub use explain::{
    explain, Assigned, Displaced, ExplainedPlan, LeftOutReason, PlannedRequest, Shortfall,
    SupportPlan, Unserved,
};
pub use needs::{applicable, support_needs, NeedStatus};
pub use value::{request_value, urgency, LiftSource, RequestValue, ValueInputs};
