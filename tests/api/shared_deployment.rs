//! What a shared deployment needs at its edge: a request id on every answer
//! (header and error extensions), and request rate limits per token and per
//! address that never touch loopback callers or health checks.

use serde_json::{json, Value};

use crate::helpers::{fresh_database, spawn_on_with, spawn_with_http, Backend, TestApp};

const READ: &str = "{ accounts(first: 1) { totalCount } }";

async fn post(
    app: &TestApp,
    headers: &[(&str, &str)],
    body: Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&body);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

fn id_of(headers: &reqwest::header::HeaderMap) -> String {
    headers["x-request-id"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = spawn_with_http(guanxi::api::HttpOptions::default()).await;
    let (status, headers, _) = post(&app, &[], json!({ "query": READ })).await;
    assert_eq!(status, 200);
    let made = id_of(&headers);
    assert_eq!(made.len(), 32, "{made}");
    assert!(made.chars().all(|c| c.is_ascii_hexdigit()), "{made}");
    let (_, again, _) = post(&app, &[], json!({ "query": READ })).await;
    assert_ne!(id_of(&again), made, "one id per request");

    // A load balancer's id is kept; one that could not be logged plainly is not.
    let (_, headers, _) = post(
        &app,
        &[("x-request-id", "lb-7f3a:42")],
        json!({ "query": READ }),
    )
    .await;
    assert_eq!(id_of(&headers), "lb-7f3a:42");
    let long = "x".repeat(200);
    let (_, headers, _) = post(&app, &[("x-request-id", &long)], json!({ "query": READ })).await;
    assert_eq!(id_of(&headers).len(), 32);

    // In the extensions of every error: a GraphQL error, a refusal before the
    // document runs, and a page that does not exist.
    let (_, headers, body) = post(&app, &[], json!({ "query": "{ nothing }" })).await;
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        id_of(&headers),
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{body}"
    );
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "text/plain")
        .body(READ)
        .send()
        .await
        .unwrap();
    let id = id_of(response.headers());
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "UNSUPPORTED_MEDIA_TYPE"
    );
    assert_eq!(body["errors"][0]["extensions"]["requestId"], id, "{body}");
    let response = app
        .client
        .get(format!("{}/no/such/page", app.address))
        .send()
        .await
        .unwrap();
    let id = id_of(response.headers());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["requestId"], id, "{body}");
    // Answers without errors carry it in the header only.
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(health.headers()).len(), 32);
}

fn limited(rate: &str) -> guanxi::api::HttpOptions {
    guanxi::api::HttpOptions {
        rate_limit: Some(guanxi::api::RateLimit::parse(rate).unwrap()),
        // The test's requests come from loopback, as a proxy on this machine's
        // would: it names the caller in X-Forwarded-For.
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Default::default()
    }
}

