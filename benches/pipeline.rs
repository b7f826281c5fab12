//! The coach's pipeline over 10,000 open opportunities (1,000 synthetic accounts of
//! 150 people with 10 open deals each), graphs already built as the cache holds
//! them: health and the top prompt for every deal, then sorted.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use guanxi::{
    advice::Lang,
    engine::{pipeline_row, pipeline_rows},
    graph::{
        synthetic::{generate, Spec},
        AccountGraph,
    },
    methodology::Methodology,
};

fn pipeline(c: &mut Criterion) {
    let methodology = Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology"))
        .expect("the shipped methodology loads");
    let graphs: Vec<AccountGraph> = (0..1_000u64)
        .map(|seed| {
            let mut spec = Spec::sized(150, seed);
            spec.opportunities = 10;
            spec.employees = 15;
            spec.ties_per_employee = 20;
            AccountGraph::build(&generate(&spec), &methodology, spec.as_of)
        })
        .collect();
    let deals: usize = graphs.iter().map(|g| g.opportunities.len()).sum();
    eprintln!(
        "pipeline over {deals} open opportunities in {} accounts",
        graphs.len()
    );
    let today = Spec::sized(1, 0).as_of;
    let norms = guanxi::forecast::StageNorms::default();
    let norms = &norms;
    let items: Vec<_> = graphs
        .iter()
        .flat_map(|g| g.opportunities.iter().map(move |o| (g, norms, o)))
        .collect();
    c.bench_function("pipeline: 10,000 open opportunities, one thread", |b| {
        b.iter(|| {
            let mut rows: Vec<_> = items
                .iter()
                .map(|(g, n, o)| pipeline_row(g, n, &methodology, o, today, Lang::En))
                .collect();
            rows.sort_by(|a, b| a.health.total_cmp(&b.health));
            std::hint::black_box(rows)
        })
    });
    c.bench_function("pipeline: 10,000 open opportunities, all cores", |b| {
        b.iter(|| {
            let mut rows = pipeline_rows(&items, &methodology, today, Lang::En);
            rows.sort_by(|a, b| a.health.total_cmp(&b.health));
            std::hint::black_box(rows)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = pipeline
}
criterion_main!(benches);
