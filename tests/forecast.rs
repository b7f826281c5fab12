//! Forecast and patterns on hand-made and generated histories whose answers are
//! known: the probability formula, categories, roll-ups, calibration, days per
//! stage, role shares, win rates by coverage and timing.

use std::path::Path;

use guanxi::{
    advice::{Answer, FactValue, Facts, QuestionStatus},
    forecast::{
        self, calibration, category, rollup, rollup::ForecastLine, win_probability, ClosedDeal,
        GroupBy, StageNorms,
    },
    methodology::Methodology,
};
use time::{macros::date, Date, Duration};
use uuid::Uuid;

fn methodology() -> Methodology {
    Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology")).unwrap()
}

fn scores(v: f64) -> Facts {
    Facts::from_values(
        ["key_person", "decision_chain", "competitor", "our_company"]
            .into_iter()
            .map(|n| (n, FactValue::Number(v))),
    )
}

fn answered<'m>(m: &'m Methodology, answers: &[Answer]) -> Vec<QuestionStatus<'m>> {
    m.questions
        .iter()
        .zip(answers.iter().chain(std::iter::repeat(&Answer::Unknown)))
        .map(|(q, a)| QuestionStatus {
            question: q,
            suggested: Answer::Unknown,
            recorded: Some(*a),
            evidence: Vec::new(),
        })
        .collect()
}

#[test]
fn a_neutral_picture_keeps_the_stage_probability() {
    let m = methodology();
    // R = 0.5 and Q = 0 move nothing: propose stays at its 0.5.
    let p = win_probability(&m, "propose", &scores(0.5), &answered(&m, &[]), &[]);
    assert!((p.probability - 0.5).abs() < 1e-12, "{}", p.probability);
    assert_eq!((p.relationship_shift, p.qualification_shift), (0.0, 0.0));
}

#[test]
fn strong_ties_and_four_yes_raise_it_by_the_documented_amount() {
    let m = methodology();
    let all_yes = [Answer::Yes; 4];
    let p = win_probability(&m, "propose", &scores(1.0), &answered(&m, &all_yes), &[]);
    // logit(0.5) = 0; + 1.0 × (2·1 − 1) + 0.8 × 1 = 1.8; logistic(1.8) = 0.858149...
    assert!(
        (p.probability - 0.858_148_935).abs() < 1e-6,
        "{}",
        p.probability
    );
    assert_eq!((p.yes, p.no), (4, 0));
    // No ties, every answer NO: logistic(−1.8).
    let p = win_probability(
        &m,
        "propose",
        &scores(0.0),
        &answered(&m, &[Answer::No; 4]),
        &[],
    );
    assert!((p.probability - (1.0 - 0.858_148_935)).abs() < 1e-6);
}

fn part(name: &'static str, value: f64) -> guanxi::advice::HealthPart {
    guanxi::advice::HealthPart {
        name,
        weight: 0.1,
        value,
        points: 10.0 * value,
    }
}

#[test]
fn health_moves_the_probability_through_the_parts_the_other_pictures_leave_out() {
    let m = methodology();
    let neutral = scores(0.5);
    let none = answered(&m, &[]);
    // Every win step done, in time, in touch, a deep bench: P = 1, shift +1.0.
    let good = [
        part("win_steps", 1.0),
        part("stage_time", 1.0),
        part("contact", 1.0),
        part("employee", 1.0),
        // Scores and qualification are already in R and Q: not read again.
        part("key_person", 0.0),
    ];
    let p = win_probability(&m, "propose", &neutral, &none, &good);
    assert!((p.process - 1.0).abs() < 1e-12);
    assert!((p.process_shift - 1.0).abs() < 1e-12);
    assert!((p.probability - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-12);
    // No step done, overdue, silent, our bench thin: P = 0, shift −1.0.
    let bad = good.map(|h| part(h.name, 0.0));
    let p = win_probability(&m, "propose", &neutral, &none, &bad);
    assert!((p.process_shift + 1.0).abs() < 1e-12);
    assert!((p.probability - 1.0 / (1.0 + 1.0f64.exp())).abs() < 1e-12);
    // Half the steps done, everything else fine: P = 0.5 × 0.5 + 0.5 = 0.75.
    let half = [
        part("win_steps", 0.5),
        part("stage_time", 1.0),
        part("contact", 1.0),
        part("employee", 1.0),
    ];
    let p = win_probability(&m, "propose", &neutral, &none, &half);
    assert!((p.process - 0.75).abs() < 1e-12, "{}", p.process);
    assert_eq!(p.process_parts.len(), 4);
    // Better health never lowers the probability.
    let mut last = 0.0;
    for steps in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let parts = [part("win_steps", steps)];
        let p = win_probability(&m, "qualify", &neutral, &none, &parts);
        assert!(p.probability >= last);
        last = p.probability;
    }
}

