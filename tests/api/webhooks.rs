//! Event webhooks (SQLite and PostgreSQL): a subscribed URL gets each event
//! once, signed with its secret, after a receiver's failures too (retried with
//! backoff); a delivery that runs out of attempts is listed as failed and can be
//! sent again; only administrators manage them.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use crate::helpers::{
    create_account, create_employee, create_opportunity, create_person, fresh_database,
    spawn_on_with, Backend,
};

#[derive(Default)]
struct Receiver {
    /// Answer 503 to this many posts first.
    failing: usize,
    posts: Vec<(axum::http::HeaderMap, String)>,
}

async fn receiver() -> (String, Arc<Mutex<Receiver>>) {
    let state: Arc<Mutex<Receiver>> = Arc::default();
    let s = state.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: String| {
        let s = s.clone();
        async move {
            let mut r = s.lock().unwrap();
            if r.failing > 0 {
                r.failing -= 1;
                return axum::http::StatusCode::SERVICE_UNAVAILABLE;
            }
            r.posts.push((headers, body));
            axum::http::StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, state)
}

async fn until<F: FnMut() -> bool>(what: &str, mut done: F) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn events(r: &Arc<Mutex<Receiver>>) -> Vec<String> {
    r.lock()
        .unwrap()
        .posts
        .iter()
        .map(|(h, _)| h["x-guanxi-event"].to_str().unwrap().to_owned())
        .collect()
}

async fn events_reach_subscribers(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let app = spawn_on_with(
        &url,
        dir,
        guanxi::api::HttpOptions {
            webhook_retry: Duration::from_secs(1),
            webhook_every: Duration::from_millis(100),
            webhook_attempts: 3,
            ..Default::default()
        },
    )
    .await;
    let (hook, received) = receiver().await;
    let subscribe = "mutation($u: String!, $e: [WebhookEvent!]!) { subscribeWebhook(url: $u, events: $e) { secret webhook { id url events } } }";
    assert_eq!(
        app.error_code(subscribe, json!({ "u": "ftp://x", "e": ["DEAL_WON"] }))
            .await,
        "INVALID_INPUT"
    );
    let created = app
        .ok(subscribe, json!({ "u": hook, "e": ["ASSESSMENT_RECORDED", "STAGE_CHANGED", "DEAL_WON", "PERSON_LEFT", "IMPROVEMENT_POINT_DUE"] }))
        .await["subscribeWebhook"]
        .clone();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(created["webhook"]["events"].as_array().unwrap().len(), 5);

    let account = create_account(&app, "Huaxin Mobile").await;
    let other = create_account(&app, "Jiangnan Power").await;
    let person = create_person(&app, &account, "赵立新", "executive").await;
    let employee = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let deal = create_opportunity(&app, &account, "5G Core Phase II").await;

    // The receiver fails twice: the assessment arrives on the third attempt, once.
    received.lock().unwrap().failing = 2;
    app.ok(
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 4 }) { id } }",
        json!({ "e": employee, "p": person }),
    )
    .await;
    until("the assessment, after two failures", || {
        !events(&received).is_empty()
    })
    .await;
    let (headers, body) = received.lock().unwrap().posts[0].clone();
    assert_eq!(headers["x-guanxi-event"], "assessment.recorded");
    let ts: i64 = headers["x-guanxi-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        headers["x-guanxi-signature"].to_str().unwrap(),
        guanxi::digest::deliver::signature(&secret, ts, &body),
        "signed with the subscription's secret"
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["event"], "assessment.recorded");
    assert_eq!(v["accountId"], account.as_str());
    assert_eq!(v["data"]["strength"], 4);
    assert!(!body.contains("赵立新"), "ids, not personal data: {body}");
    let delivered = app
        .ok(
            "{ webhookDeliveries(status: DELIVERED) { event attempts } }",
            json!({}),
        )
        .await;
    assert_eq!(
        delivered["webhookDeliveries"],
        json!([{ "event": "assessment.recorded", "attempts": 3 }])
    );

    // A stage change and a win; a person leaving for another account.
    let update = "mutation($id: ID!, $i: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $i) { id } }";
    app.ok(update, json!({ "id": deal, "i": { "stage": "negotiate" } }))
        .await;
    app.ok(update, json!({ "id": deal, "i": { "outcome": "WON" } }))
        .await;
    app.ok(
        "mutation($id: ID!, $a: ID!) { updatePerson(id: $id, input: { accountId: $a }) { id } }",
        json!({ "id": person, "a": other }),
    )
    .await;
    // An improvement point due today.
    let today = time::OffsetDateTime::now_utc().date().to_string();
    app.ok(
        "mutation($a: ID!, $d: Date!) { setImprovementPoint(input: { accountId: $a, text: \"Meet the CFO\", dueOn: $d }) { id } }",
        json!({ "a": account, "d": today }),
    )
    .await;
    until("every event", || events(&received).len() >= 5).await;
    let mut got = events(&received);
    got.sort();
    assert_eq!(
        got,
        [
            "assessment.recorded",
            "deal.won",
            "improvement_point.due",
            "person.left",
            "stage.changed"
        ],
        "each once"
    );

    // A receiver that keeps failing: three attempts, then listed as failed.
    received.lock().unwrap().failing = 100;
    app.ok(update, json!({ "id": deal, "i": { "stage": "sign" } }))
        .await;
    let failed = "{ webhookDeliveries(status: FAILED) { id event attempts lastError } }";
    let started = Instant::now();
    let listed = loop {
        let v = app.ok(failed, json!({})).await["webhookDeliveries"].clone();
        if !v.as_array().unwrap().is_empty() {
            break v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the delivery fails for good"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(listed[0]["event"], "stage.changed");
    assert_eq!(listed[0]["attempts"], 3);
    assert!(
        listed[0]["lastError"].as_str().unwrap().contains("503"),
        "{listed}"
    );
    // Mended, and sent again by hand.
    received.lock().unwrap().failing = 0;
    let again = app
        .ok(
            "mutation($id: ID!) { resendWebhookDelivery(id: $id) { status attempts } }",
            json!({ "id": listed[0]["id"] }),
        )
        .await;
    assert_eq!(
        again["resendWebhookDelivery"],
        json!({ "status": "PENDING", "attempts": 0 })
    );
    until("the resent delivery", || events(&received).len() == 6).await;
    assert!(app.ok(failed, json!({})).await["webhookDeliveries"]
        .as_array()
        .unwrap()
        .is_empty());
    let hooks = app.ok("{ webhooks { id } }", json!({})).await;
    assert_eq!(hooks["webhooks"].as_array().unwrap().len(), 1);
    app.ok(
        "mutation($id: ID!) { unsubscribeWebhook(id: $id) }",
        json!({ "id": created["webhook"]["id"] }),
    )
    .await;
    assert_eq!(
        app.ok("{ webhooks { id } }", json!({})).await["webhooks"],
        json!([])
    );
}

crate::each_backend!(events_reach_subscribers);
