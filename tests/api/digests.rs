//! Digests against a real SMTP server (Python's aiosmtpd, which `.ci/run`
//! installs) and a webhook receiver: each team member gets their own items in
//! their language, coaches the team's, chat webhooks a signed message in their
//! tool's shape; a second run sends nothing again; `--dry-run` sends nothing
//! and says what would go; a bad configuration is refused naming file and team.
//!
//! Without aiosmtpd the test says SKIPPED, and fails under
//! `GUANXI_REQUIRE_SMTP=1` (as in CI). SQLite and PostgreSQL.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{json, Value};

use crate::helpers::{
    create_account, create_person, fresh_database, guanxi_command, spawn_on, Backend,
};

struct Smtp(Child);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// aiosmtpd writing every message it takes into the Maildir `dir`.
fn smtp_server(dir: &Path) -> Option<(Smtp, u16)> {
    let python = std::env::var("GUANXI_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let there = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !there {
        assert!(
            !std::env::var("GUANXI_REQUIRE_SMTP").is_ok_and(|v| v == "1"),
            "GUANXI_REQUIRE_SMTP=1 but {python} has no aiosmtpd"
        );
        crate::helpers::skipped(
            "no SMTP server: apt-get install python3-aiosmtpd (or GUANXI_PYTHON)",
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(&python)
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aiosmtpd starts");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "aiosmtpd listens"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((Smtp(child), port))
}

/// Every message in the Maildir, parsed: (to, subject, body).
fn mailbox(dir: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            let raw = std::fs::read(e.path()).unwrap();
            let parsed = mailparse::parse_mail(&raw).unwrap();
            use mailparse::MailHeaderMap;
            out.push((
                parsed.headers.get_first_value("To").unwrap_or_default(),
                parsed
                    .headers
                    .get_first_value("Subject")
                    .unwrap_or_default(),
                parsed.get_body().unwrap_or_default(),
            ));
        }
    }
    out.sort();
    out
}

type Seen = Arc<Mutex<Vec<(String, axum::http::HeaderMap, String)>>>;

/// A chat tool's webhook: takes every post and keeps it.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let keep = seen.clone();
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: String| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push((uri.to_string(), headers, body));
                "ok"
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

