//! Account scopes, enforced below the API: for every role and every query root,
//! records of an account outside a member's or viewer's token read as absent,
//! lists and roll-ups leave them out, and writes to them fail as `NOT_FOUND`,
//! changing nothing. Administrators and coaches see everything.

use std::collections::BTreeSet;

use guanxi::domain::Role;
use serde_json::Value;

use crate::helpers::{demo_server, spawn_on, Backend, TestApp};

/// Ids from the demo data: account A is on the scoped tokens, account B is not.
struct Demo {
    a: String,
    b: String,
    b_name: String,
    person_a: String,
    person_b: String,
    opportunity_a: String,
    opportunity_b: String,
    interaction_b: String,
    /// An employee with ties at both accounts (the test adds one at B).
    employee: String,
    /// A competitor with ties at account B.
    competitor: String,
}

async fn demo(app: &TestApp) -> Demo {
    let data = app
        .ok(
            "{ accounts(first: 10) { nodes { id name people { id }
                 opportunities { id outcome } interactions(first: 1) { id }
                 relationships { employee { id } competitor { id } } } } }",
            Value::Null,
        )
        .await;
    let nodes = data["accounts"]["nodes"].as_array().unwrap().clone();
    assert_eq!(nodes.len(), 2, "the demo has two accounts");
    let (a, b) = (&nodes[0], &nodes[1]);
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let ends = |acc: &Value, end: &str| -> BTreeSet<String> {
        acc["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r[end]["id"].as_str().map(str::to_owned))
            .collect()
    };
    // One of account A's people on our side also knows someone at B.
    let employee = ends(a, "employee")
        .into_iter()
        .next()
        .expect("our employees' ties at account A");
    app.ok(
        "mutation($e: ID!, $p: ID!) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 3 }) { id } }",
        serde_json::json!({ "e": employee, "p": id(&b["people"][0]) }),
    )
    .await;
    let open = |acc: &Value| {
        acc["opportunities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["outcome"] == "OPEN")
            .map(id)
            .expect("an open deal")
    };
    Demo {
        a: id(a),
        b: id(b),
        b_name: b["name"].as_str().unwrap().to_owned(),
        person_a: id(&a["people"][0]),
        person_b: id(&b["people"][0]),
        opportunity_a: open(a),
        opportunity_b: open(b),
        interaction_b: id(&b["interactions"][0]),
        employee,
        competitor: ends(b, "competitor")
            .into_iter()
            .next()
            .expect("a competitor tied into account B"),
    }
}

/// One caller's probes: counts the checks and the query roots they covered.
struct Probe<'a> {
    server: &'a TestApp,
    secret: String,
    role: Role,
    checks: usize,
    covered: BTreeSet<&'static str>,
}

impl Probe<'_> {
    async fn post(&mut self, root: &'static str, query: &str) -> Value {
        self.covered.insert(root);
        let (status, body) = self.server.post_as(Some(&self.secret), query).await;
        assert_eq!(status, 200, "{:?}: {query}: {body}", self.role);
        body
    }

    /// `data` of a query that must succeed.
    async fn data(&mut self, root: &'static str, query: &str) -> Value {
        let body = self.post(root, query).await;
        assert!(
            body["errors"].is_null(),
            "{:?}: {query}: {}",
            self.role,
            body["errors"]
        );
        body["data"].clone()
    }

    /// The code of the first error of a query that must fail.
    async fn code(&mut self, root: &'static str, query: &str) -> String {
        let body = self.post(root, query).await;
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{:?}: expected an error: {query}: {body}", self.role))
            .to_owned()
    }

    fn check(&mut self, holds: bool, what: &str) {
        self.checks += 1;
        assert!(holds, "{:?}: {what}", self.role);
    }
}

/// Every string at `path` (keys, `*` for each element of a list) inside `v`.
fn strings(v: &Value, path: &[&str]) -> Vec<String> {
    match path.split_first() {
        None => v.as_str().map(str::to_owned).into_iter().collect(),
        Some((&"*", rest)) => v
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|e| strings(e, rest))
            .collect(),
        Some((key, rest)) => strings(&v[*key], rest),
    }
}

