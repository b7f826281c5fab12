//! The graph engine over HTTP: every score field, paths, risks and what-ifs, on the
//! worked example of docs/scoring.md built through the API.

use serde_json::{json, Value};

use crate::{
    both_backends,
    helpers::{create_account, create_competitor, create_employee, create_opportunity, TestApp},
};

pub struct Example {
    pub account: String,
    pub deal: String,
    pub ceo: String,
    pub cfo: String,
    pub eng: String,
    pub ann: String,
    pub sam: String,
    pub dee: String,
    pub rival: String,
}

async fn person(
    app: &TestApp,
    account: &str,
    name: &str,
    level: &str,
    department: &str,
    boss: Option<&str>,
) -> String {
    app.ok(
        "mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }",
        json!({ "input": { "accountId": account, "name": name, "level": level, "department": department, "reportsToId": boss } }),
    )
    .await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn assess(app: &TestApp, input: Value) {
    app.ok(
        "mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) { id } }",
        json!({ "input": input }),
    )
    .await;
}

pub async fn example(app: &TestApp) -> Example {
    let account = create_account(app, "Example Telecom").await;
    let ceo = person(app, &account, "CEO", "executive", "executive_office", None).await;
    let cfo = person(app, &account, "CFO", "executive", "finance", Some(&ceo)).await;
    let cto = person(app, &account, "CTO", "management", "it", Some(&ceo)).await;
    let eng = person(app, &account, "Engineer", "operational", "it", Some(&cto)).await;
    let ann = create_employee(app, "Ann (AR)", "ann@example.com", "ar").await;
    let sam = create_employee(app, "Sam (SR)", "sam@example.com", "sr").await;
    let dee = create_employee(app, "Dee (left)", "dee@example.com", "ar").await;
    let rival = create_competitor(app, "Rival").await;
    assess(
        app,
        json!({ "employeeId": ann, "personId": ceo, "strength": 4 }),
    )
    .await;
    assess(
        app,
        json!({ "employeeId": ann, "personId": cfo, "strength": 2 }),
    )
    .await;
    assess(
        app,
        json!({ "employeeId": sam, "personId": cto, "strength": 3 }),
    )
    .await;
    assess(
        app,
        json!({ "employeeId": dee, "personId": cfo, "strength": 5 }),
    )
    .await;
    assess(
        app,
        json!({ "competitorId": rival, "personId": cfo, "strength": 4 }),
    )
    .await;
    assess(
        app,
        json!({ "employeeId": sam, "otherEmployeeId": ann, "strength": 5 }),
    )
    .await;
    app.ok(
        "mutation($id: ID!) { updateEmployee(id: $id, input: { status: DEPARTED }) { id } }",
        json!({ "id": dee }),
    )
    .await;
    let deal = create_opportunity(app, &account, "Core network").await;
    app.ok(
        "mutation($o: ID!, $m: [DecisionChainMemberInput!]!) { setDecisionChain(opportunityId: $o, members: $m) { id } }",
        json!({ "o": deal, "m": [
            { "personId": ceo, "buyingRole": "decision_maker", "influence": 5 },
            { "personId": cfo, "buyingRole": "financial_evaluator", "influence": 4, "favouredCompetitorId": rival },
            { "personId": cto, "buyingRole": "technical_evaluator", "influence": 4 },
            { "personId": eng, "buyingRole": "user", "influence": 2 },
        ] }),
    )
    .await;
    Example {
        account,
        deal,
        ceo,
        cfo,
        eng,
        ann,
        sam,
        dee,
        rival,
    }
}

fn close(v: &Value, expected: f64) -> bool {
    (v.as_f64().unwrap() - expected).abs() < 1e-9
}

both_backends!(
    opportunity_scores_match_the_worked_example,
    scores_on_people_accounts_employees_and_competitors,
    introduction_paths_over_http,
    what_ifs_change_nothing_stored,
    a_what_if_tells_each_deals_whole_story,
    ties_met_but_never_assessed_are_derived_and_not_counted,
    a_write_is_seen_by_the_next_score,
);

const SCORE: &str = "value explanation { summary formula inputs { name value note } weights { name value } evidence { kind description value personId employeeId relationshipId competitorId } notes zhNotes: notes(lang: ZH) zhSummary: summary(lang: ZH) }";

async fn opportunity_scores_match_the_worked_example(app: TestApp) {
    let ex = example(&app).await;
    let data = app
        .ok(
            &format!(
                "query($id: ID!) {{ opportunity(id: $id) {{ scores {{
                    keyPerson {{ {SCORE} }} decisionChain {{ {SCORE} }} account {{ {SCORE} }}
                    employee {{ {SCORE} }} ourCompany {{ {SCORE} }} competitor {{ {SCORE} }} }}
                  risks {{ singleThreaded {{ person {{ name }} employee {{ name }} influence }}
                           competitorAhead {{ person {{ name }} competitor {{ name }} ours theirs }} }} }} }}"
            ),
            json!({ "id": ex.deal }),
        )
        .await;
    let s = &data["opportunity"]["scores"];
    assert!(
        close(&s["keyPerson"]["value"], 1.6 / 2.6),
        "{}",
        s["keyPerson"]
    );
    assert!(close(&s["decisionChain"]["value"], 1.6 / 3.0 * 0.75));
    assert!(close(&s["competitor"]["value"], 1.8 / 2.6));
    assert!(close(&s["employee"]["value"], 0.16));
    assert!(close(
        &s["ourCompany"]["value"],
        0.35 * (1.12 / 1.8) + 0.25 * 0.4
    ));
    assert!(close(
        &s["account"]["value"],
        0.2 * 0.5 + 0.25 * (2.0 / 3.0) + 0.15 * (2.0 / 3.0) + 0.4 * 0.6
    ));
    for name in [
        "keyPerson",
        "decisionChain",
        "account",
        "employee",
        "ourCompany",
        "competitor",
    ] {
        let x = &s[name]["explanation"];
        assert!(!x["summary"].as_str().unwrap().is_empty(), "{name}");
        assert!(!x["formula"].as_str().unwrap().is_empty(), "{name}");
    }
    let notes = s["decisionChain"]["explanation"]["notes"]
        .as_array()
        .unwrap();
    assert!(notes
        .iter()
        .any(|n| n.as_str().unwrap().contains("not identified: Procurement")));
    // The same explanation for a Chinese coach: the role by its Chinese name.
    let zh = &s["decisionChain"]["explanation"];
    assert!(
        zh["zhNotes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap() == "尚未识别的必需角色：采购"),
        "{zh}"
    );
    assert!(
        zh["zhSummary"]
            .as_str()
            .unwrap()
            .starts_with("按影响力我方覆盖决策链的"),
        "{zh}"
    );
    let evidence = s["keyPerson"]["explanation"]["evidence"]
        .as_array()
        .unwrap();
    assert!(evidence
        .iter()
        .any(|e| e["kind"] == "member" && e["personId"] == ex.ceo.as_str()));

    let risks = &data["opportunity"]["risks"];
    assert_eq!(
        risks["competitorAhead"],
        json!([{ "person": { "name": "CFO" }, "competitor": { "name": "Rival" }, "ours": 2.0, "theirs": 4.0 }])
    );
    let threads = risks["singleThreaded"].as_array().unwrap();
    assert!(threads
        .iter()
        .any(|t| t["person"]["name"] == "CEO" && t["employee"]["name"] == "Ann (AR)"));
    assert!(threads
        .iter()
        .any(|t| t["person"]["name"] == "CFO" && t["employee"].is_null()));
}

