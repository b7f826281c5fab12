//! Improvement points: coaches set them (and write nothing else), account teams
//! close them, viewers read them; validated, scoped, versioned like every record.

use guanxi::domain::Role;
use serde_json::{json, Value};

use crate::helpers::{answer_as as call, demo_server, spawn_on, Backend};

const SET: &str = "mutation($input: SetImprovementPointInput!) {
    setImprovementPoint(input: $input) { id revision text status dueOn overdue setBy owner { name } account { id } } }";
const UPDATE: &str = "mutation($id: ID!, $input: UpdateImprovementPointInput!) {
    updateImprovementPoint(id: $id, input: $input) { revision status closedOn note } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {body}"))
}

async fn coaches_set_points_and_teams_close_them(backend: Backend) {
    let Some((url, open)) = demo_server(backend).await else {
        return;
    };
    let ids = open
        .ok(
            "{ accounts(first: 5) { nodes { id opportunities { id revision }
                 improvementPoints { text status overdue closedOn setBy owner { name } opportunity { name } } } }
               employees { id name } }",
            Value::Null,
        )
        .await;
    let a = &ids["accounts"]["nodes"][0];
    let b = &ids["accounts"]["nodes"][1];
    // The demo's points: the coach's list from the last planning session.
    let points = a["improvementPoints"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    assert_eq!(points[2]["status"], "DONE", "open ones first");
    assert_eq!(points[2]["closedOn"], "2026-10-29");
    assert!(points
        .iter()
        .any(|p| p["overdue"] == true && p["owner"]["name"] == "陈刚"));
    assert_eq!(points[0]["setBy"], "command line");

    let (_, coach) = open
        .store
        .create_token("sales coach", Role::Coach, &[])
        .await
        .unwrap();
    let account_a: uuid::Uuid = a["id"].as_str().unwrap().parse().unwrap();
    let (_, member) = open
        .store
        .create_token("Huaxin account team", Role::Member, &[account_a])
        .await
        .unwrap();
    let (_, viewer) = open
        .store
        .create_token("wall screen", Role::Viewer, &[account_a])
        .await
        .unwrap();
    let server = spawn_on(&url, None).await;
    let owner = ids["employees"][0]["id"].clone();
    let input = |account: &Value, text: &str| {
        json!({ "input": { "accountId": account["id"], "text": text, "ownerId": owner, "dueOn": "2027-01-15",
                           "opportunityId": account["opportunities"][0]["id"] } })
    };

    // A coach sets a point; it is theirs.
    let body = call(
        &server,
        &coach,
        SET,
        input(a, "Meet the new CIO before the budget round"),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let point = body["data"]["setImprovementPoint"].clone();
    assert_eq!(point["setBy"], "sales coach");
    assert_eq!(point["status"], "OPEN");
    assert_eq!(point["overdue"], false);

    // A coach writes nothing else; a viewer writes nothing at all.
    let before = open.counts().await;
    let body = call(
        &server,
        &coach,
        "mutation($id: ID!) { updateOpportunity(id: $id, input: { note: \"coach edit\" }) { id } }",
        json!({ "id": a["opportunities"][0]["id"] }),
    )
    .await;
    assert_eq!(code(&body), "FORBIDDEN");
    let body = call(&server, &viewer, SET, input(a, "Viewer's idea")).await;
    assert_eq!(code(&body), "FORBIDDEN");
    let body = call(
        &server,
        &viewer,
        UPDATE,
        json!({ "id": point["id"], "input": { "status": "DONE" } }),
    )
    .await;
    assert_eq!(code(&body), "FORBIDDEN");
    assert_eq!(open.counts().await, before);

    // The account team closes it; a stale revision is refused.
    let body = call(
        &server,
        &member,
        UPDATE,
        json!({ "id": point["id"], "input": { "expectedRevision": point["revision"], "status": "DONE", "note": "met on 3 Dec", "on": "2026-12-03" } }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let done = &body["data"]["updateImprovementPoint"];
    assert_eq!(done["status"], "DONE");
    assert_eq!(done["closedOn"], "2026-12-03");
    assert_eq!(done["note"], "met on 3 Dec");
    let body = call(
        &server,
        &coach,
        UPDATE,
        json!({ "id": point["id"], "input": { "expectedRevision": point["revision"], "text": "changed" } }),
    )
    .await;
    assert_eq!(code(&body), "CONFLICT");
    assert_eq!(body["errors"][0]["extensions"]["current"]["status"], "done");
    // Reopened, the closing day goes.
    let body = call(
        &server,
        &coach,
        UPDATE,
        json!({ "id": point["id"], "input": { "status": "OPEN" } }),
    )
    .await;
    assert_eq!(
        body["data"]["updateImprovementPoint"]["closedOn"],
        Value::Null
    );

    // The viewer reads the account's points; the member cannot reach the other
    // account's, nor set one there.
    let body = call(
        &server,
        &viewer,
        "query($a: ID!) { account(id: $a) { improvementPoints { text } } }",
        json!({ "a": a["id"] }),
    )
    .await;
    assert_eq!(
        body["data"]["account"]["improvementPoints"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let body = call(&server, &member, SET, input(b, "Not our account")).await;
    assert_eq!(code(&body), "NOT_FOUND");
    let b_point = call(
        &server,
        &coach,
        "query($b: ID!) { improvementPoints(account: $b) { id } }",
        json!({ "b": b["id"] }),
    )
    .await["data"]["improvementPoints"][0]["id"]
        .clone();
    let body = call(
        &server,
        &member,
        UPDATE,
        json!({ "id": b_point, "input": { "status": "DONE" } }),
    )
    .await;
    assert_eq!(code(&body), "NOT_FOUND");

    // Bad input: empty text, a deal of another account, an unknown owner.
    let before = open.counts().await;
    let mut bad = input(a, "   ");
    let body = call(&server, &coach, SET, bad.clone()).await;
    assert_eq!(code(&body), "INVALID_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "text");
    bad["input"]["text"] = json!("Meet the CFO");
    bad["input"]["opportunityId"] = b["opportunities"][0]["id"].clone();
    let body = call(&server, &coach, SET, bad.clone()).await;
    assert_eq!(code(&body), "INVALID_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "opportunityId");
    bad["input"]["opportunityId"] = Value::Null;
    bad["input"]["ownerId"] = json!(uuid::Uuid::now_v7().to_string());
    let body = call(&server, &coach, SET, bad).await;
    assert_eq!(code(&body), "NOT_FOUND");
    assert_eq!(open.counts().await, before);

    // Every change is in the audit trail under its author.
    let (entries, _) = open
        .store
        .audit_trail(
            &guanxi::store::AuditFilter {
                author: Some("sales coach".into()),
                ..Default::default()
            },
            0,
            10,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["update improvement point", "set improvement point"],
        "newest first"
    );
}

crate::each_backend!(coaches_set_points_and_teams_close_them);
