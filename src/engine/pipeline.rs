//! The coach's pipeline: one row per open deal, reused per graph version and
//! computed across the cores for the rest.

use std::sync::Arc;

use time::Date;
use uuid::Uuid;

use super::{assess, Cached, Engine};
use crate::{
    advice::{Lang, Prompt},
    domain::today,
    forecast::StageNorms,
    graph::AccountGraph,
    methodology::Methodology,
    Error, Result,
};

impl Engine {
    /// Every open opportunity as a pipeline row, filtered; unsorted.
    #[tracing::instrument(skip(self))]
    pub async fn pipeline(&self, filter: &PipelineFilter, lang: Lang) -> Result<Vec<PipelineRow>> {
        let open = self.store.open_opportunities().await?;
        let mut by_account: Vec<(Uuid, Vec<Uuid>)> = Vec::new();
        for (opportunity, account, stage, _) in open {
            if filter.account.is_some_and(|a| a != account)
                || filter.stage.as_ref().is_some_and(|s| *s != stage)
            {
                continue;
            }
            match by_account.last_mut() {
                Some((a, list)) if *a == account => list.push(opportunity),
                _ => by_account.push((account, vec![opportunity])),
            }
        }
        let today = today();
        // One read of every account's version instead of one per account.
        let versions = self.store.graph_versions().await?;
        let mut work: Vec<(Arc<Cached>, Vec<Uuid>)> = Vec::new();
        for (account, opportunities) in by_account {
            let Some(&version) = versions.get(&account) else {
                continue;
            };
            let cached = self.graph_at(account, version).await?;
            if filter
                .tier
                .as_ref()
                .is_some_and(|t| *t != cached.graph.tier)
            {
                continue;
            }
            let opportunities = opportunities
                .into_iter()
                .filter(|id| {
                    cached
                        .graph
                        .opportunity(*id)
                        .is_some_and(|o| filter.owner.is_none() || o.owner == filter.owner)
                })
                .collect();
            work.push((cached, opportunities));
        }
        let methodology = Arc::clone(&self.store.methodology);
        let rows = tokio::task::spawn_blocking(move || {
            // Rows computed earlier for the same graph version are reused; the rest are
            // computed across the cores and kept.
            let mut rows = Vec::new();
            let mut missing: Vec<(&Cached, &crate::graph::data::OpportunityNode)> = Vec::new();
            for (c, ids) in &work {
                // Held only to read or insert: a poisoned lock's map is whole.
                let known = c
                    .rows
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                for id in ids {
                    match known.get(&(*id, lang)) {
                        Some(row) => rows.push(row.clone()),
                        None => {
                            if let Some(o) = c.graph.opportunity(*id) {
                                missing.push((c.as_ref(), o));
                            }
                        }
                    }
                }
            }
            let items: Vec<(
                &AccountGraph,
                &StageNorms,
                &crate::graph::data::OpportunityNode,
            )> = missing
                .iter()
                .map(|(c, o)| (&c.graph, c.norms.as_ref(), *o))
                .collect();
            let fresh = pipeline_rows(&items, &methodology, today, lang);
            for ((c, _), row) in missing.iter().zip(fresh.iter()) {
                c.rows
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert((row.opportunity, lang), row.clone());
            }
            rows.extend(fresh);
            rows
        })
        .await
        .map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
        let rows = rows
            .into_iter()
            .filter(|row| {
                !(filter.min_health.is_some_and(|m| row.health < m)
                    || filter.max_health.is_some_and(|m| row.health > m)
                    || filter
                        .min_severity
                        .is_some_and(|m| row.top_prompt.as_ref().is_none_or(|p| p.severity < m)))
            })
            .collect();
        Ok(rows)
    }
}

/// Filters of the coach's pipeline; all optional.
#[derive(Debug, Clone, Default)]
pub struct PipelineFilter {
    pub stage: Option<String>,
    pub account: Option<Uuid>,
    pub owner: Option<Uuid>,
    pub tier: Option<String>,
    pub min_health: Option<f64>,
    pub max_health: Option<f64>,
    /// Only deals whose top prompt is at least this severe.
    pub min_severity: Option<u8>,
}

/// One open opportunity in the coach's pipeline.
#[derive(Debug, Clone)]
pub struct PipelineRow {
    pub opportunity: Uuid,
    pub account: Uuid,
    pub account_name: String,
    pub name: String,
    pub stage: String,
    pub stage_index: usize,
    pub amount: f64,
    pub currency: String,
    pub owner: Option<Uuid>,
    pub expected_sign_date: Option<Date>,
    /// 0..100.
    pub health: f64,
    /// The forecast win probability (docs/forecast.md) and category id.
    pub win_probability: f64,
    pub category: String,
    pub top_prompt: Option<Prompt>,
    pub prompts: usize,
}

/// Pipeline rows for many opportunities, spread over the machine's cores: each row
/// is independent, and a coach's pipeline is the largest computation we serve.
pub fn pipeline_rows(
    items: &[(
        &AccountGraph,
        &StageNorms,
        &crate::graph::data::OpportunityNode,
    )],
    m: &Methodology,
    today: Date,
    lang: Lang,
) -> Vec<PipelineRow> {
    use rayon::prelude::*;
    // A panic in one row reaches the caller (and, through the blocking task it
    // runs in, becomes an INTERNAL error that is logged): never a pipeline with
    // rows silently missing.
    items
        .par_iter()
        .map(|(g, n, o)| pipeline_row(g, n, m, o, today, lang))
        .collect()
}

/// A pipeline row, computed without introduction paths (they are for the deal page).
pub fn pipeline_row(
    graph: &AccountGraph,
    norms: &StageNorms,
    m: &Methodology,
    o: &crate::graph::data::OpportunityNode,
    today: Date,
    lang: Lang,
) -> PipelineRow {
    let a = assess(graph, m, o, today, norms);
    // The row shows the top prompt and how many there are: only the top one is
    // written out.
    let (top, count) =
        crate::advice::prompts::prompts_first(graph, m, o, &a.facts, &a.steps, lang, false, 1);
    PipelineRow {
        opportunity: o.id,
        account: graph.account_id,
        account_name: graph.account_name.clone(),
        name: o.name.clone(),
        stage: o.stage.clone(),
        stage_index: m
            .vocabularies
            .stages
            .iter()
            .position(|s| s.id == o.stage)
            .unwrap_or(0),
        amount: o.amount,
        currency: o.currency.clone(),
        owner: o.owner,
        expected_sign_date: o.expected_sign_date,
        health: a.health.score,
        win_probability: a.probability.probability,
        category: crate::forecast::category(m, &a.facts)
            .map(|c| c.id.clone())
            .unwrap_or_default(),
        prompts: count,
        top_prompt: top.into_iter().next(),
    }
}