async fn root_fields(server: &TestApp, secret: &str) -> BTreeSet<String> {
    let (_, body) = server
        .post_as(
            Some(secret),
            "{ __schema { queryType { fields { name } } } }",
        )
        .await;
    strings(
        &body["data"]["__schema"]["queryType"]["fields"],
        &["*", "name"],
    )
    .into_iter()
    .collect()
}

async fn every_query_root_respects_scope(backend: Backend) {
    let Some((url, open)) = demo_server(backend).await else {
        return;
    };
    let d = demo(&open).await;
    let a: uuid::Uuid = d.a.parse().unwrap();
    let mut callers = Vec::new();
    for (role, accounts) in [
        (Role::Admin, vec![]),
        (Role::Coach, vec![]),
        (Role::Member, vec![a]),
        (Role::Viewer, vec![a]),
    ] {
        let (_, secret) = open
            .store
            .create_token(role.as_str(), role, &accounts)
            .await
            .unwrap();
        callers.push((role, secret));
    }
    let server = spawn_on(&url, None).await;
    let roots = root_fields(&server, &callers[0].1).await;
    let mut checks = 0;

    for (role, secret) in callers {
        let full = !role.scoped();
        let mut p = Probe {
            server: &server,
            secret,
            role,
            checks: 0,
            covered: BTreeSet::new(),
        };
        let only_a = |ids: &[String]| ids.iter().all(|i| *i == d.a);
        let has_b = |ids: &[String]| ids.contains(&d.b);

        let v = p
            .data(
                "accounts",
                "{ accounts(first: 50) { totalCount nodes { id } } }",
            )
            .await;
        let ids = strings(&v, &["accounts", "nodes", "*", "id"]);
        p.check(
            v["accounts"]["totalCount"] == if full { 2 } else { 1 },
            "account count",
        );
        p.check(
            if full { has_b(&ids) } else { only_a(&ids) },
            "account list",
        );
        let q = format!("{{ accounts(search: {:?}) {{ totalCount }} }}", d.b_name);
        let v = p.data("accounts", &q).await;
        p.check(
            v["accounts"]["totalCount"] == if full { 1 } else { 0 },
            "account search",
        );

        let q = format!(
            "{{ b: account(id: \"{}\") {{ id }} a: account(id: \"{}\") {{ id people {{ id }} }} }}",
            d.b, d.a
        );
        let v = p.data("account", &q).await;
        p.check(v["b"].is_null() != full, "account by id");
        p.check(
            !v["a"]["people"].as_array().unwrap().is_empty(),
            "own account",
        );

        let q = format!("{{ accountByName(name: {:?}) {{ id }} }}", d.b_name);
        let v = p.data("accountByName", &q).await;
        p.check(v["accountByName"].is_null() != full, "account by name");

        let q = format!(
            "{{ b: person(id: \"{}\") {{ id }}
                a: person(id: \"{}\") {{ relationships {{ account {{ id }} }} }} }}",
            d.person_b, d.person_a
        );
        let v = p.data("person", &q).await;
        p.check(v["b"].is_null() != full, "person by id");
        let ids = strings(&v, &["a", "relationships", "*", "account", "id"]);
        p.check(only_a(&ids), "a person's ties stay in their account");

        let q = format!(
            "{{ b: opportunity(id: \"{}\") {{ id }} a: opportunity(id: \"{}\") {{ id health {{ score }} }} }}",
            d.opportunity_b, d.opportunity_a
        );
        let v = p.data("opportunity", &q).await;
        p.check(v["b"].is_null() != full, "opportunity by id");
        p.check(v["a"]["id"] == d.opportunity_a.as_str(), "own opportunity");

        let q = format!(
            "{{ employee(id: \"{}\") {{ relationships {{ account {{ id }} }}
                 interactions(first: 100) {{ account {{ id }} }} }} }}",
            d.employee
        );
        let v = p.data("employee", &q).await;
        let ties = strings(&v, &["employee", "relationships", "*", "account", "id"]);
        let met = strings(&v, &["employee", "interactions", "*", "account", "id"]);
        p.check(
            if full {
                has_b(&ties)
            } else {
                only_a(&ties) && only_a(&met)
            },
            "an employee's ties and meetings",
        );
        let v = p.data("employees", "{ employees { id } }").await;
        p.check(
            !v["employees"].as_array().unwrap().is_empty(),
            "our employees are visible to all",
        );

        let q = format!(
            "{{ competitor(id: \"{}\") {{ name relationships {{ account {{ id }} }} }} }}",
            d.competitor
        );
        let v = p.data("competitor", &q).await;
        let ties = strings(&v, &["competitor", "relationships", "*", "account", "id"]);
        p.check(
            v["competitor"]["name"].is_string(),
            "competitors are visible to all",
        );
        p.check(
            if full { has_b(&ties) } else { only_a(&ties) },
            "a competitor's ties",
        );
        let v = p.data("competitors", "{ competitors { id } }").await;
        p.check(
            !v["competitors"].as_array().unwrap().is_empty(),
            "competitor list",
        );

        let q = format!("{{ interaction(id: \"{}\") {{ id }} }}", d.interaction_b);
        let v = p.data("interaction", &q).await;
        p.check(v["interaction"].is_null() != full, "interaction by id");

        let v = p
            .data("supportResources", "{ supportResources { id } }")
            .await;
        p.check(
            !v["supportResources"].as_array().unwrap().is_empty(),
            "support resources are visible to all",
        );
        let v = p
            .data(
                "supportRequests",
                "{ supportRequests { opportunity { account { id } } } }",
            )
            .await;
        let ids = strings(
            &v,
            &["supportRequests", "*", "opportunity", "account", "id"],
        );
        p.check(
            if full {
                has_b(&ids)
            } else {
                only_a(&ids) && !ids.is_empty()
            },
            "support requests",
        );

        let q = "{ supportPlan(period: \"2026-Q4\") { value } }";
        if full {
            p.data("supportPlan", q).await;
        } else {
            let code = p.code("supportPlan", q).await;
            p.check(code == "FORBIDDEN", "the cross-account support plan");
        }

        let v = p
            .data(
                "forecast",
                "{ forecast(period: \"2026-Q4\") { lines { opportunity { account { id } } } } }",
            )
            .await;
        let ids = strings(
            &v,
            &["forecast", "lines", "*", "opportunity", "account", "id"],
        );
        p.check(
            if full {
                has_b(&ids)
            } else {
                only_a(&ids) && !ids.is_empty()
            },
            "forecast lines",
        );

        let v = p.data("patterns", "{ patterns { deals } }").await;
        let deals = v["patterns"]["deals"].as_i64().unwrap();
        p.check(
            if full {
                deals == 14
            } else {
                deals > 0 && deals < 14
            },
            "patterns learn from the caller's closed deals",
        );

        let q = format!(
            "{{ introductionPaths(to: \"{}\") {{ strength }} }}",
            d.person_b
        );
        if full {
            p.data("introductionPaths", &q).await;
        } else {
            let code = p.code("introductionPaths", &q).await;
            p.check(code == "NOT_FOUND", "paths into another account");
        }
        let q = format!(
            "{{ introductionPaths(to: \"{}\") {{ hops {{ fromPerson {{ account {{ id }} }} toPerson {{ account {{ id }} }} }} }} }}",
            d.person_a
        );
        let v = p.data("introductionPaths", &q).await;
        let mut ids = strings(
            &v,
            &[
                "introductionPaths",
                "*",
                "hops",
                "*",
                "fromPerson",
                "account",
                "id",
            ],
        );
        ids.extend(strings(
            &v,
            &[
                "introductionPaths",
                "*",
                "hops",
                "*",
                "toPerson",
                "account",
                "id",
            ],
        ));
        p.check(only_a(&ids), "paths stay in the account");

        let q = format!(
            "{{ departureImpact(employee: \"{}\") {{ accounts {{ account {{ id }} }} }} }}",
            d.employee
        );
        let v = p.data("departureImpact", &q).await;
        let ids = strings(&v, &["departureImpact", "accounts", "*", "account", "id"]);
        p.check(
            if full {
                has_b(&ids)
            } else {
                only_a(&ids) && !ids.is_empty()
            },
            "departure impact",
        );

        let q = format!(
            "{{ personChangeImpact(person: \"{}\", leaves: true) {{ accountBefore }} }}",
            d.person_b
        );
        if full {
            p.data("personChangeImpact", &q).await;
        } else {
            let code = p.code("personChangeImpact", &q).await;
            p.check(code == "NOT_FOUND", "what-if on another account's person");
        }

        let v = p
            .data(
                "pipeline",
                "{ pipeline { totalCount nodes { account { id } } } }",
            )
            .await;
        let ids = strings(&v, &["pipeline", "nodes", "*", "account", "id"]);
        p.check(
            if full {
                has_b(&ids)
            } else {
                only_a(&ids) && !ids.is_empty()
            },
            "pipeline",
        );
        let q = format!("{{ pipeline(account: \"{}\") {{ totalCount }} }}", d.b);
        let v = p.data("pipeline", &q).await;
        p.check(
            (v["pipeline"]["totalCount"].as_i64().unwrap() > 0) == full,
            "pipeline filtered to another account",
        );

        let v = p
            .data(
                "methodologyChanges",
                "{ methodologyChanges { opportunityId } }",
            )
            .await;
        let ids = strings(&v, &["methodologyChanges", "*", "opportunityId"]);
        p.check(
            full || !ids.contains(&d.opportunity_b),
            "methodology changes",
        );
        let v = p
            .data(
                "improvementPoints",
                "{ improvementPoints { text account { id } } }",
            )
            .await;
        let ids = strings(&v, &["improvementPoints", "*", "account", "id"]);
        p.check(
            if full {
                has_b(&ids)
            } else {
                only_a(&ids) && !ids.is_empty()
            },
            "improvement points",
        );
        let q = format!("{{ improvementPoints(account: \"{}\") {{ text }} }}", d.b);
        let v = p.data("improvementPoints", &q).await;
        p.check(
            v["improvementPoints"].as_array().unwrap().is_empty() != full,
            "another account's improvement points",
        );

        let q = "{ auditTrail(first: 1) { totalCount } }";
        if role == Role::Admin {
            p.data("auditTrail", q).await;
        } else {
            let code = p.code("auditTrail", q).await;
            p.check(code == "FORBIDDEN", "the audit trail is for administrators");
        }

        // Deleted records: none of another account's, whatever the role.
        let q = format!("{{ deletedRecords(account: \"{}\") {{ recordId }} }}", d.b);
        let v = p.data("deletedRecords", &q).await;
        p.check(
            v["deletedRecords"]
                .as_array()
                .is_some_and(|l| full || l.is_empty()),
            "another account's deleted records",
        );
        // One person's data is handed out by administrators.
        let q = format!("{{ personalData(personId: \"{}\") }}", d.person_a);
        if role == Role::Admin {
            let v = p.data("personalData", &q).await;
            p.check(
                v["personalData"]
                    .as_str()
                    .is_some_and(|j| j.contains(&d.person_a)),
                "a person's data",
            );
        } else {
            let code = p.code("personalData", &q).await;
            p.check(code == "FORBIDDEN", "a person's data is for administrators");
        }
        // Webhooks are managed by administrators.
        for (root, q) in [
            ("webhooks", "{ webhooks { id } }"),
            ("webhookDeliveries", "{ webhookDeliveries { id } }"),
        ] {
            if role == Role::Admin {
                p.data(root, q).await;
            } else {
                let code = p.code(root, q).await;
                p.check(code == "FORBIDDEN", "webhooks are for administrators");
            }
        }
        // Likely duplicate accounts only among those the caller reaches.
        let v = p
            .data(
                "likelyDuplicateAccounts",
                "{ likelyDuplicateAccounts { account { id } sameAs { id } } }",
            )
            .await;
        let ids = strings(&v, &["likelyDuplicateAccounts", "*", "sameAs", "id"]);
        p.check(
            full || !ids.contains(&d.b),
            "another account as a likely duplicate",
        );
        // Likely duplicates only among people the caller reaches.
        let q = format!(
            "{{ likelyDuplicatePeople(account: \"{}\") {{ person {{ id }} }} }}",
            d.b
        );
        let v = p.data("likelyDuplicatePeople", &q).await;
        p.check(
            v["likelyDuplicatePeople"]
                .as_array()
                .is_some_and(|l| full || l.is_empty()),
            "another account's likely duplicates",
        );

        let v = p.data("methodology", "{ methodology { version } }").await;
        p.check(v["methodology"]["version"].is_string(), "methodology");

        let covered: BTreeSet<String> = p.covered.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            covered, roots,
            "every query root is probed for every role; add a probe for a new root"
        );
        checks += p.checks;
    }
    println!("scope checks run on {backend:?}: {checks}");
}

