//! How many statements the README's first query sends, read from `GET /metrics`
//! (`guanxi_db_statements_total`). Its own test binary: the counter is
//! process-wide, so no other test may run beside this one.

use std::{path::Path, sync::Arc};

use guanxi::{methodology::Methodology, startup::Application};

/// The README's first query (the first ```graphql block).
fn readme_query() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let block = readme.split("```graphql\n").nth(1).unwrap();
    block.split("```").next().unwrap().to_owned()
}

fn statements(scrape: &str) -> u64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix("guanxi_db_statements_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("the counter is in the scrape")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_query_sends_a_bounded_number_of_statements() {
    guanxi::telemetry::count_statements();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("guanxi.db").display());
    let methodology = Arc::new(
        Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology")).unwrap(),
    );
    let app = Application::build("127.0.0.1:0".parse().unwrap(), &url, methodology, true)
        .await
        .expect("the demo server starts");
    let address = format!("http://{}", app.addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let scrape = || async {
        let text = client
            .get(format!("{address}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        statements(&text)
    };
    let query = readme_query();
    let mut counts = Vec::new();
    for _ in 0..3 {
        let before = scrape().await;
        let answer: serde_json::Value = client
            .post(format!("{address}/graphql"))
            .json(&serde_json::json!({ "query": query }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(answer["errors"].is_null(), "{answer}");
        let chains: usize = answer["data"]["accounts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["opportunities"].as_array().unwrap())
            .map(|o| o["decisionChain"].as_array().unwrap().len())
            .sum();
        assert!(chains > 30, "the demo's deals have {chains} chain members");
        counts.push(scrape().await - before);
    }
    {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "the README's first query: {counts:?} statements"
        );
    }
    // Record by record it took 261 on the demo: one per deal's chain, per
    // member's person, ties and competitor, per tie's employee. Batched, a few
    // per level of nesting, whatever the number of records.
    assert!(
        counts.iter().all(|c| *c <= 30),
        "statements per run: {counts:?}"
    );
    let _ = stop.send(());
}
