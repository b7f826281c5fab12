use serde_json::json;

use crate::{
    both_backends,
    helpers::{create_account, create_person, TestApp},
};

both_backends!(
    person_round_trip,
    org_chart_as_of_a_date,
    moving_to_another_account_keeps_history,
    batch_of_people_is_all_or_nothing,
    reporting_lines_refuse_loops_and_cross_account_managers,
);

async fn person_round_trip(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let boss = create_person(&app, &account, "王建国", "executive").await;
    let created = app
        .ok(
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) {
                id name title department level email phone account { id }
                managers { kind manager { name } } } }",
            json!({ "input": { "accountId": account, "name": "李明华", "title": "Deputy GM",
                               "department": "executive_office", "level": "executive",
                               "email": "li@HUAXIN.cn", "phone": "+86 25 8000 1234", "reportsToId": boss } }),
        )
        .await["createPerson"]
        .clone();
    assert_eq!(created["name"], "李明华");
    assert_eq!(created["email"], "li@huaxin.cn");
    assert_eq!(created["account"]["id"], account.as_str());
    assert_eq!(
        created["managers"],
        json!([{ "kind": "SOLID", "manager": { "name": "王建国" } }])
    );
    let id = created["id"].as_str().unwrap();

    let updated = app
        .ok(
            "mutation($id: ID!) { updatePerson(id: $id, input: { phone: \"\", title: \"Executive Deputy GM\" }) { title phone level positions { title validTo } } }",
            json!({ "id": id }),
        )
        .await["updatePerson"]
        .clone();
    assert_eq!(updated["title"], "Executive Deputy GM");
    assert_eq!(updated["phone"], json!(null));
    assert_eq!(
        updated["positions"].as_array().unwrap().len(),
        2,
        "a new title opens a position"
    );

    let reports = app
        .ok(
            "query($id: ID!) { person(id: $id) { directReports { person { name } } } }",
            json!({ "id": boss }),
        )
        .await;
    assert_eq!(
        reports["person"]["directReports"][0]["person"]["name"],
        "李明华"
    );

    let before = app.counts().await;
    for (input, code) in [
        (
            json!({ "accountId": account, "name": "  ", "department": "it", "level": "management" }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": account, "name": "X", "department": "kitchen", "level": "management" }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": account, "name": "X", "department": "it", "level": "emperor" }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": account, "name": "X", "department": "it", "level": "management", "email": "not-an-email" }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": "00000000-0000-7000-8000-000000000000", "name": "X", "department": "it", "level": "management" }),
            "NOT_FOUND",
        ),
        (
            json!({ "accountId": "not-a-uuid", "name": "X", "department": "it", "level": "management" }),
            "INVALID_INPUT",
        ),
        (
            json!({ "accountId": account, "name": "X", "department": "it", "level": "management", "reportsToId": "00000000-0000-7000-8000-000000000000" }),
            "NOT_FOUND",
        ),
    ] {
        let got = app
            .error_code(
                "mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(got, code, "{input}");
    }
    assert_eq!(app.counts().await, before);
}

