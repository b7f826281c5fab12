//! Benches over a generated portfolio in a real SQLite file (the generator behind
//! `guanxi gen`): one account's graph read from storage and built, the six scores of
//! one opportunity, the k = 3 best introduction paths to one person, and the coach's
//! pipeline (every open opportunity scored) over the whole portfolio, in memory and
//! from a freshly opened file.
//!
//! Size: `GUANXI_BENCH_ACCOUNTS` accounts (default 10) of `GUANXI_BENCH_PEOPLE`
//! people (default 1,000; about 8.5 relationships per person), 200 employees.
//! `bench/run.sh` also runs it at 118 × 1,000 (1,000,000 relationships).

use std::{path::Path, sync::Arc, time::Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use guanxi::{
    advice::Lang,
    domain::today,
    engine::{pipeline_rows, Engine, PipelineFilter},
    graph::{paths::introduction_paths, scores::opportunity_scores, AccountGraph},
    methodology::Methodology,
    store::Store,
    transfer::{generate_portfolio, PortfolioSpec},
};

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn portfolio(c: &mut Criterion) {
    let methodology = Arc::new(
        Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology"))
            .expect("the shipped methodology loads"),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("portfolio.db").display());
    let spec = PortfolioSpec {
        accounts: size("GUANXI_BENCH_ACCOUNTS", 10),
        people_per_account: size("GUANXI_BENCH_PEOPLE", 1_000),
        employees: 200,
        competitors: 12,
        seed: 7,
    };
    let (store, made) = rt.block_on(async {
        let store = Store::connect(&url, Arc::clone(&methodology))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let made = generate_portfolio(&store, &spec, None).await.unwrap();
        (store, made)
    });
    eprintln!(
        "portfolio: {} accounts, {} people, {} relationships, {} interactions, {} opportunities",
        made.accounts, made.people, made.relationships, made.interactions, made.opportunities
    );
    let accounts: Vec<uuid::Uuid> = rt.block_on(async {
        store
            .accounts(None, 0, 1_000_000)
            .await
            .unwrap()
            .accounts
            .into_iter()
            .map(|a| a.account_id)
            .collect()
    });
    let day = today();

    c.bench_function("graph of one account from storage", |b| {
        b.iter(|| {
            rt.block_on(async {
                let data = store.graph_data(accounts[0], day).await.unwrap();
                AccountGraph::build(&data, &methodology, day)
            })
        })
    });

    // Every account's graph, as the engine's cache holds them.
    let started = Instant::now();
    let graphs: Vec<AccountGraph> = rt.block_on(async {
        let mut out = Vec::new();
        for a in &accounts {
            let data = store.graph_data(*a, day).await.unwrap();
            out.push(AccountGraph::build(&data, &methodology, day));
        }
        out
    });
    eprintln!(
        "read and built {} graphs in {:.2} s",
        graphs.len(),
        started.elapsed().as_secs_f64()
    );
    let g = &graphs[0];
    let deal = g
        .opportunities
        .iter()
        .find(|o| o.open)
        .expect("an open deal");
    c.bench_function("six scores of one opportunity", |b| {
        b.iter(|| opportunity_scores(g, deal))
    });
    let targets: Vec<uuid::Uuid> = g.people.iter().map(|p| p.id).collect();
    let mut next = 0;
    c.bench_function("k = 3 introduction paths to one person", |b| {
        b.iter(|| {
            next = (next + 1) % targets.len();
            introduction_paths(g, targets[next], None, 3).unwrap()
        })
    });

    let norms = rt.block_on(Engine::new(store.clone()).history()).unwrap();
    let norms = &*norms.norms;
    let items: Vec<_> = graphs
        .iter()
        .flat_map(|g| {
            g.opportunities
                .iter()
                .filter(|o| o.open)
                .map(move |o| (g, norms, o))
        })
        .collect();
    eprintln!("open opportunities: {}", items.len());
    c.bench_function("pipeline, whole portfolio, in memory", |b| {
        b.iter(|| pipeline_rows(&items, &methodology, day, Lang::En))
    });
    c.bench_function("pipeline, whole portfolio, from a newly opened file", |b| {
        b.iter(|| {
            rt.block_on(async {
                let store = Store::connect(&url, Arc::clone(&methodology))
                    .await
                    .unwrap();
                let rows = Engine::new(store.clone())
                    .pipeline(&PipelineFilter::default(), Lang::En)
                    .await
                    .unwrap();
                store.close().await;
                rows
            })
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = portfolio
}
criterion_main!(benches);
