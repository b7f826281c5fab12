//! The support checklist of one opportunity: what its stage and profile call for in
//! `support.toml`, and where each stands (missing, requested, granted, done).

use crate::{
    advice::Facts,
    domain::{SupportRequest, SupportStatus},
    methodology::{Methodology, SupportNeed},
};

/// One need of the checklist.
#[derive(Debug, Clone)]
pub struct NeedStatus<'m> {
    pub need: &'m SupportNeed,
    /// `None` while nobody has asked for it.
    pub status: Option<SupportStatus>,
    /// The request that answers it (the most advanced one of its kind).
    pub request: Option<&'m SupportRequest>,
}

/// Needs of `stage` whose condition holds, each with the request answering it.
pub fn support_needs<'m>(
    m: &'m Methodology,
    stage: &str,
    facts: &Facts,
    requests: &'m [SupportRequest],
) -> Vec<NeedStatus<'m>> {
    applicable(m, stage, facts)
        .into_iter()
        .map(|need| {
            let request = requests
                .iter()
                .filter(|r| r.kind == need.kind && r.current_status() != SupportStatus::Cancelled)
                .max_by_key(|r| (progress(r.current_status()), r.created_at));
            NeedStatus {
                need,
                status: request.map(SupportRequest::current_status),
                request,
            }
        })
        .collect()
}

/// The needs that apply to a deal in `stage` with these facts: in its stages,
/// its condition holding, and the win step it serves not done yet (a deal that
/// has run its proof of concept is not asked to request one).
pub fn applicable<'m>(m: &'m Methodology, stage: &str, facts: &Facts) -> Vec<&'m SupportNeed> {
    m.support
        .needs
        .iter()
        .filter(|n| {
            n.stages.iter().any(|s| s == stage)
                && n.condition.holds(&facts.context)
                && n.step
                    .as_ref()
                    .is_none_or(|s| !facts.steps_done.contains(s))
        })
        .collect()
}

/// How far a request got, to pick the one that answers a need.
fn progress(s: SupportStatus) -> u8 {
    match s {
        SupportStatus::Done => 4,
        SupportStatus::Granted => 3,
        SupportStatus::Requested => 2,
        SupportStatus::Declined => 1,
        SupportStatus::Cancelled => 0,
    }
}
