//! Every score on the worked example of docs/scoring.md, by hand.

use guanxi::graph::{
    influence::member_influence,
    risk::{self, PersonChange},
    scores::{self, chain},
};
use time::Duration;

use crate::fixture::{close, example, member, methodology, Builder, TODAY};

#[test]
fn the_worked_example_scores_as_computed_by_hand() {
    let ex = example();
    let g = ex.b.build();
    let deal = g.opportunity(ex.deal).unwrap();
    let s = scores::opportunity_scores(&g, deal);
    // KP: CEO 4/5, CFO 2/5 (the departed 5 carries nothing), CTO 3/5, engineer 0.
    // Key people (influence >= 4): CEO w=1.0, CFO w=0.8, CTO w=0.8.
    assert!(
        close(s.key_person.value.get(), 1.6 / 2.6),
        "{:?}",
        s.key_person
    );
    // Coverage 1.6 / 3.0 over all four; 3 of 4 required roles (procurement missing).
    assert!(close(s.decision_chain.value.get(), 1.6 / 3.0 * 0.75));
    assert!(s
        .decision_chain
        .explanation
        .notes
        .iter()
        .any(|n| n.to_string().contains("not identified: Procurement")));
    // Lead on CEO and CTO, behind on the CFO (rival 4 > ours 2).
    assert!(close(s.competitor.value.get(), 1.8 / 2.6));
    // Without Ann the chain keeps only Sam's CTO tie: 0.8 × 0.6 / 3.0.
    assert!(close(s.employee.value.get(), 0.16));
    // Roles: executive 0 (nobody of ours), AR 1.12/1.8, SR 0.48/1.2, FR 0.
    assert!(close(
        s.our_company.value.get(),
        0.35 * (1.12 / 1.8) + 0.25 * 0.4
    ));
    // Account: half the people, 2 of 3 departments, 2 of 3 levels, top depth 0.6.
    assert!(close(
        s.account.value.get(),
        0.2 * 0.5 + 0.25 * (2.0 / 3.0) + 0.15 * (2.0 / 3.0) + 0.4 * 0.6
    ));
    // Each formula's own value is the value shown: no clamp was needed.
    for ((name, v), (_, raw)) in s.values().into_iter().zip(s.formula_values()) {
        assert!(close(v, raw), "{name}: {v} shown, the formula gave {raw}");
    }
}

#[test]
fn a_role_held_by_a_sceptic_is_said_to_be_opposed_not_missing() {
    let mut ex = example();
    let g = ex.b.build();
    let before = scores::opportunity_scores(&g, g.opportunity(ex.deal).unwrap());
    assert!(
        before
            .decision_chain
            .explanation
            .summary
            .to_string()
            .contains("3 of 4 required roles")
            && before
                .decision_chain
                .explanation
                .summary
                .to_string()
                .contains("not identified: Procurement")
            && !before
                .decision_chain
                .explanation
                .summary
                .to_string()
                .contains("against us:"),
        "{}",
        before.decision_chain.explanation.summary
    );
    // The CFO turns sceptical: known, but not won.
    let deal =
        ex.b.data
            .as_mut()
            .unwrap()
            .opportunities
            .iter_mut()
            .find(|o| o.id == ex.deal)
            .unwrap();
    deal.members
        .iter_mut()
        .find(|m| m.person == ex.cfo)
        .unwrap()
        .attitude = -1;
    let g = ex.b.build();
    let s = scores::opportunity_scores(&g, g.opportunity(ex.deal).unwrap());
    let summary = s.decision_chain.explanation.summary.to_string();
    assert!(summary.contains("2 of 4 required roles"), "{summary}");
    assert!(summary.contains("not identified: Procurement"), "{summary}");
    assert!(
        summary.contains("held only by people against us: Financial evaluator"),
        "{summary}"
    );
    assert!(
        !summary.contains("not identified: Financial evaluator"),
        "{summary}"
    );
    // The same sentence for a Chinese coach: the roles by their Chinese names,
    // the two gaps apart with a Chinese semicolon.
    let zh = s
        .decision_chain
        .explanation
        .summary
        .say(guanxi::domain::Lang::Zh);
    assert_eq!(
        zh,
        "按影响力我方覆盖决策链的53%；4个必需角色中有2个由不反对我方的人担任（未识别：采购；只由反对我方的人担任：财务评估者）。",
        "{zh}"
    );
    assert!(s.decision_chain.value.get() < before.decision_chain.value.get());
}

