//! Subscriptions over WebSocket: a screen subscribed to an opportunity hears an
//! assessment and an interaction at its account the moment they are recorded,
//! and nothing from accounts outside its token's scope; tokens are checked when
//! the socket opens.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use guanxi::domain::Role;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

use crate::{
    each_backend,
    helpers::{answer_as, demo_server, spawn_on, Backend, TestApp},
};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a socket and sends `connection_init`; returns it with the server's answer.
async fn open(server: &TestApp, secret: &str) -> (Socket, Value) {
    let url = format!("{}/graphql/ws", server.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the socket opens");
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {secret}") } })
                .to_string(),
        ))
        .await
        .unwrap();
    let answer = next(&mut socket).await.unwrap_or(Value::Null);
    (socket, answer)
}

/// The next JSON message within two seconds; `None` on silence or a close.
async fn next(socket: &mut Socket) -> Option<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(2), socket.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return Some(serde_json::from_str(&t).unwrap()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            _ => return None,
        }
    }
}

async fn subscribe(socket: &mut Socket, opportunity: Option<&str>) {
    let (query, variables) = match opportunity {
        Some(o) => (
            "subscription($o: ID!) { relationshipEvents(opportunityId: $o) { kind accountId recordId personIds author } }",
            json!({ "o": o }),
        ),
        None => (
            "subscription { relationshipEvents { kind accountId recordId personIds author } }",
            json!({}),
        ),
    };
    socket
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } })
                .to_string(),
        ))
        .await
        .unwrap();
}

each_backend!(screens_hear_assessments_and_interactions_as_they_are_recorded);

