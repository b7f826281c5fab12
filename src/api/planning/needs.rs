//! The support an opportunity's stage and facts call for, and what answers it.

use async_graphql::{Context, Enum, Result, SimpleObject};
use uuid::Uuid;

use crate::api::{
    advice::LangG,
    context::{engine, store},
    error::Coded,
};
use crate::{
    domain::{SupportRequest, SupportStatus},
    methodology::label,
};

use super::zh;

/// Where a need of the support checklist stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SupportNeedStatus {
    /// Nobody has asked for it yet.
    Missing,
    Requested,
    Granted,
    Done,
    Declined,
}

/// Support the deal's stage and profile call for (`support.toml`).
#[derive(SimpleObject)]
pub struct SupportNeed {
    pub id: String,
    /// A support resource kind id.
    pub kind: String,
    pub label: String,
    pub units: i32,
    /// Expected rise in the chance of winning.
    pub lift: f64,
    /// The condition that made it apply.
    pub condition: String,
    pub status: SupportNeedStatus,
    pub request: Option<SupportRequest>,
}

pub(crate) async fn support_needs(
    ctx: &Context<'_>,
    opportunity: Uuid,
    lang: Option<LangG>,
) -> Result<Vec<SupportNeed>> {
    let requests = store(ctx)
        .support_requests(Some(opportunity), None)
        .await
        .coded()?;
    let zh = zh(lang);
    engine(ctx)
        .assessed(opportunity, |_, m, o, a| {
            if !o.open {
                return Vec::new();
            }
            a.support_needs(m, o, &requests)
                .into_iter()
                .map(|n| SupportNeed {
                    id: n.need.id.clone(),
                    kind: n.need.kind.clone(),
                    label: label(&n.need.label, n.need.label_zh.as_deref(), zh).to_owned(),
                    units: n.need.units,
                    lift: n.need.lift,
                    condition: n.need.condition.source.clone(),
                    status: match n.status {
                        None | Some(SupportStatus::Cancelled) => SupportNeedStatus::Missing,
                        Some(SupportStatus::Requested) => SupportNeedStatus::Requested,
                        Some(SupportStatus::Granted) => SupportNeedStatus::Granted,
                        Some(SupportStatus::Done) => SupportNeedStatus::Done,
                        Some(SupportStatus::Declined) => SupportNeedStatus::Declined,
                    },
                    request: n.request.cloned(),
                })
                .collect()
        })
        .await
        .coded()
}