#[test]
fn a_person_score_lists_every_tie_and_says_departed_ties_carry_nothing() {
    let ex = example();
    let g = ex.b.build();
    let cfo = scores::person_score(&g, ex.cfo);
    assert!(close(cfo.value.get(), 0.4));
    assert!(cfo
        .explanation
        .evidence
        .iter()
        .any(|e| e.kind == "departed_tie" && e.employee_id == Some(ex.departed)));
    assert!(cfo
        .explanation
        .notes
        .iter()
        .any(|n| n.to_string().contains("Dee (left) has left")));
    let eng = scores::person_score(&g, ex.eng);
    assert_eq!(eng.value.get(), 0.0);
    assert!(eng
        .explanation
        .notes
        .iter()
        .any(|n| n.to_string().contains("none of our active employees")));
}

#[test]
fn silence_cools_our_ties() {
    let mut b = Builder::new();
    let p = b.person(1, "P", "executive", "it");
    let e = b.employee(2, "E", "ar", true);
    b.ours_on(e, p, 4, TODAY - Duration::days(90));
    let g = b.build();
    // One half-life: warmth 0.5, 4 × (0.5 + 0.5 × 0.5) = 3.
    assert!(close(scores::person_score(&g, p).value.get(), 0.6));
    // An interaction last week warms it back up.
    b.contact(e, p, TODAY - Duration::days(7));
    let warmer = scores::person_score(&b.build(), p).value.get();
    assert!(warmer > 0.6 && warmer <= 0.8);
}

#[test]
fn thresholds_read_the_assessed_level_while_a_tie_is_fresh() {
    let mut b = Builder::new();
    let fresh = b.person(1, "Fresh", "management", "it");
    let cold = b.person(2, "Cold", "management", "it");
    let e = b.employee(3, "E", "ar", true);
    // A 3 assessed three weeks ago has decayed a little below 3, but still counts
    // as 3: a real tie (2.5) and at the level a rule asks for (`>= 3`).
    b.ours_on(e, fresh, 3, TODAY - Duration::days(21));
    // A 4 silent for a half-life (90 days) has gone cold: judged at its decayed 3.
    b.ours_on(e, cold, 4, TODAY - Duration::days(90));
    let g = b.build();
    assert!(
        g.ours(fresh) * 5.0 < 3.0,
        "the score decays: {}",
        g.ours(fresh) * 5.0
    );
    assert_eq!(g.judged_ours(fresh), 3.0);
    assert_eq!(g.real_ties(fresh).len(), 1);
    assert!(close(g.judged_ours(cold), 3.0), "{}", g.judged_ours(cold));
    // A 2 stays below a real tie whatever its freshness.
    let weak = b.person(4, "Weak", "operational", "it");
    b.ours(e, weak, 2);
    assert!(b.build().real_ties(weak).is_empty());
}

#[test]
fn unset_influence_is_derived_from_role_level_and_structure() {
    let mut b = Builder::new();
    let boss = b.person(1, "Boss", "executive", "executive_office");
    let worker = b.person(2, "Worker", "operational", "it");
    b.reports(worker, boss, false);
    let deal = b.opportunity(
        3,
        vec![
            member(boss, "decision_maker", None),
            member(worker, "user", None),
        ],
        vec![],
    );
    let g = b.build();
    let o = g.opportunity(deal).unwrap();
    let boss_i = member_influence(&g, &o.members[0]);
    let worker_i = member_influence(&g, &o.members[1]);
    assert!(boss_i.derived && worker_i.derived);
    // Boss: role 1.0, level 1.0, top of the structure (1.0): 1 + 4 × 1 = 5.
    assert!(close(boss_i.value, 5.0), "{boss_i:?}");
    // Worker: role 0.25, level 0.25, bottom (0): 1 + 4 × (0.125 + 0.0625) = 1.75.
    assert!(close(worker_i.value, 1.75), "{worker_i:?}");
    let s = scores::decision_chain_score(&g, &chain(&g, o));
    assert!(s
        .explanation
        .notes
        .iter()
        .any(|n| n.to_string().contains("influence of Worker is derived")));
}