#[test]
fn a_process_picture_that_reads_a_score_or_does_not_sum_to_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let file = dir.path().join("forecast.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("employee = 0.1\n", "key_person = 0.2\n"),
    )
    .unwrap();
    let err = Methodology::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("forecast.toml"), "{err}");
    assert!(err.contains("probability.process.key_person"), "{err}");
    assert!(err.contains("sum to 1.1"), "{err}");
}

#[test]
fn probabilities_stay_within_floor_and_ceiling_and_unknown_stages_take_the_floor() {
    let m = methodology();
    let p = win_probability(
        &m,
        "negotiate",
        &scores(1.0),
        &answered(&m, &[Answer::Yes; 4]),
        &[],
    );
    assert!(p.probability <= 0.99);
    let p = win_probability(&m, "no_such_stage", &scores(0.5), &answered(&m, &[]), &[]);
    assert!((p.stage_probability - 0.01).abs() < 1e-12);
}

/// A deal every gate of forecast.toml lets through.
fn gates_pass() -> Vec<(&'static str, FactValue)> {
    vec![
        ("owner_active", FactValue::Flag(true)),
        ("decision_maker_identified", FactValue::Flag(true)),
        ("decision_maker_attitude", FactValue::Count(1)),
        ("decision_maker_competitor_ahead", FactValue::Flag(false)),
        ("exit_criteria_unmet", FactValue::Count(0)),
        ("has_expected_sign_date", FactValue::Flag(true)),
        ("expected_sign_date_passed", FactValue::Flag(false)),
        ("health", FactValue::Number(70.0)),
    ]
}

#[test]
fn a_probability_alone_never_makes_a_commit() {
    let m = methodology();
    let with = |name: &'static str, value: FactValue| {
        let mut f = Facts::from_values(gates_pass());
        f.set("win_probability", FactValue::Number(0.85));
        f.set("stage_index", FactValue::Count(4));
        f.set("stall_ratio", FactValue::Number(1.0));
        f.set("worth_winning_no", FactValue::Flag(false));
        f.set(name, value);
        f
    };
    let id = |f: &Facts| category(&m, f).unwrap().id.clone();
    assert_eq!(id(&with("health", FactValue::Number(70.0))), "commit");
    for (name, value, gate, falls_to) in [
        (
            "owner_active",
            FactValue::Flag(false),
            "owner_with_us",
            "pipeline",
        ),
        (
            "decision_maker_identified",
            FactValue::Flag(false),
            "decision_maker_on_our_side",
            "best_case",
        ),
        (
            "decision_maker_attitude",
            FactValue::Count(-1),
            "decision_maker_on_our_side",
            "best_case",
        ),
        (
            "decision_maker_competitor_ahead",
            FactValue::Flag(true),
            "decision_maker_on_our_side",
            "best_case",
        ),
        (
            "exit_criteria_unmet",
            FactValue::Count(1),
            "exit_criteria_met",
            "best_case",
        ),
        (
            "expected_sign_date_passed",
            FactValue::Flag(true),
            "sign_date_ahead",
            "best_case",
        ),
        ("health", FactValue::Number(59.9), "healthy", "best_case"),
        ("health", FactValue::Number(39.0), "healthy", "pipeline"),
    ] {
        let f = with(name, value.clone());
        assert_eq!(id(&f), falls_to, "{name} = {value:?}");
        let held = guanxi::forecast::held_back(&m, &f);
        assert_eq!(held[0].0.id, "commit", "{name}");
        assert!(
            held[0].1.iter().any(|g| g.id == gate),
            "{name}: held back by {:?}",
            held[0].1.iter().map(|g| &g.id).collect::<Vec<_>>()
        );
    }
    // Nothing holds back a deal that is forecast where its probability puts it.
    assert!(guanxi::forecast::held_back(&m, &with("health", FactValue::Number(70.0))).is_empty());
}

