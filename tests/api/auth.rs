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

    // Lifetimes and rotation.
    let (ok, _, err) = run(&["token", "create", "--role", "admin", "--expires-in", "soon"]);
    assert!(!ok);
    assert!(err.contains("'soon' is not a duration"), "{err}");
    let (ok, _, err) = run(&["token", "create", "--role", "admin", "--expires-in", "20y"]);
    assert!(!ok);
    assert!(err.contains("longer than ten years"), "{err}");
    let (ok, out, err) = run(&[
        "token",
        "create",
        "--role",
        "admin",
        "--name",
        "ci",
        "--expires-in",
        "90d",
    ]);
    assert!(ok, "{err}");
    let expiring = out.split_whitespace().next().unwrap().to_owned();
    let in_90_days = (time::OffsetDateTime::now_utc() + time::Duration::days(90)).date();
    assert!(
        out.contains(&format!("expires {in_90_days}")),
        "{out} (expected {in_90_days})"
    );
    let created_secret = out.lines().last().unwrap().to_owned();
    let (ok, out, err) = run(&["token", "rotate", &expiring, "--grace", "1h"]);
    assert!(ok, "{err}");
    let rotated = out.lines().last().unwrap();
    assert!(
        rotated.starts_with("gx_") && rotated != created_secret,
        "{out}"
    );
    assert!(err.contains("keeps working until"), "{err}");
    let (_, out, _) = run(&["token", "list"]);
    assert!(out.contains("old secret works until"), "{out}");
    assert!(out.contains("never used"), "{out}");
    let (ok, _, err) = run(&["token", "rotate", &id]);
    assert!(!ok, "a revoked token is not rotated");
    assert!(err.contains("revoked"), "{err}");
}

/// A token lives as long as it was given; a rotated token's old secret works
/// through its grace period and no longer; each use is noted.
async fn tokens_expire_and_rotate(backend: Backend) {
    use guanxi::domain::Role;
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let open = spawn_on(&url, dir).await;
    let second = time::Duration::seconds(2);
    let (short, short_secret) = open
        .store
        .create_token_expiring("one-second script", Role::Admin, &[], Some(second))
        .await
        .unwrap();
    assert!(short.expires_at.is_some());
    let (admin, first_secret) = open
        .store
        .create_token("nightly sync", Role::Admin, &[])
        .await
        .unwrap();
    assert_eq!(admin.last_used_at, None);
    // No lifetime of zero or less, no grace below zero, no rotating what is revoked.
    let refused = open
        .store
        .create_token_expiring("x", Role::Admin, &[], Some(time::Duration::ZERO))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), guanxi::ErrorCode::InvalidInput);
    let guarded = spawn_on(&url, None).await;
    let (status, body) = post(&guarded, Some(&short_secret), READ).await;
    assert_eq!(status, 200, "in force until it expires: {body}");

    // Rotated with a two-second grace: both secrets work, then only the new one.
    let (rotated, new_secret) = open
        .store
        .rotate_token(admin.id, second, None)
        .await
        .unwrap();
    assert_ne!(new_secret, first_secret);
    assert!(rotated.rotated_at.is_some() && rotated.previous_valid_until.is_some());
    for secret in [&first_secret, &new_secret] {
        let (status, body) = post(&guarded, Some(secret), READ).await;
        assert_eq!(status, 200, "within the grace period: {body}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    let response = guarded
        .client
        .post(format!("{}/graphql", guarded.address))
        .bearer_auth(&short_secret)
        .json(&serde_json::json!({ "query": READ }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "TOKEN_EXPIRED",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired at"),
        "{body}"
    );
    let (status, body) = post(&guarded, Some(&first_secret), READ).await;
    assert_eq!(status, 401, "the old secret after its grace: {body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "TOKEN_EXPIRED");
    let (status, body) = post(&guarded, Some(&new_secret), READ).await;
    assert_eq!(status, 200, "the new secret stays: {body}");

    // A rotation without grace retires the old secret at once.
    let (_, third_secret) = open
        .store
        .rotate_token(admin.id, time::Duration::ZERO, None)
        .await
        .unwrap();
    let (status, _) = post(&guarded, Some(&new_secret), READ).await;
    assert_eq!(status, 401);
    let (status, _) = post(&guarded, Some(&third_secret), READ).await;
    assert_eq!(status, 200);

    // Each use is noted, in the background.
    let mut used = None;
    for _ in 0..50 {
        used = open.store.token(admin.id).await.unwrap().last_used_at;
        if used.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(used.is_some(), "the token's last use is noted");

    // An expired token is rotated only with a new lifetime, and its old secret
    // gets no grace past the expiry.
    let refused = open
        .store
        .rotate_token(short.id, second, None)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("--expires-in"), "{refused}");
    let (revived, revived_secret) = open
        .store
        .rotate_token(
            short.id,
            time::Duration::hours(1),
            Some(time::Duration::hours(1)),
        )
        .await
        .unwrap();
    assert!(revived.previous_valid_until.unwrap() <= time::OffsetDateTime::now_utc());
    let (status, _) = post(&guarded, Some(&short_secret), READ).await;
    assert_eq!(status, 401, "the expired secret stays refused");
    let (status, _) = post(&guarded, Some(&revived_secret), READ).await;
    assert_eq!(status, 200);

    open.store.revoke_token(admin.id).await.unwrap();
    let refused = open
        .store
        .rotate_token(admin.id, second, None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), guanxi::ErrorCode::InvalidInput);
    assert!(refused.to_string().contains("revoked"), "{refused}");
    let audit = open
        .store
        .audit_trail(&guanxi::store::AuditFilter::default(), 0, 50)
        .await
        .unwrap()
        .0;
    assert_eq!(
        audit.iter().filter(|e| e.action == "rotate token").count(),
        3,
        "every rotation is audited"
    );
}

crate::each_backend!(tokens_gate_every_request);
crate::each_backend!(tokens_expire_and_rotate);
