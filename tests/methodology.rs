//! The methodology loader against real files: the shipped directory, and copies of
//! it broken one way at a time. Every error names the file and the item.

use std::path::{Path, PathBuf};

use guanxi::methodology::{Methodology, MethodologyError};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology")
}

/// A copy of the shipped methodology in a temp dir.
fn copy_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(shipped()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// A copy of the shipped methodology with one file rewritten by `edit`.
fn broken(file: &str, edit: impl Fn(String) -> String) -> (tempfile::TempDir, MethodologyError) {
    let dir = copy_shipped();
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    let error = Methodology::load(dir.path()).expect_err("the broken copy must be refused");
    (dir, error)
}

fn assert_problem(error: &MethodologyError, file: &str, item: &str, message_part: &str) {
    assert!(
        error
            .problems
            .iter()
            .any(|p| p.file.ends_with(file) && p.item == item && p.message.contains(message_part)),
        "expected {file}: {item}: …{message_part}…, got:\n{error}"
    );
}

#[test]
fn the_shipped_methodology_loads() {
    let m = Methodology::load(&shipped()).unwrap();
    assert_eq!(m.version, "2026.12.1");
    assert_eq!(m.vocabularies.stages.len(), 6);
    assert!(m.vocabularies.buying_roles.contains("decision_maker"));
    assert_eq!(m.scales.strength.len(), 6);
    assert!((m.scales.introduction.hop_factor - 0.85).abs() < 1e-9);
    assert_eq!(m.vocabularies.levels.rank("executive"), Some(0));
}

#[test]
fn tie_labels_say_whose_tie_it_is_in_both_languages() {
    use guanxi::methodology::TieHolder;
    let m = Methodology::load(&shipped()).unwrap();
    let s = &m.scales;
    assert_eq!(s.tie_label(4, TieHolder::Ours, false), Some("Supports us"));
    assert_eq!(
        s.tie_label(4, TieHolder::Competitor, false),
        Some("Supports them")
    );
    assert_eq!(
        s.tie_label(4, TieHolder::Competitor, true),
        Some("支持对手")
    );
    assert_eq!(s.tie_label(4, TieHolder::Ours, true), Some("支持我们"));
    assert_eq!(
        s.tie_label(5, TieHolder::Competitor, true),
        Some("对手的教练")
    );
    // Points without their own wording for others fall back to the plain label.
    assert_eq!(
        s.tie_label(3, TieHolder::Peer, true),
        Some("信任并分享信息")
    );
    assert_eq!(
        s.tie_label(2, TieHolder::Competitor, false),
        Some("Has met")
    );
    assert_eq!(s.tie_label(9, TieHolder::Ours, false), None);
    for holder in [TieHolder::Competitor, TieHolder::Peer] {
        for v in 0..=5 {
            let en = s.tie_label(v, holder, false).unwrap();
            assert!(!en.contains(" us"), "{holder:?} {v}: {en}");
        }
    }
}

#[test]
fn the_embedded_copy_equals_the_directory() {
    let embedded = Methodology::embedded().unwrap();
    let on_disk = Methodology::load(&shipped()).unwrap();
    assert_eq!(embedded.version, on_disk.version);
    assert_eq!(embedded.scales, on_disk.scales);
    assert_eq!(embedded.vocabularies.stages, on_disk.vocabularies.stages);
}

#[test]
fn a_duplicate_id_is_named() {
    let (_dir, e) = broken("vocabularies.toml", |t| {
        t.replacen("id = \"key\"", "id = \"strategic\"", 1)
    });
    assert_problem(
        &e,
        "vocabularies.toml",
        "tiers[1].id",
        "duplicate id 'strategic'",
    );
}

#[test]
fn a_bad_hop_factor_is_named() {
    let (_dir, e) = broken("scales.toml", |t| {
        t.replace("hop_factor = 0.85", "hop_factor = 1.5")
    });
    assert_problem(
        &e,
        "scales.toml",
        "introduction.hop_factor",
        "strictly between 0 and 1",
    );
}

#[test]
fn a_gap_in_a_scale_is_named() {
    let (_dir, e) = broken("scales.toml", |t| {
        t.replacen(
            "value = 4\nid = \"supports\"",
            "value = 3\nid = \"supports\"",
            1,
        )
    });
    assert_problem(&e, "scales.toml", "strength", "no label for value 4");
    assert_problem(
        &e,
        "scales.toml",
        "strength",
        "value 3 is labelled more than once",
    );
}

#[test]
fn an_unknown_field_is_a_syntax_problem_with_its_line() {
    let (_dir, e) = broken("stages.toml", |t| {
        t.replacen(
            "expected_days = 21",
            "expected_days = 21\nexpected_dayz = 3",
            1,
        )
    });
    assert_problem(&e, "stages.toml", "-", "expected_dayz");
    assert!(e.to_string().contains("line"), "{e}");
}

#[test]
fn an_out_of_range_probability_is_named() {
    let (_dir, e) = broken("stages.toml", |t| {
        t.replacen("probability = 0.05", "probability = 5", 1)
    });
    assert_problem(&e, "stages.toml", "stages[0].probability", "within 0..1");
}

#[test]
fn a_bad_id_and_an_empty_label_are_named() {
    let (_dir, e) = broken("vocabularies.toml", |t| {
        t.replacen("id = \"telecom\"", "id = \"Tele Com\"", 1)
            .replacen("label = \"Banking and finance\"", "label = \" \"", 1)
    });
    assert_problem(
        &e,
        "vocabularies.toml",
        "industries[0].id",
        "not a valid id",
    );
    assert_problem(
        &e,
        "vocabularies.toml",
        "industries[1].label",
        "must not be empty",
    );
}

#[test]
fn a_required_buying_role_cannot_be_dropped() {
    let (_dir, e) = broken("vocabularies.toml", |t| {
        t.replace("id = \"decision_maker\"", "id = \"boss\"")
    });
    assert_problem(
        &e,
        "vocabularies.toml",
        "buying_roles",
        "must include 'decision_maker'",
    );
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let e = Methodology::load(dir.path()).unwrap_err();
    for file in [
        "methodology.toml",
        "scales.toml",
        "vocabularies.toml",
        "stages.toml",
    ] {
        assert_problem(&e, file, "-", "cannot read");
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let (_dir, e) = broken("scales.toml", |t| {
        t.replace("hop_factor = 0.85", "hop_factor = 0")
            .replace("half_life_days = 90.0", "half_life_days = -1.0")
    });
    assert!(e.problems.len() >= 2, "{e}");
}

#[test]
fn the_cli_check_reports_file_and_item() {
    let (dir, _) = broken("scales.toml", |t| {
        t.replace("hop_factor = 0.85", "hop_factor = 2")
    });
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_guanxi"))
        .args(["methodology", "check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("scales.toml: introduction.hop_factor"),
        "{stderr}"
    );
    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_guanxi"))
        .args(["methodology", "check"])
        .arg(shipped())
        .output()
        .unwrap();
    assert!(ok.status.success());
}

#[test]
fn the_server_refuses_to_start_on_a_bad_methodology() {
    let (dir, _) = broken("stages.toml", |t| {
        t.replacen("id = \"qualify\"", "id = \"validate_lead\"", 1)
    });
    let db = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_guanxi"))
        .args(["serve", "--addr", "127.0.0.1:0", "--methodology"])
        .arg(dir.path())
        .arg("--database")
        .arg(format!("sqlite://{}", db.path().join("x.db").display()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("stages.toml: stages[1].id: duplicate id 'validate_lead'"),
        "{stderr}"
    );
}

#[test]
fn scoring_weights_must_sum_to_one_and_name_known_roles() {
    let (_dir, e) = broken("scoring.toml", |t| {
        t.replace("top_depth = 0.4", "top_depth = 0.9")
            .replace("decision_maker = 1.0", "kingmaker = 1.0")
            .replacen("role = \"fr\"", "role = \"janitor\"", 1)
    });
    assert_problem(&e, "scoring.toml", "account_weights", "sum to 1");
    assert_problem(
        &e,
        "scoring.toml",
        "derived_influence.role_weight.kingmaker",
        "not a buying role",
    );
    assert_problem(
        &e,
        "scoring.toml",
        "company_roles[3].role",
        "'janitor' is not an employee role",
    );
}

#[test]
fn forecast_gates_are_checked_with_file_and_item() {
    let (_dir, e) = broken("forecast.toml", |t| {
        t.replace(
            "condition = \"health >= 60\"",
            "condition = \"vitality >= 60\"",
        )
        .replace("id = \"fair_health\"", "id = \"owner_with_us\"")
    });
    assert_problem(
        &e,
        "forecast.toml",
        "categories[1].gates[4].condition",
        "vitality",
    );
    assert_problem(
        &e,
        "forecast.toml",
        "categories[2].gates[1].id",
        "used twice",
    );
}

#[test]
fn prompt_priority_settings_are_checked() {
    let (_dir, e) = broken("coaching.toml", |t| {
        t.replace("person_floor = 0.5", "person_floor = 1.5")
            .replace("typical_amount = 5000000", "typical_amount = 0")
            .replace("within_days = 30", "within_days = 10")
    });
    assert_problem(&e, "coaching.toml", "priority.person_floor", "within 0..1");
    assert_problem(&e, "coaching.toml", "priority.typical_amount", "above 0");
    assert_problem(
        &e,
        "coaching.toml",
        "priority.sign_date[1].within_days",
        "increasing",
    );
}

#[test]
fn a_role_that_covers_another_names_known_roles() {
    let (_dir, e) = broken("scoring.toml", |t| {
        t.replace(
            "technical_decision_maker = [\"technical_evaluator\"]",
            "technical_decision_maker = [\"wizard\"]",
        )
    });
    assert_problem(
        &e,
        "scoring.toml",
        "role_covers.technical_decision_maker[0]",
        "not a buying role",
    );
}

#[test]
fn a_decay_floor_outside_zero_to_one_is_named() {
    let (_dir, e) = broken("scales.toml", |t| t.replace("floor = 0.5", "floor = 1.5"));
    assert_problem(&e, "scales.toml", "decay.floor", "within 0..1");
}

#[test]
fn a_condition_naming_an_unknown_fact_is_named() {
    let (_dir, e) = broken("coaching.toml", |t| {
        t.replacen("!decision_maker_identified", "!decision_maker_known", 1)
    });
    assert_problem(
        &e,
        "coaching.toml",
        "rules[0].condition",
        "unknown fact 'decision_maker_known'",
    );
}

#[test]
fn a_condition_that_does_not_parse_is_named() {
    let (_dir, e) = broken("stages.toml", |t| {
        t.replacen("interactions_90d >= 1\" }", "(interactions_90d >= 1\" }", 1)
    });
    assert_problem(
        &e,
        "stages.toml",
        "stages[0].exit_criteria[0].condition",
        "cannot parse",
    );
}

#[test]
fn a_condition_that_is_not_true_or_false_is_named() {
    let (_dir, e) = broken("qualification.toml", |t| {
        t.replacen(
            "yes_when = \"amount >= 1000000 || is_strategic\"",
            "yes_when = \"amount + 1\"",
            1,
        )
    });
    assert_problem(
        &e,
        "qualification.toml",
        "questions[3].yes_when",
        "not a true/false condition",
    );
}

#[test]
fn rules_name_known_stages_placeholders_and_path_targets() {
    let (_dir, e) = broken("coaching.toml", |t| {
        t.replacen(
            "stages = [\"shape_solution\", \"propose\", \"negotiate\", \"sign\"]",
            "stages = [\"shaping\"]",
            1,
        )
        .replacen(
            "No decision maker is identified for {opportunity}.",
            "No decision maker for {deal}.",
            1,
        )
        .replacen("path_to = \"decision_maker\"", "path_to = \"the_boss\"", 1)
    });
    assert_problem(
        &e,
        "coaching.toml",
        "rules[2].stages[0]",
        "unknown stage 'shaping'",
    );
    assert_problem(
        &e,
        "coaching.toml",
        "rules[0].text",
        "unknown placeholder '{deal}'",
    );
    assert_problem(
        &e,
        "coaching.toml",
        "rules[1].path_to",
        "'the_boss' is not one of",
    );
}

#[test]
fn win_step_mistakes_are_named() {
    let (_dir, e) = broken("stages.toml", |t| {
        t.replacen("id = \"first_meeting\"", "id = \"confirm_project\"", 1)
            .replacen(
                "kind = \"manual\"\nrequired = true",
                "kind = \"manual\"\ncondition = \"chain_size > 0\"\nrequired = true",
                1,
            )
    });
    assert_problem(
        &e,
        "stages.toml",
        "stages[0].win_steps[1].id",
        "duplicate win step 'confirm_project'",
    );
    assert_problem(
        &e,
        "stages.toml",
        "stages[0].win_steps[0].condition",
        "a manual step has no condition",
    );
}

#[test]
fn health_weights_must_sum_to_one() {
    let (_dir, e) = broken("scoring.toml", |t| {
        t.replace("contact = 0.10", "contact = 0.30")
    });
    assert_problem(&e, "scoring.toml", "health", "sum to 1");
}

#[test]
fn diff_names_added_and_removed_win_steps_and_rules() {
    let dir = copy_shipped();
    let edit = |file: &str, f: &dyn Fn(String) -> String| {
        let path = dir.path().join(file);
        std::fs::write(&path, f(std::fs::read_to_string(&path).unwrap())).unwrap();
    };
    edit("methodology.toml", &|t| {
        t.replace("version = \"2026.12.1\"", "version = \"2027.01\"")
    });
    edit("stages.toml", &|t| {
        t.replacen(
            "[[stages.win_steps]]\nid = \"grade_opportunity\"",
            "[[stages.win_steps]]\nid = \"budget_confirmed\"\nlabel = \"Confirm the budget\"\nkind = \"manual\"\nrequired = true\n\n[[stages.win_steps]]\nid = \"grade_opportunity\"",
            1,
        )
        .replace("[[stages.win_steps]]\nid = \"signing_date\"\nlabel = \"Agree the signing date\"\nlabel_zh = \"确定签约日期\"\nkind = \"manual\"\nrequired = false\n", "")
    });
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_guanxi"))
        .args(["methodology", "diff"])
        .arg(shipped())
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("version: 2026.12.1 -> 2027.01"), "{out}");
    assert!(
        out.contains("+ win step qualify/budget_confirmed (required, manual)"),
        "{out}"
    );
    assert!(out.contains("- win step sign/signing_date"), "{out}");
    let same = std::process::Command::new(env!("CARGO_BIN_EXE_guanxi"))
        .args(["methodology", "diff"])
        .arg(shipped())
        .arg(shipped())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&same.stdout).trim(),
        "no differences"
    );
}

#[test]
fn support_needs_name_known_kinds_stages_and_facts_with_sane_lifts() {
    let (_dir, e) = broken("support.toml", |t| {
        t.replacen("kind = \"solution_expert\"", "kind = \"astrologer\"", 1)
            .replacen(
                "stages = [\"qualify\", \"shape_solution\"]",
                "stages = [\"qualify\", \"celebrate\"]",
                1,
            )
            .replacen("lift = 0.06", "lift = 1.6", 1)
            .replacen(
                "condition = \"amount >= 1000000\"",
                "condition = \"budget_size >= 1\"",
                1,
            )
            .replacen(
                "id = \"executive_visit_before_proposal\"",
                "id = \"workshop_while_shaping\"",
                1,
            )
    });
    assert_problem(
        &e,
        "support.toml",
        "needs[0].kind",
        "'astrologer' is not a support resource kind",
    );
    assert_problem(
        &e,
        "support.toml",
        "needs[0].stages",
        "'celebrate' is not a stage",
    );
    assert_problem(&e, "support.toml", "needs[0].lift", "within 0..1");
    assert_problem(
        &e,
        "support.toml",
        "needs[1].condition",
        "unknown fact 'budget_size'",
    );
    assert_problem(&e, "support.toml", "needs[2].id", "used twice");
}

#[test]
fn support_values_need_a_rate_for_every_currency_and_known_tiers() {
    let (_dir, e) = broken("support.toml", |t| {
        t.replacen("usd = 7.1\n", "", 1)
            .replacen("strategic = 1.5", "strategic = 1.5\nplatinum = 2.0", 1)
            .replacen("proof_of_concept = 0.10", "proof_of_concept = 3.0", 1)
            .replacen("time_limit_seconds = 5.0", "time_limit_seconds = 0.0", 1)
    });
    assert_problem(&e, "support.toml", "currency_rates", "no rate for 'usd'");
    assert_problem(
        &e,
        "support.toml",
        "strategic_weight.platinum",
        "not in vocabularies.toml's tiers",
    );
    assert_problem(
        &e,
        "support.toml",
        "default_lift.proof_of_concept",
        "within 0..1",
    );
    assert_problem(
        &e,
        "support.toml",
        "allocation.time_limit_seconds",
        "more than 0",
    );
}

#[test]
fn forecast_weights_categories_and_bands_are_checked() {
    let (_dir, e) = broken("forecast.toml", |t| {
        t.replacen("key_person = 0.3", "key_person = 0.5", 1)
            .replacen("floor = 0.01", "floor = 0.995", 1)
            .replacen(
                "condition = \"true\"",
                "condition = \"stage_index >= 0\"",
                1,
            )
            .replacen("win_probability >= 0.4", "win_chance >= 0.4", 1)
            .replacen(
                "coverage_bands = [0.4, 0.7]",
                "coverage_bands = [0.7, 0.4]",
                1,
            )
    });
    assert_problem(&e, "forecast.toml", "probability.relationship", "sum to 1");
    assert_problem(
        &e,
        "forecast.toml",
        "probability.floor",
        "0 < floor < ceiling < 1",
    );
    assert_problem(
        &e,
        "forecast.toml",
        "categories[3].condition",
        "must have condition = \"true\"",
    );
    assert_problem(
        &e,
        "forecast.toml",
        "categories[2].condition",
        "unknown fact 'win_chance'",
    );
    assert_problem(
        &e,
        "forecast.toml",
        "patterns.coverage_bands",
        "strictly rising",
    );
}

#[test]
fn the_diff_names_support_needs_and_forecast_changes() {
    let dir = copy_shipped();
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "support.toml",
        "id = \"pricing_before_bid\"",
        "id = \"pricing_committee\"",
    );
    edit(
        "forecast.toml",
        "win_probability >= 0.4",
        "win_probability >= 0.45",
    );
    let old = Methodology::load(&shipped()).unwrap();
    let new = Methodology::load(dir.path()).unwrap();
    let lines = guanxi::methodology::diff(&old, &new);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("+ support need pricing_committee")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"- support need pricing_before_bid".to_owned()),
        "{lines:?}"
    );
    assert!(lines.contains(&"~ forecast categories changed (forecast.toml)".to_owned()));
}