#[test]
fn categories_follow_the_file_in_order() {
    let m = methodology();
    let facts = |p: f64, stage_index: i64, stall: f64, worth_no: bool| {
        let mut f = Facts::from_values(gates_pass());
        for (name, value) in [
            ("win_probability", FactValue::Number(p)),
            ("stage_index", FactValue::Count(stage_index)),
            ("stall_ratio", FactValue::Number(stall)),
            ("worth_winning_no", FactValue::Flag(worth_no)),
        ] {
            f.set(name, value);
        }
        f
    };
    let id = |f: Facts| category(&m, &f).unwrap().id.clone();
    assert_eq!(id(facts(0.8, 3, 1.0, false)), "commit");
    assert_eq!(
        id(facts(0.8, 2, 1.0, false)),
        "best_case",
        "commit needs the propose stage"
    );
    assert_eq!(id(facts(0.5, 4, 1.0, false)), "best_case");
    assert_eq!(id(facts(0.2, 4, 1.0, false)), "pipeline");
    assert_eq!(
        id(facts(0.9, 4, 4.5, false)),
        "omitted",
        "stalled deals leave the forecast"
    );
    assert_eq!(id(facts(0.9, 4, 1.0, true)), "omitted");
}

fn line(name: &str, owner: u128, stage: &str, category: &str, p: f64, amount: f64) -> ForecastLine {
    ForecastLine {
        opportunity: Uuid::new_v4(),
        name: name.into(),
        account: Uuid::from_u128(1),
        account_name: "Huaxin".into(),
        owner: Some(Uuid::from_u128(owner)),
        owner_name: Some(format!("owner {owner}")),
        team: Some("Telecom East".into()),
        stage: stage.into(),
        category: category.into(),
        probability: p,
        amount,
        expected_sign_date: Some(date!(2026 - 12 - 01)),
    }
}

#[test]
fn rollups_sum_amounts_and_weighted_amounts_per_group() {
    let lines = vec![
        line("a", 1, "propose", "best_case", 0.5, 1_000.0),
        line("b", 1, "negotiate", "commit", 0.8, 2_000.0),
        line("c", 2, "propose", "best_case", 0.4, 500.0),
    ];
    let total = rollup(&lines, &[]);
    assert_eq!(total.len(), 1);
    assert_eq!(total[0].deals, 3);
    assert!((total[0].amount - 3_500.0).abs() < 1e-9);
    assert!((total[0].weighted - (500.0 + 1_600.0 + 200.0)).abs() < 1e-9);
    let by = rollup(&lines, &[GroupBy::Owner, GroupBy::Category]);
    assert_eq!(by.len(), 3);
    // Largest weighted first: owner 1 commit (1,600).
    assert_eq!(by[0].group[1].1, "commit");
    assert!((by[0].weighted - 1_600.0).abs() < 1e-9);
    let team = rollup(&lines, &[GroupBy::Team]);
    assert_eq!((team.len(), team[0].deals), (1, 3));
}

