//! The allocator on small problems whose best answer can be checked by hand,
//! including ones where serving the most valuable request first is wrong.

use guanxi::{
    domain::YearMonth,
    support::{
        allocate,
        allocate::{Booking, Person, Request, Resource},
        LeftOut, Method, Problem, Settings,
    },
};
use time::{macros::date, Date};
use uuid::Uuid;

const EXACT: Settings = Settings {
    exact_variable_limit: 10_000,
    relaxation_variable_limit: 100_000,
    time_limit_seconds: 10.0,
};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn nov() -> YearMonth {
    YearMonth {
        year: 2026,
        month: 11,
    }
}

fn resource(n: u128, kind: &str, capacity: i32) -> Resource {
    Resource {
        id: id(n),
        name: format!("resource {n}"),
        kind: kind.into(),
        capacity,
        person: None,
        industries: Vec::new(),
        skills: Vec::new(),
    }
}

fn request(n: u128, kind: &str, units: i32, value: f64) -> Request {
    Request {
        id: id(n),
        kind: kind.into(),
        resource: None,
        units,
        needed_by: date!(2026 - 11 - 30),
        value,
        industry: "telecom".into(),
        skills: Vec::new(),
    }
}

/// A core-network expert serves telecom deals with the skills they bring; a
/// generalist serves every industry. A request needing a skill neither the
/// kind's resources bring is left out with NoSkill; one from another industry is
/// worth less with the specialist, so the generalist takes it.
#[test]
fn resources_serve_the_skills_and_industries_they_bring() {
    let specialist = Resource {
        industries: vec!["telecom".into()],
        skills: vec!["5g core".into()],
        ..resource(1, "solution_expert", 3)
    };
    let generalist = Resource {
        skills: vec!["iot".into()],
        ..resource(2, "solution_expert", 3)
    };
    let core = Request {
        skills: vec!["5g core".into()],
        ..request(10, "solution_expert", 3, 100.0)
    };
    let energy = Request {
        industry: "energy".into(),
        ..request(11, "solution_expert", 3, 90.0)
    };
    let scada = Request {
        skills: vec!["grid scada".into()],
        ..request(12, "solution_expert", 1, 500.0)
    };
    let p = Problem {
        months: vec![nov()],
        resources: vec![specialist, generalist],
        requests: vec![core, energy, scada],
        industry_mismatch_factor: 0.5,
        ..Default::default()
    };
    assert!(p.can_serve(&p.requests[0], &p.resources[0]));
    assert!(
        !p.can_serve(&p.requests[0], &p.resources[1]),
        "the generalist lacks 5g core"
    );
    assert_eq!(p.fit(&p.requests[1], &p.resources[0]), 0.5);
    assert_eq!(p.fit(&p.requests[1], &p.resources[1]), 1.0);
    let plan = allocate(&p, EXACT);
    assert_eq!(served(&plan), {
        let mut v = vec![(id(10), id(1)), (id(11), id(2))];
        v.sort();
        v
    });
    // Full value for both: each went where it fits.
    assert!((plan.value - 190.0).abs() < 1e-9, "{}", plan.value);
    assert!(plan
        .left_out
        .iter()
        .any(|(r, why)| *r == id(12) && *why == LeftOut::NoSkill));
    // Without the generalist, the energy deal takes the specialist at half value.
    let p = Problem {
        resources: vec![p.resources[0].clone()],
        requests: vec![p.requests[1].clone()],
        ..p
    };
    let plan = allocate(&p, EXACT);
    assert!((plan.value - 45.0).abs() < 1e-9, "{}", plan.value);
}

fn served(plan: &guanxi::support::Plan) -> Vec<(Uuid, Uuid)> {
    let mut s: Vec<(Uuid, Uuid)> = plan
        .assignments
        .iter()
        .map(|a| (a.request, a.resource))
        .collect();
    s.sort();
    s
}