async fn scores_on_people_accounts_employees_and_competitors(app: TestApp) {
    let ex = example(&app).await;
    let data = app
        .ok(
            &format!(
                "query($cfo: ID!, $a: ID!, $ann: ID!, $dee: ID!, $rival: ID!, $deal: ID!) {{
                    person(id: $cfo) {{ score {{ {SCORE} }} }}
                    account(id: $a) {{ score {{ value }} singleThreaded {{ person {{ name }} }} }}
                    ann: employee(id: $ann) {{ score(accountId: $a) {{ {SCORE} }} }}
                    dee: employee(id: $dee) {{ score(accountId: $a) {{ value explanation {{ notes }} }} }}
                    competitor(id: $rival) {{ hold(opportunityId: $deal) {{ value explanation {{ summary }} }} }} }}"
            ),
            json!({ "cfo": ex.cfo, "a": ex.account, "ann": ex.ann, "dee": ex.dee, "rival": ex.rival, "deal": ex.deal }),
        )
        .await;
    let cfo = &data["person"]["score"];
    assert!(close(&cfo["value"], 0.4));
    let evidence = cfo["explanation"]["evidence"].as_array().unwrap();
    assert!(evidence
        .iter()
        .any(|e| e["kind"] == "departed_tie" && e["employeeId"] == ex.dee.as_str()));
    assert!(evidence
        .iter()
        .any(|e| e["kind"] == "tie" && !e["relationshipId"].is_null()));
    assert!(close(
        &data["account"]["score"]["value"],
        0.2 * 0.5 + 0.25 * (2.0 / 3.0) + 0.15 * (2.0 / 3.0) + 0.4 * 0.6
    ));
    assert!(!data["account"]["singleThreaded"]
        .as_array()
        .unwrap()
        .is_empty());
    let ann = &data["ann"]["score"];
    assert!(ann["value"].as_f64().unwrap() > 0.0);
    assert!(ann["explanation"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "sole_tie" && e["personId"] == ex.ceo.as_str()));
    assert_eq!(data["dee"]["score"]["value"], 0.0);
    assert!(close(&data["competitor"]["hold"]["value"], 0.8 * 0.8 / 3.0));

    let code = app
        .error_code(
            "query($ann: ID!) { employee(id: $ann) { score(accountId: \"00000000-0000-7000-8000-000000000000\") { value } } }",
            json!({ "ann": ex.ann }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
}

async fn introduction_paths_over_http(app: TestApp) {
    let ex = example(&app).await;
    let query = "query($to: ID!, $from: ID, $k: Int) { introductionPaths(to: $to, from: $from, k: $k) {
        strength description asker { name } entry { name }
        hops { kind strength factor relationshipId fromEmployee { name } fromPerson { name } toEmployee { name } toPerson { name } } } }";
    let paths = app.ok(query, json!({ "to": ex.cfo })).await["introductionPaths"].clone();
    let paths = paths.as_array().unwrap();
    assert_eq!(paths.len(), 2);
    assert!(close(&paths[0]["strength"], 0.68 * 0.51));
    assert_eq!(paths[0]["entry"]["name"], "Ann (AR)");
    assert_eq!(paths[0]["description"], "Ann (AR) → CEO → CFO (35%)");
    assert_eq!(paths[0]["hops"][0]["kind"], "TIE");
    assert_eq!(paths[0]["hops"][1]["kind"], "REPORTS_TO");
    assert!(paths.iter().all(|p| p["entry"]["name"] != "Dee (left)"));

    let via = app
        .ok(query, json!({ "to": ex.cfo, "from": ex.sam, "k": 1 }))
        .await["introductionPaths"]
        .clone();
    assert_eq!(via[0]["asker"]["name"], "Sam (SR)");
    assert_eq!(via[0]["entry"]["name"], "Ann (AR)");
    assert_eq!(via[0]["hops"][0]["kind"], "COLLEAGUE");
    assert!(close(&via[0]["strength"], 0.85 * 0.68 * 0.51));

    assert_eq!(
        app.error_code(query, json!({ "to": ex.cfo, "k": 0 })).await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(query, json!({ "to": ex.cfo, "k": 99 }))
            .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(query, json!({ "to": ex.cfo, "from": ex.dee }))
            .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(
            query,
            json!({ "to": "00000000-0000-7000-8000-000000000000" })
        )
        .await,
        "NOT_FOUND"
    );
    assert_eq!(
        app.error_code(query, json!({ "to": ex.ann })).await,
        "NOT_FOUND",
        "an employee is not a target"
    );
}

