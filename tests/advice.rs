//! The shipped methodology's rules, steps, criteria, questions and plan items, each
//! shown to fire (or hold) and not, from a healthy baseline of facts. A rule or
//! step added to the files without a case here fails `every_*_has_a_case`.

use std::{collections::HashMap, path::Path};

use guanxi::{
    advice::{FactValue, Facts},
    methodology::{
        facts::{ACCOUNT_FACTS, OPPORTUNITY_FACTS},
        Methodology, StepKind,
    },
};

fn methodology() -> Methodology {
    Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology")).unwrap()
}

use FactValue::{Count as C, Flag as F, Number as N, Text as T};

/// A deal in good shape: no rule fires, every automatic step holds.
fn healthy() -> Vec<(&'static str, FactValue)> {
    vec![
        ("key_person", N(0.8)),
        ("decision_chain", N(0.8)),
        ("account", N(0.7)),
        ("employee", N(0.6)),
        ("our_company", N(0.7)),
        ("competitor", N(1.0)),
        ("amount", N(1_000_000.0)),
        ("chain_size", C(6)),
        ("key_people", C(3)),
        ("required_roles_missing", C(0)),
        ("required_roles_open", C(0)),
        ("decision_maker_attitude", C(1)),
        ("single_threaded_key_people", C(0)),
        ("uncovered_key_people", C(0)),
        ("competitor_ahead_key_people", C(0)),
        ("cooling_key_people", C(0)),
        ("champions", C(1)),
        ("opponents", C(0)),
        ("competitors_in_play", C(1)),
        ("interactions_30d", C(3)),
        ("interactions_90d", C(8)),
        ("days_since_last_interaction", C(5)),
        ("days_in_stage", C(10)),
        ("expected_days", C(30)),
        ("stage_overdue_ratio", N(0.33)),
        ("usual_days_in_stage", C(28)),
        ("stall_ratio", N(0.36)),
        ("win_probability", N(0.55)),
        ("support_needs_unrequested", C(0)),
        ("stage_index", C(3)),
        ("win_steps_missing", C(0)),
        ("days_to_expected_sign", C(60)),
        ("has_expected_sign_date", F(true)),
        ("expected_sign_date_passed", F(false)),
        ("decision_maker_identified", F(true)),
        ("decision_maker_strength", N(4.0)),
        ("decision_maker_competitor_strength", N(1.0)),
        ("decision_maker_competitor_ahead", F(false)),
        ("technical_evaluator_strength", N(4.0)),
        ("financial_evaluator_strength", N(3.0)),
        ("procurement_strength", N(3.0)),
        ("coach_identified", F(true)),
        ("executive_engaged", F(true)),
        ("has_ar", F(true)),
        ("has_sr", F(true)),
        ("has_fr", F(true)),
        ("iron_triangle", F(true)),
        ("is_strategic", F(true)),
        ("departed_owner", F(false)),
        ("open_deal", F(true)),
        ("won", F(false)),
        ("lost", F(false)),
        ("worth_winning_no", F(false)),
        ("worth_winning_answer_no", F(false)),
        ("questions_due_open", C(0)),
        ("support_requested", C(0)),
        ("leaving_employees", C(0)),
        ("champion_moved", F(false)),
        ("owner_active", F(true)),
        ("moved_doors", C(0)),
        ("budget_status", T("confirmed".into())),
        ("budget_confirmed", F(true)),
        ("budget_unconfirmed", F(false)),
        ("budget_unknown", F(false)),
        ("budget_below_amount", F(false)),
        ("has_compelling_event", F(true)),
        ("days_to_compelling_event", C(90)),
        ("tier", T("strategic".into())),
        ("stage", T("propose".into())),
    ]
}

