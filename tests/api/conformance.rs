//! GraphQL over HTTP conformance: graphql-http's server audits (npm
//! `graphql-http`, the specification's reference audits) run with Node.js against
//! a real server, and neither a MUST nor a SHOULD may fail (a MAY may).
//!
//! `.ci/run` installs the package under `target/graphql-http`; elsewhere point
//! `GUANXI_GRAPHQL_HTTP` at a directory whose `node_modules` holds it. Without
//! Node.js or the package the test says so and passes, unless
//! `GUANXI_REQUIRE_AUDIT=1` (as in CI).

use std::{path::PathBuf, process::Command};

use serde_json::Value;

use crate::helpers::{skipped, spawn_app, Backend};

fn modules() -> Option<PathBuf> {
    let dir = std::env::var("GUANXI_GRAPHQL_HTTP")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/graphql-http"));
    let modules = dir.join("node_modules");
    modules.join("graphql-http").exists().then_some(modules)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_http_audits_pass_every_must_and_should() {
    let required = std::env::var("GUANXI_REQUIRE_AUDIT").is_ok_and(|v| v == "1");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let Some(modules) = modules().filter(|_| node) else {
        assert!(
            !required,
            "GUANXI_REQUIRE_AUDIT=1 but node or graphql-http is missing"
        );
        skipped(
            "no graphql-http audit: npm install --prefix target/graphql-http graphql-http@1.23.1 graphql@16.15.0",
        );
        return;
    };
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/audit.mjs");
    let url = format!("{}/graphql", app.address);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
            .arg(&url)
            .env("GRAPHQL_HTTP_MODULES", &modules)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the audit ran: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(results.len() >= 40, "{} audits", results.len());
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["status"] != "ok")
        .filter(|r| !r["name"].as_str().unwrap_or("").starts_with("MAY"))
        .map(|r| format!("{} {}: {}", r["id"], r["name"], r["reason"]))
        .collect();
    let passed = results.iter().filter(|r| r["status"] == "ok").count();
    assert!(
        failed.is_empty(),
        "{} audits failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    eprintln!("graphql-http: {passed} of {} audits pass", results.len());
}
