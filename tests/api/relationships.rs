use serde_json::json;

use crate::{
    both_backends,
    helpers::{create_account, create_competitor, create_employee, create_person, TestApp},
};

both_backends!(
    assess_every_kind_of_relationship,
    assessments_keep_history,
    bad_assessments_change_nothing,
    a_tie_says_what_the_scores_use
);

const ASSESS: &str =
    "mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) {
    id strength strengthLabel source note assessedBy { name }
    relationship { id kind strength tie employee { name } person { name } otherPerson { name }
                   competitor { name } otherEmployee { name } account { name } } } }";

async fn assess_every_kind_of_relationship(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let cfo = create_person(&app, &account, "赵立新", "executive").await;
    let gm = create_person(&app, &account, "王建国", "executive").await;
    let ar = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let exec = create_employee(&app, "陈刚", "chen.gang@example.com", "executive").await;
    let rival = create_competitor(&app, "Zhongtian Networks").await;

    let ours = app
        .ok(ASSESS, json!({ "input": { "employeeId": ar, "personId": cfo, "strength": 3, "note": "Met twice", "assessedBy": ar } }))
        .await["assessRelationship"]
        .clone();
    assert_eq!(ours["strength"], 3);
    assert_eq!(ours["strengthLabel"], "Trusts and shares");
    assert_eq!(ours["source"], "JUDGEMENT");
    assert_eq!(ours["assessedBy"]["name"], "张伟");
    assert_eq!(ours["relationship"]["kind"], "EMPLOYEE_PERSON");
    assert_eq!(ours["relationship"]["account"]["name"], "Huaxin Mobile");

    let influence = app
        .ok(
            ASSESS,
            json!({ "input": { "personId": cfo, "otherPersonId": gm, "strength": 4 } }),
        )
        .await["assessRelationship"]["relationship"]
        .clone();
    assert_eq!(influence["kind"], "PERSON_PERSON");
    assert_eq!(influence["tie"], "INFLUENCES");
    assert_eq!(influence["otherPerson"]["name"], "王建国");

    let theirs = app
        .ok(ASSESS, json!({ "input": { "competitorId": rival, "personId": cfo, "strength": 4, "source": "IMPORT" } }))
        .await["assessRelationship"]
        .clone();
    assert_eq!(theirs["source"], "IMPORT");
    assert_eq!(theirs["relationship"]["kind"], "COMPETITOR_PERSON");

    let colleagues = app
        .ok(
            ASSESS,
            json!({ "input": { "employeeId": exec, "otherEmployeeId": ar, "strength": 4 } }),
        )
        .await["assessRelationship"]["relationship"]
        .clone();
    assert_eq!(colleagues["kind"], "EMPLOYEE_EMPLOYEE");
    assert_eq!(colleagues["account"], json!(null));
    // The same two colleagues in the other order are the same edge.
    let again = app
        .ok(
            ASSESS,
            json!({ "input": { "employeeId": ar, "otherEmployeeId": exec, "strength": 5 } }),
        )
        .await["assessRelationship"]["relationship"]
        .clone();
    assert_eq!(again["id"], colleagues["id"]);
    assert_eq!(again["strength"], 5);

    let informal_ab = app
        .ok(ASSESS, json!({ "input": { "personId": cfo, "otherPersonId": gm, "tie": "INFORMAL", "strength": 2 } }))
        .await["assessRelationship"]["relationship"]["id"]
        .clone();
    let informal_ba = app
        .ok(ASSESS, json!({ "input": { "personId": gm, "otherPersonId": cfo, "tie": "INFORMAL", "strength": 3 } }))
        .await["assessRelationship"]["relationship"]["id"]
        .clone();
    assert_eq!(informal_ab, informal_ba, "informal ties are symmetric");
    assert_ne!(
        informal_ab, influence["id"],
        "an informal tie is another edge than influence"
    );

    let map = app
        .ok(
            "query($a: ID!, $p: ID!, $c: ID!) { account(id: $a) { relationships { kind } competitors { name } employees { name } }
               person(id: $p) { relationships { kind strength } }
               competitor(id: $c) { relationships { person { name } strength } } }",
            json!({ "a": account, "p": cfo, "c": rival }),
        )
        .await;
    assert_eq!(map["account"]["relationships"].as_array().unwrap().len(), 4);
    assert_eq!(
        map["account"]["competitors"],
        json!([{ "name": "Zhongtian Networks" }])
    );
    assert_eq!(map["account"]["employees"], json!([{ "name": "张伟" }]));
    assert_eq!(
        map["competitor"]["relationships"],
        json!([{ "person": { "name": "赵立新" }, "strength": 4 }])
    );
}

