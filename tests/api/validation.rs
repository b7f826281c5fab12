//! Malformed requests: every error carries a code, none is a 5xx.

use serde_json::json;

use crate::{both_backends, helpers::TestApp};

both_backends!(
    malformed_requests_get_codes_not_failures,
    a_refusal_is_said_in_chinese_too
);

/// A value the domain refuses comes with its reason in Chinese beside the
/// English message, for a page in 中文; nothing is written.
async fn a_refusal_is_said_in_chinese_too(app: TestApp) {
    let account = app
        .ok(
            "mutation { createAccount(input: { name: \"华信移动\", industry: \"telecom\", region: \"north_china\", tier: \"key\" }) { id } }",
            json!({}),
        )
        .await["createAccount"]["id"]
        .clone();
    let too_long = "长".repeat(201);
    let body = app
        .post_graphql(
            "mutation($a: ID!, $n: String!) { createPerson(input: { accountId: $a, name: $n, department: \"finance\", level: \"executive\" }) { id } }",
            json!({ "a": account, "n": too_long }),
        )
        .await;
    let e = &body["errors"][0];
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{body}");
    assert_eq!(e["extensions"]["field"], "people[0].name", "{body}");
    assert_eq!(
        e["message"], "people[0].name: is longer than 200 characters",
        "{body}"
    );
    assert_eq!(e["extensions"]["messageZh"], "超过200个字符", "{body}");
    // A strength off the scale, named in Chinese.
    let person = app
        .ok(
            "mutation($a: ID!) { createPerson(input: { accountId: $a, name: \"李娜\", department: \"finance\", level: \"executive\" }) { id } }",
            json!({ "a": account }),
        )
        .await["createPerson"]["id"]
        .clone();
    let employee = app
        .ok(
            "mutation { createEmployee(input: { name: \"张伟\", email: \"zw@example.cn\", role: \"ar\" }) { id } }",
            json!({}),
        )
        .await["createEmployee"]["id"]
        .clone();
    let body = app
        .post_graphql(
            "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 7 }) { id } }",
            json!({ "e": employee, "p": person }),
        )
        .await;
    let e = &body["errors"][0];
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{body}");
    assert_eq!(
        e["extensions"]["messageZh"], "强度必须在0到5之间（现为7）",
        "{body}"
    );
    // A refusal the catalogue does not say yet keeps its English message alone.
    let body = app
        .post_graphql(
            "mutation($a: ID!) { createPerson(input: { accountId: $a, name: \"王芳\", department: \"nowhere\", level: \"executive\" }) { id } }",
            json!({ "a": account }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{body}"
    );
    assert!(
        body["errors"][0]["extensions"]["messageZh"].is_null(),
        "{body}"
    );
    let people = app
        .ok(
            "query($a: ID!) { account(id: $a) { people { id } } }",
            json!({ "a": account }),
        )
        .await;
    let names: Vec<&str> = people["account"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec![person.as_str().unwrap()], "only 李娜 written");
}

async fn malformed_requests_get_codes_not_failures(app: TestApp) {
    let cases = [
        ("{ accounts { nodes { nope } } }", json!({})),
        ("{ accounts(first: \"ten\") { totalCount } }", json!({})),
        ("mutation { createAccount(input: { name: \"A\" }) { id } }", json!({})),
        ("query($id: ID!) { account(id: $id) { id } }", json!({})),
        ("query($id: ID!) { account(id: $id) { id } }", json!({ "id": "not-a-uuid" })),
        ("{ employees(includeDeparted: MAYBE) { id } }", json!({})),
        ("this is not graphql", json!({})),
        ("mutation { createEmployee(input: { name: \"A\", email: \"a@b.cn\", role: \"ar\", status: RETIRED }) { id } }", json!({})),
    ];
    for (query, variables) in cases {
        let body = app.post_graphql(query, variables).await;
        let code = body["errors"][0]["extensions"]["code"].as_str();
        assert_eq!(code, Some("INVALID_INPUT"), "{query}: {body}");
    }
    // A body that is not JSON at all is refused at the door with a code (400),
    // not a 500, whichever answer type the client accepts.
    for (accept, status) in [
        ("application/json", 400),
        ("application/graphql-response+json", 400),
    ] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .header("accept", accept)
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{accept}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{body}"
        );
        assert!(body.get("data").is_none(), "{body}");
    }
    // Deeply nested queries are refused by the depth limit.
    let mut deep = String::from("id");
    for _ in 0..20 {
        deep = format!("account {{ people {{ account {{ {deep} }} }} }}");
    }
    let body = app
        .post_graphql(
            &format!("{{ person(id: \"00000000-0000-7000-8000-000000000000\") {{ {deep} }} }}"),
            json!({}),
        )
        .await;
    // 60 levels: past the text's bracket limit, refused before it is parsed.
    assert_eq!(body["errors"][0]["extensions"]["code"], "NESTING_TOO_DEEP");
    // 18 levels: parsed, then past the depth limit of 16.
    let mut deep = String::from("id");
    for _ in 0..8 {
        deep = format!("account {{ people {{ {deep} }} }}");
    }
    let body = app
        .post_graphql(
            &format!("{{ person(id: \"00000000-0000-7000-8000-000000000000\") {{ {deep} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{body}"
    );
}
