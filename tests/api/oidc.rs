//! OpenID Connect sign-on against a real provider: oidc-provider (a certified
//! implementation) run with Node.js by tests/oidc/provider.mjs. Tokens it issues
//! let their holders in with the role and accounts their claims give; every
//! refusal says why with a code; a rotated signing key is fetched when a token
//! names it.
//!
//! `.ci/run` installs oidc-provider under `target/oidc-provider`; elsewhere
//! `npm install --prefix target/oidc-provider oidc-provider@9.13.3`. Without it the
//! test says SKIPPED, and fails under `GUANXI_REQUIRE_OIDC=1` (as in CI).

use std::{
    io::BufRead,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use serde_json::{json, Value};

use crate::helpers::{create_account, fresh_database, spawn_on, spawn_on_with, Backend, TestApp};

struct Provider {
    child: Child,
    issuer: String,
    port: u16,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn modules() -> Option<PathBuf> {
    let dir = std::env::var("GUANXI_OIDC_PROVIDER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/oidc-provider"));
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    (node && dir.join("node_modules/oidc-provider").exists()).then_some(dir)
}

/// Starts the provider (on `port`, or a free one) with these clients.
fn start(
    dir: &Path,
    callers: &Value,
    keys: &Path,
    port: Option<u16>,
    rotate: bool,
    extra: &[(&str, String)],
) -> Provider {
    // Its imports resolve from the directory holding node_modules.
    let script = dir.join("provider.mjs");
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/provider.mjs"),
        &script,
    )
    .unwrap();
    let mut command = Command::new("node");
    command
        .arg(&script)
        .current_dir(dir)
        .env("CALLERS", callers.to_string())
        .env("KEYS", keys)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(p) = port {
        command.env("PORT", p.to_string());
    }
    if rotate {
        command.env("ROTATE", "1");
    }
    command.envs(extra.iter().map(|(k, v)| (*k, v)));
    let mut child = command.spawn().expect("node starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let line = lines
        .next()
        .expect("the provider says where it listens")
        .unwrap();
    // Whatever it says later is read and dropped: a closed pipe would kill it.
    std::thread::spawn(move || lines.for_each(drop));
    let issuer = serde_json::from_str::<Value>(&line).unwrap()["issuer"]
        .as_str()
        .unwrap()
        .to_owned();
    let port = issuer.rsplit(':').next().unwrap().parse().unwrap();
    Provider {
        child,
        issuer,
        port,
    }
}

async fn token_for(client: &reqwest::Client, issuer: &str, id: &str, resource: &str) -> String {
    let answer: Value = client
        .post(format!("{issuer}/token"))
        .basic_auth(id, Some(format!("{id}-secret")))
        .form(&[
            ("grant_type", "client_credentials"),
            ("resource", resource),
            ("scope", "api"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_owned()
}

async fn signed(
    client: &reqwest::Client,
    issuer: &str,
    claims: Value,
    alg: &str,
    kid: Option<&str>,
) -> String {
    let answer: Value = client
        .post(format!("{issuer}/test/sign"))
        .body(json!({ "claims": claims, "alg": alg, "kid": kid }).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["token"].as_str().unwrap().to_owned()
}

async fn ask(app: &TestApp, token: &str, query: &str) -> (u16, Value) {
    app.post_as(Some(token), query).await
}

const COUNT: &str = "{ accounts(first: 10) { totalCount } }";

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// The provider's modules, or `None` after saying the test is skipped (a
/// failure under `GUANXI_REQUIRE_OIDC=1`).
fn provider_modules() -> Option<PathBuf> {
    let found = modules();
    if found.is_none() {
        assert!(
            !std::env::var("GUANXI_REQUIRE_OIDC").is_ok_and(|v| v == "1"),
            "GUANXI_REQUIRE_OIDC=1 but node or oidc-provider is missing"
        );
        crate::helpers::skipped(
            "no OpenID provider: npm install --prefix target/oidc-provider oidc-provider@9.13.3",
        );
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_from_the_provider_sign_people_in() {
    let Some(dir) = provider_modules() else {
        return;
    };
    let (url, db) = fresh_database(Backend::Sqlite).await.unwrap();
    let setup = spawn_on(&url, db).await;
    let huaxin = create_account(&setup, "Huaxin Mobile").await;
    create_account(&setup, "Jiangnan Power Grid").await;
    let callers = json!({
        "planning-lead": { "guanxi_role": "admin", "preferred_username": "王磊" },
        "wall-es": { "guanxi_role": "viewer", "guanxi_accounts": [huaxin] },
        "nobody": {},
        "muddled": { "guanxi_role": "viewer", "guanxi_accounts": "all of them" },
        "owner": { "guanxi_role": "owner" },
        "team-tablet": { "groups": ["staff", "huaxin-account-team"], "email": "li.na@corp.example" },
    });
    let scratch = tempfile::tempdir().unwrap();
    let keys = scratch.path().join("keys.json");
    let provider = start(&dir, &callers, &keys, None, false, &[]);
    let issuer = provider.issuer.clone();
    let mut options = guanxi::api::oidc::OidcOptions::new(&issuer, "urn:guanxi");
    options.refetch_keys_after = Duration::ZERO;
    let groups = scratch.path().join("groups.toml");
    std::fs::write(
        &groups,
        format!("claim = \"groups\"\n[[group]]\nname = \"huaxin-account-team\"\nrole = \"member\"\naccounts = [\"{huaxin}\"]\n[[group]]\nname = \"auditors\"\nrole = \"viewer\"\naccounts = [\"{huaxin}\"]\n"),
    )
    .unwrap();
    options.groups = Some(guanxi::api::oidc::GroupMapping::load(&groups).unwrap());
    std::fs::write(&groups, "[[group]]\nname = \"x\"\nrole = \"owner\"\n").unwrap();
    let bad = guanxi::api::oidc::GroupMapping::load(&groups)
        .unwrap_err()
        .to_string();
    assert!(
        bad.contains("groups.toml") && bad.contains("group 1 (x)"),
        "{bad}"
    );
    let app = spawn_on_with(
        &url,
        None,
        guanxi::api::HttpOptions {
            oidc: Some(options),
            ..Default::default()
        },
    )
    .await;
    let http = reqwest::Client::new();

    // No page client given: the page asks for an API token.
    let how: Value = http
        .get(format!("{}/sign-on", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(how, json!({ "enabled": false }));

    // With sign-on, a request without a token is refused.
    let (status, body) = app.post_as(None, COUNT).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(code(&body), "UNAUTHENTICATED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sign in"),
        "{body}"
    );

    // An admin's RS256 token reads everything and writes under their name.
    let lead = token_for(&http, &issuer, "planning-lead", "urn:guanxi").await;
    let (status, body) = ask(&app, &lead, COUNT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["accounts"]["totalCount"], 2, "{body}");
    let (_, body) = ask(
        &app,
        &lead,
        "mutation { createCompetitor(input: { name: \"Rival Networks\" }) { id } }",
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let audit = setup
        .store
        .audit_trail(&guanxi::store::AuditFilter::default(), 0, 5)
        .await
        .unwrap()
        .0;
    assert_eq!(
        audit[0].author_name, "王磊",
        "the audit names who signed in"
    );

    // A viewer's ES256 token reaches its account only and cannot write.
    let wall = token_for(&http, &issuer, "wall-es", "urn:guanxi").await;
    let (status, body) = ask(&app, &wall, COUNT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["accounts"]["totalCount"], 1, "{body}");
    let (_, body) = ask(
        &app,
        &wall,
        "mutation { createCompetitor(input: { name: \"Other Rival\" }) { id } }",
    )
    .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");

    // A token with groups instead of a role: the mapped group's role and accounts.
    let tablet = token_for(&http, &issuer, "team-tablet", "urn:guanxi").await;
    let (status, body) = ask(&app, &tablet, COUNT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["accounts"]["totalCount"], 1, "{body}");
    let (_, body) = ask(
        &app,
        &tablet,
        "mutation { createCompetitor(input: { name: \"Third Rival\" }) { id } }",
    )
    .await;
    assert_eq!(
        code(&body),
        "FORBIDDEN",
        "a member changes only its accounts: {body}"
    );

    // Refusals, each with its code.
    let other = token_for(&http, &issuer, "planning-lead", "urn:other-app").await;
    let (status, body) = ask(&app, &other, COUNT).await;
    assert_eq!((status, code(&body)), (401, "WRONG_AUDIENCE"), "{body}");
    let nobody = token_for(&http, &issuer, "nobody", "urn:guanxi").await;
    let (status, body) = ask(&app, &nobody, COUNT).await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("guanxi_role"),
        "{body}"
    );
    let muddled = token_for(&http, &issuer, "muddled", "urn:guanxi").await;
    let (status, body) = ask(&app, &muddled, COUNT).await;
    assert_eq!((status, code(&body)), (401, "TOKEN_INVALID"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("guanxi_accounts"),
        "{body}"
    );
    let owner = token_for(&http, &issuer, "owner", "urn:guanxi").await;
    let (_, body) = ask(&app, &owner, COUNT).await;
    assert_eq!(code(&body), "TOKEN_INVALID", "{body}");

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = |exp: i64, nbf: i64, iss: &str| json!({ "iss": iss, "aud": "urn:guanxi", "sub": "ops", "exp": exp, "nbf": nbf, "guanxi_role": "admin" });
    let expired = signed(
        &http,
        &issuer,
        claims(now - 120, now - 700, &issuer),
        "RS256",
        None,
    )
    .await;
    let (status, body) = ask(&app, &expired, COUNT).await;
    assert_eq!((status, code(&body)), (401, "TOKEN_EXPIRED"), "{body}");
    let within_skew = signed(
        &http,
        &issuer,
        claims(now - 20, now - 700, &issuer),
        "ES256",
        None,
    )
    .await;
    let (status, body) = ask(&app, &within_skew, COUNT).await;
    assert_eq!(
        status, 200,
        "20 s past exp is within the clock skew: {body}"
    );
    let early = signed(
        &http,
        &issuer,
        claims(now + 600, now + 300, &issuer),
        "RS256",
        None,
    )
    .await;
    let (_, body) = ask(&app, &early, COUNT).await;
    assert_eq!(code(&body), "TOKEN_NOT_YET_VALID", "{body}");
    let elsewhere = signed(
        &http,
        &issuer,
        claims(now + 600, now, "http://127.0.0.1:1"),
        "RS256",
        None,
    )
    .await;
    let (_, body) = ask(&app, &elsewhere, COUNT).await;
    assert_eq!(code(&body), "WRONG_ISSUER", "{body}");
    let unknown_key = signed(
        &http,
        &issuer,
        claims(now + 600, now, &issuer),
        "RS256",
        Some("no-such-key"),
    )
    .await;
    let (_, body) = ask(&app, &unknown_key, COUNT).await;
    assert_eq!(code(&body), "UNKNOWN_SIGNING_KEY", "{body}");
    let mut tampered = lead.clone();
    tampered.pop();
    tampered.push(if lead.ends_with('A') { 'B' } else { 'A' });
    let (_, body) = ask(&app, &tampered, COUNT).await;
    assert!(
        matches!(code(&body), "BAD_SIGNATURE" | "TOKEN_INVALID"),
        "{body}"
    );
    let (_, body) = ask(&app, "not.a.jwt", COUNT).await;
    assert_eq!(code(&body), "TOKEN_INVALID", "{body}");
    // API tokens keep working beside sign-on.
    let (_, machine) = setup
        .store
        .create_token("nightly sync", guanxi::domain::Role::Admin, &[])
        .await
        .unwrap();
    let (status, _) = ask(&app, &machine, COUNT).await;
    assert_eq!(status, 200);

    // The provider rotates its keys (same issuer, new signing keys): a token
    // signed with the new key is let in once the keys are fetched again.
    let port = provider.port;
    drop(provider);
    let rotated = start(&dir, &callers, &keys, Some(port), true, &[]);
    assert_eq!(rotated.issuer, issuer);
    let fresh = token_for(&http, &issuer, "planning-lead", "urn:guanxi").await;
    let (status, body) = ask(&app, &fresh, COUNT).await;
    assert_eq!(status, 200, "a token signed with the new key: {body}");
    let (status, body) = ask(&app, &lead, COUNT).await;
    assert_eq!(status, 200, "the old key is still published: {body}");
}

/// `--oidc-issuer` takes https://, or http:// on loopback only.
#[test]
fn the_serve_command_checks_the_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sso.db").display());
    let out = crate::helpers::guanxi_command(
        &url,
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--oidc-issuer",
            "http://login.corp.example",
            "--oidc-audience",
            "guanxi",
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("must be https://"), "{err}");
    let out = crate::helpers::guanxi_command(
        &url,
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--oidc-issuer",
            "https://login.corp.example",
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--oidc-audience"));
}

/// Submits the provider's own forms (sign-in, consent, sign-out) until the
/// browser is back on guanxi's page, typing `login` where a login is asked.
async fn through_the_provider(c: &fantoccini::Client, issuer: &str, login: &str) {
    use fantoccini::Locator;
    let started = std::time::Instant::now();
    loop {
        if started.elapsed() > Duration::from_secs(20) {
            panic!(
                "stuck at the provider: {}\n{}",
                c.current_url().await.unwrap(),
                c.source().await.unwrap_or_default()
            );
        }
        let here = c.current_url().await.unwrap().to_string();
        if !here.starts_with(issuer) {
            return;
        }
        if let Ok(input) = c.find(Locator::Css("input[name=login]")).await {
            input.send_keys(login).await.unwrap();
            c.find(Locator::Css("input[name=password]"))
                .await
                .unwrap()
                .send_keys("any password")
                .await
                .unwrap();
        }
        if let Ok(button) = c.find(Locator::Css("button[type=submit]")).await {
            let _ = button.click().await;
            // The next page, or the same one while it submits.
            let clicked = std::time::Instant::now();
            while clicked.elapsed() < Duration::from_secs(5)
                && c.current_url().await.is_ok_and(|u| u.as_str() == here)
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        } else {
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

/// The page signs people in at the provider (authorization code with PKCE):
/// back with a token, it shows the accounts the token's claims give, hears live
/// updates, names who is signed in, and signs out at the provider; someone the
/// provider knows but guanxi gives no role is told why on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_signs_in_through_the_provider() {
    use fantoccini::Locator;
    let Some(dir) = provider_modules() else {
        return;
    };
    let Some((_driver, driver)) = crate::browser::start_driver().await else {
        return;
    };
    let (_url, demo) = crate::helpers::demo_server(Backend::Sqlite)
        .await
        .expect("SQLite");
    let accounts = demo
        .ok("{ accounts(first: 10) { nodes { id name } } }", json!({}))
        .await;
    let first = &accounts["accounts"]["nodes"][0];
    let account = first["id"].as_str().unwrap().to_owned();
    // The provider's port first: guanxi needs its issuer, it needs guanxi's page.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let issuer = format!("http://127.0.0.1:{port}");
    let mut options = guanxi::api::oidc::OidcOptions::new(&issuer, "urn:guanxi");
    options.page_client_id = Some("guanxi-page".into());
    let server = spawn_on_with(
        &_url,
        None,
        guanxi::api::HttpOptions {
            oidc: Some(options),
            ..Default::default()
        },
    )
    .await;
    let page = format!("{}/", server.address);
    let scratch = tempfile::tempdir().unwrap();
    let users = json!({
        "li.na": { "guanxi_role": "member", "guanxi_accounts": [account], "name": "李娜" },
        "zhao.min": {},
    });
    let _provider = start(
        &dir,
        &json!({}),
        &scratch.path().join("keys.json"),
        Some(port),
        false,
        &[
            (
                "PAGE",
                json!({ "client_id": "guanxi-page", "redirect_uri": page }).to_string(),
            ),
            ("USERS", users.to_string()),
        ],
    );

    // The page learns how to sign in from the server.
    let how: Value = reqwest::get(format!("{}/sign-on", server.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(how["enabled"], true, "{how}");
    assert_eq!(how["clientId"], "guanxi-page");
    assert_eq!(how["audience"], "urn:guanxi");
    assert_eq!(how["authorizationEndpoint"], format!("{issuer}/auth"));
    assert_eq!(how["tokenEndpoint"], format!("{issuer}/token"));

    let profile = tempfile::tempdir().unwrap();
    let c = crate::browser::browser(&driver, profile.path()).await;
    c.goto(&page).await.unwrap();
    let sign_in = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#sign-in:not([hidden])"))
        .await
        .expect("a sign-in button, as nobody is signed in");
    crate::browser::shoot(&c, "sign-in.png").await;
    sign_in.click().await.unwrap();
    through_the_provider(&c, &issuer, "li.na").await;
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#map svg g.person"))
        .await
        .expect("the map, once signed in");
    assert_eq!(
        c.current_url().await.unwrap().query(),
        None,
        "the code is gone from the address"
    );
    let options = c.find_all(Locator::Css("#account option")).await.unwrap();
    assert_eq!(options.len(), 1, "only the account li.na's token gives");
    assert_eq!(
        options[0].text().await.unwrap(),
        first["name"].as_str().unwrap()
    );
    assert_eq!(crate::browser::text(&c, "#signed-in-name").await, "li.na");
    crate::browser::eventually("live updates with the sign-on token", || async {
        c.find(Locator::Css("#live.on")).await.is_ok()
    })
    .await;
    // The token is this tab's, not kept for the next person at this browser.
    let kept = c
        .execute(
            "return [sessionStorage.getItem('guanxi.signon'), localStorage.getItem('guanxi.token')]",
            vec![],
        )
        .await
        .unwrap();
    let held: Value = serde_json::from_str(kept[0].as_str().unwrap()).unwrap();
    assert_eq!(
        held["token"].as_str().unwrap().split('.').count(),
        3,
        "a JWT"
    );
    assert!(kept[1].is_null(), "no API token stored: {kept}");
    crate::browser::shoot(&c, "signed-in.png").await;

    // Signing out ends the provider's session too, and back on the page it asks again.
    c.find(Locator::Id("sign-out"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    through_the_provider(&c, &issuer, "").await;
    let sign_in = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#sign-in:not([hidden])"))
        .await
        .expect("the sign-in button after signing out");
    assert!(c.find(Locator::Css("#signed-in[hidden]")).await.is_ok());

    // Someone the provider knows but guanxi gives no role: told why, let in nowhere.
    sign_in.click().await.unwrap();
    through_the_provider(&c, &issuer, "zhao.min").await;
    crate::browser::eventually("the refusal on the page", || async {
        crate::browser::text(&c, "#token-error")
            .await
            .contains("guanxi_role")
    })
    .await;
    assert!(c
        .find_all(Locator::Css("#account option"))
        .await
        .unwrap()
        .is_empty());

    // A sign-in that has run out is forgotten, and the page says so.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let stale = signed(
        &reqwest::Client::new(),
        &issuer,
        json!({ "iss": issuer, "aud": "urn:guanxi", "sub": "li.na", "exp": now - 600,
                "guanxi_role": "member", "guanxi_accounts": [account] }),
        "RS256",
        None,
    )
    .await;
    c.execute(
        "sessionStorage.setItem('guanxi.signon', JSON.stringify({ token: arguments[0] })); location.reload();",
        vec![json!(stale)],
    )
    .await
    .unwrap();
    crate::browser::eventually("the page says the sign-in expired", || async {
        crate::browser::text(&c, "#token-error")
            .await
            .contains("expired")
    })
    .await;
    let forgotten = c
        .execute("return sessionStorage.getItem('guanxi.signon')", vec![])
        .await
        .unwrap();
    assert!(
        forgotten.is_null(),
        "the stale token is dropped: {forgotten}"
    );
    c.close().await.unwrap();
}