#[test]
fn calibration_bins_and_brier_score() {
    let points = [
        (0.9, true),
        (0.9, true),
        (0.9, false),
        (0.1, false),
        (0.15, false),
    ];
    let (bins, brier) = calibration(&points);
    assert_eq!(bins.len(), 10);
    assert_eq!(bins[9].forecasts, 3);
    assert!((bins[9].observed.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(bins[1].forecasts, 2);
    assert_eq!(bins[1].won, 0);
    let expected = (0.01 + 0.01 + 0.81 + 0.01 + 0.0225) / 5.0;
    assert!((brier.unwrap() - expected).abs() < 1e-12);
    assert_eq!(calibration(&[]).1, None);
}

/// Forty closed deals from a rule: deal i spends 10 + 10·(i mod 5) days in every
/// stage it reaches, reaches negotiate when i is even (and stops at propose
/// otherwise), wins when i mod 4 is 0 or 1, closes in month 1 + i mod 12, and has
/// a decision maker identified when it wins or when i mod 8 = 2.
fn generated_history() -> Vec<ClosedDeal> {
    (0..40u32)
        .map(|i| {
            let days = 10 + 10 * i64::from(i % 5);
            let reached = if i % 2 == 0 { 5 } else { 4 };
            let stages = [
                "validate_lead",
                "qualify",
                "shape_solution",
                "propose",
                "negotiate",
            ];
            let start = Date::from_calendar_date(2024, time::Month::January, 1).unwrap();
            let closed_on = Date::from_calendar_date(
                2025,
                time::Month::try_from(1 + (i % 12) as u8).unwrap(),
                28,
            )
            .unwrap();
            let won = i % 4 <= 1;
            let mut roles = vec!["technical_evaluator".to_owned()];
            if won || i % 8 == 2 {
                roles.push("decision_maker".to_owned());
            }
            ClosedDeal {
                id: Uuid::from_u128(u128::from(i)),
                won,
                closed_on,
                stages: stages[..reached]
                    .iter()
                    .enumerate()
                    .map(|(k, s)| ((*s).to_owned(), start + Duration::days(days * k as i64)))
                    .collect(),
                roles,
                decision_chain: if won { 0.8 } else { 0.3 },
                amount: 1_000_000.0,
            }
        })
        .collect()
}

#[test]
fn patterns_of_a_generated_history_have_the_known_answers() {
    let m = methodology();
    let deals = generated_history();
    let p = forecast::patterns(&m, &deals);
    assert_eq!((p.deals, p.won), (40, 20));
    assert_eq!(p.win_rate, Some(0.5));

    // qualify: every deal spends 10..50 days, eight of each. Median 30; p80 sits at
    // rank 0.8 × 39 = 31.2, between the last 40 (rank 31) and the first 50: 42.
    let qualify = p.stage_days.iter().find(|s| s.stage == "qualify").unwrap();
    assert_eq!(qualify.deals, 40);
    assert_eq!(qualify.median, Some(30.0));
    assert!((qualify.p80.unwrap() - 42.0).abs() < 1e-9);
    assert!(qualify.from_history);
    assert_eq!(qualify.usual, 30.0);
    // sign: nobody got there; the usual days fall back to expected_days.
    let sign = p.stage_days.iter().find(|s| s.stage == "sign").unwrap();
    assert_eq!((sign.deals, sign.from_history), (0, false));
    assert_eq!(
        sign.usual,
        f64::from(m.vocabularies.stage("sign").unwrap().expected_days)
    );

    let dm = p.roles.iter().find(|r| r.role == "decision_maker").unwrap();
    assert_eq!(dm.won_share, Some(1.0));
    assert_eq!(
        dm.lost_share,
        Some(5.0 / 20.0),
        "i mod 8 = 2 among the lost"
    );

    // Coverage bands: won at 0.8 (top band), lost at 0.3 (bottom band).
    assert_eq!(p.coverage[0].win_rate, Some(0.0));
    assert_eq!(p.coverage[0].deals, 20);
    assert_eq!(p.coverage.last().unwrap().win_rate, Some(1.0));

    // Deals reaching negotiate are the even ones: i mod 4 = 0 won, = 2 lost.
    let negotiate = p.stages.iter().find(|s| s.stage == "negotiate").unwrap();
    assert_eq!((negotiate.reached, negotiate.won), (20, 10));
    assert_eq!(negotiate.observed, Some(0.5));

    // Months: i mod 12 → month; wins in March, June, September, December are the
    // quarter ends.
    let total: usize = p.months.iter().map(|x| x.won + x.lost).sum();
    assert_eq!(total, 40);
    let quarter_end_wins = deals
        .iter()
        .filter(|d| d.won && (d.closed_on.month() as u8).is_multiple_of(3))
        .count();
    assert_eq!(p.quarter_end_share, Some(quarter_end_wins as f64 / 20.0));
}

#[test]
fn stall_norms_need_enough_history() {
    let m = methodology();
    let mut deals = generated_history();
    deals.truncate(2);
    let norms = StageNorms::from_days(&forecast::stage_days(&m, &deals));
    let expected = f64::from(m.vocabularies.stage("qualify").unwrap().expected_days);
    assert_eq!(norms.usual(&m, "qualify"), (expected, false));
    let norms = StageNorms::from_days(&forecast::stage_days(&m, &generated_history()));
    assert_eq!(norms.usual(&m, "qualify"), (30.0, true));
    assert!(forecast::stage_days(&m, &[])
        .iter()
        .all(|s| s.median.is_none()));
}

#[test]
fn quantiles_interpolate_between_ranks() {
    assert_eq!(forecast::quantile(&[], 0.5), None);
    assert_eq!(forecast::quantile(&[7.0], 0.8), Some(7.0));
    assert_eq!(forecast::quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
    assert_eq!(
        forecast::quantile(&[10.0, 20.0, 30.0, 40.0, 50.0], 0.8),
        Some(42.0)
    );
}