#[test]
fn two_smaller_requests_beat_the_single_most_valuable_one() {
    // Ten expert days. Most-valuable-first gives A (60) and no room for B or C;
    // B and C together are worth 100.
    let p = Problem {
        months: vec![nov()],
        resources: vec![resource(1, "solution_expert", 10)],
        requests: vec![
            request(10, "solution_expert", 6, 60.0),
            request(11, "solution_expert", 5, 50.0),
            request(12, "solution_expert", 5, 50.0),
        ],
        ..Default::default()
    };
    let plan = allocate(&p, EXACT);
    assert_eq!(served(&plan), vec![(id(11), id(1)), (id(12), id(1))]);
    assert!((plan.value - 100.0).abs() < 1e-6);
    assert_eq!(plan.parts[0].method, Method::Exact);
    assert!(plan.gap() < 1e-9);
    match &plan.left_out[..] {
        [(
            left,
            LeftOut::Outbid {
                extra_units,
                taken_by,
                ..
            },
        )] => {
            assert_eq!(*left, id(10));
            assert_eq!(*extra_units, 6, "nothing is left after B and C");
            assert_eq!(taken_by.len(), 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_request_for_a_named_expert_keeps_that_expert_for_itself() {
    // Q (11) is worth more and could use either expert; P (10) needs X. Serving Q
    // first on X would leave P out; the optimum gives Q to Y.
    let mut p_request = request(20, "solution_expert", 1, 10.0);
    p_request.resource = Some(id(1));
    let p = Problem {
        months: vec![nov()],
        resources: vec![
            resource(1, "solution_expert", 1),
            resource(2, "solution_expert", 1),
        ],
        requests: vec![request(21, "solution_expert", 1, 11.0), p_request],
        ..Default::default()
    };
    let plan = allocate(&p, EXACT);
    assert_eq!(served(&plan), vec![(id(20), id(1)), (id(21), id(2))]);
    assert!((plan.value - 21.0).abs() < 1e-6);
    assert!(plan.left_out.is_empty());
}

#[test]
fn a_person_behind_two_resources_is_held_to_their_limit() {
    let person = id(99);
    let mut workshop = resource(1, "technical_workshop", 5);
    workshop.person = Some(person);
    let mut days = resource(2, "solution_expert", 5);
    days.person = Some(person);
    let p = Problem {
        months: vec![nov()],
        resources: vec![workshop, days],
        people: vec![Person {
            id: person,
            name: "Li Wei".into(),
            limit: 1,
        }],
        requests: vec![
            request(30, "technical_workshop", 1, 5.0),
            request(31, "solution_expert", 1, 7.0),
        ],
        ..Default::default()
    };
    let plan = allocate(&p, EXACT);
    assert_eq!(served(&plan), vec![(id(31), id(2))]);
    assert!(matches!(
        &plan.left_out[..],
        [(r, LeftOut::PersonAtLimit { person: who, taken_by, .. })]
            if *r == id(30) && *who == person && taken_by == &vec![id(31)]
    ));
}

#[test]
fn impossible_requests_say_why() {
    let mut late = request(42, "solution_expert", 1, 9.0);
    late.needed_by = date!(2026 - 10 - 31);
    let p = Problem {
        months: vec![nov()],
        resources: vec![resource(1, "solution_expert", 3)],
        requests: vec![
            request(40, "proof_of_concept", 1, 9.0),
            request(41, "solution_expert", 5, 9.0),
            late,
        ],
        ..Default::default()
    };
    let plan = allocate(&p, EXACT);
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.value, 0.0);
    let reasons: Vec<&LeftOut> = plan.left_out.iter().map(|(_, r)| r).collect();
    assert_eq!(
        reasons,
        vec![
            &LeftOut::NoResource,
            &LeftOut::TooLarge { largest_free: 3 },
            &LeftOut::DeadlinePassed
        ]
    );
}

#[test]
fn overbooked_resources_are_reported_not_planned_on() {
    let p = Problem {
        months: vec![nov()],
        resources: vec![resource(1, "solution_expert", 2)],
        bookings: vec![Booking {
            resource: id(1),
            month: nov(),
            units: 3,
        }],
        requests: vec![request(50, "solution_expert", 1, 9.0)],
        ..Default::default()
    };
    let plan = allocate(&p, EXACT);
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.warnings.len(), 1);
    assert!(
        plan.warnings[0].contains("1 unit beyond its capacity of 2"),
        "{}",
        plan.warnings[0]
    );
    assert!(matches!(
        plan.left_out[0].1,
        LeftOut::TooLarge { largest_free: 0 }
    ));
}

#[test]
fn equal_values_go_to_the_earlier_request_every_time() {
    for _ in 0..5 {
        let p = Problem {
            months: vec![nov()],
            resources: vec![resource(1, "executive_sponsor", 1)],
            requests: vec![
                request(60, "executive_sponsor", 1, 8.0),
                request(61, "executive_sponsor", 1, 8.0),
            ],
            ..Default::default()
        };
        let plan = allocate(&p, EXACT);
        assert_eq!(served(&plan), vec![(id(60), id(1))]);
    }
}

#[test]
fn a_quarter_spreads_requests_over_months_up_to_their_deadlines() {
    let months = vec![
        YearMonth {
            year: 2026,
            month: 10,
        },
        YearMonth {
            year: 2026,
            month: 11,
        },
        YearMonth {
            year: 2026,
            month: 12,
        },
    ];
    let at = |n: u128, d: Date| {
        let mut r = request(n, "proof_of_concept", 1, 10.0 + n as f64);
        r.needed_by = d;
        r
    };
    let p = Problem {
        months,
        resources: vec![resource(1, "proof_of_concept", 1)],
        requests: vec![
            at(70, date!(2026 - 10 - 15)),
            at(71, date!(2026 - 11 - 15)),
            at(72, date!(2026 - 12 - 15)),
            at(73, date!(2026 - 10 - 20)),
        ],
        ..Default::default()
    };
    let plan = allocate(&p, EXACT);
    // One PoC a month: October must go to 70 or 73 (both due in October); the best
    // plan serves 73 (worth more) in October, 71 in November, 72 in December.
    let mut by_month: Vec<(u8, Uuid)> = plan
        .assignments
        .iter()
        .map(|a| (a.month.month, a.request))
        .collect();
    by_month.sort();
    assert_eq!(by_month, vec![(10, id(73)), (11, id(71)), (12, id(72))]);
}

#[test]
fn large_parts_are_split_by_resource_and_report_the_gap_to_the_bound() {
    let p = Problem {
        months: vec![nov()],
        resources: vec![resource(1, "solution_expert", 10)],
        requests: vec![
            request(80, "solution_expert", 7, 70.0),
            request(81, "solution_expert", 7, 63.0),
        ],
        ..Default::default()
    };
    let plan = allocate(
        &p,
        Settings {
            exact_variable_limit: 0,
            relaxation_variable_limit: 0,
            time_limit_seconds: 10.0,
        },
    );
    assert_eq!(plan.parts[0].method, Method::Decomposed);
    assert_eq!(served(&plan), vec![(id(80), id(1))]);
    // The pooled relaxation serves 80 whole and 3/7 of 81: 70 + 27 = 97.
    assert!((plan.bound - 97.0).abs() < 1e-3, "{}", plan.bound);
    assert!((plan.gap() - 27.0 / 97.0).abs() < 1e-3);
}

#[test]
fn independent_kinds_are_solved_as_separate_parts() {
    let p = Problem {
        months: vec![nov()],
        resources: vec![
            resource(1, "solution_expert", 1),
            resource(2, "demo_lab", 1),
        ],
        requests: vec![
            request(90, "solution_expert", 1, 1.0),
            request(91, "demo_lab", 1, 1.0),
        ],
        ..Default::default()
    };
    let plan = allocate(&p, EXACT);
    assert_eq!(plan.parts.len(), 2);
    assert_eq!(plan.assignments.len(), 2);
}

#[test]
fn an_empty_problem_is_an_empty_plan() {
    let plan = allocate(&Problem::default(), EXACT);
    assert!(plan.assignments.is_empty() && plan.left_out.is_empty());
    assert_eq!(plan.gap(), 0.0);
}

#[test]
fn mid_sized_parts_use_the_relaxation_and_its_bound() {
    let p = Problem {
        months: vec![nov()],
        resources: vec![resource(1, "solution_expert", 10)],
        requests: vec![
            request(80, "solution_expert", 7, 70.0),
            request(81, "solution_expert", 7, 63.0),
            request(82, "solution_expert", 3, 20.0),
        ],
        ..Default::default()
    };
    let plan = allocate(
        &p,
        Settings {
            exact_variable_limit: 0,
            relaxation_variable_limit: 100,
            time_limit_seconds: 10.0,
        },
    );
    assert_eq!(plan.parts[0].method, Method::Relaxation);
    // Relaxed: 80 whole (70) and 3/7 of 81 (27) = 97 ≥ the plan 80 + 82 = 90.
    assert!((plan.bound - 97.0).abs() < 1e-3, "{}", plan.bound);
    assert_eq!(served(&plan), vec![(id(80), id(1)), (id(82), id(1))]);
}

#[test]
fn generated_problems_are_solved_within_capacity_by_every_method() {
    use guanxi::support::synthetic;
    let months = [nov()];
    let p = synthetic::problem(300, 24, &months, 3);
    for (exact, relax) in [(100_000, 100_000), (0, 100_000), (0, 0)] {
        let plan = allocate(
            &p,
            Settings {
                exact_variable_limit: exact,
                relaxation_variable_limit: relax,
                time_limit_seconds: 10.0,
            },
        );
        let mut used: std::collections::HashMap<Uuid, i32> = Default::default();
        for a in &plan.assignments {
            let r = p.requests.iter().find(|r| r.id == a.request).unwrap();
            *used.entry(a.resource).or_default() += r.units;
        }
        for r in &p.resources {
            assert!(
                used.get(&r.id).copied().unwrap_or(0) <= r.capacity,
                "{}",
                r.name
            );
        }
        assert!(plan.value <= plan.bound + 1e-6);
        assert_eq!(
            plan.assignments.len() + plan.left_out.len(),
            p.requests.len()
        );
    }
}