async fn org_chart_as_of_a_date(app: TestApp) {
    let account = create_account(&app, "Eastern Grid").await;
    let create = "mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }";
    let gm = app
        .ok(create, json!({ "input": { "accountId": account, "name": "陆志远", "department": "executive_office", "level": "executive", "since": "2024-01-01" } }))
        .await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cto = app
        .ok(create, json!({ "input": { "accountId": account, "name": "钱海燕", "department": "executive_office", "level": "executive", "since": "2024-01-01" } }))
        .await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let director = app
        .ok(create, json!({ "input": { "accountId": account, "name": "谢振华", "title": "Deputy Director", "department": "it",
                                        "level": "management", "since": "2024-01-01", "reportsToId": gm } }))
        .await["createPerson"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // On 2026-03-01 the director is promoted and moves under the chief engineer,
    // keeping a dotted line to the general manager.
    app.ok(
        "mutation($id: ID!) { updatePerson(id: $id, input: { title: \"Director\", since: \"2026-03-01\" }) { id } }",
        json!({ "id": director }),
    )
    .await;
    app.ok(
        "mutation($p: ID!, $m: ID!) { setReportingLine(input: { personId: $p, managerId: $m, validFrom: \"2026-03-01\" }) { id } }",
        json!({ "p": director, "m": cto }),
    )
    .await;
    app.ok(
        "mutation($p: ID!, $m: ID!) { setReportingLine(input: { personId: $p, managerId: $m, kind: DOTTED, validFrom: \"2026-03-01\" }) { id } }",
        json!({ "p": director, "m": gm }),
    )
    .await;

    let query = "query($a: ID!, $d: Date) { account(id: $a) {
        people(asOf: $d) { name title }
        reportingLines(asOf: $d) { kind person { name } manager { name } } } }";
    let before = app
        .ok(query, json!({ "a": account, "d": "2025-12-31" }))
        .await["account"]
        .clone();
    let title_then = before["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "谢振华")
        .unwrap()["title"]
        .clone();
    assert_eq!(title_then, "Deputy Director");
    assert_eq!(
        before["reportingLines"],
        json!([{ "kind": "SOLID", "person": { "name": "谢振华" }, "manager": { "name": "陆志远" } }])
    );
    let after = app
        .ok(query, json!({ "a": account, "d": "2026-06-01" }))
        .await["account"]
        .clone();
    let mut lines: Vec<String> = after["reportingLines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["kind"].as_str().unwrap(),
                l["manager"]["name"].as_str().unwrap()
            )
        })
        .collect();
    lines.sort();
    assert_eq!(lines, vec!["DOTTED 陆志远", "SOLID 钱海燕"]);
    let history = app
        .ok(
            "query($p: ID!) { person(id: $p) { reportingHistory { kind validFrom validTo } } }",
            json!({ "p": director }),
        )
        .await;
    assert_eq!(
        history["person"]["reportingHistory"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let code = app
        .error_code(
            "mutation($p: ID!, $m: ID!) { setReportingLine(input: { personId: $p, managerId: $m, kind: DOTTED, validFrom: \"2026-04-01\" }) { id } }",
            json!({ "p": director, "m": gm }),
        )
        .await;
    assert_eq!(code, "CONFLICT", "the same dotted line twice");
}

async fn moving_to_another_account_keeps_history(app: TestApp) {
    let from = create_account(&app, "Huaxin Mobile").await;
    let to = create_account(&app, "Eastern Grid").await;
    let person = create_person(&app, &from, "周文斌", "executive").await;
    let employee =
        crate::helpers::create_employee(&app, "陈刚", "chen.gang@example.com", "executive").await;
    app.ok(
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 3 }) { id } }",
        json!({ "e": employee, "p": person }),
    )
    .await;
    let moved = app
        .ok(
            "mutation($id: ID!, $to: ID!) { updatePerson(id: $id, input: { accountId: $to, title: \"Chairman\", since: \"2099-01-01\" }) { account { id } positions { account { id } validTo } } }",
            json!({ "id": person, "to": to }),
        )
        .await;
    // A move dated in the future is fine for the record; what matters is that the
    // old position is closed and kept.
    let positions = moved["updatePerson"]["positions"].as_array().unwrap();
    assert_eq!(positions.len(), 2);
    assert_eq!(positions[0]["account"]["id"], from.as_str());
    assert_eq!(positions[0]["validTo"], "2099-01-01");
    assert_eq!(positions[1]["account"]["id"], to.as_str());
    assert_eq!(moved["updatePerson"]["account"]["id"], to.as_str());
    let old = app
        .ok(
            "query($a: ID!) { account(id: $a) { people { id } relationships { strength } people_then: people(asOf: \"2098-12-31\") { name } } }",
            json!({ "a": from }),
        )
        .await;
    assert_eq!(
        old["account"]["people"],
        json!([]),
        "no longer at the old account"
    );
    assert_eq!(
        old["account"]["people_then"],
        json!([{ "name": "周文斌" }]),
        "but there as of before the move"
    );
    // Our tie goes with them: at the new account they are a door.
    assert_eq!(
        old["account"]["relationships"],
        json!([]),
        "our tie left with them"
    );
    let new = app
        .ok(
            "query($a: ID!) { account(id: $a) { relationships { strength } } }",
            json!({ "a": to }),
        )
        .await;
    assert_eq!(
        new["account"]["relationships"],
        json!([{ "strength": 3 }]),
        "our tie is at the new account"
    );
}

async fn batch_of_people_is_all_or_nothing(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let before = app.counts().await;
    let error = app
        .error(
            "mutation($inputs: [CreatePersonInput!]!) { createPeople(inputs: $inputs) { id } }",
            json!({ "inputs": [
                { "accountId": account, "name": "刘洋", "department": "network", "level": "management" },
                { "accountId": account, "name": "黄伟", "department": "network", "level": "management" },
                { "accountId": account, "name": "吴昊", "department": "network", "level": "chief" },
            ] }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(error["extensions"]["field"], "people[2].level");
    assert_eq!(
        app.counts().await,
        before,
        "no row of the batch was written"
    );

    let ok = app
        .ok(
            "mutation($inputs: [CreatePersonInput!]!) { createPeople(inputs: $inputs) { name } }",
            json!({ "inputs": [
                { "accountId": account, "name": "刘洋", "department": "network", "level": "management" },
                { "accountId": account, "name": "黄伟", "department": "network", "level": "management" },
            ] }),
        )
        .await;
    assert_eq!(ok["createPeople"].as_array().unwrap().len(), 2);
}

async fn reporting_lines_refuse_loops_and_cross_account_managers(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let other = create_account(&app, "Eastern Grid").await;
    let a = create_person(&app, &account, "A", "executive").await;
    let b = create_person(&app, &account, "B", "management").await;
    let c = create_person(&app, &account, "C", "operational").await;
    let x = create_person(&app, &other, "X", "executive").await;
    let set = "mutation($p: ID!, $m: ID!) { setReportingLine(input: { personId: $p, managerId: $m }) { id } }";
    app.ok(set, json!({ "p": b, "m": a })).await;
    app.ok(set, json!({ "p": c, "m": b })).await;
    let before = app.counts().await;
    assert_eq!(
        app.error_code(set, json!({ "p": a, "m": c })).await,
        "CONFLICT",
        "a loop"
    );
    assert_eq!(
        app.error_code(set, json!({ "p": a, "m": a })).await,
        "INVALID_INPUT",
        "oneself"
    );
    assert_eq!(
        app.error_code(set, json!({ "p": a, "m": x })).await,
        "INVALID_INPUT",
        "another account"
    );
    assert_eq!(app.counts().await, before);
}
