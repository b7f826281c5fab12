//! Graph engine benches on a synthetic account of 2,000 people and about 20,000
//! edges: building the graph, all six scores of every opportunity, and the best
//! introduction paths to every key person.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use guanxi::{
    graph::{
        paths::introduction_paths,
        scores::{chain, key_people, opportunity_scores},
        synthetic::{edge_count, generate, Spec},
        AccountGraph,
    },
    methodology::Methodology,
};

fn account(c: &mut Criterion) {
    let methodology = Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology"))
        .expect("the shipped methodology loads");
    let spec = Spec::sized(2_000, 7);
    let data = generate(&spec);
    eprintln!(
        "synthetic account: {} people, {} employees, {} edges, {} opportunities",
        data.people.len(),
        data.employees.len(),
        edge_count(&data),
        data.opportunities.len()
    );
    let graph = AccountGraph::build(&data, &methodology, spec.as_of);

    c.bench_function("build account graph (2,000 people)", |b| {
        b.iter(|| AccountGraph::build(&data, &methodology, spec.as_of))
    });
    c.bench_function("six scores, every opportunity", |b| {
        b.iter(|| {
            let scores: Vec<_> = graph
                .opportunities
                .iter()
                .map(|o| opportunity_scores(&graph, o))
                .collect();
            std::hint::black_box(scores)
        })
    });
    let mut key = Vec::new();
    for o in &graph.opportunities {
        let chain = chain(&graph, o);
        let (people, _) = key_people(&graph, &chain);
        key.extend(people.iter().map(|m| m.person()));
    }
    key.sort();
    key.dedup();
    eprintln!("key people: {}", key.len());
    c.bench_function("introduction paths k=3 to every key person", |b| {
        b.iter(|| {
            key.iter()
                .map(|p| {
                    introduction_paths(&graph, *p, None, 3)
                        .map(|v| v.len())
                        .unwrap_or(0)
                })
                .sum::<usize>()
        })
    });
    c.bench_function("build + score every opportunity", |b| {
        b.iter(|| {
            let g = AccountGraph::build(&data, &methodology, spec.as_of);
            let scores: Vec<_> = g
                .opportunities
                .iter()
                .map(|o| opportunity_scores(&g, o))
                .collect();
            std::hint::black_box(scores)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = account
}
criterion_main!(benches);
