//! Closed deals as history, cached per organisation version and day: they give the
//! stall norms every assessment uses, and the patterns a sales leader reads.

use std::{collections::HashMap, sync::Arc};

use time::Date;
use uuid::Uuid;

use super::Engine;
use crate::{
    domain::{today, Amount, Opportunity},
    forecast::{self, ClosedDeal, Patterns, StageNorms},
    graph::{scores, AccountGraph},
    Error, Result,
};

/// Closed deals and the norms they give.
#[derive(Debug)]
pub struct History {
    pub org: i64,
    pub day: Date,
    pub deals: Vec<ClosedDeal>,
    pub opportunities: HashMap<Uuid, Opportunity>,
    pub norms: Arc<StageNorms>,
}

impl Engine {
    /// History as of the current org version; rebuilt when a deal closed or reopened.
    pub async fn history(&self) -> Result<Arc<History>> {
        let org = self.store.org_version().await?;
        let day = today();
        // Held while building: requests that arrive meanwhile wait for this
        // build instead of each reading every closed deal again.
        let mut slot = self.history.lock().await;
        if let Some(h) = slot.as_ref().filter(|h| h.org == org && h.day == day) {
            return Ok(Arc::clone(h));
        }
        let m = self.methodology();
        let closed = self.store.closed_opportunities().await?;
        let changes = self.store.closed_stage_changes().await?;
        let roles = self.store.closed_chain_roles().await?;
        let mut stages: HashMap<Uuid, Vec<(String, Date)>> = HashMap::new();
        let mut closed_on: HashMap<Uuid, Date> = HashMap::new();
        for c in changes {
            if c.outcome == "open" {
                let list = stages.entry(c.opportunity_id).or_default();
                if list.last().is_none_or(|(s, _)| *s != c.stage) {
                    list.push((c.stage, c.entered_on));
                }
            } else {
                closed_on.insert(c.opportunity_id, c.entered_on);
            }
        }
        let mut chain_roles: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (o, r) in roles {
            chain_roles.entry(o).or_default().push(r);
        }
        let deals = closed
            .iter()
            .map(|o| ClosedDeal {
                id: o.opportunity_id,
                won: o.outcome == "won",
                closed_on: closed_on
                    .get(&o.opportunity_id)
                    .copied()
                    .unwrap_or_else(|| o.updated_at.date()),
                stages: stages.remove(&o.opportunity_id).unwrap_or_default(),
                roles: chain_roles.remove(&o.opportunity_id).unwrap_or_default(),
                decision_chain: 0.0,
                amount: Amount::from_minor(o.amount_minor).major() * m.support.rate(&o.currency),
            })
            .collect::<Vec<_>>();
        let norms = Arc::new(StageNorms::from_days(&forecast::stage_days(m, &deals)));
        let built = Arc::new(History {
            org,
            day,
            deals,
            opportunities: closed.into_iter().map(|o| (o.opportunity_id, o)).collect(),
            norms,
        });
        *slot = Some(Arc::clone(&built));
        Ok(built)
    }

    /// Patterns of closed deals. Each deal's decision-chain score is taken on the
    /// day it closed (its account's graph rebuilt as of that day), so old wins are
    /// not judged by how their ties have cooled since.
    pub async fn patterns(&self) -> Result<Patterns> {
        let history = self.history().await?;
        // A scoped caller learns from their accounts' deals only.
        let scope = self.store.scope();
        let mut deals: Vec<_> = history
            .deals
            .iter()
            .filter(|d| {
                history
                    .opportunities
                    .get(&d.id)
                    .is_some_and(|o| scope.allows(o.account_id))
            })
            .cloned()
            .collect();
        let mut by_account: HashMap<Uuid, Vec<usize>> = HashMap::new();
        for (i, d) in deals.iter().enumerate() {
            if let Some(o) = history.opportunities.get(&d.id) {
                by_account.entry(o.account_id).or_default().push(i);
            }
        }
        let methodology = Arc::clone(&self.store.methodology);
        for (account, indices) in by_account {
            let cached = self.graph(account).await?;
            let methodology = Arc::clone(&methodology);
            let c = Arc::clone(&cached);
            let wanted: Vec<(usize, Uuid, Date)> = indices
                .iter()
                .map(|&i| (i, deals[i].id, deals[i].closed_on))
                .collect();
            let computed = tokio::task::spawn_blocking(move || {
                let mut graphs: HashMap<Date, AccountGraph> = HashMap::new();
                wanted
                    .into_iter()
                    .map(|(i, id, on)| {
                        let g = graphs
                            .entry(on)
                            .or_insert_with(|| AccountGraph::build(&c.data, &methodology, on));
                        let score = g
                            .opportunity(id)
                            .map(|o| {
                                scores::decision_chain_score(g, &scores::chain(g, o))
                                    .value
                                    .get()
                            })
                            .unwrap_or(0.0);
                        (i, score)
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
            for (i, score) in computed {
                deals[i].decision_chain = score;
            }
        }
        Ok(forecast::patterns(self.methodology(), &deals))
    }
}
