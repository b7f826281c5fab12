//! Support allocation on generated problems: a demo-sized plan, a mid-sized one
//! solved by relaxation, and 10,000 open requests over 200 resources for a quarter.

use criterion::{criterion_group, criterion_main, Criterion};
use guanxi::{
    domain::YearMonth,
    support::{allocate, synthetic, Settings},
};

const SETTINGS: Settings = Settings {
    exact_variable_limit: 3_000,
    relaxation_variable_limit: 60_000,
    time_limit_seconds: 5.0,
};

fn quarter() -> Vec<YearMonth> {
    (10..=12)
        .map(|month| YearMonth { year: 2026, month })
        .collect()
}

fn bench(c: &mut Criterion) {
    let months = quarter();
    let mut group = c.benchmark_group("allocate");
    group.sample_size(10);
    for (requests, resources) in [(50, 10), (1_000, 200), (10_000, 200)] {
        let p = synthetic::problem(requests, resources, &months, 7);
        let plan = allocate(&p, SETTINGS);
        let methods: Vec<&str> = plan.parts.iter().map(|x| x.method.as_str()).collect();
        eprintln!(
            "{requests} requests / {resources} resources: served {}, value {:.0}, bound {:.0}, gap {:.2}%, parts {:?}",
            plan.assignments.len(),
            plan.value,
            plan.bound,
            plan.gap() * 100.0,
            methods
        );
        group.bench_function(format!("{requests}_requests_{resources}_resources"), |b| {
            b.iter(|| allocate(&p, SETTINGS))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
