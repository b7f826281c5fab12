//! The audit trail: every change is recorded with its author, time, before and
//! after, in the change's own transaction (a refused or conflicting change leaves no
//! entry), an import is one entry with its counts, and only administrators read it,
//! by account, person or author.

use guanxi::domain::Role;
use serde_json::{json, Value};

use crate::helpers::{answer_as as as_caller, demo_server, spawn_on, Backend, TestApp};

const TRAIL: &str =
    "query($account: ID, $person: ID, $author: String, $first: Int, $after: String) {
    auditTrail(account: $account, person: $person, author: $author, first: $first, after: $after) {
        totalCount hasNextPage endCursor
        nodes { at action entity entityId account { id } author { name role tokenId } before after }
    } }";

async fn audit_count(app: &TestApp) -> i64 {
    let (_, n) = app
        .store
        .audit_trail(&Default::default(), 0, 1)
        .await
        .expect("the command line reads the trail");
    n
}

async fn every_change_is_audited(backend: Backend) {
    let Some((url, open)) = demo_server(backend).await else {
        return;
    };
    let ids = open
        .ok(
            "{ accounts(first: 5) { nodes { id people { id } opportunities { id outcome revision } } }
               employees { id } }",
            Value::Null,
        )
        .await;
    let a = ids["accounts"]["nodes"][0].clone();
    let b = ids["accounts"]["nodes"][1].clone();
    let account_a = a["id"].as_str().unwrap().to_owned();
    let person = a["people"][0]["id"].as_str().unwrap().to_owned();
    let deal = a["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "OPEN")
        .unwrap()
        .clone();
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    let employee = ids["employees"][0]["id"].as_str().unwrap().to_owned();
    // Loading the demo went through the store: the command line is its author.
    let demo_entries = audit_count(&open).await;
    assert!(demo_entries > 100, "demo writes audited: {demo_entries}");

    let (admin_token, admin) = open
        .store
        .create_token("audit lead", Role::Admin, &[])
        .await
        .unwrap();
    let (member_token, member) = open
        .store
        .create_token(
            "Huaxin account team",
            Role::Member,
            &[account_a.parse().unwrap()],
        )
        .await
        .unwrap();
    let (_, coach) = open
        .store
        .create_token("sales coach", Role::Coach, &[])
        .await
        .unwrap();
    let server = spawn_on(&url, None).await;
    let start = audit_count(&open).await;
    assert_eq!(start, demo_entries + 3, "each token's creation is an entry");

    // A member's change: an update with before and after.
    let update = "mutation($id: ID!, $rev: Int!, $note: String!) {
        updateOpportunity(id: $id, input: { expectedRevision: $rev, note: $note }) { revision note } }";
    let rev = deal["revision"].as_i64().unwrap();
    let body = as_caller(
        &server,
        &member,
        update,
        json!({ "id": deal_id, "rev": rev, "note": "CFO meeting booked" }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    // A stale edit conflicts and leaves no entry; a write into another account is
    // refused and leaves none either.
    let body = as_caller(
        &server,
        &member,
        update,
        json!({ "id": deal_id, "rev": rev, "note": "stale" }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "CONFLICT");
    let body = as_caller(
        &server,
        &member,
        update,
        json!({ "id": b["opportunities"][0]["id"], "rev": 1, "note": "not ours" }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    // An assessment concerns the person assessed.
    let body = as_caller(
        &server,
        &member,
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 5, note: \"dinner went well\" }) { id } }",
        json!({ "e": employee, "p": person }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(
        audit_count(&open).await,
        start + 2,
        "two changes, two entries"
    );

    // The administrator reads the member's changes, newest first.
    let body = as_caller(
        &server,
        &admin,
        TRAIL,
        json!({ "author": "Huaxin account team" }),
    )
    .await;
    let page = &body["data"]["auditTrail"];
    assert_eq!(page["totalCount"], 2, "{body}");
    let entries = page["nodes"].as_array().unwrap();
    assert_eq!(entries[0]["action"], "assess relationship");
    assert_eq!(entries[1]["action"], "update opportunity");
    let edit = &entries[1];
    assert_eq!(edit["author"]["role"], "member");
    assert_eq!(edit["author"]["tokenId"], member_token.id.to_string());
    assert_eq!(edit["account"]["id"], account_a.as_str());
    assert_eq!(edit["entityId"], deal_id.as_str());
    assert_eq!(edit["after"]["note"], "CFO meeting booked");
    assert_ne!(edit["before"]["note"], "CFO meeting booked");
    assert_eq!(
        edit["after"]["revision"].as_i64().unwrap(),
        edit["before"]["revision"].as_i64().unwrap() + 1
    );
    // By token id too.
    let body = as_caller(
        &server,
        &admin,
        TRAIL,
        json!({ "author": member_token.id.to_string() }),
    )
    .await;
    assert_eq!(body["data"]["auditTrail"]["totalCount"], 2);

    // A NUL in the author filter is refused as input (PostgreSQL cannot hold one).
    let body = as_caller(&server, &admin, TRAIL, json!({ "author": "a\u{0}b" })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{body}"
    );

    // By person: the assessment is there, with the note in its after.
    let body = as_caller(&server, &admin, TRAIL, json!({ "person": person })).await;
    let nodes = body["data"]["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert!(nodes
        .iter()
        .any(|e| e["action"] == "assess relationship" && e["after"]["note"] == "dinner went well"));
    assert!(nodes.iter().any(|e| e["action"] == "create person"));

    // By account, paged.
    let body = as_caller(
        &server,
        &admin,
        TRAIL,
        json!({ "account": account_a, "first": 5 }),
    )
    .await;
    let page = &body["data"]["auditTrail"];
    assert!(page["totalCount"].as_i64().unwrap() > 5);
    assert_eq!(page["hasNextPage"], true);
    let next = as_caller(
        &server,
        &admin,
        TRAIL,
        json!({ "account": account_a, "first": 5, "after": page["endCursor"] }),
    )
    .await;
    assert_ne!(
        next["data"]["auditTrail"]["nodes"][0]["at"],
        page["nodes"][0]["at"]
    );
    let accounts: Vec<&Value> = page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["account"]["id"])
        .collect();
    assert!(accounts.iter().all(|a| **a == account_a.as_str()));

    // An import is one entry with its counts, whatever its size.
    let before = audit_count(&open).await;
    let body = as_caller(
        &server,
        &admin,
        "mutation($rows: [JSON!]!) { importRows(kind: ACCOUNTS, rows: $rows) { new } }",
        json!({ "rows": [
            { "account_ref": "N1", "account_name": "Jiangnan Power Grid", "industry": "energy", "region": "east_china" },
            { "account_ref": "N2", "account_name": "Lingnan Metro Group", "industry": "transport", "region": "south_china" }
        ] }),
    )
    .await;
    assert_eq!(body["data"]["importRows"]["new"], 2, "{body}");
    assert_eq!(audit_count(&open).await, before + 1);
    let body = as_caller(
        &server,
        &admin,
        TRAIL,
        json!({ "author": "audit lead", "first": 1 }),
    )
    .await;
    let entry = &body["data"]["auditTrail"]["nodes"][0];
    assert_eq!(entry["action"], "import");
    assert_eq!(entry["author"]["tokenId"], admin_token.id.to_string());
    let tables = entry["after"]["tables"].as_array().unwrap();
    assert!(tables
        .iter()
        .any(|t| t["table"] == "account" && t["new"] == 2));

    // Only administrators read the trail.
    for secret in [&member, &coach] {
        let body = as_caller(&server, secret, TRAIL, json!({})).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    }

    // Operators read it on the command line.
    let out = crate::helpers::guanxi_command(
        &url,
        &["audit", "--author", "Huaxin account team", "--full"],
    )
    .output()
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Huaxin account team [member]  update opportunity"),
        "{text}"
    );
    assert!(text.contains("CFO meeting booked"), "{text}");
    assert!(text.contains("2 of 2 entries"), "{text}");
}

crate::each_backend!(every_change_is_audited);

/// Every judgement says who recorded it: assessments, decision-chain roles,
/// influence and attitude, and answers to the four questions carry the author
/// (here the configured local author of a server without tokens), a chain member
/// listed again unchanged keeps when and by whom it was judged, and the audit
/// trail names the same author.
#[tokio::test]
async fn every_judgement_records_who_made_it() {
    let app = crate::helpers::spawn_with_http(guanxi::api::HttpOptions {
        local_author: Some("王磊 (sales ops)".into()),
        ..Default::default()
    })
    .await;
    let account = crate::helpers::create_account(&app, "Huaxin Mobile").await;
    let person = crate::helpers::create_person(&app, &account, "赵立新", "executive").await;
    let employee =
        crate::helpers::create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let deal = crate::helpers::create_opportunity(&app, &account, "5G core").await;
    let who = "王磊 (sales ops)";

    let assessed = app
        .ok(
            "mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) { recordedBy } }",
            json!({ "input": { "employeeId": employee, "personId": person, "strength": 4 } }),
        )
        .await;
    assert_eq!(assessed["assessRelationship"]["recordedBy"], who);

    let set = "mutation($o: ID!, $m: [DecisionChainMemberInput!]!) { setDecisionChain(opportunityId: $o, members: $m) {
                 recordedBy judgedAt source attitude } }";
    let first = app
        .ok(set, json!({ "o": deal, "m": [{ "personId": person, "buyingRole": "decision_maker", "attitude": 1 }] }))
        .await["setDecisionChain"][0]
        .clone();
    assert_eq!(
        (first["recordedBy"].as_str(), first["source"].as_str()),
        (Some(who), Some("judgement"))
    );
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let again = app
        .ok(set, json!({ "o": deal, "m": [{ "personId": person, "buyingRole": "decision_maker", "attitude": 1 }] }))
        .await["setDecisionChain"][0]
        .clone();
    assert_eq!(
        again["judgedAt"], first["judgedAt"],
        "an unchanged judgement keeps its day"
    );
    let changed = app
        .ok(set, json!({ "o": deal, "m": [{ "personId": person, "buyingRole": "decision_maker", "attitude": -1 }] }))
        .await["setDecisionChain"][0]
        .clone();
    assert_ne!(
        changed["judgedAt"], first["judgedAt"],
        "a changed attitude is judged anew"
    );

    let answered = app
        .ok(
            "mutation($input: AnswerQuestionInput!) { answerQuestion(input: $input) { recordedBy } }",
            json!({ "input": { "opportunityId": deal, "questionId": "can_we_win", "answer": "UNKNOWN" } }),
        )
        .await;
    assert_eq!(answered["answerQuestion"]["recordedBy"], who);

    let trail = app
        .ok(
            "{ auditTrail(first: 20) { nodes { action author { name } } } }",
            json!({}),
        )
        .await;
    let nodes = trail["auditTrail"]["nodes"].as_array().unwrap();
    assert!(
        nodes
            .iter()
            .filter(|n| n["action"] == "set decision chain")
            .all(|n| n["author"]["name"] == who),
        "{trail}"
    );
}
