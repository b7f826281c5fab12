//! Moving open deals to this server's methodology version: the preview of what
//! changes for each, and the audited move.

use std::collections::HashMap;

use uuid::Uuid;

use super::{assess, Engine};
use crate::Result;

impl Engine {
    /// Open opportunities on another methodology version than this server's,
    /// and what adopting the current version would change for each: steps added
    /// and removed, blockers, health and forecast category before and after. The
    /// preview of `adopt_methodology`.
    pub async fn methodology_impact(&self) -> Result<Vec<MethodologyImpact>> {
        let current = self.methodology();
        let now = crate::methodology::snapshot(current);
        let mut out = Vec::new();
        let mut snapshots: HashMap<String, Option<String>> = HashMap::new();
        for (opportunity, account, stage, version) in self.store.open_opportunities().await? {
            if version == current.version {
                continue;
            }
            // One read per recorded version, however many deals were set under it.
            if !snapshots.contains_key(&version) {
                let old = self.store.methodology_snapshot(&version).await?;
                snapshots.insert(version.clone(), old);
            }
            let (added, removed) = match snapshots.get(&version).and_then(Option::as_ref) {
                Some(old) => crate::methodology::step_changes(old, &now, &stage),
                None => (Vec::new(), Vec::new()),
            };
            let cached = self.graph(account).await?;
            let Some(o) = cached.graph.opportunity(opportunity) else {
                continue;
            };
            let mut adopted = o.clone();
            adopted.methodology_version.clone_from(&current.version);
            let day = cached.graph.as_of;
            let side = |o: &crate::graph::data::OpportunityNode| {
                let a = assess(&cached.graph, current, o, day, &cached.norms);
                let blockers = crate::advice::advance_blockers(current, o, &a.facts, &a.steps)
                    .into_iter()
                    .map(|b| b.id)
                    .collect::<Vec<_>>();
                let category = crate::forecast::category(current, &a.facts)
                    .map(|c| c.id.clone())
                    .unwrap_or_default();
                (blockers, a.health.score, category)
            };
            let (blockers_before, health_before, category_before) = side(o);
            let (blockers_after, health_after, category_after) = side(&adopted);
            out.push(MethodologyImpact {
                opportunity,
                name: o.name.clone(),
                recorded_version: version,
                stage,
                added_required: added,
                removed,
                blockers_before,
                blockers_after,
                health_before,
                health_after,
                category_before,
                category_after,
            });
        }
        Ok(out)
    }

    /// Moves every open deal on another version to this server's methodology,
    /// after the same preview `methodology_impact` gives; with `dry_run`, only
    /// the preview. An administrator's act, audited per deal. Answers the deals
    /// moved (a deal that closed or moved stage meanwhile is not).
    pub async fn adopt_methodology(&self, dry_run: bool) -> Result<Vec<MethodologyImpact>> {
        self.store.adoption_allowed()?;
        let preview = self.methodology_impact().await?;
        if dry_run || preview.is_empty() {
            return Ok(preview);
        }
        let moves: Vec<(Uuid, String)> = preview
            .iter()
            .map(|i| (i.opportunity, i.recorded_version.clone()))
            .collect();
        let moved = self.store.adopt_methodology(&moves).await?;
        Ok(preview
            .into_iter()
            .filter(|i| moved.contains(&i.opportunity))
            .collect())
    }
}

/// What a methodology change means for one open opportunity.
#[derive(Debug, Clone)]
pub struct MethodologyImpact {
    pub opportunity: Uuid,
    pub name: String,
    pub recorded_version: String,
    pub stage: String,
    /// Required win steps of its stage the current version adds.
    pub added_required: Vec<String>,
    /// Win steps of its stage the current version no longer has.
    pub removed: Vec<String>,
    /// What stands between the deal and its next stage (exit criteria unmet,
    /// required steps missing) under its version and under the current one, by id.
    pub blockers_before: Vec<String>,
    pub blockers_after: Vec<String>,
    /// Health under its version and under the current one.
    pub health_before: f64,
    pub health_after: f64,
    /// Forecast category under its version and under the current one.
    pub category_before: String,
    pub category_after: String,
}
