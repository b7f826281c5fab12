//! The edge as an attacker meets it: documents and JSON nested from a thousand to
//! a million deep, cross-site requests, DNS rebinding, revoked tokens on open
//! sockets, and every refusal coded JSON with its status, while the server keeps
//! serving. Measured against a real server on both backends where storage is
//! involved.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

use crate::{
    each_backend,
    helpers::{
        fresh_database, spawn_app, spawn_on, spawn_on_with, spawn_with_http, Backend, TestApp,
    },
};

/// A raw POST with the given headers and body; status, content type and body.
async fn raw(
    app: &TestApp,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> (u16, String, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .body(body);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.expect("answered");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("HTTP {status}: not JSON: {text:.200}"));
    (status, kind, body)
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("(none)")
}

const JSON: (&str, &str) = ("content-type", "application/json");

/// Still serving: a plain query answers.
async fn still_serving(app: &TestApp) {
    let data = app.ok("{ __typename }", json!({})).await;
    assert_eq!(data["__typename"], "QueryRoot");
}

/// Documents of every kind of nesting, `n` deep.
fn deep_documents(n: usize) -> Vec<(&'static str, String)> {
    let mut fragments = String::from("{ ...F0 }\n");
    for i in 0..n.min(20_000) {
        fragments.push_str(&format!("fragment F{i} on QueryRoot {{ ...F{} }}\n", i + 1));
    }
    fragments.push_str(&format!(
        "fragment F{} on QueryRoot {{ __typename }}",
        n.min(20_000)
    ));
    vec![
        (
            "selection sets",
            format!("{}{}", "{ a ".repeat(n), "}".repeat(n)),
        ),
        (
            "list values",
            format!(
                "{{ accounts(search: {}\"x\"{}) {{ totalCount }} }}",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "object values",
            format!(
                "mutation {{ createCompetitor(input: {}1{}) {{ id }} }}",
                "{a: ".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "list types",
            format!(
                "query($x: {}ID{}) {{ __typename }}",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        ("fragment chains", fragments),
        ("unclosed brackets", "{".repeat(n)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_nesting_within_the_body_limit_takes_the_server_down() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    for n in [1_000, 10_000, 100_000, 1_000_000] {
        for (kind, document) in deep_documents(n) {
            let body = json!({ "query": document }).to_string();
            if body.len() > guanxi::api::MAX_BODY_BYTES {
                // Answered 413 as soon as the length is known; the client may still
                // be writing and see the connection close instead.
                // A client of its own: the server closes the connection after it.
                if let Ok(response) = reqwest::Client::new()
                    .post(format!("{}/graphql", app.address))
                    .header(JSON.0, JSON.1)
                    .body(body)
                    .send()
                    .await
                {
                    assert_eq!(response.status(), 413, "{kind} at {n}");
                    let answer: Value = response.json().await.unwrap();
                    assert_eq!(code(&answer), "PAYLOAD_TOO_LARGE");
                }
            } else {
                let (status, _, answer) = raw(&app, &[JSON], body.clone()).await;
                assert_eq!(status, 200, "{kind} at {n}: {answer}");
                assert_eq!(
                    code(&answer),
                    "NESTING_TOO_DEEP",
                    "{kind} at {n}: {answer:.300}"
                );
                assert!(answer.get("data").is_none(), "{kind} at {n}");
            }
            still_serving(&app).await;
        }
        // JSON nested as deep (a million brackets each way is within the limit),
        // in the body and in the variables.
        let body = format!("{}{}", "[".repeat(n), "]".repeat(n));
        let (status, _, answer) = raw(&app, &[JSON], body).await;
        assert_eq!(
            (status, code(&answer)),
            (400, "NESTING_TOO_DEEP"),
            "JSON body at {n}"
        );
        let body = format!(
            r#"{{"query": "query($v: String) {{ __typename }}", "variables": {{"v": {}1{}}}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        );
        let (status, _, answer) = raw(&app, &[JSON], body).await;
        assert_eq!(
            (status, code(&answer)),
            (400, "NESTING_TOO_DEEP"),
            "variables at {n}"
        );
        still_serving(&app).await;
    }
    // Fragments that fan out threefold per link (3^31 fields once expanded, in
    // about 1 KB), and an unused chain of 150: refused before validation walks
    // them (the fan-out held a worker for hours, the chain overflowed its stack).
    let mut fan = String::from("{ ...F0 }\n");
    for i in 0..31 {
        let n = i + 1;
        fan.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{n} ...F{n} ...F{n} }}\n"
        ));
    }
    fan.push_str("fragment F31 on QueryRoot { __typename }");
    let mut unused = String::from("{ __typename }\n");
    for i in 0..150 {
        unused.push_str(&format!("fragment F{i} on QueryRoot {{ ...F{} }}\n", i + 1));
    }
    unused.push_str("fragment F150 on QueryRoot { __typename }");
    for document in [fan, unused] {
        let body = app.post_graphql(&document, json!({})).await;
        assert_eq!(code(&body), "NESTING_TOO_DEEP", "{body:.300}");
        still_serving(&app).await;
    }
    // What the page and the examples send still runs: 14 levels of selections.
    let mut ok = String::from("name");
    for _ in 0..6 {
        ok = format!("opportunities {{ account {{ {ok} }} }}");
    }
    let body = app
        .post_graphql(
            &format!("{{ accounts(first: 1) {{ nodes {{ {ok} }} }} }}"),
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_documents_over_the_websocket_are_refused_and_the_server_keeps_serving() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    for n in [1_000, 100_000, 500_000] {
        for (kind, document) in deep_documents(n) {
            let mut request = url.clone().into_client_request().unwrap();
            request.headers_mut().insert(
                "Sec-WebSocket-Protocol",
                "graphql-transport-ws".parse().unwrap(),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
            socket
                .send(Message::text(
                    json!({ "type": "connection_init", "payload": {} }).to_string(),
                ))
                .await
                .unwrap();
            let _ack = socket.next().await;
            let message =
                json!({ "id": "1", "type": "subscribe", "payload": { "query": document } })
                    .to_string();
            let too_big = message.len() > guanxi::api::MAX_BODY_BYTES;
            let _ = socket.send(Message::text(message)).await;
            let answer = tokio::time::timeout(Duration::from_secs(10), socket.next()).await;
            match answer {
                Ok(Some(Ok(Message::Text(t)))) => {
                    let v: Value = serde_json::from_str(&t).unwrap();
                    let error = match v["type"].as_str() {
                        Some("error") => &v["payload"][0],
                        Some("next") => &v["payload"]["errors"][0],
                        _ => panic!("{kind} at {n}: {v:.300}"),
                    };
                    assert_eq!(
                        error["extensions"]["code"], "NESTING_TOO_DEEP",
                        "{kind} at {n}: {v:.300}"
                    );
                }
                // A message past the limit closes the socket.
                other => assert!(too_big, "{kind} at {n}: {other:?}"),
            }
            still_serving(&app).await;
        }
    }
}

each_backend!(cross_site_requests_change_nothing);

async fn cross_site_requests_change_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let mutation = r#"mutation { createCompetitor(input: { name: "Cross Site Rival" }) { id } }"#;
    let body = json!({ "query": mutation }).to_string();
    for kind in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/json; charset=latin1"),
        None,
    ] {
        let headers: Vec<(&str, &str)> =
            kind.map(|k| vec![("content-type", k)]).unwrap_or_default();
        let (status, _, answer) = raw(&app, &headers, body.clone()).await;
        assert_eq!(
            (status, code(&answer)),
            (415, "UNSUPPORTED_MEDIA_TYPE"),
            "{kind:?}"
        );
    }
    let (status, _, answer) = raw(
        &app,
        &[JSON, ("origin", "http://evil.example")],
        body.clone(),
    )
    .await;
    assert_eq!((status, code(&answer)), (403, "FORBIDDEN_ORIGIN"));
    let (status, _, answer) = raw(&app, &[JSON, ("origin", "null")], body.clone()).await;
    assert_eq!((status, code(&answer)), (403, "FORBIDDEN_ORIGIN"));
    // Our own page's origin may.
    let own = app.address.clone();
    let (status, _, answer) = raw(
        &app,
        &[JSON, ("origin", &own)],
        json!({ "query": "{ __typename }" }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let data = app.ok("{ competitors { name } }", json!({})).await;
    assert!(
        !data.to_string().contains("Cross Site Rival"),
        "nothing was stored: {data}"
    );
    // A mutation over GET is refused.
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", mutation)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let answer: Value = response.json().await.unwrap();
    assert_eq!(code(&answer), "METHOD_NOT_ALLOWED");
    let data = app.ok("{ competitors { name } }", json!({})).await;
    assert!(!data.to_string().contains("Cross Site Rival"), "{data}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_tokens_only_loopback_names_are_served() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let evil = format!("evil.example:{port}");
    let query = json!({ "query": "{ accounts { totalCount } }" }).to_string();
    let (status, _, answer) = raw(&app, &[JSON, ("host", &evil)], query.clone()).await;
    assert_eq!((status, code(&answer)), (403, "FORBIDDEN_HOST"));
    for path in ["/", "/graphql", "/healthz"] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .header("host", &evil)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _, answer) = raw(&app, &[JSON, ("host", &host)], query.clone()).await;
        assert_eq!(status, 200, "{host}: {answer}");
    }
    // The WebSocket: Host and Origin both the rebinding name are refused.
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("host", evil.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", format!("http://{evil}").parse().unwrap());
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    assert!(
        tokio_tungstenite::connect_async(request).await.is_err(),
        "not upgraded"
    );

    // A name given with --public-host is served.
    let public = spawn_with_http(guanxi::api::HttpOptions {
        public_hosts: vec![format!("guanxi.internal:{port}")],
        ..Default::default()
    })
    .await;
    let port = public.address.rsplit(':').next().unwrap().to_owned();
    let (status, _, _) = raw(
        &public,
        &[JSON, ("host", &format!("guanxi.internal:{port}"))],
        query.clone(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = raw(
        &public,
        &[JSON, ("host", &format!("evil.example:{port}"))],
        query,
    )
    .await;
    assert_eq!(status, 403);
}

each_backend!(revoking_a_token_closes_its_open_sockets);

async fn revoking_a_token_closes_its_open_sockets(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let open = spawn_on(&url, dir).await;
    // Two ways a revocation is noticed: the periodic check (every 500 ms here), and
    // the check before a new operation (the periodic one an hour away), the
    // operation sent as a binary frame.
    for (recheck, new_operation) in [
        (Duration::from_millis(500), false),
        (Duration::from_secs(3600), true),
    ] {
        let (token, secret) = open
            .store
            .create_token("wall screen", guanxi::domain::Role::Admin, &[])
            .await
            .unwrap();
        let guarded = spawn_on_with(
            &url,
            None,
            guanxi::api::HttpOptions {
                token_recheck: recheck,
                ..Default::default()
            },
        )
        .await;
        let ws = format!("{}/graphql/ws", guarded.address.replace("http://", "ws://"));
        let mut request = ws.into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        socket
            .send(Message::text(
                json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {secret}") } }).to_string(),
            ))
            .await
            .unwrap();
        let ack = socket.next().await.unwrap().unwrap();
        assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
        let subscribe = |id: &str| {
            json!({ "id": id, "type": "subscribe", "payload": { "query": "subscription { relationshipEvents { kind } }" } }).to_string()
        };
        socket.send(Message::text(subscribe("1"))).await.unwrap();

        open.store.revoke_token(token.id).await.unwrap();
        let revoked = Instant::now();
        if new_operation {
            socket
                .send(Message::binary(subscribe("2").into_bytes()))
                .await
                .unwrap();
        }
        let closed = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match socket.next().await {
                    Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                    Some(Ok(_)) => continue,
                    _ => return None,
                }
            }
        })
        .await
        .expect("the socket is closed within seconds");
        assert_eq!(closed, Some(4403), "new operation: {new_operation}");
        if new_operation {
            assert!(
                revoked.elapsed() < Duration::from_secs(5),
                "{:?}",
                revoked.elapsed()
            );
        }
        eprintln!("socket closed {:?} after the revocation", revoked.elapsed());
    }
}

/// What is sent (a name, headers, a body) and the status and code it must get.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, String, u16, &'a str);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_is_coded_json_with_its_status() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let graphql = ("accept", "application/graphql-response+json");
    let cases: Vec<Case> = vec![
        (
            "malformed JSON",
            vec![JSON, graphql],
            "{\"query\": ".into(),
            400,
            "BAD_REQUEST",
        ),
        (
            "a batch",
            vec![JSON, graphql],
            r#"[{"query": "{ __typename }"}]"#.into(),
            400,
            "BATCH_NOT_SUPPORTED",
        ),
        (
            "1e400",
            vec![JSON, graphql],
            r#"{"query": "{ __typename }", "x": 1e400}"#.into(),
            400,
            "BAD_REQUEST",
        ),
        (
            "a lone surrogate",
            vec![JSON, graphql],
            r#"{"query": "{ a(x: \"\ud800\") }"}"#.into(),
            400,
            "BAD_REQUEST",
        ),
        (
            "JSON 200 deep",
            vec![JSON, graphql],
            format!("{}{}", "[".repeat(200), "]".repeat(200)),
            400,
            "NESTING_TOO_DEEP",
        ),
        (
            "no query",
            vec![JSON, graphql],
            r#"{"qeury": "{ __typename }"}"#.into(),
            400,
            "BAD_REQUEST",
        ),
        (
            "a syntax error",
            vec![JSON, graphql],
            r#"{"query": "{"}"#.into(),
            400,
            "INVALID_INPUT",
        ),
        (
            "an unknown field",
            vec![JSON, graphql],
            r#"{"query": "{ nothingHere }"}"#.into(),
            400,
            "INVALID_INPUT",
        ),
        (
            "malformed JSON as application/json",
            vec![JSON],
            "{\"query\": ".into(),
            400,
            "BAD_REQUEST",
        ),
        (
            "a syntax error as application/json",
            vec![JSON],
            r#"{"query": "{"}"#.into(),
            200,
            "INVALID_INPUT",
        ),
        (
            "an unacceptable answer type",
            vec![JSON, ("accept", "text/html")],
            r#"{"query": "{ __typename }"}"#.into(),
            406,
            "NOT_ACCEPTABLE",
        ),
    ];
    for (what, headers, body, status, expected) in cases {
        let (got, kind, answer) = raw(&app, &headers, body).await;
        assert_eq!((got, code(&answer)), (status, expected), "{what}: {answer}");
        assert!(kind.contains("json"), "{what}: {kind}");
        if status == 400 {
            assert!(
                answer.get("data").is_none(),
                "{what}: no data entry: {answer}"
            );
        }
    }
    // A body past the limit is answered as soon as its length is known: announce
    // 3 MiB and read the answer before sending any of it.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = app.address.trim_start_matches("http://").to_owned();
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            3 * 1024 * 1024
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
            .await
            .expect("answered before the body")
            .unwrap();
        let text = String::from_utf8_lossy(&answer[..n]);
        assert!(text.starts_with("HTTP/1.1 413"), "{text}");
        assert!(text.contains("PAYLOAD_TOO_LARGE"), "{text}");
        assert!(
            text.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{text}"
        );
    }
    // Methods a route does not take, and unknown paths.
    let response = app
        .client
        .put(format!("{}/graphql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(code(&answer), "METHOD_NOT_ALLOWED");
    let response = app
        .client
        .get(format!("{}/nothing", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(code(&answer), "NOT_FOUND");
    // application/json is answered as application/json.
    let (status, kind, _) = raw(
        &app,
        &[JSON, ("accept", "application/json")],
        r#"{"query": "{ __typename }"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("application/json"), "{kind}");
    let (_, kind, _) = raw(&app, &[JSON, graphql], r#"{"query": "{ __typename }"}"#).await;
    assert!(
        kind.starts_with("application/graphql-response+json"),
        "{kind}"
    );
    still_serving(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_the_timeout_is_coded() {
    let app = spawn_with_http(guanxi::api::HttpOptions {
        request_timeout: Duration::from_millis(1),
        ..Default::default()
    })
    .await;
    guanxi::demo::load(&app.store).await.unwrap();
    let (status, _, answer) = raw(
        &app,
        &[JSON],
        r#"{"query": "{ patterns { stageDays { stage median } } }"}"#,
    )
    .await;
    assert_eq!((status, code(&answer)), (408, "TIMEOUT"));
}

/// One opportunity's whole analysis in one document, as a coach's screen asks.
const FULL_ANALYSIS: &str = r#"query($id: ID!) { opportunity(id: $id) {
  name stage amount currency
  scores {
    keyPerson { value explanation { summary formula inputs { name value note } weights { name value } evidence { kind description value } notes } }
    decisionChain { value explanation { summary formula inputs { name value note } weights { name value } notes } }
    account { value explanation { summary formula inputs { name value } } }
    employee { value explanation { summary formula inputs { name value } } }
    ourCompany { value explanation { summary formula inputs { name value } } }
    competitor { value explanation { summary formula inputs { name value } } }
  }
  health { score breakdown { name weight value points } }
  en: coachingPrompts(lang: EN) { ruleId severity text action evidence { name value } person { name } introductionPath { description } }
  zh: coachingPrompts(lang: ZH) { ruleId severity text action evidence { name value } person { name } introductionPath { description } }
  risks { singleThreaded { person { name } employee { name } } competitorAhead { person { name } } }
  qualification { questionId question answer evidence { name value } }
  winSteps { id label status required }
  forecast { probability category explanation { probability stageProbability } }
  supportNeeds { id label status }
  decisionChain { person { name title } buyingRole influence attitude favouredCompetitor { name } relationships { kind strength employee { name } competitor { name } } }
} }"#;

each_backend!(cost_sees_lists);

async fn cost_sees_lists(backend: Backend) {
    let Some((_, app)) = crate::helpers::demo_server(backend).await else {
        return;
    };
    // accounts / opportunities / account / opportunities / ... 13 deep: each
    // opportunities level multiplies by the longest deal list.
    let mut deep = String::from("name");
    for _ in 0..6 {
        deep = format!("opportunities {{ account {{ {deep} }} }}");
    }
    let body = app
        .post_graphql(
            &format!("{{ accounts {{ nodes {{ {deep} }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "TOO_COMPLEX", "{body:.400}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("at most 100000"), "{message}");
    assert!(body.get("data").is_none() || body["data"].is_null());

    let deals = app
        .ok(
            "{ accounts { nodes { opportunities { id name } } } }",
            json!({}),
        )
        .await;
    let id = deals["accounts"]["nodes"][0]["opportunities"][0]["id"].clone();
    let analysis = app.post_graphql(FULL_ANALYSIS, json!({ "id": id })).await;
    assert!(analysis["errors"].is_null(), "{analysis:.600}");
    // Paging brings the price down: the same deep document over one account's
    // first deal is within the limit.
    let mut paged = String::from("name");
    for _ in 0..2 {
        paged = format!("opportunities {{ account {{ {paged} }} }}");
    }
    let body = app
        .post_graphql(
            &format!("{{ accounts(first: 1) {{ nodes {{ {paged} }} }} }}"),
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body:.400}");
}

each_backend!(one_set_of_input_rules_refuses_what_would_mislead);

async fn one_set_of_input_rules_refuses_what_would_mislead(backend: Backend) {
    use crate::helpers::{create_account, create_employee, create_person};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let account = create_account(&app, "Acme Tech").await;
    let person = create_person(&app, &account, "王建国", "executive").await;
    let employee = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    create_account(&app, "东方电网能源股份有限公司").await;
    create_account(&app, "Infotech Ltd").await;
    let before = app.counts().await;

    let opportunity = |extra: &str| {
        format!(
            r#"mutation {{ createOpportunity(input: {{ accountId: "{account}", name: "Core", amount: 100.0, currency: "CNY", stage: "validate_lead" {extra} }}) {{ id }} }}"#
        )
    };
    let in_three_months =
        (time::OffsetDateTime::now_utc().date() + time::Duration::days(90)).to_string();
    // (what, document, where the refusal must point: the field or a word of it)
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "year 0",
            opportunity(r#", expectedSignDate: "0000-01-01""#),
            "expectedSignDate",
        ),
        (
            "year -1",
            opportunity(r#", expectedSignDate: "-0001-12-31""#),
            "expectedSignDate",
        ),
        (
            "year 1899",
            opportunity(r#", expectedSignDate: "1899-12-31""#),
            "expectedSignDate",
        ),
        (
            "year 3000",
            opportunity(r#", expectedSignDate: "3000-01-01""#),
            "expectedSignDate",
        ),
        (
            "a tiny amount",
            opportunity("").replace("100.0", "0.0000001"),
            "amount",
        ),
        (
            "a third decimal",
            opportunity("").replace("100.0", "1234.567"),
            "amount",
        ),
        (
            "a quoted enum",
            opportunity(r#", outcome: "WON""#),
            "without quotes",
        ),
        (
            "an assessment in 3000",
            format!(
                r#"mutation {{ assessRelationship(input: {{ employeeId: "{employee}", personId: "{person}", strength: 3, assessedAt: "3000-01-01T00:00:00Z" }}) {{ id }} }}"#
            ),
            "assessedAt",
        ),
        (
            "an assessment in 9999",
            format!(
                r#"mutation {{ assessRelationship(input: {{ employeeId: "{employee}", personId: "{person}", strength: 3, assessedAt: "9999-12-31T00:00:00Z" }}) {{ id }} }}"#
            ),
            "assessedAt",
        ),
        (
            "an interaction three months ahead",
            format!(
                r#"mutation {{ recordInteraction(input: {{ accountId: "{account}", kind: "visit", occurredOn: "{in_three_months}", employeeIds: ["{employee}"], personIds: ["{person}"] }}) {{ id }} }}"#
            ),
            "occurredOn",
        ),
    ];
    for (what, document, pointing_at) in &cases {
        let body = app.post_graphql(document, json!({})).await;
        assert_eq!(code(&body), "INVALID_INPUT", "{what}: {body}");
        let error = &body["errors"][0];
        assert!(
            error["extensions"]["field"] == *pointing_at
                || error["message"].as_str().unwrap().contains(pointing_at),
            "{what}: {body}"
        );
    }
    // Names that are invisible, carry invisible characters or turn text around.
    for name in [
        "\u{200B}",
        "Acme\u{200B}Tech",
        "\u{FEFF}Rival",
        "Rival \u{202E}lavir",
        "\u{2066}Rival\u{2069}",
        "\u{3164}",
    ] {
        let body = app
            .post_graphql(
                "mutation($n: String!) { createCompetitor(input: { name: $n }) { id } }",
                json!({ "n": name }),
            )
            .await;
        assert_eq!(code(&body), "INVALID_INPUT", "{name:?}: {body}");
    }
    // Look-alikes of existing accounts are the same customer.
    for name in [
        "Аcme Tech",
        "ACME TECH CO., LTD.",
        "İnfotech Ltd",
        "东方电网能源（股份）有限公司",
    ] {
        let body = app
            .post_graphql(
                "mutation($n: String!) { createAccount(input: { name: $n, industry: \"telecom\", region: \"east_china\", tier: \"key\" }) { id } }",
                json!({ "n": name }),
            )
            .await;
        assert_eq!(code(&body), "DUPLICATE_NAME", "{name}: {body}");
        assert!(
            body["errors"][0]["extensions"]["existingId"].is_string(),
            "{body}"
        );
    }
    assert_eq!(app.counts().await, before, "nothing was written");

    // What is right still lands: an enum as an enum, or as a variable's string.
    app.ok(
        &opportunity(", outcome: OPEN, amount: 12345678.91"),
        json!({}),
    )
    .await;
    let data = app
        .ok(
            "mutation($o: Outcome!) { createOpportunity(input: { accountId: $a, name: \"Edge\", amount: 1.5, currency: \"CNY\", stage: \"validate_lead\", outcome: $o }) { outcome } }"
                .replace("$a", &format!("\"{account}\""))
                .as_str(),
            json!({ "o": "OPEN" }),
        )
        .await;
    assert_eq!(data["createOpportunity"]["outcome"], "OPEN");
}

each_backend!(amounts_and_defaults_are_read_exactly);

async fn amounts_and_defaults_are_read_exactly(backend: Backend) {
    use crate::helpers::create_account;
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let account = create_account(&app, "Huaxin Mobile").await;
    let create = "mutation($a: ID!, $amount: Float!) { createOpportunity(input: { accountId: $a, name: \"Core\", amount: $amount, currency: \"CNY\", stage: \"validate_lead\" }) { amount } }";
    for amount in [12345.678, 48_000_000.005, 0.000000001] {
        let body = app
            .post_graphql(create, json!({ "a": account, "amount": amount }))
            .await;
        assert_eq!(code(&body), "INVALID_INPUT", "{amount}: {body}");
    }
    let data = app
        .ok(create, json!({ "a": account, "amount": 48_000_000.01 }))
        .await;
    assert_eq!(data["createOpportunity"]["amount"], 48_000_000.01);
    // A quoted enum as a variable's default is a literal too.
    let body = app
        .post_graphql(
            "mutation($a: ID!, $o: Outcome = \"WON\") { createOpportunity(input: { accountId: $a, name: \"Edge\", amount: 1, currency: \"CNY\", stage: \"validate_lead\", outcome: $o }) { id } }",
            json!({ "a": account }),
        )
        .await;
    assert_eq!(code(&body), "INVALID_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("without quotes"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_tokens_the_page_works_behind_any_name() {
    let (url, dir) = fresh_database(Backend::Sqlite).await.unwrap();
    let open = spawn_on(&url, dir).await;
    let (_, secret) = open
        .store
        .create_token("planning lead", guanxi::domain::Role::Admin, &[])
        .await
        .unwrap();
    let guarded = spawn_on(&url, None).await;
    let bearer = format!("Bearer {secret}");
    let query = r#"{"query": "{ __typename }"}"#;
    // Served through a proxy as https://crm.example: its own page may call it.
    let headers = [
        JSON,
        ("host", "crm.example"),
        ("origin", "https://crm.example"),
        ("authorization", bearer.as_str()),
    ];
    let (status, _, answer) = raw(&guarded, &headers, query).await;
    assert_eq!(status, 200, "{answer}");
    // Another site may not, token or not.
    let headers = [
        JSON,
        ("host", "crm.example"),
        ("origin", "https://evil.example"),
        ("authorization", bearer.as_str()),
    ];
    let (status, _, answer) = raw(&guarded, &headers, query).await;
    assert_eq!((status, code(&answer)), (403, "FORBIDDEN_ORIGIN"));
}
