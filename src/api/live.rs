//! The subscription root: every screen in a planning session hears of an
//! assessment or an interaction the moment it is recorded (see `store::live`).

use std::sync::Arc;

use async_graphql::{
    futures_util::{stream, Stream, StreamExt},
    Context, Enum, Object, Result, Subscription, ID,
};
use time::OffsetDateTime;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::{
    context::store,
    error::Coded,
    ids::{id, parse_opt},
};
use crate::{store::Announced, Error};

/// What was recorded.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "LiveKind", remote = "crate::store::LiveKind")]
pub enum LiveKindG {
    Assessment,
    Interaction,
    /// A place in a deal's decision chain, a win step or an answer to one of the
    /// four questions; `recordId` is the deal.
    Plan,
    /// The account as a whole: an improvement point set or closed, a person
    /// added to its org chart; `recordId` is the point or the person.
    Account,
}

/// A change just recorded. It names what changed; read the fields you show again
/// to see the new scores, health and prompts.
pub struct LiveEventG(Arc<Announced>);

#[Object(name = "RelationshipEvent")]
impl LiveEventG {
    async fn kind(&self) -> LiveKindG {
        self.0.event.kind.into()
    }
    async fn account_id(&self) -> ID {
        id(self.0.event.account_id)
    }
    /// The deal an interaction served, if any.
    async fn opportunity_id(&self) -> Option<ID> {
        self.0.event.opportunity_id.map(id)
    }
    /// The assessment or interaction.
    async fn record_id(&self) -> ID {
        id(self.0.event.record_id)
    }
    /// Customer people it concerns.
    async fn person_ids(&self) -> Vec<ID> {
        self.0.event.person_ids.iter().copied().map(id).collect()
    }
    /// Our employees it concerns.
    async fn employee_ids(&self) -> Vec<ID> {
        self.0.event.employee_ids.iter().copied().map(id).collect()
    }
    /// Who recorded it.
    async fn author(&self) -> &str {
        &self.0.event.author
    }
    async fn at(&self) -> OffsetDateTime {
        self.0.at
    }
}

pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Assessments, interactions, changes to a deal's plan (chain, win steps,
    /// the four questions) and to the account as a whole (improvement points,
    /// people added) as they are recorded: of one account, of the
    /// account of one opportunity (an assessment anywhere in the account moves the
    /// deal's scores), or of every account the caller reaches.
    async fn relationship_events(
        &self,
        ctx: &Context<'_>,
        account_id: Option<ID>,
        opportunity_id: Option<ID>,
    ) -> Result<impl Stream<Item = LiveEventG>> {
        let store = store(ctx).clone();
        let mut only: Option<Uuid> = None;
        if let Some(a) = parse_opt("accountId", &account_id)? {
            store
                .account(a)
                .await
                .coded()?
                .ok_or_else(|| Error::not_found("account", a))
                .coded()?;
            only = Some(a);
        }
        if let Some(o) = parse_opt("opportunityId", &opportunity_id)? {
            let deal = store
                .opportunity(o)
                .await
                .coded()?
                .ok_or_else(|| Error::not_found("opportunity", o))
                .coded()?;
            if only.is_some_and(|a| a != deal.account_id) {
                return Err(Error::invalid(
                    "opportunityId",
                    "the opportunity is at another account than accountId",
                ))
                .coded();
            }
            only = Some(deal.account_id);
        }
        let scope = store.scope().clone();
        let heard = stream::unfold(store.subscribe(), |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(e) => return Some((e, rx)),
                    // A screen that fell behind re-reads anyway; skip to the newest.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        Ok(heard
            .filter(move |e| {
                let a = e.event.account_id;
                let keep = scope.allows(a) && only.is_none_or(|o| o == a);
                async move { keep }
            })
            .map(LiveEventG))
    }
}