async fn screens_hear_assessments_and_interactions_as_they_are_recorded(backend: Backend) {
    let Some((url, demo)) = demo_server(backend).await else {
        return;
    };
    let data = demo
        .ok(
            "{ accounts(first: 10) { nodes { id name opportunities { id } people { id name } } }
               employees { id name } }",
            json!({}),
        )
        .await;
    let accounts = data["accounts"]["nodes"].as_array().unwrap();
    let (a, b) = (&accounts[0], &accounts[1]);
    let a_id: uuid::Uuid = a["id"].as_str().unwrap().parse().unwrap();
    let b_id: uuid::Uuid = b["id"].as_str().unwrap().parse().unwrap();
    let deal = a["opportunities"][0]["id"].as_str().unwrap().to_owned();
    let (_, team_a) = demo
        .store
        .create_token("team a", Role::Member, &[a_id])
        .await
        .unwrap();
    let (_, team_b) = demo
        .store
        .create_token("team b", Role::Viewer, &[b_id])
        .await
        .unwrap();
    let server = spawn_on(&url, None).await;

    // A bad token is refused when the socket opens.
    let (_, refused) = open(&server, "gx_not_a_token").await;
    assert_ne!(refused["type"], "connection_ack", "{refused}");

    let (mut screen_a, ack) = open(&server, &team_a).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    subscribe(&mut screen_a, Some(&deal)).await;
    let (mut screen_b, ack) = open(&server, &team_b).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    subscribe(&mut screen_b, None).await;
    // Team B cannot listen to team A's deal: it is not found for them.
    let (mut prying, _) = open(&server, &team_b).await;
    subscribe(&mut prying, Some(&deal)).await;
    let refusal = next(&mut prying).await.expect("an answer");
    let errors = &refusal["payload"]["errors"];
    assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{refusal}");
    assert!(refusal["payload"]["data"].is_null(), "{refusal}");
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Team A records an assessment, then an interaction.
    let person = a["people"][0]["id"].clone();
    let employee = data["employees"][0]["id"].clone();
    let asked = std::time::Instant::now();
    let assessed = answer_as(
        &server,
        &team_a,
        "mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) { id } }",
        json!({ "input": { "employeeId": employee, "personId": person, "strength": 3 } }),
    )
    .await;
    assert!(assessed["errors"].is_null(), "{assessed}");
    let heard = next(&mut screen_a).await.expect("the assessment is heard");
    eprintln!(
        "assessment recorded and heard on the other socket in {:.1} ms",
        asked.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(heard["type"], "next", "{heard}");
    let event = &heard["payload"]["data"]["relationshipEvents"];
    assert_eq!(event["kind"], "ASSESSMENT");
    assert_eq!(event["accountId"], a["id"]);
    assert_eq!(
        event["recordId"],
        assessed["data"]["assessRelationship"]["id"]
    );
    assert_eq!(event["personIds"], json!([person]));
    assert_eq!(event["author"], "team a");

    let recorded = answer_as(
        &server,
        &team_a,
        "mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }",
        json!({ "input": { "accountId": a["id"], "opportunityId": deal, "kind": "visit",
                           "employeeIds": [employee], "personIds": [person] } }),
    )
    .await;
    assert!(recorded["errors"].is_null(), "{recorded}");
    let heard = next(&mut screen_a).await.expect("the interaction is heard");
    let event = &heard["payload"]["data"]["relationshipEvents"];
    assert_eq!(event["kind"], "INTERACTION", "{heard}");
    assert_eq!(
        event["recordId"],
        recorded["data"]["recordInteraction"]["id"]
    );

    // A change to the deal's plan (here, the person placed in its decision
    // chain) is heard too, naming the deal and the person.
    let placed = answer_as(
        &server,
        &team_a,
        "mutation($o: ID!, $m: [DecisionChainMemberInput!]!) { setDecisionChain(opportunityId: $o, members: $m) { id } }",
        json!({ "o": deal, "m": [{ "personId": person, "buyingRole": "decision_maker", "attitude": 1 }] }),
    )
    .await;
    assert!(placed["errors"].is_null(), "{placed}");
    let heard = next(&mut screen_a)
        .await
        .expect("the plan's change is heard");
    let event = &heard["payload"]["data"]["relationshipEvents"];
    assert_eq!(event["kind"], "PLAN", "{heard}");
    assert_eq!(event["recordId"], json!(deal));
    assert_eq!(event["personIds"], json!([person]));

    // Someone added to the account's org chart is heard as a change to the
    // account, naming them: the other screens' maps and lists show them.
    let added = answer_as(
        &server,
        &team_a,
        "mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }",
        json!({ "input": { "accountId": a["id"], "name": "林晓", "title": "采购经理",
                           "department": "procurement", "level": "management" } }),
    )
    .await;
    assert!(added["errors"].is_null(), "{added}");
    let heard = next(&mut screen_a).await.expect("the new person is heard");
    let event = &heard["payload"]["data"]["relationshipEvents"];
    assert_eq!(event["kind"], "ACCOUNT", "{heard}");
    assert_eq!(event["recordId"], added["data"]["createPerson"]["id"]);
    assert_eq!(
        event["personIds"],
        json!([added["data"]["createPerson"]["id"]])
    );

    // Team B, listening to everything it reaches, heard none of it.
    assert_eq!(
        next(&mut screen_b).await,
        None,
        "nothing from account A reaches team B"
    );
}

/// A page from another origin cannot open a subscription; our own page can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_origins_cannot_listen() {
    let (_, app) = demo_server(Backend::Sqlite).await.expect("SQLite");
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let host = app.address.trim_start_matches("http://").to_owned();
    for (origin, allowed) in [
        ("http://evil.example".to_owned(), false),
        (format!("http://{host}"), true),
    ] {
        let mut request = url.as_str().into_client_request().unwrap();
        let h = request.headers_mut();
        h.insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        h.insert("Origin", origin.parse().unwrap());
        let opened = tokio_tungstenite::connect_async(request).await;
        assert_eq!(opened.is_ok(), allowed, "{origin}");
    }
}