async fn what_ifs_change_nothing_stored(app: TestApp) {
    let ex = example(&app).await;
    let before = app.counts().await;
    let v = account_version(&app, &ex.account).await;
    let departure = app
        .ok(
            "query($e: ID!) { departureImpact(employee: $e) { employee { name } accounts {
                account { name } accountBefore accountAfter soleKeyPeople { name }
                lostPaths { person { name } before after }
                opportunities { opportunity { name } changes { dimension before after drop } } } } }",
            json!({ "e": ex.ann }),
        )
        .await["departureImpact"]
        .clone();
    assert_eq!(departure["employee"]["name"], "Ann (AR)");
    let account = &departure["accounts"][0];
    assert_eq!(account["soleKeyPeople"], json!([{ "name": "CEO" }]));
    assert!(account["accountAfter"].as_f64().unwrap() < account["accountBefore"].as_f64().unwrap());
    let changes = account["opportunities"][0]["changes"].as_array().unwrap();
    let kp = changes
        .iter()
        .find(|c| c["dimension"] == "keyPerson")
        .unwrap();
    assert!(close(&kp["before"], 1.6 / 2.6) && close(&kp["after"], 0.48 / 2.6));
    assert!(kp["drop"].as_f64().unwrap() > 0.0);

    let leaves = app
        .ok(
            "query($p: ID!) { personChangeImpact(person: $p, leaves: true) { opportunities { changes { dimension after } } lostPaths { person { name } } } }",
            json!({ "p": ex.cfo }),
        )
        .await;
    let kp = leaves["personChangeImpact"]["opportunities"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["dimension"] == "keyPerson")
        .unwrap()
        .clone();
    // The CFO's seat stays, held by a successor nobody knows yet:
    // (0.8 + 0 + 0.48) / 2.6, never more than before.
    assert!(close(&kp["after"], 1.28 / 2.6));
    let promoted = app
        .ok(
            "query($p: ID!) { personChangeImpact(person: $p, buyingRole: \"decision_maker\", influence: 5) { opportunities { changes { dimension before after } } } }",
            json!({ "p": ex.eng }),
        )
        .await;
    assert!(!promoted["personChangeImpact"]["opportunities"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        app.error_code(
            "query($p: ID!) { personChangeImpact(person: $p, influence: 9) { accountAfter } }",
            json!({ "p": ex.eng })
        )
        .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code("query($p: ID!) { personChangeImpact(person: $p, buyingRole: \"emperor\") { accountAfter } }", json!({ "p": ex.eng }))
            .await,
        "INVALID_INPUT"
    );
    assert_eq!(app.counts().await, before, "what-ifs write nothing");
    assert_eq!(account_version(&app, &ex.account).await, v);
}

