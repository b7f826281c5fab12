use serde_json::json;

use crate::{
    both_backends,
    helpers::{create_account, TestApp, ACCOUNT_FIELDS},
};

both_backends!(
    account_round_trip,
    accounts_paginate,
    duplicate_account_names_are_refused,
    employee_round_trip,
    competitor_round_trip,
    support_resource_round_trip,
);

async fn account_round_trip(app: TestApp) {
    let created = app
        .ok(
            &format!("mutation($input: CreateAccountInput!) {{ createAccount(input: $input) {{ {ACCOUNT_FIELDS} }} }}"),
            json!({ "input": { "name": "  Huaxin Mobile   Co., Ltd. ", "industry": "telecom",
                               "region": "east_china", "tier": "strategic", "ownerTeam": "Telecom East" } }),
        )
        .await["createAccount"]
        .clone();
    assert_eq!(created["name"], "Huaxin Mobile Co., Ltd.");
    assert_eq!(created["nameKey"], "huaxin mobile");
    assert_eq!(created["tier"], "strategic");
    let id = created["id"].as_str().unwrap();

    let read = app
        .ok(
            &format!("query($id: ID!) {{ account(id: $id) {{ {ACCOUNT_FIELDS} people {{ id }} opportunities {{ id }} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(read["account"]["name"], created["name"]);
    assert_eq!(read["account"]["people"], json!([]));

    let updated = app
        .ok(
            "mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { name tier ownerTeam industry version } }",
            json!({ "id": id, "input": { "tier": "key", "ownerTeam": "" } }),
        )
        .await["updateAccount"]
        .clone();
    assert_eq!(updated["tier"], "key");
    assert_eq!(
        updated["ownerTeam"],
        json!(null),
        "an empty owner team clears it"
    );
    assert_eq!(
        updated["industry"], "telecom",
        "fields left out keep their value"
    );
    assert!(updated["version"].as_i64().unwrap() > created["version"].as_i64().unwrap());

    let by_name = app
        .ok(
            "query { accountByName(name: \"HUAXIN MOBILE LIMITED\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(by_name["accountByName"]["id"], id);

    let missing = app
        .ok(
            "query { account(id: \"00000000-0000-7000-8000-000000000000\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(missing["account"], json!(null));
}

async fn accounts_paginate(app: TestApp) {
    for name in [
        "Alpha Bank",
        "Beta Power",
        "Gamma Rail",
        "Delta Health",
        "Epsilon Retail",
    ] {
        create_account(&app, name).await;
    }
    let query = "query($first: Int, $after: String) { accounts(first: $first, after: $after) {
        totalCount nodes { name } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }";
    let page1 = app.ok(query, json!({ "first": 2 })).await["accounts"].clone();
    assert_eq!(page1["totalCount"], 5);
    assert_eq!(
        page1["nodes"],
        json!([{ "name": "Alpha Bank" }, { "name": "Beta Power" }])
    );
    assert_eq!(page1["pageInfo"]["hasNextPage"], true);
    let after = page1["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let page2 = app.ok(query, json!({ "first": 2, "after": after })).await["accounts"].clone();
    assert_eq!(
        page2["nodes"],
        json!([{ "name": "Delta Health" }, { "name": "Epsilon Retail" }])
    );
    let page3 = app
        .ok(
            query,
            json!({ "first": 2, "after": page2["pageInfo"]["endCursor"] }),
        )
        .await["accounts"]
        .clone();
    assert_eq!(page3["nodes"], json!([{ "name": "Gamma Rail" }]));
    assert_eq!(page3["pageInfo"]["hasNextPage"], false);

    let code = app.error_code(query, json!({ "first": 1000 })).await;
    assert_eq!(code, "INVALID_INPUT", "page size is capped");

    let search = app
        .ok(
            "query { accounts(search: \"power co ltd\") { totalCount nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(search["accounts"]["totalCount"], 1);
}

async fn duplicate_account_names_are_refused(app: TestApp) {
    let first = create_account(&app, "Acme Tech").await;
    let before = app.counts().await;
    for variant in [
        "ACME  Tech Co., Ltd.",
        "Acme Tech Co. Ltd",
        "ａｃｍｅ tech limited",
        "Acme-Tech, Inc.",
    ] {
        let error = app
            .error(
                "mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }",
                json!({ "input": { "name": variant, "industry": "telecom", "region": "east_china", "tier": "key" } }),
            )
            .await;
        assert_eq!(error["extensions"]["code"], "DUPLICATE_NAME", "{variant}");
        assert_eq!(error["extensions"]["existingId"], first.as_str());
    }
    assert_eq!(app.counts().await, before, "refused writes change nothing");

    let other = create_account(&app, "Acme Telecom").await;
    let code = app
        .error_code(
            "mutation($id: ID!) { updateAccount(id: $id, input: { name: \"ACME TECH CO LTD\" }) { id } }",
            json!({ "id": other }),
        )
        .await;
    assert_eq!(
        code, "DUPLICATE_NAME",
        "renaming into a clash is refused too"
    );
    let still = app
        .ok(
            "query($id: ID!) { account(id: $id) { name } }",
            json!({ "id": other }),
        )
        .await;
    assert_eq!(still["account"]["name"], "Acme Telecom");
}

async fn employee_round_trip(app: TestApp) {
    let created = app
        .ok(
            "mutation { createEmployee(input: { name: \"张伟\", email: \"Zhang.Wei@Example.COM\", role: \"ar\", team: \"Telecom East\" }) { id name email role status departedOn } }",
            json!({}),
        )
        .await["createEmployee"]
        .clone();
    assert_eq!(created["name"], "张伟");
    assert_eq!(created["email"], "zhang.wei@example.com");
    assert_eq!(created["status"], "ACTIVE");
    let id = created["id"].as_str().unwrap();

    let departed = app
        .ok(
            "mutation($id: ID!) { updateEmployee(id: $id, input: { status: DEPARTED, departedOn: \"2026-08-31\" }) { status departedOn role } }",
            json!({ "id": id }),
        )
        .await["updateEmployee"]
        .clone();
    assert_eq!(departed["status"], "DEPARTED");
    assert_eq!(departed["departedOn"], "2026-08-31");
    assert_eq!(departed["role"], "ar");

    let active_only = app
        .ok(
            "query { employees(includeDeparted: false) { id } all: employees { id } }",
            json!({}),
        )
        .await;
    assert_eq!(active_only["employees"], json!([]));
    assert_eq!(active_only["all"].as_array().unwrap().len(), 1);

    let back = app
        .ok(
            "mutation($id: ID!) { updateEmployee(id: $id, input: { status: ACTIVE }) { status departedOn } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        back["updateEmployee"]["departedOn"],
        json!(null),
        "reinstating clears the date"
    );

    let before = app.counts().await;
    let code = app
        .error_code(
            "mutation { createEmployee(input: { name: \"Other\", email: \"zhang.wei@example.com\", role: \"sr\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "CONFLICT", "e-mails are unique");
    let code = app
        .error_code(
            "mutation { createEmployee(input: { name: \"Other\", email: \"other@example.com\", role: \"wizard\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "INVALID_INPUT", "roles come from the methodology");
    assert_eq!(app.counts().await, before);
}

async fn competitor_round_trip(app: TestApp) {
    let created = app
        .ok(
            "mutation { createCompetitor(input: { name: \"Zhongtian Networks Co., Ltd.\", note: \"incumbent\" }) { id name nameKey note } }",
            json!({}),
        )
        .await["createCompetitor"]
        .clone();
    assert_eq!(created["nameKey"], "zhongtian networks");
    let id = created["id"].as_str().unwrap();
    let updated = app
        .ok(
            "mutation($id: ID!) { updateCompetitor(id: $id, input: { note: \"lost the 5G core\" }) { name note } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(updated["updateCompetitor"]["note"], "lost the 5G core");
    assert_eq!(
        updated["updateCompetitor"]["name"],
        "Zhongtian Networks Co., Ltd."
    );
    let code = app
        .error_code(
            "mutation { createCompetitor(input: { name: \"ZHONGTIAN NETWORKS\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "DUPLICATE_NAME");
    let list = app.ok("query { competitors { name } }", json!({})).await;
    assert_eq!(list["competitors"].as_array().unwrap().len(), 1);
}

async fn support_resource_round_trip(app: TestApp) {
    let expert =
        crate::helpers::create_employee(&app, "刘芳", "liu.fang@example.com", "expert").await;
    let created = app
        .ok(
            "mutation($e: ID!) { createSupportResource(input: { name: \"Core network expert days\", kind: \"solution_expert\", capacity: 8, unit: \"days per month\", employeeId: $e }) { id name kind capacity unit employee { name } } }",
            json!({ "e": expert }),
        )
        .await["createSupportResource"]
        .clone();
    assert_eq!(created["capacity"], 8);
    assert_eq!(created["employee"]["name"], "刘芳");
    let id = created["id"].as_str().unwrap();
    let updated = app
        .ok(
            "mutation($id: ID!) { updateSupportResource(id: $id, input: { capacity: 10 }) { capacity kind } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(updated["updateSupportResource"]["capacity"], 10);
    let before = app.counts().await;
    for (input, code) in [
        (
            json!({ "name": "Lab", "kind": "demo_lab", "capacity": -1 }),
            "INVALID_INPUT",
        ),
        (
            json!({ "name": "Lab", "kind": "spaceship", "capacity": 1 }),
            "INVALID_INPUT",
        ),
        (
            json!({ "name": "", "kind": "demo_lab", "capacity": 1 }),
            "INVALID_INPUT",
        ),
        (
            json!({ "name": "Lab", "kind": "demo_lab", "capacity": 1, "employeeId": "00000000-0000-7000-8000-000000000001" }),
            "NOT_FOUND",
        ),
    ] {
        let got = app
            .error_code(
                "mutation($input: CreateSupportResourceInput!) { createSupportResource(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(got, code, "{input}");
    }
    assert_eq!(app.counts().await, before);
    let list = app
        .ok("query { supportResources { name } }", json!({}))
        .await;
    assert_eq!(list["supportResources"].as_array().unwrap().len(), 1);
}
