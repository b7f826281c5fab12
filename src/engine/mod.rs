//! The graph engine as a service: loads account graphs from storage, caches them by
//! version, and answers scores, paths and what-ifs.
//!
//! The cache key is the account's version plus the organisation-wide version, both
//! bumped in the transaction of every write that changes a graph, and the day of
//! scoring (decay is measured to it). Each read first asks storage for the current
//! versions, one indexed row, so a server never serves a graph older than a write
//! another server has acknowledged.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use uuid::Uuid;

use crate::{
    advice::Lang,
    graph::data::OpportunityNode,
    graph::{
        paths::{introduction_paths, IntroductionPath, PathError},
        risk::{self},
        scores::{self, OpportunityScores},
        Score,
    },
    methodology::Methodology,
    store::Store,
    Error, Result,
};

/// What the built graphs kept in memory may weigh, by default (see
/// [`Cached::weight`]); the least recently used go first past it.
pub const DEFAULT_CACHE_BYTES: u64 = 256 << 20;
/// The most introduction paths one call returns.
pub const MAX_PATHS: usize = 20;
mod adoption;
mod assess;
mod cache;
mod changes;
mod departures;
mod history;
mod paths;
mod pipeline;
mod plan;
mod planning;
mod stage;
mod ties;
pub mod whatif;

pub use assess::{assess, Assessment};
pub use changes::{
    AssessmentChange, CooledTie, EmployeeDeparture, Movement, OrgChange, PersonMove,
    RelationshipChanges,
};

pub use history::History;
pub use paths::{AccountPaths, PathAnswer, PersonPaths};
pub use plan::Scorecard;
pub use planning::{Calibration, ForecastView, PlannedRequest, SupportPlan};
pub use ties::TieWeight;

pub use adoption::MethodologyImpact;
use cache::{once, CacheKey};
pub use cache::{Advised, CacheStats, Cached};
pub use departures::Handover;
pub use pipeline::{pipeline_row, pipeline_rows, PipelineFilter, PipelineRow};
pub use stage::{AdvanceRequest, Advanced};

#[derive(Clone)]
pub struct Engine {
    store: Store,
    /// Built graphs, bounded by weight, least recently used out first. A graph
    /// being built is an entry too: every request that wants it meanwhile waits
    /// for that one build (moka's single flight) instead of starting its own.
    cache: moka::future::Cache<CacheKey, Arc<Cached>>,
    /// The key each account was last built under, so a newer build drops the
    /// stale one at once instead of leaving it to age out.
    latest: Arc<Mutex<HashMap<Uuid, CacheKey>>>,
    stats: Arc<CacheStats>,
    /// Closed deals and the stall norms they give, per org version and day;
    /// locked while being rebuilt, so concurrent requests share one build.
    history: Arc<tokio::sync::Mutex<Option<Arc<History>>>>,
    /// Graphs already looked up by this request (see [`Engine::for_one_read`]).
    memo: Option<Arc<Mutex<Memo>>>,
}

/// One read request's graphs, by account, and the accounts of its opportunities.
#[derive(Default)]
struct Memo {
    graphs: HashMap<Uuid, Arc<Cached>>,
    account_of: HashMap<Uuid, Uuid>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// The relationship map of an account, or of one opportunity's decision chain
    /// (`opportunity` given), rendered as asked.
    pub async fn relationship_map(
        &self,
        account: Uuid,
        opportunity: Option<Uuid>,
        format: crate::map::MapFormat,
        lang: Lang,
    ) -> Result<String> {
        let cached = self.graph(account).await?;
        let map = crate::map::RelationshipMap::build(
            &cached.data,
            &cached.graph,
            self.methodology(),
            opportunity,
            lang,
        )
        .ok_or_else(|| Error::not_found("opportunity", opportunity.unwrap_or_default()))?;
        Ok(crate::map::render(&map, format, lang))
    }