async fn members_write_only_their_accounts(backend: Backend) {
    let Some((url, open)) = demo_server(backend).await else {
        return;
    };
    let d = demo(&open).await;
    let a: uuid::Uuid = d.a.parse().unwrap();
    let (_, member) = open
        .store
        .create_token("account team", Role::Member, &[a])
        .await
        .unwrap();
    let server = spawn_on(&url, None).await;
    let before = open.counts().await;
    let refused = [
        (
            format!(
                "mutation {{ updateOpportunity(id: \"{}\", input: {{ note: \"moved\" }}) {{ id }} }}",
                d.opportunity_b
            ),
            "NOT_FOUND",
        ),
        (
            format!(
                "mutation {{ createPerson(input: {{ accountId: \"{}\", name: \"王伟\",
                   department: \"it\", level: \"executive\" }}) {{ id }} }}",
                d.b
            ),
            "NOT_FOUND",
        ),
        (
            format!(
                "mutation {{ assessRelationship(input: {{ employeeId: \"{}\", personId: \"{}\",
                   strength: 4 }}) {{ id }} }}",
                d.employee, d.person_b
            ),
            "NOT_FOUND",
        ),
        (
            format!(
                "mutation {{ recordInteraction(input: {{ accountId: \"{}\", kind: \"visit\",
                   employeeIds: [\"{}\"], personIds: [\"{}\"] }}) {{ id }} }}",
                d.b, d.employee, d.person_b
            ),
            "NOT_FOUND",
        ),
        (
            format!(
                "mutation {{ setDecisionChain(opportunityId: \"{}\", members: [{{ personId: \"{}\",
                   buyingRole: \"decision_maker\" }}]) {{ buyingRole }} }}",
                d.opportunity_a, d.person_b
            ),
            "NOT_FOUND",
        ),
        (
            format!(
                "mutation {{ updateAccount(id: \"{}\", input: {{ region: \"north_china\" }}) {{ id }} }}",
                d.b
            ),
            "NOT_FOUND",
        ),
        (
            "mutation { createAccount(input: { name: \"New Customer\", industry: \"telecom\",
               region: \"east_china\", tier: \"key\" }) { id } }"
                .to_owned(),
            "FORBIDDEN",
        ),
        (
            "mutation { createCompetitor(input: { name: \"Rival Networks\" }) { id } }".to_owned(),
            "FORBIDDEN",
        ),
        (
            "mutation { importRows(kind: ACCOUNTS, rows: [{ name: \"New Customer\" }]) { dryRun } }"
                .to_owned(),
            "FORBIDDEN",
        ),
    ];
    for (mutation, expected) in &refused {
        let (status, body) = server.post_as(Some(&member), mutation).await;
        assert_eq!(status, 200);
        let code = &body["errors"][0]["extensions"]["code"];
        assert_eq!(code, expected, "{mutation}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            !message.contains(&d.b_name),
            "a refusal does not name the other account: {message}"
        );
    }
    assert_eq!(
        open.counts().await,
        before,
        "refused writes changed nothing"
    );

    // Their own account they change.
    let q = format!(
        "mutation {{ updateOpportunity(id: \"{}\", input: {{ note: \"next step agreed\" }}) {{ note }} }}",
        d.opportunity_a
    );
    let (_, body) = server.post_as(Some(&member), &q).await;
    assert_eq!(
        body["data"]["updateOpportunity"]["note"], "next step agreed",
        "{body}"
    );

    // Exports below the API: a scoped store exports its own account only.
    let scoped = open.store.acting_as(guanxi::domain::Principal {
        token_id: None,
        name: "member".into(),
        role: Role::Member,
        accounts: vec![a],
    });
    let whole = guanxi::transfer::export(&scoped, None).await.unwrap_err();
    assert_eq!(whole.code().as_str(), "FORBIDDEN");
    let other = guanxi::transfer::export(&scoped, Some(d.b.parse().unwrap()))
        .await
        .unwrap_err();
    assert_eq!(other.code().as_str(), "NOT_FOUND");
    let own = guanxi::transfer::export(&scoped, Some(a)).await.unwrap();
    assert_eq!(own.accounts.len(), 1);
    assert!(!own.people.is_empty());
}

crate::each_backend!(
    every_query_root_respects_scope,
    members_write_only_their_accounts
);
