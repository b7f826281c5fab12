//! What-ifs of people leaving or changing part: an employee's departure, the
//! ties they hand over, a customer person's move.

use std::sync::Arc;

use uuid::Uuid;

use super::{whatif, Cached, Engine};
use crate::{
    advice::Lang,
    graph::{
        risk::{self, Impact, PersonChange},
        scores::{self},
    },
    Error, Result,
};

impl Engine {
    /// What the departure of an employee would cost, account by account, with
    /// each open deal's whole story in `lang`.
    pub async fn departure_impact(
        &self,
        employee: Uuid,
        lang: Lang,
    ) -> Result<Vec<(Arc<Cached>, Impact, Vec<whatif::Story>)>> {
        self.store.employee_required(employee).await?;
        let mut accounts: Vec<Uuid> = self
            .store
            .relationships_of_employee(employee)
            .await?
            .into_iter()
            .filter_map(|r| r.account_id)
            .collect();
        accounts.sort();
        accounts.dedup();
        let mut out = Vec::with_capacity(accounts.len());
        for account in accounts {
            let cached = self.graph(account).await?;
            let methodology = Arc::clone(&self.store.methodology);
            let c = Arc::clone(&cached);
            let (impact, stories) = tokio::task::spawn_blocking(move || {
                whatif::run(
                    &c.graph,
                    &risk::without_employee(&c.data, employee),
                    &methodology,
                    &c.norms,
                    lang,
                    &whatif::Cause::EmployeeLeaves(employee),
                )
            })
            .await
            .map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
            out.push((cached, impact, stories));
        }
        Ok(out)
    }

    /// What `employee` hands over before leaving, on the open deals of one
    /// account graph: each chain member they hold by a real tie, and who of ours
    /// takes them over (`advice::facts::handover`).
    pub fn handover_in(cached: &Cached, employee: Uuid) -> Vec<Handover> {
        let g = &cached.graph;
        let leaving_on = g.employees.get(&employee).and_then(|e| e.leaving_on);
        let mut out = Vec::new();
        // With a leaving day, only the deals that sign after it (or have no date).
        for o in g.opportunities.iter().filter(|o| {
            o.open && leaving_on.is_none_or(|d| o.expected_sign_date.is_none_or(|s| s >= d))
        }) {
            let chain = scores::chain(g, o);
            for (person, to) in crate::advice::facts::handover(g, o, &chain, employee) {
                out.push(Handover {
                    opportunity: o.id,
                    person,
                    to,
                });
            }
        }
        out
    }

    /// What a customer person's departure or change of part would do, with each
    /// open deal's whole story in `lang`.
    pub async fn person_change_impact(
        &self,
        person: Uuid,
        change: PersonChange,
        lang: Lang,
    ) -> Result<(Arc<Cached>, Impact, Vec<whatif::Story>)> {
        let p = self.store.person_required(person).await?;
        let m = self.methodology();
        if let Some(role) = &change.buying_role {
            m.vocabularies.buying_roles.check("buyingRole", role)?;
        }
        if let Some(level) = &change.level {
            m.vocabularies.levels.check("level", level)?;
        }
        if let Some(i) = change.influence {
            crate::domain::Influence::parse("influence", i64::from(i))?;
        }
        if let Some(a) = change.attitude {
            crate::domain::Attitude::parse("attitude", i64::from(a))?;
        }
        let cached = self.graph(p.account_id).await?;
        if let Some(deal) = change.joins {
            let open = cached.graph.opportunity(deal).is_some_and(|o| o.open);
            if !open {
                return Err(Error::invalid(
                    "joinsOpportunity",
                    format!("{deal} is not an open opportunity of {}'s account", p.name),
                ));
            }
        }
        let methodology = Arc::clone(&self.store.methodology);
        let c = Arc::clone(&cached);
        let (impact, stories) = tokio::task::spawn_blocking(move || {
            let changed = risk::with_person_change(&c.data, person, &change);
            whatif::run(
                &c.graph,
                &changed,
                &methodology,
                &c.norms,
                lang,
                &whatif::Cause::PersonChanges(person, change),
            )
        })
        .await
        .map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
        Ok((cached, impact, stories))
    }
}

/// One tie someone leaving hands over: on which deal, which customer person, and
/// who of ours takes them over (`None`: nobody on the deal yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub opportunity: Uuid,
    pub person: Uuid,
    pub to: Option<Uuid>,
}
