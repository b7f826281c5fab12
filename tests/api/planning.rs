//! Support requests, the support plan, the forecast and history patterns over HTTP.

use serde_json::{json, Value};
use time::Duration;

use crate::{
    both_backends,
    helpers::{create_account, create_employee, TestApp},
};

const REQUEST: &str = "mutation($input: RequestSupportInput!) {
    requestSupport(input: $input) { id status units neededBy kind resource { name } } }";
const DECIDE: &str = "mutation($id: ID!, $input: DecideSupportInput!) {
    decideSupport(id: $id, input: $input) { id status grantedMonth grantedResource { name } } }";
const PLAN: &str = "query($period: String!) { supportPlan(period: $period) {
    period currency value bound gap warnings
    parts { method requests variables }
    assignments { request { id } opportunityName resource { name } month why
                  value { value amount lift liftSource weight winProbability qualification qualifyFirst urgency slackDays formula } displaced { request { id } value } }
    leftOut { request { id } reason explanation extraUnitsNeeded month resource { name } takenBy { id } }
    shortfalls { resource { name } month extraUnits value requests { id } personAtLimit } } }";

fn today() -> time::Date {
    guanxi::domain::today()
}

fn this_month() -> String {
    let t = today();
    format!("{:04}-{:02}", t.year(), t.month() as u8)
}

