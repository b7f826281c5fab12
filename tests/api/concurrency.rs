//! Optimistic concurrency: an editor sends the revision they read; a stale one is
//! refused with `CONFLICT` and the record as it is now, never overwritten silently.

use serde_json::{json, Value};

use crate::{
    both_backends,
    helpers::{
        create_account, create_competitor, create_employee, create_opportunity, create_person,
        fresh_database, spawn_on, Backend, TestApp,
    },
};

both_backends!(a_stale_revision_is_refused_with_the_current_record);

/// Each editable kind: its update mutation, its read query and a field to change.
async fn a_stale_revision_is_refused_with_the_current_record(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    let person = create_person(&app, &account, "王建国", "executive").await;
    let employee = create_employee(&app, "陈刚", "chen.gang@ourco.example", "ar").await;
    let competitor = create_competitor(&app, "Rival Networks").await;
    let opportunity = create_opportunity(&app, &account, "Core network 2027").await;
    let kinds = [
        (
            "Account",
            "account",
            account.as_str(),
            "name",
            "Huaxin Mobile Group",
        ),
        ("Person", "person", person.as_str(), "name", "王建华"),
        ("Employee", "employee", employee.as_str(), "name", "陈刚强"),
        (
            "Competitor",
            "competitor",
            competitor.as_str(),
            "name",
            "Rival Networks Asia",
        ),
        (
            "Opportunity",
            "opportunity",
            opportunity.as_str(),
            "name",
            "Core network 2028",
        ),
    ];
    for (kind, root, id, field, value) in kinds {
        let read = format!("query($id: ID!) {{ {root}(id: $id) {{ revision {field} }} }}");
        let update = format!(
            "mutation($id: ID!, $input: Update{kind}Input!) {{ update{kind}(id: $id, input: $input) {{ revision {field} }} }}"
        );
        let before = app.ok(&read, json!({ "id": id })).await[root].clone();
        assert_eq!(before["revision"], 1, "{kind} starts at revision 1");

        // The first editor saves on the revision they read.
        let saved = app
            .ok(
                &update,
                json!({ "id": id, "input": { "expectedRevision": 1, field: value } }),
            )
            .await[format!("update{kind}")]
        .clone();
        assert_eq!(
            saved["revision"], 2,
            "{kind}: an update raises the revision"
        );

        // The second editor read revision 1 too: refused, told what is there now.
        let error = app
            .error(
                &update,
                json!({ "id": id, "input": { "expectedRevision": 1, field: "Someone else's" } }),
            )
            .await;
        assert_eq!(error["extensions"]["code"], "CONFLICT", "{kind}: {error}");
        assert_eq!(error["extensions"]["revision"], 2, "{kind}: {error}");
        assert_eq!(
            error["extensions"]["current"][field], value,
            "{kind}: the error carries the current record: {error}"
        );
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("changed by someone else"),
            "{error}"
        );
        let after = app.ok(&read, json!({ "id": id })).await[root].clone();
        assert_eq!(
            after[field], value,
            "{kind}: the stale write changed nothing"
        );
        assert_eq!(after["revision"], 2);

        // Reloaded, the second editor's change goes through.
        let retried = app
            .ok(
                &update,
                json!({ "id": id, "input": { "expectedRevision": 2, field: format!("{value} II") } }),
            )
            .await[format!("update{kind}")]
        .clone();
        assert_eq!(retried["revision"], 3);
    }
}

/// Editors on two servers over one database raise an opportunity's amount by one,
/// many times each, each reading the amount and revision and saving with the
/// revision read (and reloading on `CONFLICT`). Every raise must be in the total:
/// a lost update would leave it short.
async fn concurrent_editors_lose_no_update(backend: Backend) {
    const EDITORS: usize = 8;
    const RAISES: usize = 5;
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let a = spawn_on(&url, dir).await;
    let b = spawn_on(&url, None).await;
    let account = create_account(&a, "Huaxin Mobile").await;
    let opportunity = create_opportunity(&a, &account, "Core network 2027").await;
    let start = amount_and_revision(&a.client, &a.address, &opportunity)
        .await
        .0;

    let mut editors = Vec::new();
    for e in 0..EDITORS {
        let server = if e % 2 == 0 { &a } else { &b };
        let (client, address, id) = (
            server.client.clone(),
            server.address.clone(),
            opportunity.clone(),
        );
        editors.push(tokio::spawn(async move {
            let mut conflicts = 0;
            for _ in 0..RAISES {
                loop {
                    let (amount, revision) = amount_and_revision(&client, &address, &id).await;
                    let body = post(
                        &client,
                        &address,
                        "mutation($id: ID!, $input: UpdateOpportunityInput!) {
                             updateOpportunity(id: $id, input: $input) { revision } }",
                        json!({ "id": id, "input": { "expectedRevision": revision, "amount": amount + 1.0 } }),
                    )
                    .await;
                    match body["errors"][0]["extensions"]["code"].as_str() {
                        None => break,
                        Some("CONFLICT") => conflicts += 1,
                        Some(other) => panic!("unexpected {other}: {body}"),
                    }
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for e in editors {
        conflicts += e.await.expect("editor finished");
    }
    let (end, revision) = amount_and_revision(&b.client, &b.address, &opportunity).await;
    let raises = (EDITORS * RAISES) as f64;
    assert_eq!(
        end,
        start + raises,
        "every raise is in the total ({conflicts} conflicts were retried)"
    );
    assert_eq!(revision, 1 + (EDITORS * RAISES) as i64);
    eprintln!(
        "{backend:?}: {} raises by {EDITORS} editors on two servers, {conflicts} conflicts retried, none lost",
        EDITORS * RAISES
    );
}

async fn post(client: &reqwest::Client, address: &str, query: &str, variables: Value) -> Value {
    client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request sent")
        .json()
        .await
        .expect("JSON body")
}

async fn amount_and_revision(client: &reqwest::Client, address: &str, id: &str) -> (f64, i64) {
    let body = post(
        client,
        address,
        "query($id: ID!) { opportunity(id: $id) { amount revision } }",
        json!({ "id": id }),
    )
    .await;
    let o = &body["data"]["opportunity"];
    (
        o["amount"].as_f64().unwrap_or_else(|| panic!("{body}")),
        o["revision"].as_i64().unwrap(),
    )
}

crate::each_backend!(concurrent_editors_lose_no_update);