fn with(overrides: &[(&'static str, FactValue)]) -> Facts {
    let mut values: HashMap<&str, FactValue> = healthy().into_iter().collect();
    for (k, v) in overrides {
        values.insert(k, v.clone());
    }
    Facts::from_values(values)
}

/// Per rule: facts that make it fire.
fn rule_cases() -> Vec<(&'static str, Vec<(&'static str, FactValue)>)> {
    vec![
        (
            "no_decision_maker",
            vec![("decision_maker_identified", F(false))],
        ),
        (
            "dm_held_by_competitor",
            vec![
                ("decision_maker_competitor_strength", N(4.5)),
                ("decision_maker_strength", N(1.0)),
            ],
        ),
        ("dm_not_met", vec![("decision_maker_strength", N(1.0))]),
        (
            "single_threaded_key_person",
            vec![("single_threaded_key_people", C(1))],
        ),
        ("uncovered_key_person", vec![("uncovered_key_people", C(1))]),
        (
            "competitor_ahead_key_person",
            vec![("competitor_ahead_key_people", C(1))],
        ),
        ("relationship_cooling", vec![("cooling_key_people", C(2))]),
        ("stuck_in_stage", vec![("stage_overdue_ratio", N(1.6))]),
        ("stalled_against_history", vec![("stall_ratio", N(3.2))]),
        (
            "support_not_requested",
            vec![("support_needs_unrequested", C(1))],
        ),
        (
            "win_step_missing",
            vec![("win_steps_missing", C(1)), ("stage_overdue_ratio", N(0.6))],
        ),
        ("no_iron_triangle", vec![("iron_triangle", F(false))]),
        ("no_coach", vec![("coach_identified", F(false))]),
        (
            "required_roles_unknown",
            vec![("required_roles_missing", C(1))],
        ),
        (
            "no_recent_contact",
            vec![("days_since_last_interaction", C(45))],
        ),
        (
            "executive_not_engaged",
            vec![("executive_engaged", F(false)), ("amount", N(6_000_000.0))],
        ),
        ("opponent_in_chain", vec![("opponents", C(1))]),
        (
            "sign_date_passed",
            vec![("expected_sign_date_passed", F(true))],
        ),
        ("no_sign_date", vec![("has_expected_sign_date", F(false))]),
        ("relationships_concentrated", vec![("employee", N(0.2))]),
        (
            "technical_evaluator_weak",
            vec![("technical_evaluator_strength", N(2.0))],
        ),
        (
            "procurement_unknown",
            vec![("procurement_strength", N(1.0))],
        ),
        (
            "financial_evaluator_gap",
            vec![("financial_evaluator_strength", N(1.0))],
        ),
        ("owner_departed", vec![("departed_owner", F(true))]),
        (
            "closed_won_review",
            vec![("open_deal", F(false)), ("won", F(true))],
        ),
        (
            "closed_lost_review",
            vec![("open_deal", F(false)), ("lost", F(true))],
        ),
        ("low_coverage_late", vec![("decision_chain", N(0.3))]),
        ("no_champion", vec![("champions", C(0))]),
        (
            "opportunity_unqualified",
            vec![("questions_due_open", C(1))],
        ),
        (
            "budget_unconfirmed",
            vec![
                ("budget_confirmed", F(false)),
                ("budget_unconfirmed", F(true)),
            ],
        ),
        (
            "not_worth_winning",
            vec![("worth_winning_answer_no", F(true))],
        ),
        (
            "support_not_justified",
            vec![("support_requested", C(2)), ("questions_due_open", C(1))],
        ),
        (
            "employee_leaving_handover",
            vec![("leaving_employees", C(1))],
        ),
        ("moved_contact_new_door", vec![("moved_doors", C(1))]),
    ]
}

#[test]
fn every_rule_has_a_case_and_fires_only_when_it_should() {
    let m = methodology();
    let cases = rule_cases();
    assert!(m.rules.len() >= 20, "a seasoned coach expects 20+ rules");
    let baseline = with(&[]);
    for rule in &m.rules {
        let Some((_, overrides)) = cases.iter().find(|(id, _)| *id == rule.id) else {
            panic!("rule {} has no test case", rule.id);
        };
        assert!(
            !rule.condition.holds(&baseline.context),
            "{} fires on a healthy deal",
            rule.id
        );
        assert!(
            rule.condition.holds(&with(overrides).context),
            "{} does not fire on its case",
            rule.id
        );
    }
    for (id, _) in &cases {
        assert!(
            m.rules.iter().any(|r| r.id == *id),
            "case for a rule that does not exist: {id}"
        );
    }
}

#[test]
fn every_automatic_win_step_and_exit_criterion_has_a_case() {
    let m = methodology();
    let unmet: HashMap<&str, Vec<(&'static str, FactValue)>> = [
        ("first_meeting", vec![("interactions_90d", C(0))]),
        ("name_a_sponsor", vec![("chain_size", C(0))]),
        ("map_chain", vec![("required_roles_open", C(2))]),
        ("find_a_coach", vec![("coach_identified", F(false))]),
        (
            "win_the_evaluator",
            vec![("technical_evaluator_strength", N(2.0))],
        ),
        ("executive_contact", vec![("executive_engaged", F(false))]),
        (
            "decision_maker_met",
            vec![("decision_maker_strength", N(1.0))],
        ),
        ("two_threads", vec![("single_threaded_key_people", C(1))]),
        (
            "procurement_aligned",
            vec![("procurement_strength", N(1.0))],
        ),
        ("executive_close", vec![("executive_engaged", F(false))]),
        ("handover_planned", vec![("has_fr", F(false))]),
        ("someone_met", vec![("interactions_90d", C(0))]),
        ("dm_known", vec![("decision_maker_identified", F(false))]),
        ("worth_it", vec![("worth_winning_no", F(true))]),
        (
            "tech_covered",
            vec![("technical_evaluator_strength", N(2.0))],
        ),
        ("dm_reached", vec![("decision_maker_strength", N(1.0))]),
        (
            "not_behind",
            vec![("decision_maker_competitor_ahead", F(true))],
        ),
        ("dm_supports", vec![("decision_maker_strength", N(2.0))]),
    ]
    .into_iter()
    .collect();
    let baseline = with(&[]);
    let mut checked = 0;
    for (stage, process) in &m.process {
        for step in &process.win_steps {
            if let StepKind::Auto(c) = &step.kind {
                let case = unmet
                    .get(step.id.as_str())
                    .unwrap_or_else(|| panic!("auto step {stage}/{} has no case", step.id));
                assert!(
                    c.holds(&baseline.context),
                    "{} does not hold on a healthy deal",
                    step.id
                );
                assert!(
                    !c.holds(&with(case).context),
                    "{} still holds on its case",
                    step.id
                );
                checked += 1;
            }
        }
        for c in &process.exit_criteria {
            let case = unmet
                .get(c.id.as_str())
                .unwrap_or_else(|| panic!("exit criterion {stage}/{} has no case", c.id));
            assert!(
                c.condition.holds(&baseline.context),
                "{} does not hold on a healthy deal",
                c.id
            );
            assert!(
                !c.condition.holds(&with(case).context),
                "{} still holds on its case",
                c.id
            );
            checked += 1;
        }
    }
    assert!(checked >= 15);
}

#[test]
fn every_stage_has_three_to_six_win_steps() {
    let m = methodology();
    assert_eq!(m.vocabularies.stages.len(), 6);
    for s in &m.vocabularies.stages {
        let n = m.process[&s.id].win_steps.len();
        assert!((3..=6).contains(&n), "{} has {n} win steps", s.id);
    }
}

#[test]
fn the_four_questions_answer_yes_and_no() {
    let m = methodology();
    let no: HashMap<&str, Vec<(&'static str, FactValue)>> = [
        (
            "is_there_an_opportunity",
            vec![("interactions_90d", C(0)), ("days_in_stage", C(100))],
        ),
        (
            "can_we_compete",
            vec![
                ("competitor_ahead_key_people", C(2)),
                ("key_person", N(0.2)),
                ("technical_evaluator_strength", N(1.0)),
            ],
        ),
        (
            "can_we_win",
            vec![
                ("decision_maker_competitor_ahead", F(true)),
                ("decision_maker_strength", N(1.0)),
            ],
        ),
        (
            "is_it_worth_winning",
            vec![("amount", N(50_000.0)), ("is_strategic", F(false))],
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(m.questions.len(), 4);
    let baseline = with(&[]);
    for q in &m.questions {
        assert!(
            q.yes_when.holds(&baseline.context),
            "{}: a healthy deal is a yes",
            q.id
        );
        let case = with(&no[q.id.as_str()]);
        assert!(
            !q.yes_when.holds(&case.context) && q.no_when.holds(&case.context),
            "{}: its case is a no",
            q.id
        );
        assert!(!q.no_when.holds(&baseline.context));
    }
}

#[test]
fn every_automatic_plan_item_has_a_case() {
    let m = methodology();
    let healthy: Vec<(&str, FactValue)> = vec![
        ("account", N(0.7)),
        ("people", C(20)),
        ("departments", C(5)),
        ("tied_people", C(8)),
        ("open_opportunities", C(2)),
        ("interactions_90d", C(10)),
        ("single_threaded_people", C(0)),
        ("has_ar", F(true)),
        ("has_sr", F(true)),
        ("has_fr", F(true)),
        ("iron_triangle", F(true)),
        ("executive_sponsor", F(true)),
        ("is_strategic", F(true)),
        ("tier", T("strategic".into())),
    ];
    let unmet: HashMap<&str, (&str, FactValue)> = [
        ("people_mapped", ("people", C(5))),
        ("ar_named", ("has_ar", F(false))),
        ("iron_triangle", ("iron_triangle", F(false))),
        ("executive_sponsor", ("executive_sponsor", F(false))),
        ("regular_contact", ("interactions_90d", C(2))),
        ("no_single_threads", ("single_threaded_people", C(1))),
    ]
    .into_iter()
    .collect();
    assert_eq!(m.plan.len(), 5, "the ESP+ five elements");
    for item in m.plan.iter().flat_map(|e| &e.items) {
        let Some(c) = &item.condition else { continue };
        let (fact, value) = unmet
            .get(item.id.as_str())
            .unwrap_or_else(|| panic!("plan item {} has no case", item.id));
        let base = Facts::from_values(healthy.iter().cloned());
        assert!(c.holds(&base.context), "{}", item.id);
        let mut bad = healthy.clone();
        bad.retain(|(k, _)| k != fact);
        bad.push((fact, value.clone()));
        assert!(!c.holds(&Facts::from_values(bad).context), "{}", item.id);
    }
}

#[test]
fn every_fact_is_documented() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/methodology.md"))
            .unwrap();
    for (name, _, _) in OPPORTUNITY_FACTS.iter().chain(ACCOUNT_FACTS) {
        assert!(
            docs.contains(&format!("`{name}`")),
            "docs/methodology.md does not document {name}"
        );
    }
    for p in guanxi::methodology::facts::PLACEHOLDERS {
        assert!(
            docs.contains(&format!("{{{p}}}")),
            "docs/methodology.md does not document placeholder {{{p}}}"
        );
    }
}
