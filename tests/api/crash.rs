//! A server killed with SIGKILL while writers are busy: every write it
//! acknowledged is there afterwards, and no write is there in part.
//!
//! Writers send batches of five people (`createPeople`, all or nothing) to a real
//! `guanxi serve` process; the process is killed mid-stream; a new server on the
//! same database must hold all five people of every acknowledged batch, and of
//! any other batch either all five (committed, the answer lost with the process)
//! or none.

use std::{collections::HashMap, time::Duration};

use serde_json::{json, Value};

use crate::helpers::{fresh_database, spawn_on, Backend};

const WRITERS: usize = 4;
const BATCH: usize = 5;

async fn killed_server_loses_no_acknowledged_write(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let address = format!("http://127.0.0.1:{port}");
    let mut server =
        crate::helpers::guanxi_command(&url, &["serve", "--addr", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("guanxi serve starts");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..300 {
        if client
            .get(format!("{address}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server came up");
    let account = post(
        &client,
        &address,
        "mutation { createAccount(input: { name: \"Huaxin Mobile\", industry: \"telecom\", region: \"east_china\", tier: \"key\" }) { id } }",
        json!({}),
    )
    .await
    .expect("account created")["createAccount"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (client, address, account) = (client.clone(), address.clone(), account.clone());
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for b in 0.. {
                let batch = format!("W{w}B{b}");
                let inputs: Vec<Value> = (0..BATCH)
                    .map(|p| json!({ "accountId": account, "name": format!("{batch}P{p}"), "department": "it", "level": "operational" }))
                    .collect();
                match post(
                    &client,
                    &address,
                    "mutation($inputs: [CreatePersonInput!]!) { createPeople(inputs: $inputs) { id } }",
                    json!({ "inputs": inputs }),
                )
                .await
                {
                    Some(_) => acknowledged.push(batch),
                    None => break,
                }
            }
            acknowledged
        }));
    }
    // Let the writers get going, then kill the server without warning.
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.kill().expect("SIGKILL sent");
    server.wait().unwrap();
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    assert!(
        acknowledged.len() >= WRITERS,
        "the writers got answers before the kill ({} batches)",
        acknowledged.len()
    );

    // A new server over what the killed one left.
    let after = spawn_on(&url, dir).await;
    let people = after
        .ok(
            "query($id: ID!) { account(id: $id) { people { name } } }",
            json!({ "id": account }),
        )
        .await;
    let mut per_batch: HashMap<String, usize> = HashMap::new();
    for p in people["account"]["people"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let batch = &name[..name.rfind('P').unwrap()];
        *per_batch.entry(batch.to_owned()).or_default() += 1;
    }
    for (batch, n) in &per_batch {
        assert_eq!(*n, BATCH, "batch {batch} is there in part ({n} of {BATCH})");
    }
    for batch in &acknowledged {
        assert_eq!(
            per_batch.get(batch),
            Some(&BATCH),
            "acknowledged batch {batch} is lost"
        );
    }
    eprintln!(
        "{backend:?}: {} batches acknowledged before the kill, {} found whole after it",
        acknowledged.len(),
        per_batch.len()
    );
}

/// The `data` of a successful answer; None when the server did not answer (killed)
/// or answered with errors.
async fn post(
    client: &reqwest::Client,
    address: &str,
    query: &str,
    variables: Value,
) -> Option<Value> {
    let response = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .ok()?;
    let body: Value = response.json().await.ok()?;
    if body.get("errors").is_some() {
        panic!("a write was refused: {body}");
    }
    Some(body["data"].clone())
}

crate::each_backend!(killed_server_loses_no_acknowledged_write);
