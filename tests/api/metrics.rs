//! One graph build per account version however many requests want it at once,
//! a cache bounded by weight, and `GET /metrics` in Prometheus text format, open
//! on a loopback server without tokens and for admins only where tokens are in
//! force.

use guanxi::{advice::Lang, engine::Engine};
use serde_json::json;

use crate::helpers::{demo_server, spawn_on, Backend, TestApp};

/// The demo's first open opportunity.
async fn first_deal(app: &TestApp) -> uuid::Uuid {
    let body = app
        .ok(
            "{ pipeline(first: 1) { nodes { opportunity { id } } } }",
            json!({}),
        )
        .await;
    body["pipeline"]["nodes"][0]["opportunity"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Eight readers of one deal's scores, health and prompts at once.
async fn eight_readers(engine: &Engine, deal: uuid::Uuid) {
    let readers = (0..8).map(|i| {
        let engine = engine.for_one_read();
        async move {
            if i % 2 == 0 {
                engine.opportunity_scores(deal).await.map(|_| ())
            } else {
                engine.opportunity_advice(deal, Lang::Zh).await.map(|_| ())
            }
        }
    });
    for r in futures_util::future::join_all(readers).await {
        r.unwrap();
    }
}

async fn concurrent_readers_share_one_build(backend: Backend) {
    let Some((_, app)) = demo_server(backend).await else {
        return;
    };
    let deal = first_deal(&app).await;
    let engine = Engine::new(app.store.clone());
    eight_readers(&engine, deal).await;
    assert_eq!(
        engine.cache_stats().builds(),
        1,
        "one build for eight readers"
    );
    assert_eq!(engine.cache_stats().hits(), 7);
    eight_readers(&engine, deal).await;
    assert_eq!(
        engine.cache_stats().builds(),
        1,
        "built once, read from the cache"
    );

    // A write changes the account's version: one new build, shared again.
    let note = app
        .ok(
            "mutation($id: ID!) { updateOpportunity(id: $id, input: { note: \"Pricing agreed with the CFO\" }) { id } }",
            json!({ "id": deal.to_string() }),
        )
        .await;
    assert!(note["updateOpportunity"]["id"].is_string(), "{note}");
    eight_readers(&engine, deal).await;
    assert_eq!(engine.cache_stats().builds(), 2);
}

#[tokio::test]
async fn concurrent_readers_share_one_build_sqlite() {
    concurrent_readers_share_one_build(Backend::Sqlite).await;
}

#[tokio::test]
async fn concurrent_readers_share_one_build_postgres() {
    concurrent_readers_share_one_build(Backend::Postgres).await;
}

#[tokio::test]
async fn the_cache_is_bounded_by_weight() {
    let Some((_, app)) = demo_server(Backend::Sqlite).await else {
        return;
    };
    let deal = first_deal(&app).await;
    // Room for no graph at all: every read after the eviction builds again.
    let tight = Engine::with_cache_bytes(app.store.clone(), 1);
    tight.opportunity_scores(deal).await.unwrap();
    tight.settle_cache().await;
    tight.opportunity_scores(deal).await.unwrap();
    assert_eq!(tight.cache_stats().builds(), 2);
    // With room, the second read is a hit.
    let roomy = Engine::new(app.store.clone());
    roomy.opportunity_scores(deal).await.unwrap();
    roomy.settle_cache().await;
    roomy.opportunity_scores(deal).await.unwrap();
    assert_eq!(roomy.cache_stats().builds(), 1);
}

/// The value of an unlabelled metric in a scrape.
fn value(scrape: &str, name: &str) -> Option<f64> {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test]
async fn metrics_are_served_in_prometheus_text_format() {
    let Some((url, app)) = demo_server(Backend::Sqlite).await else {
        return;
    };
    let deal = first_deal(&app).await;
    let asked = app
        .ok(
            "query DealReview($id: ID!) { opportunity(id: $id) { health { score } coachingPrompts(first: 3) { ruleId } } }",
            json!({ "id": deal.to_string() }),
        )
        .await;
    assert!(asked["opportunity"]["health"].is_object(), "{asked}");
    let get = |token: Option<String>| {
        let client = app.client.clone();
        let address = app.address.clone();
        async move {
            let mut r = client.get(format!("{address}/metrics"));
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            let kind = r
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            (status, kind, r.text().await.unwrap())
        }
    };
    // A loopback server without tokens: its local administrator reads them.
    let (status, kind, scrape) = get(None).await;
    assert_eq!(status, 200, "{scrape}");
    assert!(kind.unwrap().starts_with("text/plain; version=0.0.4"));
    assert!(
        scrape.contains("guanxi_http_request_duration_seconds_bucket{operation=\"DealReview\",le="),
        "{scrape}"
    );
    for name in ["guanxi_graph_builds_total", "guanxi_db_statements_total"] {
        assert!(
            value(&scrape, name).is_some_and(|v| v >= 1.0),
            "{name} in {scrape}"
        );
    }
    assert!(
        scrape.contains("guanxi_db_pool_connections{state=\"idle\"}"),
        "{scrape}"
    );

    // Where tokens are in force: an admin's token only.
    let (_, admin) = app
        .store
        .create_token("ops", guanxi::domain::Role::Admin, &[])
        .await
        .unwrap();
    let (_, coach) = app
        .store
        .create_token("coach", guanxi::domain::Role::Coach, &[])
        .await
        .unwrap();
    let guarded = spawn_on(&url, None).await;
    let get = |token: Option<&str>| {
        let client = guarded.client.clone();
        let address = guarded.address.clone();
        let token = token.map(str::to_owned);
        async move {
            let mut r = client.get(format!("{address}/metrics"));
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, body) = get(None).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("UNAUTHENTICATED"), "{body}");
    let (status, body) = get(Some(&coach)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("FORBIDDEN"), "{body}");
    let (status, body) = get(Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("guanxi_db_statements_total"), "{body}");
}
