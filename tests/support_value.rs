//! What a support request is worth, factor by factor, and which needs still
//! apply: the documented formula on hand-checked numbers and its edge cases.

use std::path::Path;

use guanxi::{
    advice::{FactValue, Facts},
    methodology::Methodology,
    support::{applicable, request_value, urgency, LiftSource, ValueInputs},
};
use time::{macros::date, Duration};

fn methodology() -> Methodology {
    Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology")).unwrap()
}

fn inputs() -> ValueInputs<'static> {
    ValueInputs {
        amount: 10_000_000.0,
        currency: "CNY",
        tier: "strategic",
        kind: "executive_sponsor",
        own_lift: None,
        need_lift: Some(("executive_visit_before_proposal", 0.08)),
        probability: 0.5,
        qualify_first: false,
        needed_by: date!(2026 - 12 - 10),
        sign_date: Some(date!(2026 - 12 - 18)),
    }
}

#[test]
fn a_request_is_worth_amount_probability_lift_weight_and_urgency() {
    let m = methodology();
    let v = request_value(&m, &inputs());
    // 10,000,000 × 0.5 × 0.08 × 1 × 1.5 × 1 (eight days before the signing).
    assert_eq!(
        v.lift_source,
        LiftSource::Need("executive_visit_before_proposal".into())
    );
    assert_eq!(
        (v.slack_days, v.urgency, v.qualification),
        (Some(8), 1.0, 1.0)
    );
    assert!((v.value - 600_000.0).abs() < 1e-6, "{}", v.value);
    // The same deal unqualified: the lift is halved and the request flagged.
    let v = request_value(
        &m,
        &ValueInputs {
            qualify_first: true,
            ..inputs()
        },
    );
    assert!(v.qualify_first);
    assert!((v.value - 300_000.0).abs() < 1e-6);
    // A deal nobody expects to win is worth nothing to support.
    assert_eq!(
        request_value(
            &m,
            &ValueInputs {
                probability: 0.0,
                ..inputs()
            }
        )
        .value,
        0.0
    );
    // The requester's own lift wins over the need's.
    let v = request_value(
        &m,
        &ValueInputs {
            own_lift: Some(0.2),
            ..inputs()
        },
    );
    assert_eq!(v.lift_source, LiftSource::Request);
    assert!((v.value - 1_500_000.0).abs() < 1e-6);
}

#[test]
fn urgency_falls_with_slack_and_after_the_signing() {
    let m = methodology();
    // Within 30 days of the signing: 1; at 180 days or more: 0.6; halfway
    // (105 days): 0.8; after the signing: 0.1; no signing date: 0.8.
    assert_eq!(urgency(&m, Some(0)), 1.0);
    assert_eq!(urgency(&m, Some(30)), 1.0);
    assert!((urgency(&m, Some(105)) - 0.8).abs() < 1e-12);
    assert_eq!(urgency(&m, Some(180)), 0.6);
    assert_eq!(urgency(&m, Some(400)), 0.6);
    assert_eq!(urgency(&m, Some(-1)), 0.1);
    assert_eq!(urgency(&m, None), 0.8);
    let mut last = f64::INFINITY;
    for d in 0..200 {
        let u = urgency(&m, Some(d));
        assert!(u <= last + 1e-12, "urgency rises at {d}");
        last = u;
    }
    // A deal signing next week outbids an equal one signing in April for help
    // needed now.
    let now = date!(2026 - 12 - 10);
    let soon = request_value(
        &m,
        &ValueInputs {
            needed_by: now,
            sign_date: Some(now + Duration::days(8)),
            ..inputs()
        },
    );
    let april = request_value(
        &m,
        &ValueInputs {
            needed_by: now,
            sign_date: Some(date!(2027 - 04 - 20)),
            ..inputs()
        },
    );
    assert!(soon.value > april.value);
}

fn shaping(steps_done: &[&str]) -> Facts {
    let mut f = Facts::from_values([
        ("amount", FactValue::Number(5_000_000.0)),
        ("competitors_in_play", FactValue::Count(1)),
        ("technical_evaluator_strength", FactValue::Number(4.0)),
        ("competitor_ahead_key_people", FactValue::Count(1)),
        ("is_strategic", FactValue::Flag(false)),
    ]);
    f.steps_done = steps_done.iter().map(|s| (*s).to_owned()).collect();
    f
}

#[test]
fn a_need_whose_win_step_is_done_no_longer_applies() {
    let m = methodology();
    let ids = |f: &Facts, stage: &str| {
        applicable(&m, stage, f)
            .into_iter()
            .map(|n| n.id.clone())
            .collect::<Vec<_>>()
    };
    // In propose, with a competitor in play on a 5M deal: a proof of concept, a
    // reference visit and pricing approval.
    let open = ids(&shaping(&[]), "propose");
    assert!(
        open.contains(&"proof_against_competition".to_owned()),
        "{open:?}"
    );
    assert!(open.contains(&"reference_when_behind".to_owned()));
    // The proof done: neither the proof of concept nor the reference visit is
    // asked for again; pricing still is.
    let proved = ids(&shaping(&["proof"]), "propose");
    assert!(
        !proved.contains(&"proof_against_competition".to_owned()),
        "{proved:?}"
    );
    assert!(!proved.contains(&"reference_when_behind".to_owned()));
    assert!(proved.contains(&"pricing_before_bid".to_owned()));
}

#[test]
fn a_need_naming_a_step_its_stages_do_not_have_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let file = dir.path().join("support.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("step = \"pricing_approved\"", "step = \"signing_date\""),
    )
    .unwrap();
    let err = Methodology::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("support.toml") && err.contains(".step") && err.contains("signing_date"),
        "{err}"
    );
}