async fn assessments_keep_history(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let person = create_person(&app, &account, "刘洋", "management").await;
    let ar = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let manager = create_employee(&app, "赵敏", "zhao.min@example.com", "sales_manager").await;
    for (strength, at, by) in [
        (2, "2026-05-20T10:00:00Z", &ar),
        (5, "2026-09-15T10:00:00Z", &ar),
        (3, "2026-07-01T10:00:00Z", &manager),
    ] {
        app.ok(
            ASSESS,
            json!({ "input": { "employeeId": ar, "personId": person, "strength": strength, "assessedAt": at, "assessedBy": by } }),
        )
        .await;
    }
    let read = app
        .ok(
            "query($a: ID!) { account(id: $a) { relationships { strength assessedAt assessments { strength assessedAt assessedBy { name } } } } }",
            json!({ "a": account }),
        )
        .await;
    let edge = &read["account"]["relationships"][0];
    assert_eq!(
        edge["strength"], 5,
        "the latest assessment by date wins, not the last one entered"
    );
    let strengths: Vec<i64> = edge["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["strength"].as_i64().unwrap())
        .collect();
    assert_eq!(
        strengths,
        vec![5, 3, 2],
        "every assessment is kept, newest first"
    );
    assert_eq!(edge["assessments"][1]["assessedBy"]["name"], "赵敏");
}

async fn bad_assessments_change_nothing(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let other = create_account(&app, "Eastern Grid").await;
    let person = create_person(&app, &account, "刘洋", "management").await;
    let outsider = create_person(&app, &other, "X", "management").await;
    let ar = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let rival = create_competitor(&app, "Orion").await;
    let before = app.counts().await;
    let cases = [
        (
            json!({ "employeeId": ar, "personId": person, "strength": 6 }),
            "INVALID_INPUT",
            "strength",
        ),
        (
            json!({ "employeeId": ar, "personId": person, "strength": -1 }),
            "INVALID_INPUT",
            "strength",
        ),
        (
            json!({ "employeeId": ar, "personId": person, "strength": 99999999999i64 }),
            "INVALID_INPUT",
            "",
        ),
        (
            json!({ "employeeId": ar, "strength": 3 }),
            "INVALID_INPUT",
            "",
        ),
        (
            json!({ "employeeId": ar, "personId": person, "competitorId": rival, "strength": 3 }),
            "INVALID_INPUT",
            "",
        ),
        (
            json!({ "personId": person, "otherPersonId": person, "strength": 3 }),
            "INVALID_INPUT",
            "otherPersonId",
        ),
        // A tie to someone at another account (a former colleague) is accepted;
        // a tie to someone who does not exist is not.
        (
            json!({ "personId": person, "otherPersonId": "00000000-0000-7000-8000-000000000000", "strength": 3 }),
            "NOT_FOUND",
            "",
        ),
        (
            json!({ "employeeId": ar, "personId": person, "tie": "INFORMAL", "strength": 3 }),
            "INVALID_INPUT",
            "tie",
        ),
        (
            json!({ "employeeId": ar, "personId": "00000000-0000-7000-8000-000000000000", "strength": 3 }),
            "NOT_FOUND",
            "",
        ),
        (
            json!({ "employeeId": "00000000-0000-7000-8000-000000000000", "personId": person, "strength": 3 }),
            "NOT_FOUND",
            "",
        ),
        (
            json!({ "competitorId": "00000000-0000-7000-8000-000000000000", "personId": person, "strength": 3 }),
            "NOT_FOUND",
            "",
        ),
        (
            json!({ "employeeId": ar, "personId": person, "strength": 3, "source": "RUMOUR" }),
            "INVALID_INPUT",
            "",
        ),
        (
            json!({ "employeeId": ar, "personId": person, "strength": "strong" }),
            "INVALID_INPUT",
            "",
        ),
    ];
    for (input, code, field) in cases {
        let error = app.error(ASSESS, json!({ "input": input })).await;
        assert_eq!(error["extensions"]["code"], code, "{input}: {error}");
        if !field.is_empty() {
            assert_eq!(error["extensions"]["field"], field, "{input}");
        }
    }
    // The strength as a literal, not a variable, takes the same path.
    let literal = format!(
        "mutation {{ assessRelationship(input: {{ employeeId: \"{ar}\", personId: \"{person}\", strength: 7, note: \"x\" }}) {{ id }} }}"
    );
    let error = app.error(&literal, json!({})).await;
    assert_eq!(error["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(error["extensions"]["field"], "strength");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("between 0 and 5"));
    assert_eq!(app.counts().await, before);
    // A former colleague at another account is a tie like any other.
    let across = app
        .ok(
            ASSESS,
            json!({ "input": { "personId": person, "otherPersonId": outsider, "tie": "INFORMAL", "strength": 3 } }),
        )
        .await;
    assert_eq!(across["assessRelationship"]["strength"], 3, "{across}");
}

/// A tie shows the assessed level with its day beside the strength the scores
/// use today (docs/scoring.md, "Effective strength"): an old 4 counts for less, a
/// fresh one in full, a departed colleague's tie not at all, a competitor's as
/// assessed.
async fn a_tie_says_what_the_scores_use(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let cfo = create_person(&app, &account, "赵立新", "executive").await;
    let ar = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let am = create_employee(&app, "李娜", "li.na@example.com", "ar").await;
    let left = create_employee(&app, "吴倩", "wu.qian@example.com", "ar").await;
    let rival = create_competitor(&app, "Zhongtian Networks").await;
    let today = time::OffsetDateTime::now_utc().date();
    let old = today - time::Duration::days(180);
    for (input, at) in [
        (
            json!({ "employeeId": ar, "personId": cfo, "strength": 4 }),
            old,
        ),
        (
            json!({ "employeeId": am, "personId": cfo, "strength": 4 }),
            today,
        ),
        (
            json!({ "employeeId": left, "personId": cfo, "strength": 5 }),
            old,
        ),
        (
            json!({ "competitorId": rival, "personId": cfo, "strength": 4 }),
            old,
        ),
    ] {
        let mut input = input;
        input["assessedAt"] = json!(format!("{at}T02:00:00Z"));
        app.ok(ASSESS, json!({ "input": input })).await;
    }
    app.ok(
        "mutation($id: ID!) { updateEmployee(id: $id, input: { status: DEPARTED }) { id } }",
        json!({ "id": left }),
    )
    .await;
    let read = app
        .ok(
            "query($p: ID!) { person(id: $p) { relationships {
                strength assessedOn effectiveStrength lastContact counted
                employee { name } competitor { name } strengthLabel } } }",
            json!({ "p": cfo }),
        )
        .await;
    let ties = read["person"]["relationships"].as_array().unwrap();
    let tie = |name: &str| {
        ties.iter()
            .find(|t| t["employee"]["name"] == name || t["competitor"]["name"] == name)
            .unwrap_or_else(|| panic!("{name}'s tie in {ties:?}"))
    };
    // 180 days without contact at a half-life of 90: a quarter of the evidence
    // weight left, 4 × (0.5 + 0.5 × 0.25) = 2.5 (methodology/scales.toml [decay]).
    let faded = tie("张伟");
    assert_eq!(faded["strength"], 4);
    assert_eq!(faded["assessedOn"], old.to_string());
    assert_eq!(faded["effectiveStrength"], 2.5);
    assert_eq!(faded["lastContact"], old.to_string());
    assert_eq!(faded["counted"], true);
    let fresh = tie("李娜");
    assert_eq!(fresh["effectiveStrength"], 4.0);
    let departed = tie("吴倩");
    assert_eq!(departed["counted"], false);
    assert_eq!(departed["effectiveStrength"], json!(null));
    assert_eq!(departed["strength"], 5, "kept as history");
    let theirs = tie("Zhongtian Networks");
    assert_eq!(
        theirs["effectiveStrength"], 4.0,
        "a competitor's tie counts as assessed"
    );
    assert_eq!(theirs["lastContact"], json!(null));
    assert_eq!(theirs["strengthLabel"], "Supports them");

    // What the panel says is what the key-person score took: the faded tie and
    // the fresh one, not the departed colleague's 5.
    let score = app
        .ok(
            "query($p: ID!) { person(id: $p) { score { value explanation { inputs { name value } } } } }",
            json!({ "p": cfo }),
        )
        .await;
    let inputs = &score["person"]["score"]["explanation"]["inputs"];
    let input = |name: &str| {
        inputs
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {inputs}"))["value"]
            .as_f64()
            .unwrap()
    };
    let ours: Vec<f64> = ties
        .iter()
        .filter(|t| t["employee"].is_object() && t["counted"] == true)
        .map(|t| t["effectiveStrength"].as_f64().unwrap())
        .collect();
    assert_eq!(input("active ties"), ours.len() as f64);
    assert_eq!(
        input("best effective strength"),
        ours.iter().copied().fold(0.0, f64::max)
    );

    // 张伟 re-assesses the faded 4 as 3: a judgement down, but the scores rise
    // from 2.5 to 3.0, and "what changed" says both.
    app.ok(
        ASSESS,
        json!({ "input": { "employeeId": ar, "personId": cfo, "strength": 3,
                           "assessedAt": format!("{today}T03:00:00Z") } }),
    )
    .await;
    let changes = app
        .ok(
            "query($a: ID!, $since: Date!) { account(id: $a) { relationshipChanges(since: $since) {
                assessments { holder before after movement scoredBefore scoredAfter } } } }",
            json!({ "a": account, "since": today.to_string() }),
        )
        .await;
    let list = changes["account"]["relationshipChanges"]["assessments"]
        .as_array()
        .unwrap();
    let moved = list
        .iter()
        .find(|c| c["holder"] == "张伟")
        .unwrap_or_else(|| panic!("张伟's change in {list:?}"));
    assert_eq!(moved["movement"], "DOWN");
    assert_eq!(
        (moved["before"].clone(), moved["after"].clone()),
        (json!(4), json!(3))
    );
    // The day before: 179 days at a half-life of 90, 4 × (0.5 + 0.5 × 2^(-179/90)).
    assert_eq!(moved["scoredBefore"], 2.5);
    assert_eq!(moved["scoredAfter"], 3.0);
    let now = app
        .ok(
            "query($p: ID!) { person(id: $p) { relationships { effectiveStrength employee { name } } } }",
            json!({ "p": cfo }),
        )
        .await;
    let zhang = now["person"]["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["employee"]["name"] == "张伟")
        .unwrap()
        .clone();
    assert_eq!(
        zhang["effectiveStrength"], moved["scoredAfter"],
        "the panel and the changes agree"
    );
    // 李娜's tie was first assessed today: nothing before it.
    let first = list
        .iter()
        .find(|c| c["holder"] == "李娜")
        .unwrap_or_else(|| panic!("李娜's new tie in {list:?}"));
    assert_eq!(first["movement"], "NEW");
    assert_eq!(first["scoredBefore"], json!(null));
    assert_eq!(first["scoredAfter"], 4.0);
}
