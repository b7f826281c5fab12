//! Seeded allocation problems of any size, for benches and property checks: a mix
//! of kinds, some requests naming a resource, some people behind several resources
//! with engagement limits, deadlines across the period.

use rand::{rngs::StdRng, Rng, SeedableRng};
use time::Duration;
use uuid::Uuid;

use super::allocate::{Person, Problem, Request, Resource};
use crate::domain::YearMonth;

const KINDS: &[&str] = &[
    "solution_expert",
    "executive_sponsor",
    "technical_workshop",
    "proof_of_concept",
    "demo_lab",
    "reference_visit",
    "pricing_approval",
    "budget",
];

/// `requests` open requests over `resources` resources for the given months.
pub fn problem(requests: usize, resources: usize, months: &[YearMonth], seed: u64) -> Problem {
    let mut rng = StdRng::seed_from_u64(seed);
    let id = |rng: &mut StdRng| Uuid::from_u128(rng.random());
    let people: Vec<Person> = (0..resources / 4)
        .map(|i| Person {
            id: id(&mut rng),
            name: format!("expert {i}"),
            limit: rng.random_range(2..=8),
        })
        .collect();
    let resources: Vec<Resource> = (0..resources)
        .map(|i| Resource {
            id: id(&mut rng),
            name: format!("resource {i}"),
            kind: KINDS[i % KINDS.len()].to_owned(),
            capacity: rng.random_range(2..=20),
            person: (rng.random_bool(0.5) && !people.is_empty())
                .then(|| people[rng.random_range(0..people.len())].id),
            // Every industry, no particular skill: generated problems weigh
            // capacity and value only.
            industries: Vec::new(),
            skills: Vec::new(),
        })
        .collect();
    let first = months
        .first()
        .map(|m| m.first_day())
        .unwrap_or(time::Date::MIN);
    let span = months
        .last()
        .map(|m| (m.next().first_day() - first).whole_days())
        .unwrap_or(30);
    let requests = (0..requests)
        .map(|_| {
            let kind = KINDS[rng.random_range(0..KINDS.len())];
            let named = rng.random_bool(0.2);
            let of_kind: Vec<&Resource> = resources.iter().filter(|r| r.kind == kind).collect();
            Request {
                id: id(&mut rng),
                kind: kind.to_owned(),
                resource: (named && !of_kind.is_empty())
                    .then(|| of_kind[rng.random_range(0..of_kind.len())].id),
                units: rng.random_range(1..=5),
                needed_by: first + Duration::days(rng.random_range(0..span.max(1))),
                value: (rng.random_range(1.0..100.0_f64) * 10_000.0).round(),
                industry: String::new(),
                skills: Vec::new(),
            }
        })
        .collect();
    Problem {
        months: months.to_vec(),
        resources,
        people,
        requests,
        bookings: Vec::new(),
        industry_mismatch_factor: 1.0,
    }
}