async fn opportunity(app: &TestApp, account: &str, name: &str, extra: Value) -> String {
    let mut input = json!({ "accountId": account, "name": name, "amount": 1000000.0,
                            "currency": "CNY", "stage": "qualify" });
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    app.ok(
        "mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }",
        json!({ "input": input }),
    )
    .await["createOpportunity"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn resource(
    app: &TestApp,
    name: &str,
    kind: &str,
    capacity: i64,
    employee: Option<&str>,
) -> String {
    app.ok(
        "mutation($input: CreateSupportResourceInput!) { createSupportResource(input: $input) { id } }",
        json!({ "input": { "name": name, "kind": kind, "capacity": capacity, "employeeId": employee } }),
    )
    .await["createSupportResource"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn request(app: &TestApp, input: Value) -> String {
    app.ok(REQUEST, json!({ "input": input })).await["requestSupport"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

both_backends!(
    support_is_requested_planned_and_granted_within_capacity,
    support_fits_the_skills_and_industries_resources_bring,
    forecast_rolls_up_the_period_and_records_for_calibration,
    demo_history_gives_patterns,
);

/// Resources say which industries they serve and which skills they bring;
/// requests say which skills they need. A resource lacking a needed skill never
/// serves the request (the plan says NO_SKILL, a grant is refused); one serving
/// other industries is worth less to the deal (fit 0.5), and the plan says so.
async fn support_fits_the_skills_and_industries_resources_bring(app: TestApp) {
    let create = "mutation($input: CreateSupportResourceInput!) { createSupportResource(input: $input) { id industries skills } }";
    let specialist = app
        .ok(
            create,
            json!({ "input": { "name": "Core network expert days", "kind": "solution_expert", "capacity": 5,
                               "industries": ["telecom"], "skills": [" 5G Core", "network", "network"] } }),
        )
        .await["createSupportResource"]
        .clone();
    assert_eq!(specialist["industries"], json!(["telecom"]));
    assert_eq!(specialist["skills"], json!(["5g core", "network"]));
    let specialist = specialist["id"].as_str().unwrap().to_owned();
    let before = app.counts().await;
    for (input, field) in [
        (
            json!({ "name": "X", "kind": "solution_expert", "capacity": 1, "industries": ["space"] }),
            "industries",
        ),
        (
            json!({ "name": "X", "kind": "solution_expert", "capacity": 1, "skills": ["a,b"] }),
            "skills",
        ),
    ] {
        let e = app.error(create, json!({ "input": input })).await;
        assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
        assert!(e["message"].as_str().unwrap().starts_with(field), "{e}");
    }
    assert_eq!(
        app.counts().await,
        before,
        "refused resources write nothing"
    );

    let energy = app
        .ok(
            "mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }",
            json!({ "input": { "name": "东方电网", "industry": "energy", "region": "east_china", "tier": "key" } }),
        )
        .await["createAccount"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deal = opportunity(
        &app,
        &energy,
        "Substation IoT",
        json!({ "expectedSignDate": today() + Duration::days(20) }),
    )
    .await;
    let soon = today() + Duration::days(5);
    let scada = request(&app, json!({ "opportunityId": deal, "kind": "solution_expert", "units": 1, "neededBy": soon, "skills": ["grid scada"] })).await;
    let any = request(
        &app,
        json!({ "opportunityId": deal, "kind": "solution_expert", "units": 2, "neededBy": soon }),
    )
    .await;

    let plan = app.ok(PLAN, json!({ "period": this_month() })).await["supportPlan"].clone();
    let left = plan["leftOut"].as_array().unwrap();
    let why = left
        .iter()
        .find(|l| l["request"]["id"] == scada.as_str())
        .unwrap_or_else(|| panic!("{plan}"));
    assert_eq!(why["reason"], "NO_SKILL");
    assert!(
        why["explanation"].as_str().unwrap().contains("grid scada"),
        "{why}"
    );
    let served = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["request"]["id"] == any.as_str())
        .unwrap_or_else(|| panic!("{plan}"));
    let fit = app
        .ok(
            "query($period: String!) { supportPlan(period: $period) { assignments { request { id } fit worth value { value } why } } }",
            json!({ "period": this_month() }),
        )
        .await["supportPlan"]["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["request"]["id"] == any.as_str())
        .unwrap()
        .clone();
    assert_eq!(fit["fit"], 0.5, "{fit}");
    assert!(
        (fit["worth"].as_f64().unwrap() - 0.5 * fit["value"]["value"].as_f64().unwrap()).abs()
            < 1e-6
    );
    assert!(
        served["why"]
            .as_str()
            .unwrap()
            .contains("serves telecom, not energy"),
        "{served}"
    );

    // Granting the specialist to the request needing grid SCADA is refused.
    let e = app
        .error(
            DECIDE,
            json!({ "id": scada, "input": { "decision": "GRANT", "resourceId": specialist } }),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
    assert!(e["message"].as_str().unwrap().contains("grid scada"), "{e}");
}

async fn support_is_requested_planned_and_granted_within_capacity(app: TestApp) {
    let account = create_account(&app, "Huaxin Mobile").await;
    // A qualified deal (its budget confirmed, and the team says there is an
    // opportunity): support is for deals worth the experts; an unqualified one is
    // told to find out the budget first.
    let deal = opportunity(
        &app,
        &account,
        "Core network",
        json!({ "budget": { "status": "CONFIRMED", "amount": 3000000 } }),
    )
    .await;
    app.ok(
        "mutation($id: ID!) { answerQuestion(input: { opportunityId: $id, questionId: \"is_there_an_opportunity\", answer: YES, evidence: \"budget approved in the 2027 plan\" }) { answer } }",
        json!({ "id": deal }),
    )
    .await;
    let expert = app
        .ok(
            "mutation { createEmployee(input: { name: \"刘芳\", email: \"liu.fang@example.com\", role: \"expert\", supportLimit: 2 }) { id supportLimit } }",
            json!({}),
        )
        .await;
    assert_eq!(expert["createEmployee"]["supportLimit"], 2);
    let expert = expert["createEmployee"]["id"].as_str().unwrap().to_owned();
    let days = resource(
        &app,
        "Core network expert days",
        "solution_expert",
        5,
        Some(&expert),
    )
    .await;
    let lab = resource(&app, "Nanjing demo lab", "demo_lab", 2, None).await;
    let soon = today() + Duration::days(3);
    let later = today() + Duration::days(6);

    // Refused requests change nothing.
    let before = app.counts().await;
    for (input, code) in [
        (
            json!({ "opportunityId": deal, "kind": "solution_expert", "units": 0 }),
            "INVALID_INPUT",
        ),
        (
            json!({ "opportunityId": deal, "kind": "astrologer", "units": 1 }),
            "INVALID_INPUT",
        ),
        (
            json!({ "opportunityId": deal, "kind": "solution_expert", "units": 1, "lift": 1.5 }),
            "INVALID_INPUT",
        ),
        (
            json!({ "opportunityId": deal, "kind": "solution_expert", "units": 1, "resourceId": lab }),
            "INVALID_INPUT",
        ),
        (
            json!({ "opportunityId": "00000000-0000-7000-8000-000000000001", "kind": "solution_expert", "units": 1 }),
            "NOT_FOUND",
        ),
        (
            json!({ "opportunityId": deal, "kind": "solution_expert", "units": 1, "requestedBy": "not-an-id" }),
            "INVALID_INPUT",
        ),
    ] {
        assert_eq!(
            app.error_code(REQUEST, json!({ "input": input })).await,
            code,
            "{input}"
        );
    }
    assert_eq!(app.counts().await, before);

    let prompts = "query($id: ID!) { opportunity(id: $id) { coachingPrompts { ruleId text } } }";
    let rules = |data: Value| -> Vec<String> {
        data["opportunity"]["coachingPrompts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["ruleId"].as_str().unwrap().to_owned())
            .collect()
    };
    let before_asking = app.ok(prompts, json!({ "id": deal })).await;
    assert!(
        rules(before_asking.clone()).contains(&"support_not_requested".to_owned()),
        "qualify with a weak technical tie calls for an expert: {before_asking}"
    );
    let first = request(&app, json!({ "opportunityId": deal, "kind": "solution_expert", "units": 3, "neededBy": soon, "requestedBy": expert })).await;
    let after_asking = rules(app.ok(prompts, json!({ "id": deal })).await);
    assert!(!after_asking.contains(&"support_not_requested".to_owned()));
    let second = request(
        &app,
        json!({ "opportunityId": deal, "kind": "solution_expert", "units": 3, "neededBy": later }),
    )
    .await;
    let demo = request(&app, json!({ "opportunityId": deal, "kind": "demo_lab", "units": 1, "neededBy": later, "lift": 0.2 })).await;

    // Five expert days for six asked: the earlier of two equal requests wins, the
    // other needs one more day.
    let plan = app.ok(PLAN, json!({ "period": this_month() })).await["supportPlan"].clone();
    assert_eq!(plan["period"], this_month());
    assert_eq!(plan["gap"], 0.0);
    let served: Vec<&str> = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["request"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(served.len(), 2, "{plan}");
    assert!(served.contains(&first.as_str()) && served.contains(&demo.as_str()));
    let lab_line = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["request"]["id"] == demo.as_str())
        .unwrap();
    // 1,000,000 × the deal's win probability × 0.2 (the requester's own lift) ×
    // qualification × 1.2 (key account) × 0.8 (no expected signing date yet).
    let v = &lab_line["value"];
    let f = |k: &str| v[k].as_f64().unwrap();
    assert_eq!(f("urgency"), 0.8);
    assert!(v["slackDays"].is_null());
    assert_eq!(f("weight"), 1.2);
    assert_eq!(
        f("qualification"),
        if v["qualifyFirst"] == true { 0.5 } else { 1.0 }
    );
    let p = f("winProbability");
    assert!(p > 0.0 && p < 1.0);
    assert!(
        (f("value") - 1_000_000.0 * p * 0.2 * f("qualification") * 1.2 * 0.8).abs() < 1e-6,
        "{v}"
    );
    assert!(
        v["formula"].as_str().unwrap().contains("urgency 0.80"),
        "{v}"
    );
    assert_eq!(lab_line["value"]["liftSource"], "request");
    assert!(lab_line["why"]
        .as_str()
        .unwrap()
        .contains("Nanjing demo lab"));
    let left = &plan["leftOut"][0];
    assert_eq!(left["request"]["id"], second.as_str());
    assert_eq!(left["reason"], "OUTBID");
    assert_eq!(left["extraUnitsNeeded"], 1);
    assert_eq!(left["takenBy"][0]["id"], first.as_str());
    assert!(
        left["explanation"]
            .as_str()
            .unwrap()
            .contains("1 more unit of it"),
        "{}",
        left["explanation"]
    );
    let expert_line = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["request"]["id"] == first.as_str())
        .unwrap();
    assert_eq!(
        expert_line["displaced"][0]["request"]["id"],
        second.as_str()
    );
    assert_eq!(
        expert_line["value"]["liftSource"],
        "need:expert_on_the_solution"
    );

    // Granting books capacity; a second grant beyond it is refused whole.
    let granted = app
        .ok(
            DECIDE,
            json!({ "id": first, "input": { "decision": "GRANT", "resourceId": days } }),
        )
        .await;
    assert_eq!(granted["decideSupport"]["status"], "GRANTED");
    assert_eq!(
        granted["decideSupport"]["grantedMonth"],
        soon.to_string()[..7]
    );
    let before = app.counts().await;
    let error = app
        .error(DECIDE, json!({ "id": second, "input": { "decision": "GRANT", "resourceId": days, "month": soon.to_string()[..7] } }))
        .await;
    assert_eq!(error["extensions"]["code"], "OVER_CAPACITY");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("2 of 5 units free"),
        "{error}"
    );
    assert_eq!(
        app.error_code(
            DECIDE,
            json!({ "id": second, "input": { "decision": "GRANT", "resourceId": lab } })
        )
        .await,
        "INVALID_INPUT",
        "a demo lab cannot serve an expert request"
    );
    assert_eq!(
        app.error_code(DECIDE, json!({ "id": second, "input": { "decision": "GRANT", "resourceId": days, "month": "2099-01" } })).await,
        "INVALID_INPUT",
        "after the deadline"
    );
    assert_eq!(app.counts().await, before);
    // A waiting request may be changed; a decided one only by a decision.
    let update = "mutation($id: ID!, $input: UpdateSupportRequestInput!) {
        updateSupportRequest(id: $id, input: $input) { units lift note resource { name } } }";
    let changed = app
        .ok(
            update,
            json!({ "id": second, "input": { "units": 2, "lift": 0.1, "resourceId": days } }),
        )
        .await;
    assert_eq!(changed["updateSupportRequest"]["units"], 2);
    assert_eq!(
        changed["updateSupportRequest"]["resource"]["name"],
        "Core network expert days"
    );
    let cleared = app
        .ok(
            update,
            json!({ "id": second, "input": { "lift": null, "units": 3 } }),
        )
        .await;
    assert!(cleared["updateSupportRequest"]["lift"].is_null());
    assert_eq!(
        app.error_code(update, json!({ "id": second, "input": { "units": -4 } }))
            .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(update, json!({ "id": first, "input": { "units": 1 } }))
            .await,
        "CONFLICT",
        "granted already"
    );
    let declined = app
        .ok(
            DECIDE,
            json!({ "id": second, "input": { "decision": "DECLINE", "note": "no capacity" } }),
        )
        .await;
    assert_eq!(declined["decideSupport"]["status"], "DECLINED");
    assert_eq!(
        app.error_code(
            DECIDE,
            json!({ "id": second, "input": { "decision": "DONE" } })
        )
        .await,
        "INVALID_INPUT",
        "a declined request cannot be done"
    );

    // The checklist shows the need answered; the plan no longer counts the grant.
    let data = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) {
                supportNeeds { id kind status request { id } }
                supportRequests { id status } } }",
            json!({ "id": deal }),
        )
        .await;
    let needs = data["opportunity"]["supportNeeds"].as_array().unwrap();
    let expert_need = needs
        .iter()
        .find(|n| n["id"] == "expert_on_the_solution")
        .unwrap();
    assert_eq!(expert_need["status"], "GRANTED");
    assert_eq!(expert_need["request"]["id"], first.as_str());
    assert_eq!(
        data["opportunity"]["supportRequests"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let plan = app.ok(PLAN, json!({ "period": this_month() })).await["supportPlan"].clone();
    assert_eq!(plan["assignments"].as_array().unwrap().len(), 1);
    assert_eq!(plan["leftOut"].as_array().unwrap().len(), 0);

    let listed = app
        .ok(
            "{ supportRequests(status: DECLINED) { id decisionNote } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["supportRequests"][0]["decisionNote"], "no capacity");
    assert_eq!(
        app.error_code("{ supportPlan(period: \"2026-Q5\") { value } }", json!({}))
            .await,
        "INVALID_INPUT"
    );
}

async fn forecast_rolls_up_the_period_and_records_for_calibration(app: TestApp) {
    let account = create_account(&app, "Dongfang Grid").await;
    let owner = create_employee(&app, "周杰", "zhou.jie@example.com", "ar").await;
    let sign = today() + Duration::days(0);
    let open = opportunity(
        &app,
        &account,
        "Substation IoT",
        json!({ "stage": "propose", "expectedSignDate": sign, "ownerId": owner }),
    )
    .await;
    let won = opportunity(
        &app,
        &account,
        "Drones",
        json!({ "stage": "sign", "amount": 500000.0 }),
    )
    .await;
    app.ok(
        "mutation($id: ID!) { updateOpportunity(id: $id, input: { outcome: WON }) { outcome } }",
        json!({ "id": won }),
    )
    .await;
    let _undated = opportunity(&app, &account, "Someday", json!({})).await;

    let period = this_month();
    let data = app
        .ok(
            "query($p: String!) { forecast(period: $p, groupBy: [CATEGORY, OWNER]) {
                period currency undated total { deals amount weighted }
                rows { group { dimension key label } deals amount weighted }
                lines { name category probability amount weighted explanation { stageProbability formula } } } }",
            json!({ "p": period }),
        )
        .await;
    let f = &data["forecast"];
    assert_eq!(f["undated"], 1);
    assert_eq!(f["total"]["deals"], 2);
    assert!((f["total"]["amount"].as_f64().unwrap() - 1_500_000.0).abs() < 1e-6);
    let lines = f["lines"].as_array().unwrap();
    let won_line = lines.iter().find(|l| l["name"] == "Drones").unwrap();
    assert_eq!(
        (
            won_line["category"].as_str(),
            won_line["probability"].as_f64()
        ),
        (Some("won"), Some(1.0))
    );
    assert!(won_line["explanation"].is_null());
    let open_line = lines
        .iter()
        .find(|l| l["name"] == "Substation IoT")
        .unwrap();
    let p = open_line["probability"].as_f64().unwrap();
    assert!(p > 0.0 && p < 1.0);
    assert_eq!(open_line["explanation"]["stageProbability"], 0.5);
    let weighted = f["total"]["weighted"].as_f64().unwrap();
    assert!((weighted - (500_000.0 + 1_000_000.0 * p)).abs() < 1e-3);
    let rows = f["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["group"][0]["dimension"], "CATEGORY");

    let single = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) { forecast(lang: ZH) { probability category categoryLabel explanation { relationship qualification } } } }",
            json!({ "id": open }),
        )
        .await;
    assert_eq!(
        single["opportunity"]["forecast"]["probability"].as_f64(),
        Some(p)
    );
    let pipeline = app
        .ok(
            "{ pipeline { nodes { name winProbability category } } }",
            json!({}),
        )
        .await;
    let row = pipeline["pipeline"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "Substation IoT")
        .unwrap()
        .clone();
    assert_eq!(row["winProbability"].as_f64(), Some(p));
    assert_eq!(
        row["category"],
        single["opportunity"]["forecast"]["category"]
    );
    let closed = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) { forecast { probability } } }",
            json!({ "id": won }),
        )
        .await;
    assert!(closed["opportunity"]["forecast"].is_null());

    for bad in ["2026-13", "next quarter", ""] {
        assert_eq!(
            app.error_code(
                "query($p: String!) { forecast(period: $p) { undated } }",
                json!({ "p": bad })
            )
            .await,
            "INVALID_INPUT"
        );
    }

    // Record today's forecast, then lose the deal: calibration compares the two.
    let recorded = app
        .ok(
            "mutation($p: String!) { recordForecast(period: $p) }",
            json!({ "p": period }),
        )
        .await;
    assert_eq!(recorded["recordForecast"], 1);
    app.ok(
        "mutation($id: ID!) { updateOpportunity(id: $id, input: { outcome: LOST }) { outcome } }",
        json!({ "id": open }),
    )
    .await;
    let patterns = app
        .ok(
            "{ patterns { deals won winRate calibration { forecasts brier enough minForecasts note } } }",
            json!({}),
        )
        .await;
    let pt = &patterns["patterns"];
    assert_eq!(
        (pt["deals"].as_i64(), pt["won"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(pt["winRate"], 0.5);
    assert_eq!(pt["calibration"]["forecasts"], 1);
    assert!((pt["calibration"]["brier"].as_f64().unwrap() - p * p).abs() < 1e-9);
    // One closed forecast is not enough history to judge the forecast by.
    assert_eq!(pt["calibration"]["enough"], false);
    assert_eq!(pt["calibration"]["minForecasts"], 10);
    assert!(pt["calibration"]["note"]
        .as_str()
        .unwrap()
        .contains("only 1 closed forecast;"));
}

async fn demo_history_gives_patterns(app: TestApp) {
    guanxi::demo::load(&app.store).await.expect("demo loads");
    let data = app
        .ok(
            "{ patterns { deals won quarterEndShare wonCycleDays
                 stageDays { stage deals median p80 usual fromHistory }
                 roles { role wonShare lostShare }
                 coverage { label deals won winRate }
                 stages { stage stated reached won observed }
                 months { month won lost } } }",
            json!({}),
        )
        .await;
    let p = &data["patterns"];
    assert_eq!(
        (p["deals"].as_i64(), p["won"].as_i64()),
        (Some(14), Some(8))
    );
    let qualify = p["stageDays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == "qualify")
        .unwrap();
    assert_eq!(qualify["fromHistory"], true);
    assert_eq!(qualify["deals"], 14);
    let dm = p["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "decision_maker")
        .unwrap();
    assert_eq!(
        dm["wonShare"], 1.0,
        "every demo win had its decision maker mapped"
    );
    let deals_in_bands: i64 = p["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["deals"].as_i64().unwrap())
        .sum();
    assert_eq!(deals_in_bands, 14);
    // The demo's won deals had real ties with their chains while they ran: coverage
    // on the day of closing separates them from the lost ones.
    let bands = p["coverage"].as_array().unwrap();
    let low = bands[0]["winRate"].as_f64().unwrap();
    let mid = bands[1]["winRate"].as_f64().unwrap();
    assert!(low < mid, "{bands:?}");
    let months: i64 = p["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["won"].as_i64().unwrap() + m["lost"].as_i64().unwrap())
        .sum();
    assert_eq!(months, 14);
    // Every demo opportunity with requests can be read with its checklist.
    let deals = app
        .ok(
            "{ supportRequests { opportunity { name supportNeeds { id status } } status } }",
            json!({}),
        )
        .await;
    let requests = deals["supportRequests"].as_array().unwrap();
    assert_eq!(requests.len(), 14);
    assert_eq!(
        requests.iter().filter(|r| r["status"] == "GRANTED").count(),
        1
    );
}

/// `guanxi allocate` prints the plan for a period as tables.
#[test]
fn the_allocate_command_prints_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("plan.db").display());
    let run = |args: &[&str]| {
        crate::helpers::guanxi_command(&url, args)
            .output()
            .expect("the binary runs")
    };
    assert!(run(&["demo"]).status.success());
    let out = run(&["allocate", "--period", "2026-Q4"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Support plan for 2026-Q4:"), "{text}");
    let bad = run(&["allocate", "--period", "Q9"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a period"));
}