    /// Assesses one opportunity on its cached graph's day (the one as-of day every
    /// number of that graph uses) and hands the graph, the methodology, the
    /// opportunity and the assessment to `f`. Resolvers, reports and the command
    /// line come here rather than calling the engines themselves.
    pub async fn assessed<T>(
        &self,
        opportunity: Uuid,
        f: impl FnOnce(&Cached, &Methodology, &OpportunityNode, Assessment<'_>) -> T,
    ) -> Result<T> {
        let m = self.methodology();
        self.on_opportunity(opportunity, |cached, o| {
            let a = assess(&cached.graph, m, o, cached.graph.as_of, &cached.norms);
            f(cached, m, o, a)
        })
        .await
    }

    /// Hands the opportunity's cached graph and its node to `f`: the one lookup
    /// (the graph of its account, then the deal in it, else NOT_FOUND) every
    /// per-deal answer starts with.
    async fn on_opportunity<T>(
        &self,
        opportunity: Uuid,
        f: impl FnOnce(&Cached, &OpportunityNode) -> T,
    ) -> Result<T> {
        let cached = self.opportunity_graph(opportunity).await?;
        let o = cached
            .graph
            .opportunity(opportunity)
            .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
        Ok(f(&cached, o))
    }

    pub async fn opportunity_scores(&self, opportunity: Uuid) -> Result<Arc<OpportunityScores>> {
        self.on_opportunity(opportunity, |cached, o| {
            once(&cached.scores, opportunity, || {
                scores::opportunity_scores(&cached.graph, o)
            })
        })
        .await
    }

    /// An opportunity's health and every coaching prompt in `lang`, best first.
    pub async fn opportunity_advice(&self, opportunity: Uuid, lang: Lang) -> Result<Arc<Advised>> {
        let m = self.methodology();
        self.on_opportunity(opportunity, |cached, o| {
            once(&cached.advice, (opportunity, lang), || {
                let a = assess(&cached.graph, m, o, cached.graph.as_of, &cached.norms);
                let prompts =
                    crate::advice::prompts(&cached.graph, m, o, &a.facts, &a.steps, lang, true);
                Advised {
                    health: a.health,
                    prompts,
                }
            })
        })
        .await
    }

    pub async fn opportunity_risks(
        &self,
        opportunity: Uuid,
    ) -> Result<(Arc<Cached>, Vec<risk::Thread>, Vec<risk::Ahead>)> {
        let cached = self.opportunity_graph(opportunity).await?;
        let threads = risk::single_threaded(&cached.graph, opportunity);
        let ahead = risk::competitor_ahead(&cached.graph, opportunity);
        Ok((cached, threads, ahead))
    }

    pub async fn person_score(&self, person: Uuid) -> Result<Score> {
        let p = self.store.person_required(person).await?;
        let cached = self.graph(p.account_id).await?;
        Ok(scores::person_score(&cached.graph, person))
    }

    pub async fn account_score(&self, account: Uuid) -> Result<Score> {
        let cached = self.graph(account).await?;
        Ok(scores::account_score(&cached.graph))
    }

    pub async fn account_single_threaded(
        &self,
        account: Uuid,
    ) -> Result<(Arc<Cached>, Vec<risk::Thread>)> {
        let cached = self.graph(account).await?;
        let threads = risk::account_single_threaded(&cached.graph);
        Ok((cached, threads))
    }

    pub async fn employee_capital(&self, employee: Uuid, account: Uuid) -> Result<Score> {
        self.store.employee_required(employee).await?;
        let cached = self.graph(account).await?;
        Ok(scores::employee_capital(&cached.graph, employee))
    }

    pub async fn competitor_hold(&self, competitor: Uuid, opportunity: Uuid) -> Result<Score> {
        self.on_opportunity(opportunity, |cached, o| {
            let chain = scores::chain(&cached.graph, o);
            scores::competitor_hold(&cached.graph, &chain, competitor)
        })
        .await
    }

    /// The k best introduction paths to a person.
    pub async fn introduction_paths(
        &self,
        to: Uuid,
        from: Option<Uuid>,
        k: usize,
    ) -> Result<(Arc<Cached>, Vec<IntroductionPath>)> {
        if !(1..=MAX_PATHS).contains(&k) {
            return Err(Error::invalid(
                "k",
                format!("must be between 1 and {MAX_PATHS}, got {k}"),
            ));
        }
        let person = self.store.person_required(to).await?;
        if let Some(e) = from {
            let employee = self.store.employee_required(e).await?;
            if !employee.is_active() {
                return Err(Error::invalid(
                    "from",
                    format!(
                        "{} has left; departed employees carry no relationships",
                        employee.name
                    ),
                ));
            }
        }
        let cached = self.graph(person.account_id).await?;
        let paths = match introduction_paths(&cached.graph, to, from, k) {
            Ok(p) => p,
            Err(PathError::UnknownTarget) => return Err(Error::not_found("person", to)),
            // An active employee with no ties at all is not in this account's graph.
            Err(PathError::UnknownAsker) => Vec::new(),
        };
        Ok((cached, paths))
    }
}