/// Over PostgreSQL, a screen on one server hears what another server recorded
/// (LISTEN/NOTIFY), people and author included, also for an interaction whose
/// participants do not fit in one notice; and nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screens_on_another_server_hear_the_write() {
    let Some((url, demo)) = demo_server(Backend::Postgres).await else {
        return;
    };
    let data = demo
        .ok(
            "{ accounts(first: 1) { nodes { id opportunities { id } people { id } } } employees { id } }",
            json!({}),
        )
        .await;
    let account = &data["accounts"]["nodes"][0];
    let account_id: uuid::Uuid = account["id"].as_str().unwrap().parse().unwrap();
    let deal = account["opportunities"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, team) = demo
        .store
        .create_token("team a", Role::Member, &[account_id])
        .await
        .unwrap();
    let writer = spawn_on(&url, None).await;
    let watcher = spawn_on(&url, None).await;
    let (mut screen, ack) = open(&watcher, &team).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    subscribe(&mut screen, Some(&deal)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let person = account["people"][0]["id"].clone();
    let employee = data["employees"][0]["id"].clone();
    let asked = std::time::Instant::now();
    let assessed = answer_as(
        &writer,
        &team,
        "mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) { id } }",
        json!({ "input": { "employeeId": employee, "personId": person, "strength": 4 } }),
    )
    .await;
    assert!(assessed["errors"].is_null(), "{assessed}");
    let heard = next(&mut screen)
        .await
        .expect("the other server's write is heard");
    eprintln!(
        "recorded on one server, heard on the other in {:.1} ms",
        asked.elapsed().as_secs_f64() * 1000.0
    );
    let event = &heard["payload"]["data"]["relationshipEvents"];
    assert_eq!(event["kind"], "ASSESSMENT", "{heard}");
    assert_eq!(
        event["recordId"],
        assessed["data"]["assessRelationship"]["id"]
    );
    assert_eq!(event["personIds"], json!([person]));
    assert_eq!(event["author"], "team a");

    // 230 participants: more than a notice holds; the listening server reads them.
    let inputs: Vec<Value> = (0..230)
        .map(|i| json!({ "accountId": account["id"], "name": format!("参会者{i}"), "department": "it", "level": "operational" }))
        .collect();
    let made = answer_as(
        &writer,
        &team,
        "mutation($inputs: [CreatePersonInput!]!) { createPeople(inputs: $inputs) { id } }",
        json!({ "inputs": inputs }),
    )
    .await;
    assert!(made["errors"].is_null(), "{made}");
    let mut people: Vec<String> = made["data"]["createPeople"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let recorded = answer_as(
        &writer,
        &team,
        "mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }",
        json!({ "input": { "accountId": account["id"], "opportunityId": deal, "kind": "workshop",
                           "employeeIds": [employee], "personIds": people } }),
    )
    .await;
    assert!(recorded["errors"].is_null(), "{recorded}");
    let heard = next(&mut screen)
        .await
        .expect("the large interaction is heard");
    let event = &heard["payload"]["data"]["relationshipEvents"];
    assert_eq!(event["kind"], "INTERACTION", "{heard}");
    let mut got: Vec<String> = event["personIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    got.sort();
    people.sort();
    assert_eq!(
        got, people,
        "every participant, read by the listening server"
    );
    assert_eq!(next(&mut screen).await, None, "each change heard once");
}

/// Over PostgreSQL, a write on one server makes every other server drop the
/// graph it cached for that account on the same notice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_servers_drop_the_stale_graph() {
    let Some((url, demo)) = demo_server(Backend::Postgres).await else {
        return;
    };
    let methodology = crate::helpers::methodology();
    let store = guanxi::store::Store::connect(&url, methodology.clone())
        .await
        .unwrap();
    let engine = guanxi::engine::Engine::new(store);
    let followed = guanxi::startup::follow_other_servers(&engine)
        .await
        .unwrap()
        .expect("PostgreSQL is followed");
    let accounts = demo
        .ok("{ accounts(first: 2) { nodes { id } } }", json!({}))
        .await;
    let ids: Vec<uuid::Uuid> = accounts["accounts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().parse().unwrap())
        .collect();
    for id in &ids {
        engine.graph(*id).await.unwrap();
    }
    engine.settle_cache().await;
    assert_eq!(engine.cached_graphs(), 2);

    // Another server (the demo's) changes the first account.
    crate::helpers::create_person(&demo, &ids[0].to_string(), "赵磊", "management").await;
    let mut dropped = false;
    for _ in 0..100 {
        engine.settle_cache().await;
        if engine.cached_graphs() == 1 {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        dropped,
        "the first account's graph is dropped on the notice"
    );
    assert!(engine.cache_stats().forgotten() >= 1);
    let builds = engine.cache_stats().builds();
    engine.graph(ids[1]).await.unwrap();
    assert_eq!(
        engine.cache_stats().builds(),
        builds,
        "the other account's graph stays"
    );
    followed.stop().await;
    engine.store().close().await;
}