const STORY: &str = "deals { opportunity { name } rises note scores { dimension before after }
    before { keyPerson decisionChain competitor health winProbability category questions { question answer } prompts { ruleId text person { name } } }
    after { keyPerson decisionChain competitor health winProbability category questions { question answer } prompts { ruleId text person { name } } } }";

/// Nothing of the deal rises, and the story says nothing rose.
fn nothing_rises(deal: &Value) {
    assert_eq!(deal["rises"], json!([]), "{deal}");
    assert!(deal["note"].is_null());
    for k in [
        "keyPerson",
        "decisionChain",
        "competitor",
        "health",
        "winProbability",
    ] {
        assert!(
            deal["after"][k].as_f64().unwrap() <= deal["before"][k].as_f64().unwrap() + 1e-9,
            "{k} rose: {deal}"
        );
    }
    for change in deal["scores"].as_array().unwrap() {
        assert!(change["after"].as_f64().unwrap() <= change["before"].as_f64().unwrap() + 1e-9);
    }
}

async fn a_what_if_tells_each_deals_whole_story(app: TestApp) {
    let ex = example(&app).await;
    let head = person(
        &app,
        &ex.account,
        "Head of Procurement",
        "management",
        "procurement",
        None,
    )
    .await;
    let counts = app.counts().await;
    let v = account_version(&app, &ex.account).await;
    let unchanged = |c, w| {
        assert_eq!(c, counts, "what-ifs write nothing");
        assert_eq!(w, v);
    };

    // Ann leaves: the deal's six scores, health, probability, category, the four
    // questions and its top prompts, before and after, in Chinese.
    let departure = app
        .ok(
            &format!("query($e: ID!) {{ departureImpact(employee: $e, lang: ZH) {{ accounts {{ {STORY} }} }} }}"),
            json!({ "e": ex.ann }),
        )
        .await;
    let deal = departure["departureImpact"]["accounts"][0]["deals"][0].clone();
    assert_eq!(deal["opportunity"]["name"], "Core network");
    assert_eq!(deal["scores"].as_array().unwrap().len(), 6);
    nothing_rises(&deal);
    assert!(
        close(&deal["before"]["keyPerson"], 1.6 / 2.6)
            && close(&deal["after"]["keyPerson"], 0.48 / 2.6)
    );
    assert!(deal["after"]["health"].as_f64().unwrap() < deal["before"]["health"].as_f64().unwrap());
    assert_eq!(deal["before"]["questions"].as_array().unwrap().len(), 4);
    for side in ["before", "after"] {
        let prompts = deal[side]["prompts"].as_array().unwrap();
        assert!((1..=3).contains(&prompts.len()), "{side}: {prompts:?}");
        assert!(prompts[0]["text"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        assert!(["commit", "best_case", "pipeline", "omitted"]
            .contains(&deal[side]["category"].as_str().unwrap()));
    }

    // The CTO turns against us: the technical evaluation is a role still to win
    // and no lead of ours, so the decision-chain and competitor scores fall.
    let cto = app
        .ok(
            "query($o: ID!) { opportunity(id: $o) { decisionChain { person { id name } } } }",
            json!({ "o": ex.deal }),
        )
        .await["opportunity"]["decisionChain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"]["name"] == "CTO")
        .unwrap()["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let turned = app
        .ok(
            &format!(
                "query($p: ID!) {{ personChangeImpact(person: $p, attitude: -2) {{ {STORY} }} }}"
            ),
            json!({ "p": cto }),
        )
        .await["personChangeImpact"]["deals"][0]
        .clone();
    nothing_rises(&turned);
    let drop =
        |k: &str| turned["before"][k].as_f64().unwrap() - turned["after"][k].as_f64().unwrap();
    assert!(
        close(
            &json!(drop("decisionChain")),
            0.5333333333333333 * 0.75 - 0.5333333333333333 * 0.5
        ),
        "{turned}"
    );
    assert!(close(&json!(drop("competitor")), 0.8 / 2.6), "{turned}");

    // A head of procurement nobody of ours knows joins the chain against us:
    // procurement is still open and nothing rises.
    let joined = app
        .ok(
            &format!("query($p: ID!, $o: ID!) {{ personChangeImpact(person: $p, joinsOpportunity: $o, buyingRole: \"procurement\", influence: 4, attitude: -2) {{ {STORY} }} }}"),
            json!({ "p": head, "o": ex.deal }),
        )
        .await["personChangeImpact"]["deals"][0]
        .clone();
    nothing_rises(&joined);
    assert!(
        joined["after"]["keyPerson"].as_f64().unwrap()
            < joined["before"]["keyPerson"].as_f64().unwrap()
    );

    // Joining a deal that is not open, or an attitude off the scale, is refused.
    assert_eq!(
        app.error_code(
            "query($p: ID!, $o: ID!) { personChangeImpact(person: $p, joinsOpportunity: $o) { accountAfter } }",
            json!({ "p": head, "o": ex.account })
        )
        .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(
            "query($p: ID!) { personChangeImpact(person: $p, attitude: 3) { accountAfter } }",
            json!({ "p": head })
        )
        .await,
        "INVALID_INPUT"
    );

    unchanged(app.counts().await, account_version(&app, &ex.account).await);

    // The CFO, made an opponent in the chain, leaves: the competitor's hold and
    // an opponent go with them, what rises says so, and the successor is named.
    app.ok(
        "mutation($o: ID!, $m: [DecisionChainMemberInput!]!) { setDecisionChain(opportunityId: $o, members: $m) { id } }",
        json!({ "o": ex.deal, "m": [
            { "personId": ex.ceo, "buyingRole": "decision_maker", "influence": 5 },
            { "personId": ex.cfo, "buyingRole": "financial_evaluator", "influence": 4, "attitude": -2, "favouredCompetitorId": ex.rival },
            { "personId": cto, "buyingRole": "technical_evaluator", "influence": 4 },
            { "personId": ex.eng, "buyingRole": "user", "influence": 2 },
        ] }),
    )
    .await;
    // The chain was written: what-ifs from here on are measured against it.
    let counts = app.counts().await;
    let v = account_version(&app, &ex.account).await;
    let left = app
        .ok(
            &format!("query($p: ID!) {{ personChangeImpact(person: $p, leaves: true, lang: ZH) {{ {STORY} }} }}"),
            json!({ "p": ex.cfo }),
        )
        .await["personChangeImpact"]["deals"][0]
        .clone();
    let rises = left["rises"].as_array().unwrap();
    assert!(rises.contains(&json!("competitor")), "{left}");
    let note = left["note"].as_str().unwrap();
    assert!(
        note.contains("CFO反对我方") && note.contains("竞争对手") && !note.contains("competitor"),
        "{note}"
    );
    assert!(
        left["after"]["prompts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| {
                let t = p["text"].as_str().unwrap();
                !t.contains("CFO") || t.contains("CFO的继任者")
            }),
        "{left}"
    );
    assert_eq!(app.counts().await, counts, "what-ifs write nothing");
    assert_eq!(account_version(&app, &ex.account).await, v);
}

/// Sam meets the engineer twice without anyone assessing the tie: the account
/// lists it as derived with its evidence, the engineer's score explanation shows
/// it as not counted, and the score stays 0 until someone assesses it.
async fn ties_met_but_never_assessed_are_derived_and_not_counted(app: TestApp) {
    let ex = example(&app).await;
    for days in [3, 10] {
        app.ok(
            "mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }",
            json!({ "input": { "accountId": ex.account, "kind": "visit",
                               "occurredOn": (guanxi::domain::today() - time::Duration::days(days)).to_string(),
                               "employeeIds": [ex.sam], "personIds": [ex.eng] } }),
        )
        .await;
    }
    let query = format!(
        "query($a: ID!, $p: ID!) {{ account(id: $a) {{ derivedTies {{ employee person meetings lastMet interactionIds }} }}
            person(id: $p) {{ score {{ {SCORE} }} }} }}"
    );
    let data = app
        .ok(&query, json!({ "a": ex.account, "p": ex.eng }))
        .await;
    let derived = data["account"]["derivedTies"].as_array().unwrap();
    assert_eq!(derived.len(), 1, "{data}");
    assert_eq!(
        (
            derived[0]["employee"].as_str(),
            derived[0]["person"].as_str()
        ),
        (Some("Sam (SR)"), Some("Engineer"))
    );
    assert_eq!(derived[0]["meetings"], 2);
    assert_eq!(derived[0]["interactionIds"].as_array().unwrap().len(), 2);
    let score = &data["person"]["score"];
    assert_eq!(score["value"], 0.0, "derived ties count nothing");
    assert!(
        score["explanation"]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "derived_tie"
                && e["description"].as_str().unwrap().contains("not counted")),
        "{score}"
    );
    // Assessed, it is a tie like any other and no longer derived.
    assess(
        &app,
        json!({ "employeeId": ex.sam, "personId": ex.eng, "strength": 3 }),
    )
    .await;
    let data = app
        .ok(&query, json!({ "a": ex.account, "p": ex.eng }))
        .await;
    assert_eq!(data["account"]["derivedTies"], json!([]));
    assert!(data["person"]["score"]["value"].as_f64().unwrap() > 0.0);
}

