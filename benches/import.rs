//! Importing CSV through the `guanxi` mapping into a fresh SQLite file: 20 accounts,
//! 50 employees, 2,000 people and 20,000 relationship rows per run (the 1M-row
//! figures in docs/transfer.md come from `bench/gen_import_csv.py` and the release
//! binary). Also the same import a second time: every row already there.

use std::{io::Write, path::Path, sync::Arc};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use guanxi::{
    methodology::Methodology,
    store::Store,
    transfer::{import_csv, CsvFile, ImportOptions, Mapping},
};

const ACCOUNTS: usize = 20;
const PEOPLE_PER_ACCOUNT: usize = 100;
const EMPLOYEES: usize = 50;
const RELATIONSHIPS: usize = 20_000;

/// A small deterministic generator (no extra dependency for a bench).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn write_files(dir: &Path) -> Vec<CsvFile> {
    let mut rng = Lcg(7);
    let file = |name: &str, header: &str, rows: Vec<String>| {
        let path = dir.join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        writeln!(f, "{header}").unwrap();
        for r in rows {
            writeln!(f, "{r}").unwrap();
        }
        CsvFile { path, entity: None }
    };
    let accounts = (0..ACCOUNTS)
        .map(|a| {
            format!(
                "A{a},Bench Customer {} Holdings,telecom,north_china,normal",
                a * 7919
            )
        })
        .collect();
    let employees = (0..EMPLOYEES)
        .map(|e| format!("e{e}@ourco.example,Employee {e},ar"))
        .collect();
    let people = (0..ACCOUNTS)
        .flat_map(|a| {
            (0..PEOPLE_PER_ACCOUNT).map(move |p| {
                let manager = if p > 0 {
                    format!("P{a}-{}", (p - 1) / 10)
                } else {
                    String::new()
                };
                format!("P{a}-{p},A{a},Person {a}-{p},network,operational,{manager}")
            })
        })
        .collect();
    let ties = (0..RELATIONSHIPS)
        .map(|_| {
            format!(
                "e{}@ourco.example,P{}-{},{},2026-{:02}-{:02}",
                rng.below(EMPLOYEES),
                rng.below(ACCOUNTS),
                rng.below(PEOPLE_PER_ACCOUNT),
                rng.below(6),
                1 + rng.below(11),
                1 + rng.below(28)
            )
        })
        .collect();
    vec![
        file(
            "accounts.csv",
            "account_ref,account_name,industry,region,tier",
            accounts,
        ),
        file(
            "employees.csv",
            "employee_email,employee_name,role",
            employees,
        ),
        file(
            "people.csv",
            "person_ref,account_ref,person_name,department,level,reports_to_ref",
            people,
        ),
        file(
            "relationships.csv",
            "employee_email,person_ref,strength,assessed_on",
            ties,
        ),
    ]
}

fn import(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let methodology = Arc::new(
        Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology"))
            .expect("the shipped methodology loads"),
    );
    let mapping = Mapping::load("guanxi").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = write_files(dir.path());
    let fresh = |n: &mut u32| {
        *n += 1;
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("bench-{n}.db")).display()
        );
        runtime.block_on(async {
            let store = Store::connect(&url, methodology.clone()).await.unwrap();
            store.migrate().await.unwrap();
            store
        })
    };
    let options = ImportOptions::default();
    let mut n = 0;
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("csv_20k_relationships_into_empty_sqlite", |b| {
        b.iter_batched(
            || fresh(&mut n),
            |store| {
                runtime
                    .block_on(import_csv(&store, &mapping, &files, options, None))
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    let loaded = fresh(&mut n);
    runtime
        .block_on(import_csv(&loaded, &mapping, &files, options, None))
        .unwrap();
    group.bench_function("csv_20k_relationships_again_unchanged", |b| {
        b.iter(|| {
            runtime
                .block_on(import_csv(&loaded, &mapping, &files, options, None))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
