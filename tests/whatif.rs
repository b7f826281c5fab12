//! What-ifs move the right way: over generated accounts, losing one of our
//! employees or ties, a supporter on the customer side leaving, an opponent we do
//! not know yet joining a chain or anyone's attitude falling never raises any of a
//! deal's six scores, its health or its win probability; an opponent leaving may,
//! and the story says which measures rose.

use std::path::Path;

use guanxi::{
    advice::Lang,
    engine::whatif::{stories, Story},
    forecast::StageNorms,
    graph::{
        data::{GraphData, TieEnds},
        risk::{with_person_change, without_employee, PersonChange},
        synthetic::{generate, Spec},
        AccountGraph,
    },
    methodology::Methodology,
};
use proptest::prelude::*;
use time::{macros::date, Date};

const TODAY: Date = date!(2026 - 11 - 26);

fn methodology() -> &'static Methodology {
    static M: std::sync::OnceLock<Methodology> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology")).unwrap()
    })
}

fn account(seed: u64, people: usize, employees: usize, ties: usize, chain: usize) -> GraphData {
    generate(&Spec {
        seed,
        people,
        employees,
        competitors: 2,
        ties_per_employee: ties,
        opportunities: 2,
        chain_size: chain,
        as_of: TODAY,
    })
}

fn tell(before: &GraphData, after: &GraphData) -> Vec<Story> {
    let m = methodology();
    let b = AccountGraph::build(before, m, TODAY);
    let a = AccountGraph::build(after, m, TODAY);
    stories(&b, &a, m, TODAY, &StageNorms::default(), Lang::En, None)
}

/// Nothing rises, on any open deal; the message names the first that does.
fn nothing_rises(what: &str, before: &GraphData, after: &GraphData) -> Result<(), TestCaseError> {
    for s in tell(before, after) {
        let why = || {
            format!(
                "{what}: {:?} rose on {} ({:?} -> {:?}, health {:?} -> {:?}, answers {:?} -> {:?}, p {} -> {})",
                s.rises,
                s.opportunity,
                s.before.scores,
                s.after.scores,
                s.before.health_parts,
                s.after.health_parts,
                s.before.answers,
                s.after.answers,
                s.before.probability,
                s.after.probability
            )
        };
        prop_assert!(s.rises.is_empty(), "{}", why());
    }
    Ok(())
}

