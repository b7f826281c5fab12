//! The server's plain HTTP surface, the checked-in SDL and the demo data.

use serde_json::json;

use crate::{
    both_backends,
    helpers::{spawn_app, Backend, TestApp},
};

#[test]
fn checked_in_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("graphql/schema.graphql");
    let checked_in = std::fs::read_to_string(&path).expect("graphql/schema.graphql exists");
    let generated = guanxi::api::sdl();
    assert!(
        checked_in == generated,
        "graphql/schema.graphql is out of date; run `cargo run -- schema > graphql/schema.graphql`"
    );
}

#[tokio::test]
async fn health_and_graphiql_answer() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let health: serde_json::Value = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health, json!({ "status": "ok", "database": "sqlite" }));
    let page = app
        .client
        .get(format!("{}/graphql", app.address))
        .send()
        .await
        .unwrap();
    assert!(page.status().is_success());
    let html = page.text().await.unwrap();
    assert!(html.contains("graphiql"));
    // Everything the console loads comes from this server (an intranet has no
    // unpkg.com): no address of another site, and every file it names is served.
    assert!(
        !html.contains("://"),
        "GraphiQL loads nothing from another site"
    );
    let files: Vec<&str> = html
        .split(['"', '\''])
        .filter(|s| s.starts_with("/assets/graphiql/"))
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    for file in files {
        let url = format!("{}{file}", app.address);
        let packed = app
            .client
            .get(&url)
            .header("accept-encoding", "gzip, deflate, br")
            .send()
            .await
            .unwrap();
        assert!(packed.status().is_success(), "{file}");
        assert_eq!(packed.headers()["content-encoding"], "gzip", "{file}");
        let kind = if file.ends_with(".css") {
            "text/css; charset=utf-8"
        } else {
            "text/javascript; charset=utf-8"
        };
        assert_eq!(packed.headers()["content-type"], kind, "{file}");
        assert_eq!(
            packed.headers()["x-content-type-options"],
            "nosniff",
            "{file}"
        );
        assert_eq!(packed.headers()["vary"], "accept-encoding", "{file}");
        // The version is in the path, so a file may be kept for good.
        assert!(file.contains("/1.11.5/"), "{file}");
        assert!(
            packed.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable"),
            "{file}"
        );
        let packed = packed.bytes().await.unwrap();
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&packed[..]),
            &mut unpacked,
        )
        .unwrap();
        // A client that takes no gzip gets the same file unpacked.
        let plain = app.client.get(&url).send().await.unwrap();
        assert!(plain.headers().get("content-encoding").is_none(), "{file}");
        let plain = plain.bytes().await.unwrap();
        assert_eq!(plain.len(), unpacked.len(), "{file}");
        assert!(plain[..] == unpacked[..], "{file}");
        assert!(plain.len() > 1000, "{file}: {} bytes", plain.len());
    }
    let missing = app
        .client
        .get(format!("{}/assets/graphiql/1.11.5/nothing.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let other_version = app
        .client
        .get(format!(
            "{}/assets/graphiql/0.1.0/graphiql.min.js",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        other_version.status(),
        404,
        "only the bundled version is served"
    );
}

both_backends!(demo_data_loads_once_and_reads_like_an_account_map);

async fn demo_data_loads_once_and_reads_like_an_account_map(app: TestApp) {
    let first = guanxi::demo::load(&app.store).await.expect("demo loads");
    assert_eq!(first.accounts_created, 2);
    let counts = app.counts().await;
    let second = guanxi::demo::load(&app.store)
        .await
        .expect("demo loads again");
    assert_eq!(second.accounts_created, 0);
    assert_eq!(app.counts().await, counts, "loading twice changes nothing");

    let data = app
        .ok(
            "{ accounts { nodes { name tier people { level department } opportunities { name outcome stageHistory { stage } decisionChain { buyingRole } }
                 competitors { name } employees { name } interactions(first: 500) { occurredOn } } }
               employees { role status } competitors { name relationships { strength } } supportResources { kind } }",
            json!({}),
        )
        .await;
    let accounts = data["accounts"]["nodes"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    let largest = accounts
        .iter()
        .max_by_key(|a| a["people"].as_array().unwrap().len())
        .unwrap();
    let people = largest["people"].as_array().unwrap();
    assert!(people.len() >= 30);
    for level in ["executive", "management", "operational"] {
        assert!(people.iter().any(|p| p["level"] == level), "{level}");
    }
    let departments: std::collections::HashSet<&str> = people
        .iter()
        .map(|p| p["department"].as_str().unwrap())
        .collect();
    assert!(departments.len() >= 4);
    let opportunities = largest["opportunities"].as_array().unwrap();
    assert!(opportunities.len() >= 3);
    assert!(opportunities.iter().any(|o| o["outcome"] == "WON"));
    assert!(opportunities.iter().any(|o| o["outcome"] == "LOST"));
    assert!(opportunities
        .iter()
        .any(|o| o["outcome"] == "OPEN" && o["stageHistory"].as_array().unwrap().len() > 2));
    assert_eq!(largest["competitors"].as_array().unwrap().len(), 2);
    let dates: Vec<&str> = largest["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["occurredOn"].as_str().unwrap())
        .collect();
    let (newest, oldest) = (dates.first().unwrap(), dates.last().unwrap());
    assert!(
        &oldest[..7] <= "2026-06" && &newest[..7] >= "2026-11",
        "six months: {oldest}..{newest}"
    );
    let employees = data["employees"].as_array().unwrap();
    assert!(employees.len() >= 8);
    for role in ["ar", "sr", "fr", "executive", "expert"] {
        assert!(employees.iter().any(|e| e["role"] == role), "{role}");
    }
    assert!(employees.iter().any(|e| e["status"] == "DEPARTED"));
    assert!(data["competitors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| !c["relationships"].as_array().unwrap().is_empty()));
}

both_backends!(example_operations_run_against_the_demo);

/// The operations in `graphql/examples/` stay valid against the schema and run.
async fn example_operations_run_against_the_demo(app: TestApp) {
    guanxi::demo::load(&app.store).await.unwrap();
    let ids = app
        .ok(
            "{ accountByName(name: \"HUAXIN MOBILE COMMUNICATIONS CO LTD\") { id people { id name } opportunities { id } }
               employees { id name } competitors { id } }",
            json!({}),
        )
        .await;
    let account = &ids["accountByName"];
    let person = |name: &str| {
        account["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .clone()
    };
    let employee = ids["employees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "张伟")
        .unwrap()["id"]
        .clone();
    let opportunity = account["opportunities"][0]["id"].clone();
    let examples = [
        (
            "account-map.graphql",
            json!({ "id": account["id"], "asOf": "2026-07-01" }),
        ),
        ("opportunity.graphql", json!({ "id": opportunity })),
        (
            "record-meeting.graphql",
            json!({ "account": account["id"], "employee": employee, "person": person("刘洋") }),
        ),
        ("coaching.graphql", json!({ "opportunity": opportunity })),
        (
            "scores.graphql",
            json!({ "opportunity": opportunity, "target": person("赵立新") }),
        ),
        (
            "decision-chain.graphql",
            json!({ "opportunity": opportunity, "dm": person("李明华"), "cfo": person("赵立新"),
                    "rival": ids["competitors"][0]["id"] }),
        ),
        (
            "planning-session.graphql",
            json!({ "period": "2026-Q4", "opportunity": opportunity }),
        ),
        (
            "import-rows.graphql",
            json!({ "rows": [
                { "person_ref": "X1", "account_ref": "Huaxin Mobile Communications Co., Ltd.",
                  "person_name": "钱磊", "department": "network", "level": "management" },
                { "person_ref": "X2", "account_ref": "Huaxin Mobile Communications Co., Ltd.",
                  "person_name": "孙悦", "department": "network", "level": "emperor" }
            ] }),
        ),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("graphql/examples");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        examples.len(),
        "every example is exercised"
    );
    for (file, variables) in examples {
        let query = std::fs::read_to_string(dir.join(file)).unwrap();
        let data = app.ok(&query, variables).await;
        assert!(
            data.as_object()
                .is_some_and(|o| o.values().all(|v| !v.is_null())),
            "{file}: {data}"
        );
    }
}

#[tokio::test]
async fn the_methodology_is_readable_by_front_ends() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let m = app
        .ok(
            "{ methodology { name version
                stages { id label labelZh expectedDays winSteps { id required condition } exitCriteria { id condition } }
                coachingRules { id severity condition textZh }
                questions { id text textZh yesWhen }
                vocabularies { name terms { id label labelZh } }
                strengthScale { value label } } }",
            json!({}),
        )
        .await["methodology"]
        .clone();
    assert_eq!(m["version"], "2026.12.1");
    let stages = m["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 6);
    assert!(stages
        .iter()
        .all(|s| (3..=6).contains(&s["winSteps"].as_array().unwrap().len())));
    assert!(m["coachingRules"].as_array().unwrap().len() >= 20);
    assert_eq!(m["questions"].as_array().unwrap().len(), 4);
    let roles = m["vocabularies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "buying_roles")
        .unwrap()
        .clone();
    assert!(roles["terms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == "decision_maker" && t["labelZh"] == "决策者"));
    assert_eq!(m["strengthScale"].as_array().unwrap().len(), 6);
}

mod hardening {
    use std::time::Duration;

    use guanxi::api::HttpOptions;
    use serde_json::json;

    use crate::helpers::spawn_with_http;

    fn aliases(n: usize) -> String {
        let fields: Vec<String> = (0..n)
            .map(|i| format!("a{i}: methodology {{ version }}"))
            .collect();
        format!("{{ {} }}", fields.join(" "))
    }

    #[tokio::test]
    async fn documents_with_too_many_aliases_are_refused_with_a_code() {
        let app = spawn_with_http(HttpOptions::default()).await;
        app.ok(&aliases(50), json!({})).await;
        let error = app.error(&aliases(51), json!({})).await;
        assert_eq!(error["extensions"]["code"], "INVALID_INPUT");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("51 aliased fields"),
            "{error}"
        );
        // Aliases inside fragments count too.
        let fragment = format!(
            "query {{ ...F }} fragment F on QueryRoot {{ {} }}",
            (0..60)
                .map(|i| format!("b{i}: methodology {{ version }}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(app.error_code(&fragment, json!({})).await, "INVALID_INPUT");
    }

    #[tokio::test]
    async fn introspection_can_be_turned_off() {
        let app = spawn_with_http(HttpOptions {
            introspection: false,
            ..Default::default()
        })
        .await;
        let body = app
            .post_graphql("{ __schema { types { name } } }", json!({}))
            .await;
        assert!(
            body["data"]["__schema"].is_null() || body["errors"].is_array(),
            "the schema stays hidden: {body}"
        );
        app.ok("{ methodology { version } }", json!({})).await;
        let page = app
            .client
            .get(format!("{}/graphql", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 404);
        let script = app
            .client
            .get(format!(
                "{}/assets/graphiql/1.11.5/graphiql.min.js",
                app.address
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(script.status(), 404, "GraphiQL's files go with it");

        let open = spawn_with_http(HttpOptions::default()).await;
        let shown = open
            .ok("{ __schema { queryType { name } } }", json!({}))
            .await;
        assert_eq!(shown["__schema"]["queryType"]["name"], "QueryRoot");
    }

    #[tokio::test]
    async fn cors_answers_listed_origins_only() {
        let app = spawn_with_http(HttpOptions {
            cors_origins: vec!["https://app.example.com".into()],
            ..Default::default()
        })
        .await;
        let preflight = |origin: &'static str| {
            app.client
                .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .send()
        };
        let allowed = preflight("https://app.example.com").await.unwrap();
        assert_eq!(
            allowed
                .headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap()),
            Some("https://app.example.com")
        );
        let other = preflight("https://evil.example.net").await.unwrap();
        assert!(other.headers().get("access-control-allow-origin").is_none());
    }

    #[tokio::test]
    async fn a_request_past_the_timeout_is_answered_408() {
        let app = spawn_with_http(HttpOptions {
            request_timeout: Duration::from_millis(1),
            ..Default::default()
        })
        .await;
        // A query that takes far longer than a millisecond: patterns rebuild every
        // closed deal's graph as of its close date.
        guanxi::demo::load(&app.store).await.unwrap();
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": "{ patterns { stageDays { stage median } } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 408);
    }
}
