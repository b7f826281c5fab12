//! The account plan and its scorecard, on the account's cached graph and its day:
//! what the planning page, the account query and the planning report show about
//! the account as a whole.

use uuid::Uuid;

use super::{assess, Engine};
use crate::{
    advice::{account_facts, account_plan, AccountPlan, Facts},
    methodology::Methodology,
    Result,
};

/// The account at a glance, computed once for every front end.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub account_score: f64,
    /// Mean completion of the account plan's elements, 0..1.
    pub plan_completion: f64,
    pub open_opportunities: usize,
    /// Open pipeline per currency, in the order deals are listed.
    pub open_amount: Vec<(String, f64)>,
    /// Mean health of the open opportunities, 0..100; none without any.
    pub mean_health: Option<f64>,
    pub single_threaded_key_people: i64,
    pub people_mapped: i64,
    pub people_with_real_ties: i64,
}

impl Engine {
    /// The account plan and scorecard of `account`, handed to `f` with the
    /// methodology and the account facts they were read from.
    pub async fn account_planned<T>(
        &self,
        account: Uuid,
        f: impl FnOnce(&Methodology, &Facts, &AccountPlan<'_>, &Scorecard) -> T,
    ) -> Result<T> {
        let cached = self.graph(account).await?;
        let m = self.methodology();
        let g = &cached.graph;
        let facts = account_facts(g, g.as_of);
        let plan = account_plan(g, m, &facts);
        let open: Vec<_> = g.opportunities.iter().filter(|o| o.open).collect();
        let mut amounts: Vec<(String, f64)> = Vec::new();
        let mut health = Vec::new();
        for o in &open {
            match amounts.iter_mut().find(|(c, _)| *c == o.currency) {
                Some((_, a)) => *a += o.amount,
                None => amounts.push((o.currency.clone(), o.amount)),
            }
            health.push(assess(g, m, o, g.as_of, &cached.norms).health.score);
        }
        let scorecard = Scorecard {
            account_score: facts.number_of("account"),
            plan_completion: plan.completion,
            open_opportunities: open.len(),
            open_amount: amounts,
            mean_health: (!health.is_empty())
                .then(|| health.iter().sum::<f64>() / health.len() as f64),
            single_threaded_key_people: facts.count_of("single_threaded_people"),
            people_mapped: facts.count_of("people"),
            people_with_real_ties: facts.count_of("tied_people"),
        };
        Ok(f(m, &facts, &plan, &scorecard))
    }
}
