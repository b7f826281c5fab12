use serde_json::json;

use crate::{
    both_backends,
    helpers::{
        create_account, create_competitor, create_employee, create_opportunity, create_person,
        TestApp,
    },
};

both_backends!(
    opportunity_round_trip_with_stage_history,
    decision_chain_round_trip,
    decision_chain_with_one_bad_row_changes_nothing,
    interaction_round_trip,
);

async fn opportunity_round_trip_with_stage_history(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let owner = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let rival = create_competitor(&app, "Orion Systems").await;
    let created = app
        .ok(
            "mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) {
                id name stage amount currency outcome expectedSignDate owner { name }
                team { employee { name } role }
                competitors { name } stageHistory { stage outcome enteredOn changedBy { name } methodologyVersion } } }",
            json!({ "input": { "accountId": account, "name": "5G Core Phase II", "amount": 48000000.5,
                               "currency": "cny", "stage": "validate_lead", "expectedSignDate": "2027-01-20",
                               "ownerId": owner, "competitorIds": [rival], "changedOn": "2026-05-10", "changedBy": owner,
                               "team": [{ "employeeId": owner, "role": "ar" }] } }),
        )
        .await["createOpportunity"]
        .clone();
    assert_eq!(created["amount"], 48000000.5);
    assert_eq!(created["currency"], "CNY");
    assert_eq!(created["outcome"], "OPEN");
    assert_eq!(created["owner"]["name"], "张伟");
    assert_eq!(created["competitors"], json!([{ "name": "Orion Systems" }]));
    assert_eq!(
        created["team"],
        json!([{ "employee": { "name": "张伟" }, "role": "ar" }])
    );
    assert_eq!(created["stageHistory"][0]["stage"], "validate_lead");
    assert_eq!(created["stageHistory"][0]["enteredOn"], "2026-05-10");
    assert_eq!(
        created["stageHistory"][0]["methodologyVersion"],
        "2026.12.1"
    );
    let id = created["id"].as_str().unwrap();

    let update = "mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) {
        stage outcome amount competitors { name } team { role } stageHistory { stage outcome enteredOn } } }";
    app.ok(
        update,
        json!({ "id": id, "input": { "stage": "qualify", "changedOn": "2026-06-02" } }),
    )
    .await;
    let won = app
        .ok(update, json!({ "id": id, "input": { "stage": "sign", "outcome": "WON", "changedOn": "2026-12-01", "competitorIds": [] } }))
        .await["updateOpportunity"]
        .clone();
    assert_eq!(won["outcome"], "WON");
    assert_eq!(won["competitors"], json!([]));
    let history: Vec<String> = won["stageHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {} {}",
                s["stage"].as_str().unwrap(),
                s["outcome"].as_str().unwrap(),
                s["enteredOn"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        history,
        vec![
            "validate_lead OPEN 2026-05-10",
            "qualify OPEN 2026-06-02",
            "sign WON 2026-12-01"
        ]
    );

    let note_only = app
        .ok(update, json!({ "id": id, "input": { "amount": 47000000 } }))
        .await;
    assert_eq!(
        note_only["updateOpportunity"]["stageHistory"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "no stage change, no history line"
    );

    let before = app.counts().await;
    for (input, code) in [
        (json!({ "stage": "daydreaming" }), "INVALID_INPUT"),
        (json!({ "amount": -5 }), "INVALID_INPUT"),
        (json!({ "currency": "XXX" }), "INVALID_INPUT"),
        (
            json!({ "stage": "negotiate", "changedOn": "2020-01-01" }),
            "INVALID_INPUT",
        ),
        (
            json!({ "ownerId": "00000000-0000-7000-8000-000000000000" }),
            "NOT_FOUND",
        ),
        (
            json!({ "competitorIds": ["00000000-0000-7000-8000-000000000000"] }),
            "NOT_FOUND",
        ),
        (json!({ "outcome": "MAYBE" }), "INVALID_INPUT"),
        (
            json!({ "team": [{ "employeeId": owner, "role": "mascot" }] }),
            "INVALID_INPUT",
        ),
        (
            json!({ "team": [{ "employeeId": owner, "role": "ar" }, { "employeeId": owner, "role": "sr" }] }),
            "INVALID_INPUT",
        ),
        (
            json!({ "team": [{ "employeeId": "00000000-0000-7000-8000-000000000000", "role": "ar" }] }),
            "NOT_FOUND",
        ),
    ] {
        let got = app
            .error_code(update, json!({ "id": id, "input": input }))
            .await;
        assert_eq!(got, code, "{input}");
    }
    assert_eq!(app.counts().await, before);

    let listed = app
        .ok(
            "query($a: ID!) { account(id: $a) { opportunities { name } competitors { name } } }",
            json!({ "a": account }),
        )
        .await;
    assert_eq!(
        listed["account"]["opportunities"],
        json!([{ "name": "5G Core Phase II" }])
    );
}

const SET_CHAIN: &str = "mutation($o: ID!, $m: [DecisionChainMemberInput!]!, $r: Boolean) {
    setDecisionChain(opportunityId: $o, members: $m, replace: $r) {
        person { name } buyingRole influence attitude favouredCompetitor { name } primary } }";