/// Open-deal members as (deal index, member index).
fn members(data: &GraphData, keep: impl Fn(i32) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, o) in data
        .opportunities
        .iter()
        .enumerate()
        .filter(|(_, o)| o.open)
    {
        for (j, m) in o.members.iter().enumerate() {
            if keep(m.attitude) {
                out.push((i, j));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    #[test]
    fn losing_one_of_our_employees_raises_nothing(seed in any::<u64>(), people in 3usize..25, employees in 1usize..6, ties in 1usize..8, chain in 1usize..10, pick in any::<prop::sample::Index>()) {
        let data = account(seed, people, employees, ties, chain);
        let who = data.employees[pick.index(data.employees.len())].id;
        nothing_rises("employee leaves", &data, &without_employee(&data, who))?;
    }

    #[test]
    fn losing_one_of_our_ties_raises_nothing(seed in any::<u64>(), people in 3usize..25, employees in 1usize..6, ties in 1usize..8, chain in 1usize..10, pick in any::<prop::sample::Index>()) {
        let data = account(seed, people, employees, ties, chain);
        let ours: Vec<usize> = data.ties.iter().enumerate()
            .filter(|(_, t)| matches!(t.ends, TieEnds::EmployeePerson { .. }))
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!ours.is_empty());
        let mut after = data.clone();
        after.ties.remove(ours[pick.index(ours.len())]);
        nothing_rises("tie removed", &data, &after)?;
    }

    #[test]
    fn a_supporter_leaving_raises_nothing(seed in any::<u64>(), people in 3usize..25, employees in 1usize..6, ties in 1usize..8, chain in 1usize..10, pick in any::<prop::sample::Index>()) {
        let data = account(seed, people, employees, ties, chain);
        // A supporter on one deal may oppose us on another, and one a competitor
        // holds more strongly than we do is the competitor's in the numbers: only
        // someone with us everywhere, whom no competitor holds better, is a pure
        // loss (docs/scoring.md, "Opponents and vacant seats").
        let g = AccountGraph::build(&data, methodology(), TODAY);
        let mut supporters: Vec<uuid::Uuid> = members(&data, |a| a >= 1)
            .into_iter()
            .map(|(i, j)| data.opportunities[i].members[j].person)
            .filter(|p| {
                data.opportunities.iter().flat_map(|o| &o.members).filter(|m| m.person == *p).all(|m| {
                    m.attitude >= 1
                        && guanxi::graph::scores::strongest_competitor(&g, m)
                            .is_none_or(|(_, theirs)| theirs <= g.ours(*p) * 5.0 + 1e-9)
                })
            })
            .collect();
        supporters.sort();
        supporters.dedup();
        prop_assume!(!supporters.is_empty());
        let person = supporters[pick.index(supporters.len())];
        let change = PersonChange { leaves: true, ..Default::default() };
        nothing_rises("supporter leaves", &data, &with_person_change(&data, person, &change))?;
    }

    #[test]
    fn an_opponent_joining_a_chain_raises_nothing(seed in any::<u64>(), people in 3usize..25, employees in 1usize..6, ties in 1usize..8, chain in 0usize..10, pick in any::<prop::sample::Index>(), deal in any::<prop::sample::Index>(), role in any::<prop::sample::Index>(), attitude in -2i32..=-1, influence in prop::option::of(1i32..=5)) {
        let data = account(seed, people, employees, ties, chain);
        let open: Vec<usize> = (0..data.opportunities.len()).filter(|i| data.opportunities[*i].open).collect();
        prop_assume!(!open.is_empty());
        let o = &data.opportunities[open[deal.index(open.len())]];
        // Someone we do not know yet: no tie of ours, no meeting. Joining with a tie
        // of ours adds a person we are close to, which the closeness scores count
        // whatever their attitude (docs/scoring.md, "Opponents and vacant seats").
        let known = |p: uuid::Uuid| {
            data.contacts.iter().any(|c| c.person == p)
                || data.ties.iter().any(|t| matches!(t.ends, TieEnds::EmployeePerson { person, .. } if person == p))
        };
        let outside: Vec<_> = data.people.iter().filter(|p| !o.members.iter().any(|m| m.person == p.id) && !known(p.id)).collect();
        prop_assume!(!outside.is_empty());
        let person = outside[pick.index(outside.len())].id;
        let roles = &methodology().vocabularies.buying_roles.terms;
        let change = PersonChange {
            joins: Some(o.id),
            buying_role: Some(roles[role.index(roles.len())].id.clone()),
            influence,
            attitude: Some(attitude),
            ..Default::default()
        };
        let after = with_person_change(&data, person, &change);
        // One case is outside the guarantee, and docs/scoring.md says so: on a
        // chain where nobody reaches the key-person influence, every member is a
        // key person, so an opponent who reaches it becomes the only one, and
        // counts over key people start again from them.
        let fallback = |d: &GraphData| {
            let g = AccountGraph::build(d, methodology(), TODAY);
            let o = g.opportunity(o.id).unwrap();
            let c = guanxi::graph::scores::chain(&g, o);
            guanxi::graph::scores::key_people(&g, &c).1
        };
        prop_assume!(!fallback(&data) || fallback(&after) || o.members.is_empty());
        nothing_rises("opponent joins", &data, &after)?;
    }

    #[test]
    fn anyone_turning_against_us_raises_nothing(seed in any::<u64>(), people in 3usize..25, employees in 1usize..6, ties in 1usize..8, chain in 1usize..10, pick in any::<prop::sample::Index>(), by in 1i32..=4) {
        let data = account(seed, people, employees, ties, chain);
        let candidates = members(&data, |a| a > -2);
        prop_assume!(!candidates.is_empty());
        let (i, j) = candidates[pick.index(candidates.len())];
        let mut after = data.clone();
        let m = &mut after.opportunities[i].members[j];
        m.attitude = (m.attitude - by).max(-2);
        nothing_rises("attitude falls", &data, &after)?;
    }
}

/// An opponent leaving may help, and the story says which measures rose.
#[test]
fn an_opponent_leaving_may_raise_the_numbers_and_says_so() {
    let mut seen = 0;
    for seed in 0..40u64 {
        let data = account(seed, 12, 4, 5, 8);
        let opponents = members(&data, |a| a <= -2);
        for (i, j) in opponents {
            let person = data.opportunities[i].members[j].person;
            let change = PersonChange {
                leaves: true,
                ..Default::default()
            };
            for s in tell(&data, &with_person_change(&data, person, &change)) {
                let rose = s
                    .before
                    .scores
                    .iter()
                    .zip(s.after.scores.iter())
                    .filter(|(b, a)| a.1 > b.1 + 1e-9)
                    .count()
                    + usize::from(s.after.health > s.before.health + 1e-9)
                    + usize::from(s.after.probability > s.before.probability + 1e-9);
                assert_eq!(rose, s.rises.len());
                seen += rose;
            }
        }
    }
    assert!(
        seen > 0,
        "no opponent's leaving raised anything in 40 accounts"
    );
}
