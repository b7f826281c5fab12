//! The engine's cache of built graphs: single-flight builds keyed by account,
//! versions and day, bounded by weight, and the per-request memo that lets the
//! fields of one query share one lookup.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use time::Date;
use uuid::Uuid;

use super::{Engine, Memo, PipelineRow, DEFAULT_CACHE_BYTES};
use crate::{
    advice::Lang,
    domain::today,
    forecast::StageNorms,
    graph::{
        data::{GraphData, GraphVersion},
        scores::OpportunityScores,
        AccountGraph,
    },
    methodology::Methodology,
    store::Store,
    Error, Result,
};

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
pub(super) fn once<K: std::hash::Hash + Eq + Copy, V>(
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
pub(super) type CacheKey = (Uuid, GraphVersion, Date);

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

    pub(super) fn remembered<T>(&self, f: impl FnOnce(&mut Memo) -> Option<T>) -> Option<T> {
        let memo = self.memo.as_ref()?;
        f(&mut memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    pub(super) fn methodology(&self) -> &Methodology {
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
    pub(super) async fn graph_at(
        &self,
        account: Uuid,
        version: GraphVersion,
    ) -> Result<Arc<Cached>> {
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
}
