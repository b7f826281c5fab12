//! The methodology engine over HTTP: health, prompts in both languages, win steps,
//! the four questions, stage moves, the account plan, the pipeline, and a changed
//! methodology taking effect without a rebuild.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::{
    both_backends,
    helpers::{create_opportunity, fresh_database, spawn_on, spawn_with, Backend, TestApp},
    scores::example,
};

both_backends!(
    health_prompts_steps_and_questions,
    stage_moves_check_exit_criteria_and_record_overrides,
    account_plan_and_scorecard,
    the_coach_pipeline,
);

async fn health_prompts_steps_and_questions(app: TestApp) {
    let ex = example(&app).await;
    let data = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) {
                health { score breakdown { name weight value points } }
                en: coachingPrompts { ruleId severity impact text action evidence { name value } person { name }
                                      introductionPath { strength description } }
                zh: coachingPrompts(lang: ZH, first: 2) { ruleId text action }
                winSteps { id kind required status condition evidence { name value } }
                qualification { questionId question questionZh answer suggested recorded evidence { name value } }
                advanceCheck { mayAdvance nextStage blockers { kind id } }
                facts { name value } } }",
            json!({ "id": ex.deal }),
        )
        .await["opportunity"]
        .clone();
    let health = &data["health"];
    let score = health["score"].as_f64().unwrap();
    let sum: f64 = health["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["points"].as_f64().unwrap())
        .sum();
    assert!(
        (score - sum).abs() < 1e-9,
        "the breakdown adds up to the score"
    );
    assert!((0.0..=100.0).contains(&score));

    let en = data["en"].as_array().unwrap();
    assert!(!en.is_empty());
    let severities: Vec<i64> = en.iter().map(|p| p["severity"].as_i64().unwrap()).collect();
    assert!(
        severities.windows(2).all(|w| w[0] >= w[1]),
        "best first: {severities:?}"
    );
    let uncovered = en
        .iter()
        .find(|p| p["ruleId"] == "uncovered_key_person")
        .expect("the CFO has no real tie");
    assert_eq!(uncovered["person"]["name"], "CFO");
    assert!(uncovered["text"].as_str().unwrap().contains("CFO"));
    assert!(uncovered["introductionPath"]["description"]
        .as_str()
        .unwrap()
        .contains("Ann (AR) → CEO → CFO"));
    assert!(uncovered["action"]
        .as_str()
        .unwrap()
        .contains("Ann (AR) can open the way"));
    assert!(en.iter().all(|p| !p["action"].as_str().unwrap().is_empty()));
    // The competitor ahead with the CFO joins the CFO's prompt: one prompt per
    // person, under its leading rule, with the evidence of both.
    assert!(en
        .iter()
        .all(|p| p["ruleId"] != "competitor_ahead_key_person"));
    let ahead = uncovered;
    assert!(
        ahead["text"]
            .as_str()
            .unwrap()
            .contains("ahead of us with CFO"),
        "{ahead}"
    );
    assert!(ahead["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "competitor_ahead_key_people" && f["value"] == "1"));
    let zh = data["zh"].as_array().unwrap();
    assert_eq!(zh.len(), 2);
    assert!(
        zh[0]["text"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        zh[0]["text"]
    );
    assert_eq!(
        zh[0]["ruleId"], en[0]["ruleId"],
        "same ranking in both languages"
    );

    // The opportunity was created in "qualify".
    let steps = data["winSteps"].as_array().unwrap();
    let step = |id: &str| steps.iter().find(|s| s["id"] == id).unwrap().clone();
    assert_eq!(
        step("map_chain")["status"],
        "SATISFIED",
        "decision maker known, one required role missing"
    );
    assert_eq!(step("answer_four_questions")["status"], "MISSING");
    assert_eq!(step("answer_four_questions")["kind"], "MANUAL");
    assert_eq!(step("find_a_coach")["status"], "MISSING");
    assert!(step("map_chain")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "required_roles_open"));
    let questions = data["qualification"].as_array().unwrap();
    assert_eq!(questions.len(), 4);
    assert!(questions.iter().all(|q| q["recorded"].is_null()));
    assert_eq!(data["advanceCheck"]["nextStage"], "shape_solution");
    assert_eq!(data["advanceCheck"]["mayAdvance"], false);
    assert!(data["advanceCheck"]["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["id"] == "answer_four_questions"));
    assert!(data["facts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "decision_maker_identified" && f["value"] == "true"));

    // Tick a step, answer a question, and see both.
    let tick = app
        .ok(
            "mutation($o: ID!, $by: ID!) { tickWinStep(input: { opportunityId: $o, stepId: \"answer_four_questions\", tickedBy: $by, note: \"Reviewed with the manager\" }) { itemId stage done tickedBy { name } methodologyVersion } }",
            json!({ "o": ex.deal, "by": ex.ann }),
        )
        .await;
    assert_eq!(tick["tickWinStep"]["done"], true);
    assert_eq!(tick["tickWinStep"]["stage"], "qualify");
    assert_eq!(tick["tickWinStep"]["tickedBy"]["name"], "Ann (AR)");
    let answer = app
        .ok(
            "mutation($o: ID!, $by: ID!) { answerQuestion(input: { opportunityId: $o, questionId: \"can_we_win\", answer: NO, evidence: \"The CFO backs the rival\", answeredBy: $by }) { answer evidence answeredBy { name } } }",
            json!({ "o": ex.deal, "by": ex.ann }),
        )
        .await;
    assert_eq!(answer["answerQuestion"]["answer"], "NO");
    let after = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) { winSteps { id status } winStepHistory { itemId done note }
                qualification { questionId answer recorded } health { score } recordedAnswers { questionId answer } } }",
            json!({ "id": ex.deal }),
        )
        .await["opportunity"]
        .clone();
    let status = after["winSteps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "answer_four_questions")
        .unwrap()["status"]
        .clone();
    assert_eq!(status, "DONE");
    assert_eq!(
        after["winStepHistory"][0]["note"],
        "Reviewed with the manager"
    );
    let win = after["qualification"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["questionId"] == "can_we_win")
        .unwrap()
        .clone();
    assert_eq!(
        (win["answer"].clone(), win["recorded"].clone()),
        (json!("NO"), json!("NO"))
    );
    assert_eq!(after["recordedAnswers"].as_array().unwrap().len(), 1);

    let bad = [
        (
            json!({ "opportunityId": ex.deal, "stepId": "sacrifice_a_goat" }),
            "INVALID_INPUT",
        ),
        (
            json!({ "opportunityId": "00000000-0000-7000-8000-000000000000", "stepId": "map_chain" }),
            "NOT_FOUND",
        ),
        (
            json!({ "opportunityId": ex.deal, "stepId": "map_chain", "tickedBy": "00000000-0000-7000-8000-000000000000" }),
            "NOT_FOUND",
        ),
    ];
    let before = app.counts().await;
    for (input, code) in bad {
        let got = app
            .error_code(
                "mutation($input: TickWinStepInput!) { tickWinStep(input: $input) { done } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(got, code, "{input}");
    }
    let got = app
        .error_code(
            "mutation($o: ID!) { answerQuestion(input: { opportunityId: $o, questionId: \"is_it_fun\", answer: YES }) { answer } }",
            json!({ "o": ex.deal }),
        )
        .await;
    assert_eq!(got, "INVALID_INPUT");
    assert_eq!(app.counts().await, before);
}

async fn stage_moves_check_exit_criteria_and_record_overrides(app: TestApp) {
    let ex = example(&app).await;
    let advance = "mutation($input: AdvanceStageInput!) { advanceStage(input: $input) {
        overridden blockers { id } opportunity { stage stageHistory { stage overrideReason methodologyVersion } } } }";
    // Blocked: the four questions are not answered yet.
    let error = app
        .error(advance, json!({ "input": { "opportunityId": ex.deal } }))
        .await;
    assert_eq!(error["extensions"]["code"], "CONFLICT");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("answer_four_questions"),
        "{error}"
    );
    app.ok(
        "mutation($o: ID!) { tickWinStep(input: { opportunityId: $o, stepId: \"answer_four_questions\" }) { done } }",
        json!({ "o": ex.deal }),
    )
    .await;
    let moved = app
        .ok(
            advance,
            json!({ "input": { "opportunityId": ex.deal, "changedBy": ex.ann } }),
        )
        .await["advanceStage"]
        .clone();
    assert_eq!(moved["overridden"], false);
    assert_eq!(moved["opportunity"]["stage"], "shape_solution");
    // Next: the needs workshop is a required manual step nobody ticked.
    let before = app.counts().await;
    assert_eq!(
        app.error_code(advance, json!({ "input": { "opportunityId": ex.deal } }))
            .await,
        "CONFLICT"
    );
    assert_eq!(app.counts().await, before, "a refused move changes nothing");
    let forced = app
        .ok(
            advance,
            json!({ "input": { "opportunityId": ex.deal, "overrideReason": "Workshop held by the partner; minutes to follow" } }),
        )
        .await["advanceStage"]
        .clone();
    assert_eq!(forced["overridden"], true);
    assert!(forced["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["id"] == "needs_workshop"));
    let history = forced["opportunity"]["stageHistory"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last["stage"], "propose");
    assert_eq!(
        last["overrideReason"],
        "Workshop held by the partner; minutes to follow"
    );
    assert_eq!(last["methodologyVersion"], "2026.12.1");
    // Going back needs no criteria; unknown stages and no-ops are refused.
    let back = app
        .ok(
            advance,
            json!({ "input": { "opportunityId": ex.deal, "toStage": "qualify" } }),
        )
        .await;
    assert_eq!(back["advanceStage"]["opportunity"]["stage"], "qualify");
    assert_eq!(
        app.error_code(
            advance,
            json!({ "input": { "opportunityId": ex.deal, "toStage": "heaven" } })
        )
        .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(
            advance,
            json!({ "input": { "opportunityId": ex.deal, "toStage": "qualify" } })
        )
        .await,
        "INVALID_INPUT"
    );
}

async fn account_plan_and_scorecard(app: TestApp) {
    let ex = example(&app).await;
    let query = "query($a: ID!) { account(id: $a) { plan { completion
        elements { id label labelZh completion items { id kind status condition evidence { name value } } }
        scorecard { accountScore planCompletion openOpportunities openAmount { currency amount } meanHealth
                    singleThreadedKeyPeople peopleMapped peopleWithRealTies } } } }";
    let plan = app.ok(query, json!({ "a": ex.account })).await["account"]["plan"].clone();
    let elements = plan["elements"].as_array().unwrap();
    assert_eq!(
        elements
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["who", "coverage", "how", "strategy", "evaluate"]
    );
    let item = |plan: &Value, id: &str| {
        plan["elements"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["items"].as_array().unwrap().clone())
            .find(|i| i["id"] == id)
            .unwrap()
    };
    assert_eq!(
        item(&plan, "ar_named")["status"],
        "SATISFIED",
        "Ann is an AR with real ties"
    );
    assert_eq!(item(&plan, "tier_justified")["status"], "MISSING");
    let card = &plan["scorecard"];
    assert_eq!(card["openOpportunities"], 1);
    assert_eq!(
        card["openAmount"],
        json!([{ "currency": "CNY", "amount": 1000000.0 }])
    );
    assert_eq!(card["peopleMapped"], 4);
    assert_eq!(card["peopleWithRealTies"], 2);
    app.ok(
        "mutation($a: ID!, $by: ID!) { tickPlanItem(input: { accountId: $a, itemId: \"tier_justified\", tickedBy: $by }) { done } }",
        json!({ "a": ex.account, "by": ex.ann }),
    )
    .await;
    let after = app.ok(query, json!({ "a": ex.account })).await["account"]["plan"].clone();
    assert_eq!(item(&after, "tier_justified")["status"], "DONE");
    assert!(after["completion"].as_f64().unwrap() > plan["completion"].as_f64().unwrap());
    let code = app
        .error_code(
            "mutation($a: ID!) { tickPlanItem(input: { accountId: $a, itemId: \"world_domination\" }) { done } }",
            json!({ "a": ex.account }),
        )
        .await;
    assert_eq!(code, "INVALID_INPUT");
}

async fn the_coach_pipeline(app: TestApp) {
    let ex = example(&app).await;
    let second = create_opportunity(&app, &ex.account, "Billing upgrade").await;
    app.ok(
        "mutation($id: ID!) { updateOpportunity(id: $id, input: { amount: 9000000, stage: \"propose\" }) { id } }",
        json!({ "id": second }),
    )
    .await;
    let query = "query($first: Int, $after: String, $sort: PipelineSort, $stage: String, $min: Float, $lang: Lang) {
        pipeline(first: $first, after: $after, sort: $sort, stage: $stage, minHealth: $min, lang: $lang) {
            totalCount hasNextPage endCursor meanHealth
            nodes { name stage amount currency health promptCount accountName opportunity { id } topPrompt { ruleId severity text } } } }";
    let all = app.ok(query, json!({})).await["pipeline"].clone();
    assert_eq!(all["totalCount"], 2);
    let nodes = all["nodes"].as_array().unwrap();
    assert!(
        nodes[0]["health"].as_f64().unwrap() <= nodes[1]["health"].as_f64().unwrap(),
        "weakest first by default"
    );
    assert!(nodes.iter().all(|n| n["topPrompt"]["text"].is_string()));
    let by_amount = app
        .ok(query, json!({ "sort": "AMOUNT_DESC", "first": 1 }))
        .await["pipeline"]
        .clone();
    assert_eq!(by_amount["nodes"][0]["name"], "Billing upgrade");
    assert_eq!(by_amount["hasNextPage"], true);
    let next = app
        .ok(
            query,
            json!({ "sort": "AMOUNT_DESC", "first": 1, "after": by_amount["endCursor"] }),
        )
        .await["pipeline"]
        .clone();
    assert_eq!(next["nodes"][0]["name"], "Core network");
    assert_eq!(next["hasNextPage"], false);
    let staged = app.ok(query, json!({ "stage": "propose" })).await["pipeline"].clone();
    assert_eq!(staged["totalCount"], 1);
    let none = app.ok(query, json!({ "min": 101.0 })).await["pipeline"].clone();
    assert_eq!(none["totalCount"], 0);
    assert_eq!(none["meanHealth"], Value::Null);
    let zh = app.ok(query, json!({ "lang": "ZH", "first": 1 })).await["pipeline"]["nodes"][0]
        ["topPrompt"]["text"]
        .clone();
    assert!(zh
        .as_str()
        .unwrap()
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    assert_eq!(
        app.error_code(query, json!({ "stage": "heaven" })).await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(query, json!({ "first": 1000 })).await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(query, json!({ "after": "nonsense" })).await,
        "INVALID_INPUT"
    );
    let changes = app
        .ok("{ methodologyChanges { opportunityId } }", json!({}))
        .await;
    assert_eq!(changes["methodologyChanges"], json!([]));
}

async fn step_ids(app: &TestApp, deal: &str) -> Vec<String> {
    app.ok(
        "query($id: ID!) { opportunity(id: $id) { winSteps { id } } }",
        json!({ "id": deal }),
    )
    .await["opportunity"]["winSteps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A company edits its methodology: a copy with a new required win step, served by a
/// second server on the same data, changes no open deal until it is adopted: the
/// deal keeps its version's steps, `methodologyChanges` previews what adopting
/// changes (steps, blockers, health, category), a dry run writes nothing, and
/// `adoptMethodology` moves the deal, audited. Files edited under an unchanged
/// version are refused at start, naming the file.
async fn a_changed_methodology_waits_for_adoption(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let before = spawn_on(&url, dir).await;
    let ex = example(&before).await;
    let copy = tempfile::tempdir().unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    let edit = |file: &str, f: &dyn Fn(String) -> String| {
        let path = copy.path().join(file);
        std::fs::write(&path, f(std::fs::read_to_string(&path).unwrap())).unwrap();
    };
    edit("stages.toml", &|t| {
        t.replacen(
            "[[stages.win_steps]]\nid = \"grade_opportunity\"",
            "[[stages.win_steps]]\nid = \"budget_confirmed\"\nlabel = \"Confirm the budget line with finance\"\nkind = \"manual\"\nrequired = true\n\n[[stages.win_steps]]\nid = \"grade_opportunity\"",
            1,
        )
    });
    // The same version name over different files: refused, naming the file.
    let same_name = Arc::new(guanxi::methodology::Methodology::load(copy.path()).unwrap());
    let refused =
        guanxi::startup::Application::build("127.0.0.1:0".parse().unwrap(), &url, same_name, false)
            .await
            .err()
            .expect("edited files under an unchanged version are refused");
    assert_eq!(refused.code().as_str(), "METHODOLOGY_CHANGED");
    assert!(refused.to_string().contains("stages.toml"), "{refused}");
    assert!(!refused.to_string().contains("support.toml"), "{refused}");

    edit("methodology.toml", &|t| {
        t.replace("version = \"2026.12.1\"", "version = \"2027.01\"")
    });
    let methodology = Arc::new(guanxi::methodology::Methodology::load(copy.path()).unwrap());
    let after = spawn_with(&url, None, methodology).await;
    let info = after
        .ok(
            "{ methodology { version digest pinnedVersions } }",
            json!({}),
        )
        .await;
    assert_eq!(info["methodology"]["version"], "2027.01");
    assert_eq!(info["methodology"]["digest"].as_str().unwrap().len(), 64);
    assert_eq!(info["methodology"]["pinnedVersions"], json!(["2026.12.1"]));
    // The open deal keeps its version's steps on the new server.
    assert!(!step_ids(&after, &ex.deal)
        .await
        .contains(&"budget_confirmed".to_owned()));
    let query = "{ methodologyChanges { opportunityId stage recordedVersion currentVersion addedRequiredSteps removedSteps
                   blockersBefore blockersAfter healthBefore healthAfter categoryBefore categoryAfter } }";
    let changes = after.ok(query, json!({})).await["methodologyChanges"].clone();
    let change = &changes[0];
    assert_eq!(changes.as_array().unwrap().len(), 1, "{changes}");
    assert_eq!(change["opportunityId"], ex.deal.as_str());
    assert_eq!(
        (
            change["recordedVersion"].as_str(),
            change["currentVersion"].as_str()
        ),
        (Some("2026.12.1"), Some("2027.01"))
    );
    assert_eq!(change["addedRequiredSteps"], json!(["budget_confirmed"]));
    assert_eq!(change["removedSteps"], json!([]));
    let has = |k: &str| {
        change[k]
            .as_array()
            .unwrap()
            .contains(&json!("budget_confirmed"))
    };
    assert!(!has("blockersBefore") && has("blockersAfter"), "{change}");
    assert!(change["healthAfter"].as_f64().unwrap() < change["healthBefore"].as_f64().unwrap());

    // A dry run previews and writes nothing.
    let counts = after.counts().await;
    let dry = after
        .ok(
            "mutation { adoptMethodology(dryRun: true) { opportunityId addedRequiredSteps } }",
            json!({}),
        )
        .await;
    assert_eq!(
        dry["adoptMethodology"][0]["addedRequiredSteps"],
        json!(["budget_confirmed"])
    );
    assert_eq!(after.counts().await, counts);
    assert!(!step_ids(&after, &ex.deal)
        .await
        .contains(&"budget_confirmed".to_owned()));

    // Adopted: the deal takes the new step, nothing is left to adopt, the move is
    // audited, and the stage history is not rewritten.
    after
        .ok("mutation { adoptMethodology { opportunityId } }", json!({}))
        .await;
    assert!(step_ids(&after, &ex.deal)
        .await
        .contains(&"budget_confirmed".to_owned()));
    assert_eq!(
        after.ok(query, json!({})).await["methodologyChanges"],
        json!([])
    );
    let trail = after
        .ok(
            "query($a: ID!) { auditTrail(account: $a) { nodes { action entityId before after } } }",
            json!({ "a": ex.account }),
        )
        .await;
    let adopted = trail["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["action"] == "adopt methodology" && n["entityId"] == ex.deal.as_str())
        .unwrap_or_else(|| panic!("no adoption in {trail}"))
        .clone();
    assert!(
        adopted["before"].to_string().contains("2026.12.1"),
        "{adopted}"
    );
    assert!(
        adopted["after"].to_string().contains("2027.01"),
        "{adopted}"
    );
    let history = after
        .ok(
            "query($id: ID!) { opportunity(id: $id) { stageHistory { methodologyVersion } } }",
            json!({ "id": ex.deal }),
        )
        .await;
    assert_eq!(
        history["opportunity"]["stageHistory"][0]["methodologyVersion"], "2026.12.1",
        "history is not rewritten"
    );
}

crate::each_backend!(a_changed_methodology_waits_for_adoption);
