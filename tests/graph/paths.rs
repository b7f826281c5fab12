//! Introduction paths on the worked example, by hand.

use guanxi::graph::{model::Via, paths::introduction_paths, NodeKey};

use crate::fixture::{close, example};

#[test]
fn the_best_path_per_entry_employee_best_first() {
    let ex = example();
    let g = ex.b.build();
    let paths = introduction_paths(&g, ex.cfo, None, 3).unwrap();
    assert_eq!(paths.len(), 2, "two active employees have ties in");
    // Ann: via the CEO (0.85 × 4/5) and his solid line (0.85 × 3/5) beats her own 2.
    assert_eq!(paths[0].entry, ex.ar);
    assert!(close(paths[0].strength, 0.68 * 0.51));
    assert_eq!(paths[0].hops.len(), 2);
    assert_eq!(paths[0].hops[0].to, NodeKey::Person(ex.ceo));
    assert!(matches!(
        paths[0].hops[1].via,
        Via::ReportsTo { dotted: false }
    ));
    // Sam: CTO, up to the CEO, across to the CFO.
    assert_eq!(paths[1].entry, ex.sr);
    assert!(close(paths[1].strength, 0.51 * 0.51 * 0.51));
    // The departed employee's 5 opens no path.
    assert!(paths.iter().all(|p| p.entry != ex.departed));
}

#[test]
fn asking_through_a_colleague_is_one_answer_per_entry() {
    let ex = example();
    let g = ex.b.build();
    let paths = introduction_paths(&g, ex.cfo, Some(ex.sr), 3).unwrap();
    assert_eq!(paths.len(), 2);
    // Sam asks Ann (0.85 × 5/5), who goes in through the CEO.
    assert_eq!(paths[0].asker, ex.sr);
    assert_eq!(paths[0].entry, ex.ar);
    assert!(close(paths[0].strength, 0.85 * 0.68 * 0.51));
    assert!(matches!(paths[0].hops[0].via, Via::Colleague(_)));
    assert_eq!(paths[1].entry, ex.sr);
}

#[test]
fn a_direct_tie_beats_a_long_chain_of_strong_ones() {
    let mut b = crate::fixture::Builder::new();
    let target = b.person(1, "Target", "executive", "finance");
    let mut prev = b.person(2, "P0", "management", "it");
    let e1 = b.employee(10, "Direct", "ar", true);
    let e2 = b.employee(11, "Chain", "sr", true);
    b.ours(e1, target, 3);
    b.ours(e2, prev, 5);
    for i in 0..3 {
        let next = b.person(3 + i, &format!("P{}", i + 1), "management", "it");
        b.influences(prev, next, 5);
        prev = next;
    }
    b.influences(prev, target, 5);
    let g = b.build();
    let paths = introduction_paths(&g, target, None, 2).unwrap();
    assert_eq!(paths[0].entry, e1, "0.85 × 3/5 = 0.51 beats 0.85^5 = 0.44");
    assert!(close(paths[0].strength, 0.51));
    assert!(close(paths[1].strength, 0.85f64.powi(5)));
}

#[test]
fn unknown_targets_and_unreachable_people() {
    let ex = example();
    let g = ex.b.build();
    assert!(introduction_paths(&g, uuid::Uuid::nil(), None, 3).is_err());
    // Nobody reaches the engineer except through the CTO's line.
    let paths = introduction_paths(&g, ex.eng, None, 3).unwrap();
    assert!(paths
        .iter()
        .all(|p| p.hops.last().map(|h| h.to) == Some(NodeKey::Person(ex.eng))));
}

#[test]
fn informal_ties_carry_introductions_both_ways() {
    let mut b = crate::fixture::Builder::new();
    let a = b.person(1, "A", "management", "it");
    let c = b.person(2, "C", "management", "finance");
    let e = b.employee(3, "E", "ar", true);
    b.ours(e, c, 5);
    b.informal(a, c, 4);
    let g = b.build();
    let paths = introduction_paths(&g, a, None, 1).unwrap();
    assert!(close(paths[0].strength, 0.85 * 0.85 * 0.8));
    assert!(matches!(paths[0].hops[1].via, Via::Informal(_)));
}