async fn account_version(app: &TestApp, account: &str) -> i64 {
    app.ok(
        "query($a: ID!) { account(id: $a) { version } }",
        json!({ "a": account }),
    )
    .await["account"]["version"]
        .as_i64()
        .unwrap()
}

async fn a_write_is_seen_by_the_next_score(app: TestApp) {
    let ex = example(&app).await;
    let query = "query($p: ID!) { person(id: $p) { score { value } } }";
    assert!(close(
        &app.ok(query, json!({ "p": ex.cfo })).await["person"]["score"]["value"],
        0.4
    ));
    assess(
        &app,
        json!({ "employeeId": ex.sam, "personId": ex.cfo, "strength": 5 }),
    )
    .await;
    assert!(
        close(
            &app.ok(query, json!({ "p": ex.cfo })).await["person"]["score"]["value"],
            1.0
        ),
        "cache rebuilt"
    );
    // A colleague tie changes paths into an account where neither colleague was touched.
    app.ok(
        "mutation($id: ID!) { updateEmployee(id: $id, input: { status: DEPARTED }) { id } }",
        json!({ "id": ex.sam }),
    )
    .await;
    assert!(
        close(
            &app.ok(query, json!({ "p": ex.cfo })).await["person"]["score"]["value"],
            0.4
        ),
        "departure seen"
    );
    let _ = ex.eng;
}