#[test]
fn empty_chains_and_empty_accounts_score_zero_and_say_why() {
    let mut b = Builder::new();
    let deal = b.opportunity(1, vec![], vec![]);
    let g = b.build();
    let s = scores::opportunity_scores(&g, g.opportunity(deal).unwrap());
    for (name, v) in s.values() {
        assert_eq!(v, 0.0, "{name}");
    }
    assert!(s
        .decision_chain
        .explanation
        .notes
        .iter()
        .any(|n| n.to_string().contains("no decision chain")));
    assert!(s
        .account
        .explanation
        .notes
        .iter()
        .any(|n| n.to_string().contains("no people")));
}

#[test]
fn unknown_roles_count_as_half_and_ties_with_competitors_are_level() {
    let mut b = Builder::new();
    let p = b.person(1, "P", "executive", "it");
    let e = b.employee(2, "E", "ar", true);
    let c = b.competitor(3, "C");
    b.ours(e, p, 3);
    b.theirs(c, p, 3);
    let deal = b.opportunity(4, vec![member(p, "role_nobody_weighed", None)], vec![]);
    let g = b.build();
    let o = g.opportunity(deal).unwrap();
    let i = member_influence(&g, &o.members[0]);
    assert!(close(i.role_weight, 0.5), "unknown roles weigh 0.5");
    let s = scores::competitor_score(&g, &chain(&g, o));
    assert!(close(s.value.get(), 0.5), "equal strength is level");
    assert!(s
        .explanation
        .notes
        .iter()
        .any(|n| n.to_string().contains("level with C")));
}

#[test]
fn employee_capital_names_the_people_only_they_reach() {
    let ex = example();
    let g = ex.b.build();
    let ann = scores::employee_capital(&g, ex.ar);
    assert!(ann.value.get() > 0.0);
    assert!(ann
        .explanation
        .evidence
        .iter()
        .any(|e| e.kind == "sole_tie" && e.person_id == Some(ex.ceo)));
    let dee = scores::employee_capital(&g, ex.departed);
    assert_eq!(dee.value.get(), 0.0);
}

#[test]
fn competitor_hold_is_influence_weighted_and_counts_favour() {
    let ex = example();
    let g = ex.b.build();
    let o = g.opportunity(ex.deal).unwrap();
    let hold = scores::competitor_hold(&g, &chain(&g, o), ex.rival);
    // Only the CFO: max(4/5, favoured 3/5) × 0.8 / 3.0.
    assert!(close(hold.value.get(), 0.8 * 0.8 / 3.0));
}

#[test]
fn risks_find_single_threads_and_competitors_ahead() {
    let ex = example();
    let g = ex.b.build();
    let threads = risk::single_threaded(&g, ex.deal);
    let by_person: Vec<_> = threads.iter().map(|t| (t.person, t.employee)).collect();
    assert!(by_person.contains(&(ex.ceo, Some(ex.ar))));
    assert!(by_person.contains(&(ex.cto, Some(ex.sr))));
    assert!(
        by_person.contains(&(ex.cfo, None)),
        "Ann's 2 is not a real tie"
    );
    let ahead = risk::competitor_ahead(&g, ex.deal);
    assert_eq!(ahead.len(), 1);
    assert_eq!((ahead[0].person, ahead[0].competitor), (ex.cfo, ex.rival));
    assert!(close(ahead[0].ours, 2.0) && close(ahead[0].theirs, 4.0));
}

