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

use time::Date;
use uuid::Uuid;

use crate::{
    advice::{Blocker, Lang, Prompt},
    domain::{today, Opportunity},
    forecast::StageNorms,
    graph::data::OpportunityNode,
    graph::{
        data::{GraphData, GraphVersion},
        paths::{introduction_paths, IntroductionPath, PathError},
        risk::{self, Impact, PersonChange},
        scores::{self, OpportunityScores},
        AccountGraph, Score,
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

/// A built graph with the snapshot it came from (what-ifs edit a copy of the latter).
#[derive(Debug)]
pub struct Cached {
    pub data: GraphData,
    pub graph: AccountGraph,
    /// Pipeline rows already computed for this graph version and day, per language:
    /// a coach's second look at the pipeline costs nothing.
    pub rows: Mutex<HashMap<(Uuid, Lang), PipelineRow>>,
    /// Opportunities' six scores, and health with every prompt per language, as
    /// computed for this graph version and day: every screen showing a deal asks
    /// for them, and they change only when the data does.
    pub scores: Mutex<HashMap<Uuid, Arc<OpportunityScores>>>,
    pub advice: Mutex<HashMap<(Uuid, Lang), Arc<Advised>>>,
    /// How long deals usually stay in each stage, from history at the org version
    /// this graph was built for.
    pub norms: Arc<StageNorms>,
}

/// An opportunity's health and coaching prompts (all of them, best first).
#[derive(Debug)]
pub struct Advised {
    pub health: crate::advice::Health,
    pub prompts: Vec<crate::advice::Prompt>,
}

/// The value under `key`, computed once per cached graph.
fn once<K: std::hash::Hash + Eq + Copy, V>(
    map: &Mutex<HashMap<K, Arc<V>>>,
    key: K,
    compute: impl FnOnce() -> V,
) -> Arc<V> {
    // The lock is held only to read or insert, never while computing, so a
    // panic elsewhere cannot leave the map half-written: a poisoned lock's map
    // is used as it is.
    let lock = || {
        map.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(hit) = lock().get(&key).cloned() {
        return hit;
    }
    let value = Arc::new(compute());
    lock().insert(key, Arc::clone(&value));
    value
}

/// A built graph is known by its account, the versions it was read at and the
/// day it was scored for: a write or a new day makes a new key.
type CacheKey = (Uuid, GraphVersion, Date);

/// How often graphs were built and found built, since the engine started: what
/// `/metrics` reports, and what shows that concurrent readers share one build.
#[derive(Debug, Default)]
pub struct CacheStats {
    pub builds: std::sync::atomic::AtomicU64,
    pub hits: std::sync::atomic::AtomicU64,
    /// Notices of other servers' writes acted on ([`Engine::forget`]).
    pub forgotten: std::sync::atomic::AtomicU64,
}

impl CacheStats {
    pub fn forgotten(&self) -> u64 {
        self.forgotten.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn builds(&self) -> u64 {
        self.builds.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn hits(&self) -> u64 {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Cached {
    /// About how many bytes the graph and its snapshot hold, for the cache's
    /// bound: the snapshot's records by their size, twice over for the built
    /// graph's nodes, edges and indexes.
    pub fn weight(&self) -> u32 {
        use std::mem::size_of_val;
        let d = &self.data;
        let records = size_of_val(d.people.as_slice())
            + size_of_val(d.lines.as_slice())
            + size_of_val(d.employees.as_slice())
            + size_of_val(d.competitors.as_slice())
            + size_of_val(d.ties.as_slice())
            + size_of_val(d.contacts.as_slice())
            + size_of_val(d.opportunities.as_slice())
            + size_of_val(d.win_steps.as_slice())
            + size_of_val(d.answers.as_slice())
            + size_of_val(d.outsiders.as_slice());
        let names: usize = d.people.iter().map(|p| p.name.len() + 64).sum();
        u32::try_from((records + names) * 3 + 4096).unwrap_or(u32::MAX)
    }
}

mod assess;
mod changes;
mod history;
mod paths;
mod plan;
mod planning;
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
    pub fn new(store: Store) -> Self {
        Self::with_cache_bytes(store, DEFAULT_CACHE_BYTES)
    }

    /// An engine whose built graphs may weigh up to `bytes` in memory.
    pub fn with_cache_bytes(store: Store, bytes: u64) -> Self {
        Engine {
            store,
            cache: moka::future::Cache::builder()
                .max_capacity(bytes)
                .weigher(|_, v: &Arc<Cached>| v.weight())
                // Plain LRU: the default admission policy may turn away a graph
                // just built in favour of one used more often before a write.
                .eviction_policy(moka::policy::EvictionPolicy::lru())
                .build(),
            latest: Arc::new(Mutex::new(HashMap::new())),
            stats: Arc::new(CacheStats::default()),
            history: Arc::new(tokio::sync::Mutex::new(None)),
            memo: None,
        }
    }

    /// How often graphs were built and found built.
    pub fn cache_stats(&self) -> &CacheStats {
        &self.stats
    }

    /// Applies the cache's pending evictions now (moka applies them lazily, on
    /// later reads and writes): for tests and benchmarks that look at what
    /// stayed cached.
    pub async fn settle_cache(&self) {
        self.cache.run_pending_tasks().await;
    }

    /// Drops what another server's write made stale (see
    /// [`Store::follow_other_servers`]): the account's graph, or for a change to
    /// the organisation's records (or notices that may have been missed) every
    /// graph and the history. Reads would rebuild them anyway, since each checks
    /// the version; dropping them now frees the memory at once.
    pub async fn forget(&self, changed: crate::store::Changed) {
        use crate::store::Changed;
        match changed {
            Changed::Account(account, version) => {
                // A graph built at this version or later (the writer's own,
                // rebuilt before its notice came back) stays.
                let key = {
                    let mut latest = self
                        .latest
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    match latest.get(&account) {
                        Some(k) if k.1.account < version => latest.remove(&account),
                        _ => None,
                    }
                };
                match key {
                    Some(key) => self.cache.invalidate(&key).await,
                    None => return,
                }
            }
            Changed::Organisation | Changed::Anything => {
                self.latest
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clear();
                self.cache.invalidate_all();
                *self.history.lock().await = None;
            }
        }
        self.stats
            .forgotten
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Graphs cached now (after [`Engine::settle_cache`] for an exact count).
    pub fn cached_graphs(&self) -> u64 {
        self.cache.entry_count()
    }

    /// The engine for one request that only reads: the fields of one query see one
    /// snapshot of each account, looked up once. A query asking for an
    /// opportunity's health, scores and prompts checks the graph's version once
    /// instead of three times. Not for mutations, which must see their own writes.
    pub fn for_one_read(&self) -> Engine {
        Engine {
            memo: Some(Arc::new(Mutex::new(Memo::default()))),
            ..self.clone()
        }
    }

    /// Notes where an opportunity read by this request is, so that its fields do
    /// not read it again to find its graph.
    pub fn saw_opportunity(&self, opportunity: &crate::domain::Opportunity) {
        self.remembered(|m| {
            m.account_of
                .insert(opportunity.opportunity_id, opportunity.account_id)
        });
    }

    fn remembered<T>(&self, f: impl FnOnce(&mut Memo) -> Option<T>) -> Option<T> {
        let memo = self.memo.as_ref()?;
        f(&mut memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn methodology(&self) -> &Methodology {
        self.store.methodology()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The same engine (and cache) working for one API caller (see
    /// [`Store::acting_as`]): graphs of accounts outside their scope are not
    /// found and lists leave their deals out. Cached graphs are shared, since
    /// every caller who reaches an account sees the same one.
    pub fn acting_as(&self, caller: crate::domain::Principal) -> Engine {
        Engine {
            store: self.store.acting_as(caller),
            ..self.clone()
        }
    }

    /// The account's graph, rebuilt when any write changed it since it was cached.
    #[tracing::instrument(skip(self))]
    pub async fn graph(&self, account: Uuid) -> Result<Arc<Cached>> {
        if let Some(hit) = self.remembered(|m| m.graphs.get(&account).cloned()) {
            return Ok(hit);
        }
        let version = self
            .store
            .graph_version(account)
            .await?
            .ok_or_else(|| Error::not_found("account", account))?;
        self.graph_at(account, version).await
    }

    /// The account's graph at a version just read: the one this request already
    /// looked up, else the cached one if it is that version and today's, else built
    /// afresh.
    async fn graph_at(&self, account: Uuid, version: GraphVersion) -> Result<Arc<Cached>> {
        if let Some(hit) = self.remembered(|m| m.graphs.get(&account).cloned()) {
            return Ok(hit);
        }
        let found = self.cached_or_built(account, version).await?;
        self.remembered(|m| m.graphs.insert(account, Arc::clone(&found)));
        Ok(found)
    }

    /// The graph at this version and today: cached, or being built by another
    /// request (then awaited), or built here.
    async fn cached_or_built(&self, account: Uuid, version: GraphVersion) -> Result<Arc<Cached>> {
        let key = (account, version, today());
        let entry = self
            .cache
            .entry(key)
            .or_try_insert_with(self.build(key))
            .await
            .map_err(Error::shared)?;
        // `is_fresh` only for the request whose build ran; the others waited
        // for it or found it built.
        if !entry.is_fresh() {
            self.stats
                .hits
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            metrics::counter!("guanxi_graph_cache_hits_total").increment(1);
        }
        Ok(entry.into_value())
    }

    /// Builds the graph for `key` (its snapshot read, scored on a blocking
    /// thread) and retires the account's previous entry.
    async fn build(&self, key: CacheKey) -> Result<Arc<Cached>> {
        let (account, _, day) = key;
        let data = self.store.graph_data(account, day).await?;
        let norms = Arc::clone(&self.history().await?.norms);
        let methodology = Arc::clone(&self.store.methodology);
        let built = tokio::task::spawn_blocking(move || {
            let graph = AccountGraph::build(&data, &methodology, day);
            Cached {
                data,
                graph,
                rows: Mutex::new(HashMap::new()),
                scores: Mutex::new(HashMap::new()),
                advice: Mutex::new(HashMap::new()),
                norms,
            }
        })
        .await
        .map_err(|e| Error::Internal(anyhow::Error::new(e).context("building a graph")))?;
        self.stats
            .builds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        metrics::counter!("guanxi_graph_builds_total").increment(1);
        // Only a newer build retires the older: a request that read the
        // version just before a write may finish its build after the newer one.
        let newer =
            |a: &CacheKey, b: &CacheKey| (a.2, a.1.account, a.1.org) > (b.2, b.1.account, b.1.org);
        let retired = {
            let mut latest = self
                .latest
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match latest.get(&account).copied() {
                Some(old) if !newer(&key, &old) => None,
                old => {
                    latest.insert(account, key);
                    old
                }
            }
        };
        if let Some(old) = retired {
            self.cache.invalidate(&old).await;
        }
        Ok(Arc::new(built))
    }

    /// The graph of the opportunity's account.
    pub async fn opportunity_graph(&self, opportunity: Uuid) -> Result<Arc<Cached>> {
        let account = match self.remembered(|m| m.account_of.get(&opportunity).copied()) {
            Some(a) => a,
            None => {
                let a = self
                    .store
                    .opportunity_required(opportunity)
                    .await?
                    .account_id;
                self.remembered(|m| m.account_of.insert(opportunity, a));
                a
            }
        };
        self.graph(account).await
    }

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
        let cached = self.opportunity_graph(opportunity).await?;
        let o = cached
            .graph
            .opportunity(opportunity)
            .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
        let m = self.methodology();
        let a = assess(&cached.graph, m, o, cached.graph.as_of, &cached.norms);
        Ok(f(&cached, m, o, a))
    }

    pub async fn opportunity_scores(&self, opportunity: Uuid) -> Result<Arc<OpportunityScores>> {
        let cached = self.opportunity_graph(opportunity).await?;
        let o = cached
            .graph
            .opportunity(opportunity)
            .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
        Ok(once(&cached.scores, opportunity, || {
            scores::opportunity_scores(&cached.graph, o)
        }))
    }

    /// An opportunity's health and every coaching prompt in `lang`, best first.
    pub async fn opportunity_advice(&self, opportunity: Uuid, lang: Lang) -> Result<Arc<Advised>> {
        let cached = self.opportunity_graph(opportunity).await?;
        let o = cached
            .graph
            .opportunity(opportunity)
            .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
        let m = self.methodology();
        Ok(once(&cached.advice, (opportunity, lang), || {
            let a = assess(&cached.graph, m, o, cached.graph.as_of, &cached.norms);
            let prompts =
                crate::advice::prompts(&cached.graph, m, o, &a.facts, &a.steps, lang, true);
            Advised {
                health: a.health,
                prompts,
            }
        }))
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
        let cached = self.opportunity_graph(opportunity).await?;
        let o = cached
            .graph
            .opportunity(opportunity)
            .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
        let chain = scores::chain(&cached.graph, o);
        Ok(scores::competitor_hold(&cached.graph, &chain, competitor))
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

/// One tie someone leaving hands over: on which deal, which customer person, and
/// who of ours takes them over (`None`: nobody on the deal yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub opportunity: Uuid,
    pub person: Uuid,
    pub to: Option<Uuid>,
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
