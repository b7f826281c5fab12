//! What the team finds out about a deal (its budget and compelling event) and an
//! employee's planned leaving day: recorded, read back, audited, exported and
//! imported, refused with a coded error that changes nothing, and read by the
//! coaching.

use serde_json::{json, Value};

use crate::{
    both_backends,
    helpers::{create_account, create_employee, create_opportunity, TestApp},
};

both_backends!(
    budget_and_compelling_event_round_trip,
    a_leaving_day_keeps_them_active_and_asks_for_a_handover,
    a_person_who_moves_keeps_our_ties_and_becomes_a_door,
);

const OPPORTUNITY: &str = "query($id: ID!) { opportunity(id: $id) {
    revision budget { status amount currency confirmedOn } compellingEvent { what by } } }";
const UPDATE: &str = "mutation($id: ID!, $input: UpdateOpportunityInput!) {
    updateOpportunity(id: $id, input: $input) { budget { status amount confirmedOn } compellingEvent { what by } } }";

async fn budget_and_compelling_event_round_trip(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let deal = create_opportunity(&app, &account, "5G core").await;
    // Nothing found out yet.
    let fresh = app.ok(OPPORTUNITY, json!({ "id": deal })).await;
    assert_eq!(
        fresh["opportunity"]["budget"],
        json!({ "status": "UNKNOWN", "amount": null, "currency": "CNY", "confirmedOn": null })
    );
    assert_eq!(fresh["opportunity"]["compellingEvent"], Value::Null);

    let set = app
        .ok(
            UPDATE,
            json!({ "id": deal, "input": {
                "budget": { "status": "CONFIRMED", "amount": 52000000, "confirmedOn": "2026-10-05" },
                "compellingEvent": { "what": "2027年迎峰度夏前上线", "by": "2027-05-31" } } }),
        )
        .await["updateOpportunity"]
        .clone();
    assert_eq!(
        set["budget"],
        json!({ "status": "CONFIRMED", "amount": 52000000.0, "confirmedOn": "2026-10-05" })
    );
    assert_eq!(
        set["compellingEvent"],
        json!({ "what": "2027年迎峰度夏前上线", "by": "2027-05-31" })
    );
    // The evidence of the four questions reads as words in either language:
    // the fact's label and its value, never the rule's id.
    let evidence = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) { qualification { evidence {
                name value label shown zh: label(lang: ZH) zhShown: shown(lang: ZH) } } } }",
            json!({ "id": deal }),
        )
        .await;
    let budget = evidence["opportunity"]["qualification"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| q["evidence"].as_array().unwrap().iter())
        .find(|f| f["name"] == "budget_status")
        .expect("the budget's status is evidence")
        .clone();
    assert_eq!(
        (&budget["value"], &budget["shown"], &budget["zhShown"]),
        (&json!("confirmed"), &json!("confirmed"), &json!("已确认"))
    );
    assert_eq!(budget["zh"], "预算状态", "{budget}");
    assert_ne!(budget["label"], "budget_status", "{budget}");

    // A field left out keeps what was recorded; a status other than confirmed
    // drops the confirmation date, which no longer holds.
    let frozen = app
        .ok(
            UPDATE,
            json!({ "id": deal, "input": { "budget": { "status": "UNCONFIRMED" } } }),
        )
        .await["updateOpportunity"]
        .clone();
    assert_eq!(
        frozen["budget"],
        json!({ "status": "UNCONFIRMED", "amount": 52000000.0, "confirmedOn": null })
    );
    assert_eq!(frozen["compellingEvent"]["by"], "2027-05-31");

    // The audit trail has the change, before and after.
    let trail = app
        .ok(
            "query($account: ID) { auditTrail(account: $account, first: 1) { nodes { action before after } } }",
            json!({ "account": account }),
        )
        .await;
    let entry = &trail["auditTrail"]["nodes"][0];
    assert_eq!(entry["action"], "update opportunity");
    assert_eq!(entry["before"]["budgetStatus"], "confirmed");
    assert_eq!(entry["after"]["budgetStatus"], "unconfirmed");
    assert_eq!(entry["after"]["budgetAmountMinor"], 5_200_000_000_i64);

    // Bad input: a coded refusal, and nothing changes.
    let before = app.ok(OPPORTUNITY, json!({ "id": deal })).await;
    let tomorrow_but_one = guanxi::domain::today() + time::Duration::days(3);
    for (input, field) in [
        (
            json!({ "budget": { "status": "UNKNOWN", "confirmedOn": "2026-10-05" } }),
            "budget.confirmedOn",
        ),
        (
            json!({ "budget": { "status": "CONFIRMED", "confirmedOn": tomorrow_but_one.to_string() } }),
            "budget.confirmedOn",
        ),
        (json!({ "budget": { "amount": -5 } }), "budget.amount"),
        (json!({ "budget": { "amount": 10.001 } }), "budget.amount"),
        (
            json!({ "compellingEvent": { "what": "x".repeat(201) } }),
            "compellingEvent.what",
        ),
    ] {
        let error = app
            .error(UPDATE, json!({ "id": deal, "input": input }))
            .await;
        assert_eq!(
            error["extensions"]["code"], "INVALID_INPUT",
            "{input}: {error}"
        );
        assert_eq!(error["extensions"]["field"], field, "{input}: {error}");
    }
    let event_without_what = app
        .error(
            "mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }",
            json!({ "input": { "accountId": account, "name": "Billing", "amount": 1000000, "currency": "CNY",
                               "stage": "qualify", "compellingEvent": { "by": "2027-01-01" } } }),
        )
        .await;
    assert_eq!(event_without_what["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(
        event_without_what["extensions"]["field"],
        "compellingEvent.what"
    );
    assert_eq!(app.ok(OPPORTUNITY, json!({ "id": deal })).await, before);

    // Export and import carry it.
    let export = guanxi::transfer::export(&app.store, None).await.unwrap();
    let row = export
        .opportunities
        .iter()
        .find(|o| o.opportunity_id.to_string() == deal)
        .unwrap();
    assert_eq!(row.budget_status, "unconfirmed");
    assert_eq!(row.budget_amount_minor, Some(5_200_000_000));
    assert_eq!(
        row.compelling_event.as_deref(),
        Some("2027年迎峰度夏前上线")
    );
    let text = serde_json::to_string(&export).unwrap();
    assert!(text.contains("\"budgetStatus\":\"unconfirmed\""), "{text}");
}