async fn digests_reach_people_by_mail_and_webhook_once(backend: Backend) {
    let maildir = tempfile::tempdir().unwrap();
    let Some((_smtp, port)) = smtp_server(&maildir.path().join("mail")) else {
        return;
    };
    let (hooks, seen) = receiver().await;
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let app = spawn_on(&url, dir).await;
    let account = create_account(&app, "Huaxin Mobile").await;
    let cfo = create_person(&app, &account, "赵立新", "executive").await;
    let employee = |name: &str, email: &str, leaving: Option<&str>| {
        let (name, email, leaving) = (
            name.to_owned(),
            email.to_owned(),
            leaving.map(str::to_owned),
        );
        let app = &app;
        async move {
            app.ok(
                "mutation($i: CreateEmployeeInput!) { createEmployee(input: $i) { id } }",
                json!({ "i": { "name": name, "email": email, "role": "ar", "team": "north", "leavingOn": leaving } }),
            )
            .await["createEmployee"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let zhang = employee("张伟", "zhang.wei@corp.example", None).await;
    let wang = employee("王磊", "wang.lei@corp.example", None).await;
    let today = time::OffsetDateTime::now_utc().date();
    let leaving = (today + time::Duration::days(10)).to_string();
    let liu = employee("刘芳", "liu.fang@corp.example", Some(&leaving)).await;
    // A deal signed late and stalled, owned by 张伟 with 王磊 on the team.
    let deal = app
        .ok(
            "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }",
            json!({ "i": { "accountId": account, "name": "5G Core Phase II", "amount": 48000000.0, "currency": "CNY",
                            "stage": "qualify", "changedOn": "2026-01-05", "expectedSignDate": "2026-10-31",
                            "ownerId": zhang, "team": [{ "employeeId": wang, "role": "sr" }] } }),
        )
        .await["createOpportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(
        "mutation($d: ID!, $p: ID!) { setDecisionChain(opportunityId: $d, members: [{ personId: $p, buyingRole: \"decision_maker\", influence: 5 }]) { person { id } } }",
        json!({ "d": deal, "p": cfo }),
    )
    .await;
    // A second deal, to sign after 刘芳 leaves, with the CFO in its chain too.
    let later = app
        .ok(
            "mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }",
            json!({ "i": { "accountId": account, "name": "Billing upgrade", "amount": 9000000.0, "currency": "CNY",
                            "stage": "qualify", "expectedSignDate": "2027-06-30", "ownerId": zhang } }),
        )
        .await["createOpportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(
        "mutation($d: ID!, $p: ID!) { setDecisionChain(opportunityId: $d, members: [{ personId: $p, buyingRole: \"decision_maker\", influence: 5 }]) { person { id } } }",
        json!({ "d": later, "p": cfo }),
    )
    .await;
    // 刘芳 alone knows the CFO, well; 王磊 has not seen 李娜 for long.
    app.ok(
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 4 }) { id } }",
        json!({ "e": liu, "p": cfo }),
    )
    .await;
    let li_na = create_person(&app, &account, "李娜", "operational").await;
    app.ok(
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 4, assessedAt: \"2025-01-10T00:00:00Z\" }) { id } }",
        json!({ "e": wang, "p": li_na }),
    )
    .await;
    app.ok(
        "mutation($a: ID!, $o: ID!) { setImprovementPoint(input: { accountId: $a, text: \"Meet the CFO before the tender\", ownerId: $o, dueOn: \"2026-11-01\" }) { id } }",
        json!({ "a": account, "o": wang }),
    )
    .await;

    let config = maildir.path().join("digest.toml");
    std::fs::write(
        &config,
        format!(
            r#"language = "zh"
[smtp]
host = "127.0.0.1"
port = {port}
tls = "none"
from = "guanxi <guanxi@corp.example>"

[[team]]
name = "north"
email = true
coaches = ["coach.li@corp.example"]
[[team.webhook]]
url = "{hooks}/wecom"
format = "wecom"
secret_env = "GUANXI_TEST_HOOK_SECRET"
[[team.webhook]]
url = "{hooks}/dingtalk?access_token=abc"
format = "dingtalk"
secret_env = "GUANXI_TEST_HOOK_SECRET"
[[team.webhook]]
url = "{hooks}/slack"
format = "slack"
[[team.webhook]]
url = "{hooks}/json"
format = "json"
secret_env = "GUANXI_TEST_HOOK_SECRET"

[languages]
"wang.lei@corp.example" = "en"
"#
        ),
    )
    .unwrap();
    let digest = |extra: &[&str]| {
        let mut args = vec!["digest", "--config", config.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = guanxi_command(&url, &args)
            .env("GUANXI_TEST_HOOK_SECRET", "s3cret")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };

    // A dry run says who would get what, and sends nothing.
    let (ok, said) = digest(&["--dry-run"]);
    assert!(ok, "{said}");
    assert!(
        said.contains("would send to 张伟 <zhang.wei@corp.example> (zh, email)"),
        "{said}"
    );
    assert!(
        said.contains("would send to 王磊 <wang.lei@corp.example> (en, email)"),
        "{said}"
    );
    assert!(
        said.contains("5G Core Phase II（Huaxin Mobile）预计于2026-10-31签约"),
        "{said}"
    );
    assert!(
        said.contains("Improvement point overdue since 2026-11-01"),
        "{said}"
    );
    assert!(
        said.contains("刘芳将于"),
        "the leaving colleague with sole ties: {said}"
    );
    assert!(
        said.contains("Your tie with 李娜 (Huaxin Mobile) has gone cold"),
        "the cold tie, to 王磊 in English: {said}"
    );
    assert!(said.contains("阶段停留"), "the stalled deal: {said}");
    assert!(mailbox(&maildir.path().join("mail")).is_empty() && seen.lock().unwrap().is_empty());

    // Sent: each member their own, the coach the team's, each webhook one message.
    let (ok, said) = digest(&[]);
    assert!(ok, "{said}");
    let mails = mailbox(&maildir.path().join("mail"));
    let to: Vec<&str> = mails.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(mails.len(), 4, "张伟, 王磊, 刘芳 and the coach: {to:?}");
    let wang_mail = mails.iter().find(|m| m.0.contains("wang.lei")).unwrap();
    assert!(
        wang_mail.1.starts_with("guanxi digest "),
        "in English: {}",
        wang_mail.1
    );
    assert!(
        wang_mail
            .2
            .contains("Improvement point overdue since 2026-11-01"),
        "{}",
        wang_mail.2
    );
    let zhang_mail = mails.iter().find(|m| m.0.contains("zhang.wei")).unwrap();
    assert!(
        zhang_mail.1.starts_with("guanxi 每日提醒"),
        "in Chinese: {}",
        zhang_mail.1
    );
    assert!(
        !zhang_mail.2.contains("Improvement point"),
        "only their own items"
    );
    let coach = mails.iter().find(|m| m.0.contains("coach.li")).unwrap();
    assert!(
        coach.2.contains("王磊：改进点已于2026-11-01逾期"),
        "the team's, by member: {}",
        coach.2
    );

    let posts = seen.lock().unwrap().clone();
    assert_eq!(posts.len(), 4, "{posts:?}");
    for (path, headers, body) in &posts {
        let v: Value = serde_json::from_str(body).unwrap();
        let signed = |h: &axum::http::HeaderMap| {
            let ts: i64 = h["x-guanxi-timestamp"].to_str().unwrap().parse().unwrap();
            let want = guanxi::digest::deliver::signature("s3cret", ts, body);
            h["x-guanxi-signature"].to_str().unwrap() == want
        };
        if path.starts_with("/wecom") {
            assert_eq!(v["msgtype"], "markdown");
            assert!(
                v["markdown"]["content"]
                    .as_str()
                    .unwrap()
                    .contains("张伟、王磊："),
                "{v}"
            );
            assert!(signed(headers), "signed");
        } else if path.starts_with("/dingtalk") {
            assert!(
                path.contains("access_token=abc")
                    && path.contains("&timestamp=")
                    && path.contains("&sign="),
                "{path}"
            );
            assert!(v["markdown"]["title"].as_str().unwrap().contains("north"));
            assert!(signed(headers));
        } else if path.starts_with("/slack") {
            assert!(v["text"].as_str().unwrap().contains("•"));
            assert!(
                !headers.contains_key("x-guanxi-signature"),
                "no secret, no signature"
            );
        } else {
            assert!(v["items"].as_array().unwrap().len() >= 5, "{v}");
            let mut forged = headers.clone();
            forged.insert("x-guanxi-signature", "sha256=00".parse().unwrap());
            assert!(signed(headers) && !signed(&forged));
        }
    }

    // Nothing twice.
    let (ok, said) = digest(&[]);
    assert!(ok, "{said}");
    assert!(said.contains("nothing new needs anyone today"), "{said}");
    assert_eq!(mailbox(&maildir.path().join("mail")).len(), 4);
    assert_eq!(seen.lock().unwrap().len(), 4);

    // A bad configuration is refused, naming the file and the team.
    std::fs::write(
        &config,
        "[[team]]\nname = \"north\"\n[[team.webhook]]\nurl = \"http://x\"\nformat = \"teams\"\n",
    )
    .unwrap();
    let (ok, said) = digest(&["--dry-run"]);
    assert!(!ok);
    assert!(
        said.contains("digest.toml") && said.contains("team 1 (north)") && said.contains("'teams'"),
        "{said}"
    );
}

crate::each_backend!(digests_reach_people_by_mail_and_webhook_once);
