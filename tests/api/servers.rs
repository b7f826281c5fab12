//! Several servers over one database see each other's writes at once.

use serde_json::json;

use crate::helpers::{fresh_database, spawn_on, Backend};

async fn two_servers_share_writes(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let a = spawn_on(&url, dir).await;
    let b = spawn_on(&url, None).await;
    let account = crate::helpers::create_account(&a, "Huaxin Mobile").await;
    let seen = b
        .ok(
            "query($id: ID!) { account(id: $id) { name version } }",
            json!({ "id": account }),
        )
        .await;
    assert_eq!(seen["account"]["name"], "Huaxin Mobile");
    let version_before = seen["account"]["version"].as_i64().unwrap();
    crate::helpers::create_person(&b, &account, "刘洋", "management").await;
    let after = a
        .ok(
            "query($id: ID!) { account(id: $id) { version people { name } } }",
            json!({ "id": account }),
        )
        .await;
    assert_eq!(after["account"]["people"], json!([{ "name": "刘洋" }]));
    assert!(
        after["account"]["version"].as_i64().unwrap() > version_before,
        "the write bumped the account version"
    );

    // Concurrent writers on both servers: every write lands, each bumps the version once.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (server, account) = (if i % 2 == 0 { &a } else { &b }, account.clone());
        let query = "mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }";
        let variables = json!({ "input": { "accountId": account, "name": format!("P{i}"), "department": "it", "level": "operational" } });
        tasks.push(server.post_graphql(query, variables));
    }
    for body in futures_join(tasks).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    let end = b
        .ok(
            "query($id: ID!) { account(id: $id) { version people { id } } }",
            json!({ "id": account }),
        )
        .await;
    assert_eq!(end["account"]["people"].as_array().unwrap().len(), 11);
    assert_eq!(
        end["account"]["version"].as_i64().unwrap(),
        after["account"]["version"].as_i64().unwrap() + 10
    );
}

async fn futures_join<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut out = Vec::with_capacity(futures.len());
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    // Poll them together so the requests really overlap.
    let joined = std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (i, f) in pinned.iter_mut().enumerate() {
            if out.len() <= i {
                out.push(None);
            }
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    });
    joined.await;
    out.into_iter()
        .map(|o| o.expect("every future completed"))
        .collect()
}

/// Scores served by one server follow a write acknowledged by another.
async fn scores_follow_writes_across_servers(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let a = spawn_on(&url, dir).await;
    let b = spawn_on(&url, None).await;
    let account = crate::helpers::create_account(&a, "Huaxin Mobile").await;
    let person = crate::helpers::create_person(&a, &account, "刘洋", "management").await;
    let employee = crate::helpers::create_employee(&a, "张伟", "zhang.wei@example.com", "ar").await;
    let query = "query($p: ID!) { person(id: $p) { score { value } } }";
    assert_eq!(
        b.ok(query, json!({ "p": person })).await["person"]["score"]["value"],
        0.0
    );
    a.ok(
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 5 }) { id } }",
        json!({ "e": employee, "p": person }),
    )
    .await;
    assert_eq!(
        b.ok(query, json!({ "p": person })).await["person"]["score"]["value"],
        1.0,
        "server B's cache saw A's write"
    );
}

crate::each_backend!(
    two_servers_share_writes,
    scores_follow_writes_across_servers
);
