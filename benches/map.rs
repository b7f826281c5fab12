//! Drawing the relationship map: layout and SVG for synthetic accounts of growing
//! size (the whole account on one map, at most 120 people drawn) and for one deal of a 2,000-person account
//! (its decision chain and the managers above them).

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use guanxi::{
    advice::Lang,
    graph::{
        synthetic::{generate, Spec},
        AccountGraph,
    },
    map::{self, MapFormat, RelationshipMap},
    methodology::Methodology,
};

fn maps(c: &mut Criterion) {
    let methodology = Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology"))
        .expect("the shipped methodology loads");
    let mut group = c.benchmark_group("account map, SVG");
    group.sample_size(10);
    for people in [40, 120, 300] {
        let spec = Spec::sized(people, 7);
        let data = generate(&spec);
        let graph = AccountGraph::build(&data, &methodology, spec.as_of);
        let drawn = RelationshipMap::build(&data, &graph, &methodology, None, Lang::En).unwrap();
        eprintln!(
            "{people} people: {} on the map, {} ties, {} employees and competitors",
            drawn.people.len(),
            drawn.ties.len(),
            drawn.parties.len()
        );
        group.bench_with_input(BenchmarkId::from_parameter(people), &drawn, |b, drawn| {
            b.iter(|| map::render(drawn, MapFormat::Svg, Lang::En))
        });
    }
    group.finish();

    let spec = Spec::sized(2_000, 7);
    let data = generate(&spec);
    let graph = AccountGraph::build(&data, &methodology, spec.as_of);
    let deal = graph.opportunities[0].id;
    let drawn = RelationshipMap::build(&data, &graph, &methodology, Some(deal), Lang::En).unwrap();
    eprintln!(
        "one deal of 2,000 people: {} on the map",
        drawn.people.len()
    );
    c.bench_function("opportunity map, 2,000-person account: model", |b| {
        b.iter(|| RelationshipMap::build(&data, &graph, &methodology, Some(deal), Lang::En))
    });
    c.bench_function("opportunity map, 2,000-person account: layout + SVG", |b| {
        b.iter(|| map::render(&drawn, MapFormat::Svg, Lang::En))
    });
    c.bench_function("opportunity map, 2,000-person account: DOT", |b| {
        b.iter(|| map::render(&drawn, MapFormat::Dot, Lang::En))
    });
}

criterion_group!(benches, maps);
criterion_main!(benches);
