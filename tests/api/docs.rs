//! Every GraphQL block of the README, of docs/scoring.md and docs/transfer.md, and
//! every operation in graphql/examples/ runs as written against a demo server:
//! its variables are filled from the demo by name, as the README tells a reader to
//! fill them from the first query.

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::helpers::{demo_server, Backend, TestApp};

const DEAL: &str = "5G Core Network Expansion Phase II";

/// The ```graphql blocks of a Markdown file.
fn blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```graphql") => current = Some(String::new()),
            (Some(block), "```") => {
                out.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// The names of the variables an operation declares (`$name:`).
fn declared(document: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = document;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if rest[name.len()..].trim_start().starts_with(':') && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The demo's records the variables name.
struct Demo {
    account: Value,
    deal: Value,
    employee: Value,
    cfo: Value,
    decision_maker: Value,
    competitor: Value,
}

async fn demo(app: &TestApp) -> Demo {
    let data = app
        .ok(
            "{ accounts(first: 10) { nodes { id name opportunities { id name decisionChain { buyingRole person { id name } } } } }
               employees { id name } competitors { id name } }",
            json!({}),
        )
        .await;
    let (account, deal) = data["accounts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|a| {
            a["opportunities"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["name"] == DEAL)
                .map(|o| (a.clone(), o.clone()))
        })
        .expect("the demo deal");
    let chain = deal["decisionChain"].as_array().unwrap();
    let person = |pick: &dyn Fn(&Value) -> bool| {
        chain.iter().find(|m| pick(m)).expect("a chain member")["person"]["id"].clone()
    };
    let employee = data["employees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "张伟")
        .expect("张伟")["id"]
        .clone();
    Demo {
        cfo: person(&|m| m["person"]["name"] == "赵立新"),
        decision_maker: person(&|m| m["buyingRole"] == "decision_maker"),
        account: account["id"].clone(),
        deal: deal["id"].clone(),
        employee,
        competitor: data["competitors"][0]["id"].clone(),
    }
}

fn variables(document: &str, demo: &Demo) -> Value {
    let mut vars = Map::new();
    for name in declared(document) {
        let value = match name.as_str() {
            "employee" => demo.employee.clone(),
            "person" | "target" | "cfo" => demo.cfo.clone(),
            "dm" => demo.decision_maker.clone(),
            "rival" => demo.competitor.clone(),
            "opportunity" => demo.deal.clone(),
            "account" => demo.account.clone(),
            "id" if document.contains("account(id: $id)") => demo.account.clone(),
            "id" => demo.deal.clone(),
            "period" => json!("2026-Q4"),
            "asOf" => Value::Null,
            "rows" => json!([{
                "person_ref": "P1",
                "account_ref": "Huaxin Mobile Communications Co., Ltd.",
                "person_name": "王建国",
                "level": "executive",
                "department": "executive_office"
            }]),
            other => panic!("no demo value for ${other} in {document}"),
        };
        vars.insert(name, value);
    }
    Value::Object(vars)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_runs_against_the_demo() {
    let (_, app) = demo_server(Backend::Sqlite).await.expect("SQLite");
    let demo = demo(&app).await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut operations: Vec<(String, String)> = Vec::new();
    for file in ["README.md", "docs/scoring.md", "docs/transfer.md"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for (i, block) in blocks(&text).into_iter().enumerate() {
            operations.push((format!("{file} block {}", i + 1), block));
        }
    }
    let mut examples: Vec<_> = std::fs::read_dir(root.join("graphql/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    examples.sort();
    for path in examples {
        let text = std::fs::read_to_string(&path).unwrap();
        operations.push((path.display().to_string(), text));
    }
    assert!(operations.len() >= 15, "{} operations", operations.len());
    for (place, document) in &operations {
        assert!(
            !document.contains('…') && !document.contains("<the"),
            "{place} has a placeholder a reader cannot run"
        );
        let body = app.post_graphql(document, variables(document, &demo)).await;
        assert!(
            body.get("errors").is_none() && !body["data"].is_null(),
            "{place} fails against the demo: {}",
            serde_json::to_string_pretty(&body).unwrap()
        );
        // An import run with `partial` answers without errors even when it leaves
        // rows out: none may be.
        if let Some(rejected) = body["data"]["importRows"]["rejected"].as_array() {
            assert!(rejected.is_empty(), "{place} leaves rows out: {body}");
        }
    }
}

#[test]
fn variables_are_read_from_their_declarations_only() {
    assert_eq!(
        declared("query Q($a: ID!, $b_2: [ID!]) { x(a: $a, b: $b_2) }"),
        vec!["a", "b_2"]
    );
    assert_eq!(
        blocks("x\n```graphql\n{ a }\n```\n```sh\nno\n```\n"),
        vec!["{ a }\n"]
    );
}