async fn per_address_and_per_token(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let setup = crate::helpers::spawn_on(&url, None).await;
    let (_, secret) = setup
        .store
        .create_token("wall screen", guanxi::domain::Role::Admin, &[])
        .await
        .unwrap();
    let app = spawn_on_with(&url, dir, limited("3/min")).await;
    let bearer = format!("Bearer {secret}");

    // One address: three requests a minute, then 429 with Retry-After.
    for i in 0..3 {
        let (status, _, body) = post(
            &app,
            &[
                ("x-forwarded-for", "198.51.100.9, 203.0.113.7"),
                ("authorization", &bearer),
            ],
            json!({ "query": READ }),
        )
        .await;
        assert_eq!(status, 200, "request {i}: {body}");
    }
    let (status, headers, body) = post(
        &app,
        &[
            ("x-forwarded-for", "203.0.113.7"),
            ("authorization", &bearer),
        ],
        json!({ "query": READ }),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        id_of(&headers)
    );
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("3 requests a minute"), "{message}");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&wait), "Retry-After {wait}");

    // The token has had its three too: from another address it is refused by
    // the token's allowance; without the token that address is let in.
    let (status, _, body) = post(
        &app,
        &[
            ("x-forwarded-for", "203.0.113.8"),
            ("authorization", &bearer),
        ],
        json!({ "query": READ }),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("from this token"),
        "{body}"
    );
    let (status, _, body) = post(
        &app,
        &[("x-forwarded-for", "203.0.113.8")],
        json!({ "query": READ }),
    )
    .await;
    assert_eq!(
        status, 401,
        "past the limiter, the missing token is refused: {body}"
    );

    // Health checks and loopback callers are never limited.
    for _ in 0..5 {
        let health = app
            .client
            .get(format!("{}/healthz", app.address))
            .header("x-forwarded-for", "203.0.113.7")
            .send()
            .await
            .unwrap();
        assert_eq!(health.status().as_u16(), 200);
    }
    let local = spawn_on_with(&url, None, limited("1/min")).await;
    for i in 0..5 {
        let (status, _, body) = post(
            &local,
            &[("authorization", &bearer)],
            json!({ "query": READ }),
        )
        .await;
        assert_eq!(status, 200, "loopback request {i}: {body}");
    }
    // A forwarded-for header from a proxy that is not trusted changes nothing.
    let untrusted = spawn_on_with(
        &url,
        None,
        guanxi::api::HttpOptions {
            rate_limit: Some(guanxi::api::RateLimit::parse("1/min").unwrap()),
            ..Default::default()
        },
    )
    .await;
    for _ in 0..3 {
        let (status, _, body) = post(
            &untrusted,
            &[
                ("x-forwarded-for", "203.0.113.7"),
                ("authorization", &bearer),
            ],
            json!({ "query": READ }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
}

crate::each_backend!(per_address_and_per_token);

/// `--rate-limit` and `--log-format` as the command line takes them.
#[test]
fn the_serve_command_checks_its_rate_and_writes_json_logs() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("serve.db").display());
    let out = crate::helpers::guanxi_command(
        &url,
        &["serve", "--addr", "127.0.0.1:0", "--rate-limit", "often"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--rate-limit: 'often' is not a rate"), "{err}");

    let mut child = crate::helpers::guanxi_command(
        &url,
        &["serve", "--addr", "127.0.0.1:0", "--log-format", "json"],
    )
    .stderr(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let stdout = child.stdout.take().unwrap();
    let started = std::time::Instant::now();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let mut first = None;
    while started.elapsed() < std::time::Duration::from_secs(60) {
        match lines.next() {
            Some(Ok(line)) if line.contains("guanxi is serving") => {
                first = Some(line);
                break;
            }
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let line = first.expect("the server said it is serving");
    let parsed: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(parsed["level"], "INFO", "{line}");
    assert!(
        parsed["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("guanxi is serving"),
        "{line}"
    );
}

/// Operations on a WebSocket count against its token's allowance: past it the
/// socket is closed with 4429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_operations_count_against_the_token() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

    let (url, dir) = fresh_database(Backend::Sqlite).await.unwrap();
    let setup = crate::helpers::spawn_on(&url, dir).await;
    let (_, secret) = setup
        .store
        .create_token("wall screen", guanxi::domain::Role::Admin, &[])
        .await
        .unwrap();
    let app = spawn_on_with(&url, None, limited("3/min")).await;
    let address = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut request = address.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    request
        .headers_mut()
        .insert("x-forwarded-for", "203.0.113.50".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {secret}") } }).to_string(),
        ))
        .await
        .unwrap();
    // The upgrade carries no token (browsers send it in connection_init): three
    // operations take the token's allowance, the fourth is refused.
    let mut closed = None;
    for i in 1..=4 {
        let subscribe = json!({ "id": i.to_string(), "type": "subscribe",
            "payload": { "query": "subscription { relationshipEvents { recordId } }" } });
        if socket
            .send(Message::text(subscribe.to_string()))
            .await
            .is_err()
        {
            break;
        }
    }
    while let Ok(Some(message)) =
        tokio::time::timeout(std::time::Duration::from_secs(5), socket.next()).await
    {
        match message {
            Ok(Message::Close(frame)) => {
                closed = frame.map(|f| u16::from(f.code));
                break;
            }
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    assert_eq!(
        closed,
        Some(4429),
        "the socket past its allowance is closed with 4429"
    );
}
