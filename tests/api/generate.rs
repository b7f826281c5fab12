//! `guanxi gen`: a seeded synthetic portfolio that the whole product can work on.

use serde_json::json;

use crate::{
    both_backends,
    helpers::{fresh_database, Backend, TestApp},
};

const SPEC: guanxi::transfer::PortfolioSpec = guanxi::transfer::PortfolioSpec {
    accounts: 3,
    people_per_account: 60,
    employees: 20,
    competitors: 4,
    seed: 11,
};

both_backends!(a_generated_portfolio_is_served_like_real_data);

async fn a_generated_portfolio_is_served_like_real_data(app: TestApp) {
    let made = guanxi::transfer::generate_portfolio(&app.store, &SPEC, None)
        .await
        .expect("the portfolio is written");
    assert_eq!(made.accounts, 3);
    assert_eq!(made.people, 180);
    assert!(made.relationships > 180, "{made:?}");
    assert!(made.opportunities >= 3, "{made:?}");
    let counts: std::collections::HashMap<_, _> = app.counts().await.into_iter().collect();
    assert_eq!(counts["person"], 180);
    assert_eq!(counts["employee"], 20);
    assert_eq!(counts["relationship"], made.relationships as i64);
    assert_eq!(counts["assessment"], made.relationships as i64);

    // The same seed again: every row is already there.
    let before = app.counts().await;
    guanxi::transfer::generate_portfolio(&app.store, &SPEC, None)
        .await
        .unwrap();
    assert_eq!(app.counts().await, before);

    // Scores, health and prompts over it, as a coach would open them.
    let page = app
        .ok(
            "{ pipeline(first: 100) { totalCount nodes { health promptCount accountName } } }",
            json!({}),
        )
        .await;
    let total = page["pipeline"]["totalCount"].as_i64().unwrap();
    assert!(total >= 1, "{page}");
    for item in page["pipeline"]["nodes"].as_array().unwrap() {
        let health = item["health"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&health), "{item}");
        assert!(item["accountName"]
            .as_str()
            .unwrap()
            .starts_with("Synthetic Account"));
    }
}

/// Two databases, one seed: the same data, byte for byte in the export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_portfolio() {
    let mut exports = Vec::new();
    for _ in 0..2 {
        let (url, dir) = fresh_database(Backend::Sqlite).await.unwrap();
        let app = crate::helpers::spawn_on(&url, dir).await;
        guanxi::transfer::generate_portfolio(&app.store, &SPEC, None)
            .await
            .unwrap();
        let export = guanxi::transfer::export(&app.store, None).await.unwrap();
        exports.push(serde_json::to_string(&export).unwrap());
    }
    assert_eq!(exports[0], exports[1]);
    let other = guanxi::transfer::PortfolioSpec { seed: 12, ..SPEC };
    let (url, dir) = fresh_database(Backend::Sqlite).await.unwrap();
    let app = crate::helpers::spawn_on(&url, dir).await;
    guanxi::transfer::generate_portfolio(&app.store, &other, None)
        .await
        .unwrap();
    let export = guanxi::transfer::export(&app.store, None).await.unwrap();
    assert_ne!(serde_json::to_string(&export).unwrap(), exports[0]);
}