async fn decision_chain_round_trip(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let opportunity = create_opportunity(&app, &account, "5G Core").await;
    let rival = create_competitor(&app, "Zhongtian Networks").await;
    let dm = create_person(&app, &account, "李明华", "executive").await;
    let cfo = create_person(&app, &account, "赵立新", "executive").await;
    let chain = app
        .ok(
            SET_CHAIN,
            json!({ "o": opportunity, "m": [
                { "personId": dm, "buyingRole": "decision_maker", "influence": 5, "attitude": 1 },
                { "personId": cfo, "buyingRole": "financial_evaluator", "attitude": -1, "favouredCompetitorId": rival },
            ] }),
        )
        .await["setDecisionChain"]
        .clone();
    assert_eq!(chain.as_array().unwrap().len(), 2);
    let cfo_row = chain
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"]["name"] == "赵立新")
        .unwrap();
    assert_eq!(
        cfo_row["influence"],
        json!(null),
        "unset influence stays null for the graph engine to derive"
    );
    assert_eq!(cfo_row["favouredCompetitor"]["name"], "Zhongtian Networks");

    // Changing one member's part keeps the others.
    app.ok(SET_CHAIN, json!({ "o": opportunity, "m": [{ "personId": cfo, "buyingRole": "approver", "influence": 4 }] }))
        .await;
    let read = app
        .ok(
            "query($o: ID!) { opportunity(id: $o) { decisionChain { person { name } buyingRole influence attitude relationships { id } } } }",
            json!({ "o": opportunity }),
        )
        .await;
    let members = read["opportunity"]["decisionChain"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert!(members
        .iter()
        .any(|m| m["buyingRole"] == "approver" && m["influence"] == 4 && m["attitude"] == 0));

    let removed = app
        .ok(
            "mutation($o: ID!, $p: ID!) { removeDecisionChainMember(opportunityId: $o, personId: $p) }",
            json!({ "o": opportunity, "p": dm }),
        )
        .await;
    assert_eq!(removed["removeDecisionChainMember"], true);
    let code = app
        .error_code(
            "mutation($o: ID!, $p: ID!) { removeDecisionChainMember(opportunityId: $o, personId: $p) }",
            json!({ "o": opportunity, "p": dm }),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");

    let replaced = app
        .ok(SET_CHAIN, json!({ "o": opportunity, "m": [{ "personId": dm, "buyingRole": "decision_maker" }], "r": true }))
        .await;
    assert_eq!(
        replaced["setDecisionChain"].as_array().unwrap().len(),
        1,
        "replace drops people not listed"
    );

    // One primary contact per deal: a new one takes over, two at once are refused.
    let primary = |chain: &serde_json::Value| -> Vec<String> {
        chain["setDecisionChain"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["primary"] == true)
            .map(|m| m["person"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let chain = app
        .ok(SET_CHAIN, json!({ "o": opportunity, "m": [{ "personId": dm, "buyingRole": "decision_maker", "primary": true }] }))
        .await;
    assert_eq!(primary(&chain), ["李明华"]);
    let chain = app
        .ok(SET_CHAIN, json!({ "o": opportunity, "m": [{ "personId": cfo, "buyingRole": "approver", "primary": true }] }))
        .await;
    assert_eq!(
        primary(&chain),
        ["赵立新"],
        "the new primary contact takes over"
    );
    let error = app
        .error(
            SET_CHAIN,
            json!({ "o": opportunity, "m": [
                { "personId": dm, "buyingRole": "decision_maker", "primary": true },
                { "personId": cfo, "buyingRole": "approver", "primary": true },
            ] }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(error["extensions"]["field"], "members[1].primary");
}

async fn decision_chain_with_one_bad_row_changes_nothing(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let other_account = create_account(&app, "Eastern Grid").await;
    let opportunity = create_opportunity(&app, &account, "5G Core").await;
    let a = create_person(&app, &account, "A", "executive").await;
    let b = create_person(&app, &account, "B", "management").await;
    let outsider = create_person(&app, &other_account, "X", "executive").await;
    app.ok(SET_CHAIN, json!({ "o": opportunity, "m": [{ "personId": a, "buyingRole": "decision_maker", "influence": 5 }] }))
        .await;
    let before = app.counts().await;
    let cases = [
        (
            json!({ "personId": b, "buyingRole": "user", "influence": 9 }),
            "INVALID_INPUT",
            "members[1].influence",
        ),
        (
            json!({ "personId": b, "buyingRole": "user", "attitude": -3 }),
            "INVALID_INPUT",
            "members[1].attitude",
        ),
        (
            json!({ "personId": b, "buyingRole": "kingmaker" }),
            "INVALID_INPUT",
            "members[1].buyingRole",
        ),
        (
            json!({ "personId": outsider, "buyingRole": "user" }),
            "INVALID_INPUT",
            "members[1].personId",
        ),
        (
            json!({ "personId": "00000000-0000-7000-8000-000000000000", "buyingRole": "user" }),
            "NOT_FOUND",
            "",
        ),
        (
            json!({ "personId": a, "buyingRole": "user" }),
            "INVALID_INPUT",
            "members[1].personId",
        ),
    ];
    for (bad, code, field) in cases {
        let error = app
            .error(
                SET_CHAIN,
                json!({ "o": opportunity, "r": true, "m": [
                    { "personId": a, "buyingRole": "approver", "influence": 3 },
                    bad.clone(),
                ] }),
            )
            .await;
        assert_eq!(error["extensions"]["code"], code, "{bad}");
        if !field.is_empty() {
            assert_eq!(error["extensions"]["field"], field, "{bad}");
        }
        assert_eq!(app.counts().await, before, "{bad}: nothing changed");
    }
    let chain = app
        .ok(
            "query($o: ID!) { opportunity(id: $o) { decisionChain { buyingRole influence } } }",
            json!({ "o": opportunity }),
        )
        .await;
    assert_eq!(
        chain["opportunity"]["decisionChain"],
        json!([{ "buyingRole": "decision_maker", "influence": 5 }]),
        "the first row of each refused batch was not applied either"
    );
}

async fn interaction_round_trip(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let other = create_account(&app, "Eastern Grid").await;
    let opportunity = create_opportunity(&app, &account, "5G Core").await;
    let person = create_person(&app, &account, "刘洋", "management").await;
    let outsider = create_person(&app, &other, "X", "management").await;
    let ar = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let sr = create_employee(&app, "李娜", "li.na@example.com", "sr").await;
    let recorded = app
        .ok(
            "mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) {
                id kind occurredOn subject note opportunity { name } employees { name } people { name } } }",
            json!({ "input": { "accountId": account, "opportunityId": opportunity, "kind": "visit",
                               "occurredOn": "2026-10-20", "subject": "Capacity review", "note": "Shared the tender timeline.",
                               "employeeIds": [ar, sr, ar], "personIds": [person] } }),
        )
        .await["recordInteraction"]
        .clone();
    assert_eq!(
        recorded["employees"].as_array().unwrap().len(),
        2,
        "duplicates collapse"
    );
    assert_eq!(recorded["opportunity"]["name"], "5G Core");
    let listed = app
        .ok(
            "query($a: ID!, $p: ID!) { account(id: $a) { interactions(since: \"2026-10-01\") { subject } employees { name } }
               person(id: $p) { interactions { kind } } }",
            json!({ "a": account, "p": person }),
        )
        .await;
    assert_eq!(
        listed["account"]["interactions"],
        json!([{ "subject": "Capacity review" }])
    );
    assert_eq!(listed["account"]["employees"].as_array().unwrap().len(), 2);
    assert_eq!(
        listed["person"]["interactions"],
        json!([{ "kind": "visit" }])
    );

    let interaction = recorded["id"].as_str().unwrap();
    let update = "mutation($id: ID!, $input: UpdateInteractionInput!) { updateInteraction(id: $id, input: $input) {
        kind occurredOn subject employees { name } people { name } } }";
    let corrected = app
        .ok(update, json!({ "id": interaction, "input": { "kind": "meal", "occurredOn": "2026-10-21", "employeeIds": [sr] } }))
        .await["updateInteraction"]
        .clone();
    assert_eq!(corrected["kind"], "meal");
    assert_eq!(corrected["employees"], json!([{ "name": "李娜" }]));
    assert_eq!(
        corrected["people"],
        json!([{ "name": "刘洋" }]),
        "lists left out are kept"
    );
    assert_eq!(corrected["subject"], "Capacity review");

    let before = app.counts().await;
    assert_eq!(
        app.error_code(
            update,
            json!({ "id": interaction, "input": { "personIds": [outsider] } })
        )
        .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(
            update,
            json!({ "id": interaction, "input": { "employeeIds": [] } })
        )
        .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(
            update,
            json!({ "id": "00000000-0000-7000-8000-000000000000", "input": { "kind": "call" } })
        )
        .await,
        "NOT_FOUND"
    );
    let unchanged = app
        .ok(
            "query($id: ID!) { interaction(id: $id) { employees { name } people { name } } }",
            json!({ "id": interaction }),
        )
        .await;
    assert_eq!(
        unchanged["interaction"]["people"],
        json!([{ "name": "刘洋" }])
    );
    let record =
        "mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }";
    for (input, code) in [
        (
            json!({ "accountId": account, "kind": "seance", "employeeIds": [ar], "personIds": [person] }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": account, "kind": "call", "employeeIds": [], "personIds": [person] }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": account, "kind": "call", "employeeIds": [ar], "personIds": [outsider] }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": account, "kind": "call", "employeeIds": [ar, "00000000-0000-7000-8000-000000000000"], "personIds": [person] }),
            "NOT_FOUND",
        ),
        (
            json!({ "accountId": other, "opportunityId": opportunity, "kind": "call", "employeeIds": [ar], "personIds": [outsider] }),
            "INVALID_INPUT",
        ),
    ] {
        assert_eq!(
            app.error_code(record, json!({ "input": input })).await,
            code,
            "{input}"
        );
    }
    assert_eq!(app.counts().await, before);
}
