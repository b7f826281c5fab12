//! Moving a deal's stage, past its exit criteria and required win steps only
//! with a recorded reason.

use time::Date;
use uuid::Uuid;

use super::{assess, Engine};
use crate::{advice::Blocker, domain::Opportunity, Error, Result};

impl Engine {
    /// Moves an opportunity to another stage (the next one by default). Going
    /// forward checks the current stage's exit criteria and required win steps; if
    /// any fail, the move needs a recorded reason.
    pub async fn advance_stage(&self, request: AdvanceRequest) -> Result<Advanced> {
        let cached = self.opportunity_graph(request.opportunity).await?;
        let m = self.methodology();
        let o = cached
            .graph
            .opportunity(request.opportunity)
            .ok_or_else(|| Error::not_found("opportunity", request.opportunity))?;
        if !o.open {
            return Err(Error::Conflict(format!(
                "{} is closed; reopen it before moving its stage",
                o.name
            )));
        }
        let stages = &m.vocabularies.stages;
        let from = stages.iter().position(|s| s.id == o.stage).unwrap_or(0);
        let to = match &request.to_stage {
            Some(s) => m.vocabularies.stage_terms.check("toStage", s)?,
            None => stages.get(from + 1).map(|s| s.id.clone()).ok_or_else(|| {
                Error::Conflict(format!(
                    "{} is in the last stage; close it as won or lost",
                    o.name
                ))
            })?,
        };
        let target = stages.iter().position(|s| s.id == to).unwrap_or(0);
        if target == from {
            return Err(Error::invalid(
                "toStage",
                format!("the opportunity is already in {to}"),
            ));
        }
        let blockers = if target > from {
            let a = assess(&cached.graph, m, o, cached.graph.as_of, &cached.norms);
            crate::advice::advance_blockers(m, o, &a.facts, &a.steps)
        } else {
            Vec::new()
        };
        let reason = request.override_reason.filter(|r| !r.trim().is_empty());
        if !blockers.is_empty() && reason.is_none() {
            let list: Vec<String> = blockers
                .iter()
                .map(|b| format!("{} ({})", b.label, b.id))
                .collect();
            return Err(Error::Conflict(format!(
                "{} may not leave {} yet: {}. Meet them, or give an overrideReason.",
                o.name,
                o.stage,
                list.join("; ")
            )));
        }
        let overridden = !blockers.is_empty();
        let updated = self
            .store
            .update_opportunity(
                request.opportunity,
                crate::domain::OpportunityPatch {
                    stage: Some(to),
                    changed_on: request.changed_on,
                    changed_by: request.changed_by,
                    override_reason: if overridden { reason } else { None },
                    ..Default::default()
                },
            )
            .await?;
        Ok(Advanced {
            opportunity: updated,
            overridden,
            blockers,
        })
    }
}

/// A request to move an opportunity's stage.
#[derive(Debug, Clone)]
pub struct AdvanceRequest {
    pub opportunity: Uuid,
    pub to_stage: Option<String>,
    pub override_reason: Option<String>,
    pub changed_by: Option<Uuid>,
    pub changed_on: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct Advanced {
    pub opportunity: Opportunity,
    /// The move went past unmet criteria, with a recorded reason.
    pub overridden: bool,
    pub blockers: Vec<Blocker>,
}