async fn a_leaving_day_keeps_them_active_and_asks_for_a_handover(app: TestApp) {
    let account = create_account(&app, "Tianfu Telecom").await;
    let leaver = create_employee(&app, "陶然", "tao.ran@example.com", "ar").await;
    let stays = create_employee(&app, "韩冬", "han.dong@example.com", "ar").await;
    let person = app
        .ok(
            "mutation($a: ID!) { createPerson(input: { accountId: $a, name: \"喻建新\", department: \"executive_office\", level: \"executive\" }) { id } }",
            json!({ "a": account }),
        )
        .await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let leaving_on = guanxi::domain::today() + time::Duration::days(30);
    let sign = guanxi::domain::today() + time::Duration::days(60);
    let deal = app
        .ok(
            "mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }",
            json!({ "input": { "accountId": account, "name": "智算中心", "amount": 42000000, "currency": "CNY",
                               "stage": "propose", "expectedSignDate": sign.to_string(), "ownerId": leaver,
                               "team": [{ "employeeId": leaver, "role": "ar" }, { "employeeId": stays, "role": "sr" }],
                               "budget": { "status": "CONFIRMED" } } }),
        )
        .await["createOpportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(
        "mutation($d: ID!, $p: ID!) { setDecisionChain(opportunityId: $d, members: [{ personId: $p, buyingRole: \"decision_maker\", influence: 5 }]) { person { name } } }",
        json!({ "d": deal, "p": person }),
    )
    .await;
    app.ok(
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 4 }) { strength } }",
        json!({ "e": leaver, "p": person }),
    )
    .await;

    let set = app
        .ok(
            "mutation($id: ID!, $on: Date!) { updateEmployee(id: $id, input: { leavingOn: $on }) { status leavingOn } }",
            json!({ "id": leaver, "on": leaving_on.to_string() }),
        )
        .await;
    assert_eq!(set["updateEmployee"]["status"], "ACTIVE");
    assert_eq!(set["updateEmployee"]["leavingOn"], leaving_on.to_string());

    // Still with us: the owner is not "gone", and the first prompt asks them to
    // hand over before the day, naming whom to introduce to whom.
    let prompts = |lang: &'static str| {
        let app = &app;
        let deal = deal.clone();
        async move {
            app.ok(
                "query($id: ID!, $lang: Lang!) { opportunity(id: $id) { coachingPrompts(lang: $lang) { ruleId text action employee { name } } } }",
                json!({ "id": deal, "lang": lang }),
            )
            .await["opportunity"]["coachingPrompts"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let en = prompts("EN").await;
    assert!(
        !en.iter().any(|p| p["ruleId"] == "owner_departed"),
        "{en:?}"
    );
    let handover = en
        .iter()
        .find(|p| p["ruleId"] == "employee_leaving_handover")
        .unwrap_or_else(|| panic!("{en:?}"));
    assert_eq!(handover["employee"]["name"], "陶然");
    let text = format!("{} {}", handover["text"], handover["action"]);
    assert!(text.contains(&leaving_on.to_string()), "{text}");
    assert!(text.contains("introduce 韩冬 to 喻建新"), "{text}");
    let zh = prompts("ZH").await;
    let handover_zh = zh
        .iter()
        .find(|p| p["ruleId"] == "employee_leaving_handover")
        .unwrap();
    let text_zh = format!("{}{}", handover_zh["text"], handover_zh["action"]);
    assert!(text_zh.contains("把韩冬引荐给喻建新"), "{text_zh}");
    assert!(text_zh.contains("离职"), "{text_zh}");

    // The departure what-if says when, and whom to hand to whom.
    let impact = app
        .ok(
            "query($e: ID!) { departureImpact(employee: $e) { leavingOn handover { opportunity { name } person { name } to { name } } } }",
            json!({ "e": leaver }),
        )
        .await;
    assert_eq!(
        impact["departureImpact"],
        json!({ "leavingOn": leaving_on.to_string(), "handover": [
            { "opportunity": { "name": "智算中心" }, "person": { "name": "喻建新" }, "to": { "name": "韩冬" } }
        ] })
    );

    // A departed employee has no leaving day; clearing the plan works with null.
    let refused = app
        .error(
            "mutation($id: ID!) { updateEmployee(id: $id, input: { status: DEPARTED, leavingOn: \"2027-01-01\" }) { id } }",
            json!({ "id": stays }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(refused["extensions"]["field"], "leavingOn");
    let cleared = app
        .ok(
            "mutation($id: ID!) { updateEmployee(id: $id, input: { leavingOn: null }) { leavingOn } }",
            json!({ "id": leaver }),
        )
        .await;
    assert_eq!(cleared["updateEmployee"]["leavingOn"], Value::Null);
    let after = prompts("EN").await;
    assert!(
        !after
            .iter()
            .any(|p| p["ruleId"] == "employee_leaving_handover"),
        "{after:?}"
    );
}

async fn a_person_who_moves_keeps_our_ties_and_becomes_a_door(app: TestApp) {
    let old = create_account(&app, "钱塘银行").await;
    let new = create_account(&app, "越州农商行").await;
    let ours = create_employee(&app, "江帆", "jiang.fan@example.com", "ar").await;
    let person = |account: &str, name: &str| {
        let (app, account, name) = (&app, account.to_owned(), name.to_owned());
        async move {
            app.ok(
                "mutation($a: ID!, $n: String!) { createPerson(input: { accountId: $a, name: $n, department: \"it\", level: \"management\" }) { id } }",
                json!({ "a": account, "n": name }),
            )
            .await["createPerson"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let champion = person(&old, "杜思远").await;
    let colleague = person(&old, "冷锋").await;
    let stranger = person(&new, "钱立").await;
    let assess = "mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) { strength } }";
    app.ok(
        assess,
        json!({ "input": { "employeeId": ours, "personId": champion, "strength": 5 } }),
    )
    .await;
    app.ok(
        assess,
        json!({ "input": { "personId": champion, "otherPersonId": colleague, "tie": "INFORMAL", "strength": 4 } }),
    )
    .await;
    let deal = app
        .ok(
            "mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }",
            json!({ "input": { "accountId": old, "name": "分布式数据库替换", "amount": 9800000, "currency": "CNY",
                               "stage": "propose", "ownerId": ours, "team": [{ "employeeId": ours, "role": "ar" }],
                               "budget": { "status": "CONFIRMED" } } }),
        )
        .await["createOpportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(
        "mutation($d: ID!, $c: ID!, $l: ID!) { setDecisionChain(opportunityId: $d, members: [
            { personId: $c, buyingRole: \"technical_decision_maker\", influence: 5, attitude: 2 },
            { personId: $l, buyingRole: \"technical_evaluator\", influence: 4, attitude: 0 }]) { person { name } } }",
        json!({ "d": deal, "c": champion, "l": colleague }),
    )
    .await;

    // A tie between people at two accounts is accepted (a former colleague).
    app.ok(
        assess,
        json!({ "input": { "personId": stranger, "otherPersonId": colleague, "tie": "INFORMAL", "strength": 2 } }),
    )
    .await;

    // 杜思远 moves to the other bank.
    let moved = app
        .ok(
            "mutation($id: ID!, $a: ID!) { updatePerson(id: $id, input: { accountId: $a, level: \"executive\", department: \"executive_office\" }) { account { name } } }",
            json!({ "id": champion, "a": new }),
        )
        .await;
    assert_eq!(moved["updatePerson"]["account"]["name"], "越州农商行");

    // At the new bank our tie came with him: he is a door there.
    let score = app
        .ok(
            "query($id: ID!) { person(id: $id) { score { value } relationships { strength } } }",
            json!({ "id": champion }),
        )
        .await;
    assert!(
        score["person"]["score"]["value"].as_f64().unwrap() > 0.5,
        "{score}"
    );

    // At the old bank the way to his former colleague still runs through him.
    let paths = app
        .ok(
            "query($to: ID!) { introductionPaths(to: $to) { strength description } }",
            json!({ "to": colleague }),
        )
        .await;
    let best = &paths["introductionPaths"][0];
    let description = best["description"].as_str().unwrap();
    assert!(description.contains("杜思远"), "{paths}");
    assert!(description.contains("江帆"), "{paths}");

    // The deal hears the news: its champion moved (first, escalated), and the
    // door at the new bank is a prompt of its own.
    let prompts = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) { coachingPrompts { ruleId severity text person { name } } } }",
            json!({ "id": deal }),
        )
        .await["opportunity"]["coachingPrompts"]
        .as_array()
        .unwrap()
        .clone();
    let champion_gone = prompts
        .iter()
        .find(|p| p["ruleId"] == "no_champion")
        .unwrap_or_else(|| panic!("{prompts:?}"));
    assert_eq!(champion_gone["severity"], 4);
    assert_eq!(champion_gone["person"]["name"], "杜思远");
    assert!(
        champion_gone["text"]
            .as_str()
            .unwrap()
            .contains("has moved to 越州农商行"),
        "{champion_gone}"
    );
    let door = prompts
        .iter()
        .find(|p| p["ruleId"] == "moved_contact_new_door")
        .unwrap_or_else(|| panic!("{prompts:?}"));
    assert_eq!(door["person"]["name"], "杜思远");
    assert!(door["text"]
        .as_str()
        .unwrap()
        .contains("a door at 越州农商行"));
}
