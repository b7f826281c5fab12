//! API tokens: a server with tokens answers only requests presenting a valid one,
//! read-only roles cannot change data, revocation is immediate, and a server
//! without tokens only runs on a loopback address.

use serde_json::Value;

use crate::helpers::{create_account, fresh_database, methodology, spawn_on, Backend, TestApp};

async fn post(app: &TestApp, token: Option<&str>, query: &str) -> (u16, Value) {
    app.post_as(token, query).await
}

const READ: &str = "{ accounts(first: 5) { totalCount } }";
const WRITE: &str = "mutation { createCompetitor(input: { name: \"Rival Networks\" }) { id } }";

async fn tokens_gate_every_request(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    // Set up while the server still runs as the local administrator.
    let open = spawn_on(&url, dir).await;
    let (status, _) = post(&open, None, READ).await;
    assert_eq!(status, 200, "no tokens on loopback: open");
    let account = create_account(&open, "Huaxin Mobile").await;
    let account: uuid::Uuid = account.parse().unwrap();
    let (admin, admin_secret) = open
        .store
        .create_token("planning lead", guanxi::domain::Role::Admin, &[])
        .await
        .unwrap();
    let (_, viewer_secret) = open
        .store
        .create_token("wall screen", guanxi::domain::Role::Viewer, &[account])
        .await
        .unwrap();
    assert!(admin_secret.starts_with("gx_") && admin_secret.len() == 67);

    // A server started now requires a token.
    let guarded = spawn_on(&url, None).await;
    let (status, body) = post(&guarded, None, READ).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let (status, body) = post(&guarded, Some("gx_0000"), READ).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = post(&guarded, Some(&admin_secret), READ).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["accounts"]["totalCount"], 1, "{body}");
    let (_, body) = post(&guarded, Some(&admin_secret), WRITE).await;
    assert!(body["errors"].is_null(), "an admin writes: {body}");

    // A viewer reads, and is refused any change, which leaves nothing behind.
    let (status, body) = post(&guarded, Some(&viewer_secret), READ).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_null(), "{body}");
    let before = open.counts().await;
    let (_, body) = post(
        &guarded,
        Some(&viewer_secret),
        "mutation { createCompetitor(input: { name: \"Other Rival\" }) { id } }",
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert_eq!(open.counts().await, before);

    // Health checks need no token.
    let health = guarded
        .client
        .get(format!("{}/healthz", guarded.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);

    // Revocation takes effect on the next request.
    open.store.revoke_token(admin.id).await.unwrap();
    let (status, body) = post(&guarded, Some(&admin_secret), READ).await;
    assert_eq!(status, 401);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{body}"
    );
}

/// Anyone reaching a public address would be an administrator: refused.
#[tokio::test]
async fn without_tokens_a_public_address_is_refused() {
    let (url, _dir) = fresh_database(Backend::Sqlite).await.unwrap();
    let addr = "0.0.0.0:0".parse().unwrap();
    let error = match guanxi::startup::Application::build(addr, &url, methodology(), false).await {
        Ok(_) => panic!("a server without tokens started on 0.0.0.0"),
        Err(e) => e,
    };
    assert_eq!(error.code(), guanxi::ErrorCode::InvalidInput);
    assert!(error.to_string().contains("without API tokens"), "{error}");
    assert!(error.to_string().contains("guanxi token create"), "{error}");
}

/// `guanxi token create | list | revoke` as a person would run them.
#[test]
fn the_token_command_creates_lists_and_revokes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("tokens.db").display());
    let run = |args: &[&str]| {
        let out = crate::helpers::guanxi_command(&url, args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = run(&["token", "create", "--role", "viewer"]);
    assert!(!ok);
    assert!(err.contains("needs at least one account"), "{err}");
    let (ok, _, err) = run(&["token", "create", "--role", "owner"]);
    assert!(!ok);
    assert!(err.contains("not a role"), "{err}");
    let (ok, out, err) = run(&["token", "create", "--role", "admin", "--name", "ops"]);
    assert!(ok, "{err}");
    let secret = out.lines().last().unwrap();
    assert!(secret.starts_with("gx_"), "{out}");
    let id = out.split_whitespace().next().unwrap().to_owned();
    let (ok, out, _) = run(&["token", "list"]);
    assert!(ok);
    assert!(out.contains(&id) && out.contains("active"), "{out}");
    assert!(!out.contains(secret), "a listing never shows the secret");
    let (ok, _, err) = run(&["token", "revoke", &id]);
    assert!(ok, "{err}");
    let (_, out, _) = run(&["token", "list"]);
    assert!(out.contains("revoked"), "{out}");
}

crate::each_backend!(tokens_gate_every_request);