#[test]
fn departure_what_if_shows_the_drop_and_changes_nothing() {
    let ex = example();
    let data = ex.b.snapshot();
    let m = methodology();
    let impact = risk::departure(&data, &m, ex.ar, TODAY);
    assert_eq!(data, ex.b.snapshot(), "the snapshot is untouched");
    let deal = impact
        .opportunities
        .iter()
        .find(|o| o.opportunity == ex.deal)
        .unwrap();
    let kp = deal
        .changes
        .iter()
        .find(|c| c.dimension == "keyPerson")
        .unwrap();
    assert!(close(kp.before, 1.6 / 2.6));
    assert!(close(kp.after, 0.48 / 2.6));
    assert_eq!(impact.sole_people, vec![ex.ceo]);
    assert!(impact
        .lost_paths
        .iter()
        .any(|l| l.person == ex.ceo && l.after < l.before));
    assert!(impact.account_after < impact.account_before);
}

#[test]
fn a_customer_person_leaving_or_changing_part_moves_the_scores() {
    let ex = example();
    let data = ex.b.snapshot();
    let m = methodology();
    let leaves = risk::person_change(
        &data,
        &m,
        ex.cfo,
        &PersonChange {
            leaves: true,
            ..Default::default()
        },
        TODAY,
    );
    let deal = leaves
        .opportunities
        .iter()
        .find(|o| o.opportunity == ex.deal)
        .unwrap();
    let kp = deal
        .changes
        .iter()
        .find(|c| c.dimension == "keyPerson")
        .unwrap();
    // The CFO's seat stays, held by a successor nobody knows yet:
    // (0.8 + 0 + 0.48) / 2.6, never more than before.
    assert!(close(kp.after, 1.28 / 2.6));
    let promoted = risk::person_change(
        &data,
        &m,
        ex.eng,
        &PersonChange {
            influence: Some(5),
            buying_role: Some("decision_maker".into()),
            ..Default::default()
        },
        TODAY,
    );
    let deal = promoted
        .opportunities
        .iter()
        .find(|o| o.opportunity == ex.deal)
        .unwrap();
    let kp = deal
        .changes
        .iter()
        .find(|c| c.dimension == "keyPerson")
        .unwrap();
    assert!(
        kp.after < kp.before,
        "a new key person we do not know lowers the score"
    );
}

#[test]
fn a_prompt_subsumed_by_another_about_the_same_person_is_not_shown() {
    let mut b = Builder::new();
    let dm = b.person(1, "Boss", "executive", "executive_office");
    let other = b.person(2, "Buyer", "management", "procurement");
    let e = b.employee(3, "Ann", "ar", true);
    b.ours(e, other, 2);
    let deal = b.opportunity(
        4,
        vec![
            member(dm, "decision_maker", Some(5)),
            member(other, "procurement", Some(4)),
        ],
        vec![],
    );
    for o in b.data.as_mut().unwrap().opportunities.iter_mut() {
        o.stage = "shape_solution".into();
    }
    let g = b.build();
    let m = methodology();
    let o = g.opportunity(deal).unwrap();
    let a = guanxi::engine::assess(&g, &m, o, TODAY, &Default::default());
    let prompts = guanxi::advice::prompts(
        &g,
        &m,
        o,
        &a.facts,
        &a.steps,
        guanxi::advice::Lang::En,
        true,
    );
    let ids: Vec<&str> = prompts.iter().map(|p| p.rule_id.as_str()).collect();
    assert!(ids.contains(&"dm_not_met"), "{ids:?}");
    assert!(
        !prompts
            .iter()
            .any(|p| p.rule_id == "uncovered_key_person" && p.person == Some(dm)),
        "the decision maker is not reported twice: {ids:?}"
    );
    let zh = guanxi::advice::prompts(
        &g,
        &m,
        o,
        &a.facts,
        &a.steps,
        guanxi::advice::Lang::Zh,
        false,
    );
    let roles = zh
        .iter()
        .find(|p| p.rule_id == "required_roles_unknown")
        .unwrap();
    assert!(
        roles.text.contains("技术评估者"),
        "role labels in Chinese: {}",
        roles.text
    );
}
