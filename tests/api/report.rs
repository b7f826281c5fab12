//! Meeting material from the demo data: every section of both meetings present
//! with the numbers the API serves, the "changes since" section listing changes
//! made in the test, HTML self-contained with the map, and the command line.

use serde_json::json;

use crate::{
    each_backend,
    helpers::{demo_server, guanxi_command, Backend, TestApp},
};

const DEAL: &str = "5G Core Network Expansion Phase II";

async fn deal(app: &TestApp) -> serde_json::Value {
    let data = app
        .ok(
            "{ accounts(first: 10) { nodes { id name opportunities { id name } } } }",
            json!({}),
        )
        .await;
    for a in data["accounts"]["nodes"].as_array().unwrap() {
        for o in a["opportunities"].as_array().unwrap() {
            if o["name"] == DEAL {
                return json!({ "account": a["id"], "opportunity": o["id"] });
            }
        }
    }
    panic!("the demo has {DEAL}");
}

each_backend!(
    the_opportunity_report_carries_every_section_with_the_served_numbers,
    the_planning_report_lists_what_changed_since_the_last_meeting,
    a_chain_member_who_left_stays_in_the_chain_table_last
);

/// Someone of the deal's chain moves to another account: the report's chain table
/// keeps them, last, saying where they are now, in both languages.
async fn a_chain_member_who_left_stays_in_the_chain_table_last(backend: Backend) {
    let Some((_url, app)) = demo_server(backend).await else {
        return;
    };
    let ids = deal(&app).await;
    let data = app
        .ok(
            "query($id: ID!) { accounts(first: 10) { nodes { id name } }
               opportunity(id: $id) { decisionChain { person { id name } } } }",
            json!({ "id": ids["opportunity"] }),
        )
        .await;
    let other = data["accounts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] != ids["account"])
        .expect("the demo has a second account")
        .clone();
    let chain = data["opportunity"]["decisionChain"].as_array().unwrap();
    let leaver = &chain[0]["person"];
    let name = leaver["name"].as_str().unwrap();
    app.ok(
        "mutation($id: ID!, $to: ID!) { updatePerson(id: $id, input: { accountId: $to }) { id } }",
        json!({ "id": leaver["id"], "to": other["id"] }),
    )
    .await;
    let data = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) { md: report zh: report(lang: ZH) } }",
            json!({ "id": ids["opportunity"] }),
        )
        .await;
    let other_name = other["name"].as_str().unwrap();
    for (text, said) in [
        (
            data["opportunity"]["md"].as_str().unwrap(),
            format!("{name} (has left; now at {other_name})"),
        ),
        (
            data["opportunity"]["zh"].as_str().unwrap(),
            format!("{name}（已离开本客户，现任职于{other_name}）"),
        ),
    ] {
        let section = &text[text
            .find("决策链\n")
            .or_else(|| text.find("Decision chain\n"))
            .unwrap()..];
        let table: Vec<&str> = section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(
            table.len(),
            chain.len() + 2,
            "every member and the header: {table:#?}"
        );
        assert!(
            table.last().unwrap().contains(&said),
            "the one who left comes last, saying where they are: {table:#?}"
        );
        assert_eq!(text.matches(&said).count(), 1, "{said}");
    }
}

async fn the_opportunity_report_carries_every_section_with_the_served_numbers(backend: Backend) {
    let Some((url, app)) = demo_server(backend).await else {
        return;
    };
    let ids = deal(&app).await;
    let data = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) {
                md: report html: report(format: HTML) zh: report(lang: ZH)
                zhHtml: report(format: HTML, lang: ZH)
                decisionChain { person { name } }
                health { score breakdown { name points } }
                scores { keyPerson { value } decisionChain { value } account { value }
                         employee { value } ourCompany { value } competitor { value } }
                qualification { question }
                winSteps { label }
                coachingPrompts(first: 5) { text action }
                supportRequests { status }
            } }",
            json!({ "id": ids["opportunity"] }),
        )
        .await;
    let o = &data["opportunity"];
    let md = o["md"].as_str().unwrap();
    for heading in [
        &format!("# Opportunity analysis: {DEAL}") as &str,
        "## The four questions",
        "## Win steps",
        "## Relationship scores",
        "## Health:",
        "## Coaching prompts",
        "## Open support requests",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    let score = o["health"]["score"].as_f64().unwrap();
    assert!(md.contains(&format!("## Health: {score:.0} / 100")), "{md}");
    // Health's parts by their names, as the page shows them, not their ids.
    let parts = [
        ("key_person", "Key person"),
        ("decision_chain", "Decision chain"),
        ("competitor", "Competitor"),
        ("employee", "Our people"),
        ("our_company", "Our company"),
        ("win_steps", "Win steps"),
        ("qualification", "Four questions"),
        ("stage_time", "Time in stage"),
        ("contact", "Recent contact"),
    ];
    for part in o["health"]["breakdown"].as_array().unwrap() {
        let id = part["name"].as_str().unwrap();
        let name = parts
            .iter()
            .find(|(i, _)| *i == id)
            .unwrap_or_else(|| panic!("a label for the health part {id}"))
            .1;
        let points = part["points"].as_f64().unwrap();
        assert!(md.contains(&format!("| {name} |")), "{name}");
        assert!(md.contains(&format!("| {points:.1} |")), "{name} {points}");
    }
    for (label, key) in [
        ("Key person", "keyPerson"),
        ("Decision chain", "decisionChain"),
        ("Account", "account"),
        ("Our people", "employee"),
        ("Our company", "ourCompany"),
        ("Competitor", "competitor"),
    ] {
        let v = o["scores"][key]["value"].as_f64().unwrap();
        assert!(
            md.contains(&format!("| {label} | {v:.2} |")),
            "{label} {v}\n{md}"
        );
    }
    let questions = o["qualification"].as_array().unwrap();
    assert_eq!(questions.len(), 4);
    for q in questions {
        assert!(md.contains(q["question"].as_str().unwrap()));
    }
    for s in o["winSteps"].as_array().unwrap() {
        assert!(md.contains(s["label"].as_str().unwrap()));
    }
    let prompts = o["coachingPrompts"].as_array().unwrap();
    assert!((3..=5).contains(&prompts.len()), "{}", prompts.len());
    for (i, p) in prompts.iter().enumerate() {
        let text = p["text"].as_str().unwrap();
        assert!(
            md.contains(&format!("{}. **{text}**", i + 1)),
            "prompt {i}: {text}"
        );
    }
    assert!(md.contains("Introduction path: "), "a path is suggested");
    let open = o["supportRequests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "REQUESTED" || r["status"] == "GRANTED")
        .count();
    assert!(open >= 1);
    let section = md.split("## Open support requests").nth(1).unwrap();
    assert_eq!(
        section
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Support"))
            .count(),
        open
    );

    // The decision chain as a table: one row per member.
    let chain = md
        .split("## Decision chain")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a decision-chain section");
    let members = o["decisionChain"].as_array().unwrap();
    assert!(!members.is_empty());
    assert_eq!(
        chain
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Person"))
            .count(),
        members.len(),
        "{chain}"
    );
    for m in members {
        let name = m["person"]["name"].as_str().unwrap();
        assert!(chain.contains(&format!("| {name} |")), "{name} in\n{chain}");
    }
    // Evidence by the facts' labels, never their ids.
    for id in [
        "interactions\\_90d",
        "chain\\_size",
        "days\\_in\\_stage",
        "open\\_deal",
    ] {
        assert!(!md.contains(id), "{id} in\n{md}");
    }
    assert!(
        md.contains("interactions with the chain, last 90 days = "),
        "{md}"
    );

    let zh = o["zh"].as_str().unwrap();
    assert!(
        zh.contains("## 四个问题") && zh.contains("## 关系量化") && zh.contains("## 决策链"),
        "{zh}"
    );
    assert!(zh.contains("近90天与决策链的互动 = "), "{zh}");
    // Values in words too: yes and no, the stage, the tier, the budget.
    assert!(
        zh.contains("预算状态 = 已确认") && zh.contains(" = 是"),
        "{zh}"
    );
    for raw in [
        "= true",
        "= false",
        "= confirmed",
        "= strategic",
        "= negotiate",
    ] {
        assert!(!zh.contains(raw), "{raw} in the Chinese report:\n{zh}");
        assert!(
            !md.contains(raw) || raw == "= confirmed",
            "{raw} in the report:\n{md}"
        );
    }
    for english in [
        "**missing**",
        "**satisfied",
        "| requested |",
        "| key\\_person |",
    ] {
        assert!(
            !zh.contains(english),
            "{english} in the Chinese report:\n{zh}"
        );
    }
    let zh_html = o["zhHtml"].as_str().unwrap();
    assert!(
        zh_html.contains("<html lang=\"zh-CN\">"),
        "the Chinese page says its language"
    );

    let html = o["html"].as_str().unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<html lang=\"en\">"),
        "the page says its language"
    );
    assert!(
        html.contains("@media print") && html.contains("width: 100%; height: auto"),
        "the map scales to the paper"
    );
    assert!(
        html.contains("<svg") && html.contains("data-person="),
        "the map is inside"
    );
    assert!(html.contains("<table>") && html.contains("<h2>The four questions</h2>"));
    assert!(!html.contains("<script"), "no script");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "nothing fetched"
    );

    // The command line writes the same Markdown, and HTML with --format.
    let id = ids["opportunity"].as_str().unwrap();
    let out = guanxi_command(&url, &["report", "opportunity", id])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli = String::from_utf8(out.stdout).unwrap();
    assert!(cli.contains(&format!("## Health: {score:.0} / 100")));
    assert_eq!(cli.lines().count(), md.lines().count());
    let out = guanxi_command(
        &url,
        &[
            "report",
            "opportunity",
            id,
            "--format",
            "html",
            "--database",
            &url,
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("<svg"));
    // A deal that is not there is a plain error, not a panic.
    let out = guanxi_command(
        &url,
        &[
            "report",
            "opportunity",
            "01a21b42-0000-7000-8000-000000000000",
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not found"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn the_planning_report_lists_what_changed_since_the_last_meeting(backend: Backend) {
    let Some((url, app)) = demo_server(backend).await else {
        return;
    };
    let ids = deal(&app).await;
    let account = ids["account"].as_str().unwrap();
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let data = app
        .ok(
            "query($id: ID!) { account(id: $id) { people { id name level department } }
               employees { id name } }",
            json!({ "id": account }),
        )
        .await;
    let people = data["account"]["people"].as_array().unwrap();
    let person = |name: &str| people.iter().find(|p| p["name"] == name).unwrap()["id"].clone();
    let employee = |name: &str| {
        data["employees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()["id"]
            .clone()
    };

    // Nothing has changed today yet.
    let quiet = app
        .ok(
            "query($id: ID!, $since: Date!) { account(id: $id) { relationshipChanges(since: $since) {
                assessments { person } newPeople { name } tiesGoneCold { person } peopleLeft { name } } } }",
            json!({ "id": account, "since": today }),
        )
        .await;
    let c = &quiet["account"]["relationshipChanges"];
    assert_eq!(c["assessments"].as_array().unwrap().len(), 0, "{c}");
    assert_eq!(c["newPeople"].as_array().unwrap().len(), 0, "{c}");

    // The meeting's week: 张伟 raises his tie with 赵立新 (4, assessed in 2024) to 5,
    // and a new person joins.
    app.ok(
        "mutation($input: AssessRelationshipInput!) { assessRelationship(input: $input) { strength } }",
        json!({ "input": { "employeeId": employee("张伟"), "personId": person("赵立新"),
                           "strength": 5, "note": "Dinner after the tender briefing." } }),
    )
    .await;
    let first = &people[0];
    app.ok(
        "mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }",
        json!({ "input": { "accountId": account, "name": "欧阳明", "title": "Head of Procurement Audit",
                           "department": first["department"], "level": first["level"] } }),
    )
    .await;

    // 刘洋 is promoted (a new position at the same account: neither new nor gone).
    app.ok(
        "mutation($id: ID!) { updatePerson(id: $id, input: { title: \"Vice President, Network\" }) { id } }",
        json!({ "id": person("刘洋") }),
    )
    .await;
    // 刘洋 gets a new manager, and the newcomer a dotted line to 赵立新.
    app.ok(
        "mutation($input: SetReportingLineInput!) { setReportingLine(input: $input) { id } }",
        json!({ "input": { "personId": person("刘洋"), "managerId": person("赵立新") } }),
    )
    .await;
    let newcomer = app
        .ok(
            "query($id: ID!) { account(id: $id) { people { id name } } }",
            json!({ "id": account }),
        )
        .await["account"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "欧阳明")
        .unwrap()["id"]
        .clone();
    app.ok(
        "mutation($input: SetReportingLineInput!) { setReportingLine(input: $input) { id } }",
        json!({ "input": { "personId": newcomer, "managerId": person("赵立新"), "kind": "DOTTED" } }),
    )
    .await;
    // 王磊 leaves us (with ties here), and 曹阳 moves to the other account.
    app.ok(
        "mutation($id: ID!, $on: Date!) { updateEmployee(id: $id, input: { status: DEPARTED, departedOn: $on }) { id } }",
        json!({ "id": employee("王磊"), "on": today }),
    )
    .await;
    let other = app
        .ok("{ accounts(first: 10) { nodes { id } } }", json!({}))
        .await["accounts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] != account)
        .unwrap()["id"]
        .clone();
    app.ok(
        "mutation($id: ID!, $to: ID!) { updatePerson(id: $id, input: { accountId: $to }) { id } }",
        json!({ "id": person("曹阳"), "to": other }),
    )
    .await;

    let data = app
        .ok(
            "query($id: ID!, $since: Date!) { account(id: $id) {
                relationshipChanges(since: $since) {
                    since assessmentsUp { holder person before after movement note }
                    assessmentsDown { person } newPeople { name title on }
                    peopleLeft { name on } employeesLeft { name on ties }
                    orgChanges { person kind before after beforeLevel afterLevel on } }
                earlier: relationshipChanges(since: \"2020-01-01\", until: \"2020-12-31\") {
                    until assessments { person } orgChanges { person } newPeople { name } }
                zh: report(since: $since, lang: ZH)
                md: report(since: $since) html: report(since: $since, format: HTML)
                people { id }
                improvementPoints { text status }
            } }",
            json!({ "id": account, "since": today }),
        )
        .await;
    let a = &data["account"];
    let c = &a["relationshipChanges"];
    assert_eq!(c["since"], today.as_str());
    let up = c["assessmentsUp"].as_array().unwrap();
    assert_eq!(up.len(), 1, "{c}");
    assert_eq!(up[0]["holder"], "张伟");
    assert_eq!(up[0]["person"], "赵立新");
    assert_eq!(up[0]["before"], 4);
    assert_eq!(up[0]["after"], 5);
    assert_eq!(up[0]["movement"], "UP");
    assert_eq!(c["assessmentsDown"].as_array().unwrap().len(), 0);
    let new = c["newPeople"].as_array().unwrap();
    assert_eq!(new.len(), 1, "{c}");
    assert_eq!(new[0]["name"], "欧阳明");
    assert_eq!(new[0]["on"], today.as_str());

    // The org chart: 刘洋's new title at the same level, his new manager, and
    // the newcomer's dotted line.
    let org = c["orgChanges"].as_array().unwrap();
    let find = |kind: &str| {
        org.iter()
            .find(|o| o["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {c}"))
            .clone()
    };
    let role = find("new_role");
    assert_eq!(role["person"], "刘洋");
    assert_eq!(role["after"], "Vice President, Network");
    assert_eq!(role["beforeLevel"], role["afterLevel"]);
    let manager = find("new_manager");
    assert_eq!(manager["person"], "刘洋");
    assert_eq!(manager["after"], "赵立新");
    assert!(
        manager["before"].is_string() && manager["before"] != "赵立新",
        "{manager}"
    );
    let dotted = find("dotted_line_added");
    assert_eq!(
        (dotted["person"].as_str(), dotted["after"].as_str()),
        (Some("欧阳明"), Some("赵立新"))
    );
    assert_eq!(org.len(), 3, "{c}");
    // A window that ended long ago sees none of today's changes.
    let earlier = &a["earlier"];
    assert_eq!(earlier["until"], "2020-12-31");
    for list in ["assessments", "orgChanges", "newPeople"] {
        assert_eq!(earlier[list], json!([]), "{list}: {earlier}");
    }
    let zh = a["zh"].as_str().unwrap();
    assert!(
        zh.contains("### 组织架构变化（3）") || zh.contains("### 组织架构变化 (3)"),
        "{zh}"
    );
    assert!(zh.contains("**刘洋**：更换直属上级，"), "{zh}");
    assert!(zh.contains("**欧阳明**：新增虚线汇报至赵立新"), "{zh}");
    // A window that ends before it starts, or after today, is refused.
    for (since, until) in [("2026-06-01", "2026-05-01"), ("2026-06-01", "2999-01-01")] {
        assert_eq!(
            app.error_code(
                "query($id: ID!, $s: Date!, $u: Date!) { account(id: $id) { relationshipChanges(since: $s, until: $u) { since } } }",
                json!({ "id": account, "s": since, "u": until }),
            )
            .await,
            "INVALID_INPUT"
        );
    }

    let left = c["peopleLeft"].as_array().unwrap();
    assert_eq!(left.len(), 1, "{c}");
    assert_eq!(left[0]["name"], "曹阳");
    let gone = c["employeesLeft"].as_array().unwrap();
    assert_eq!(gone.len(), 1, "{c}");
    assert_eq!(gone[0]["name"], "王磊");
    assert_eq!(gone[0]["on"], today.as_str());
    assert!(!gone[0]["ties"].as_array().unwrap().is_empty(), "{c}");
    let md = a["md"].as_str().unwrap();
    for heading in [
        "# Relationship planning: ",
        "## Relationship inventory",
        "### Level",
        "### Department",
        "### Buying role",
        "### Our owner",
        &format!("## What changed since {today}") as &str,
        "### Assessments up (1)",
        "### Assessments down (0)",
        "### New people (1)",
        "### Ties gone cold (",
        "### Org chart (3)",
        "### Departures (2)",
        "## Improvement points",
    ] {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    assert!(md.contains("- 张伟 – 赵立新: 4 → **5** ("), "{md}");
    assert!(
        md.contains("- **欧阳明**, Head of Procurement Audit"),
        "{md}"
    );
    // The inventory by level counts everyone once.
    let level = md
        .split("### Level")
        .nth(1)
        .unwrap()
        .split("###")
        .next()
        .unwrap();
    let counted: usize = level
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Level"))
        .map(|l| {
            l.split('|')
                .nth(2)
                .unwrap()
                .trim()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(counted, a["people"].as_array().unwrap().len());
    // Every improvement point with its status; the overdue one flagged.
    for p in a["improvementPoints"].as_array().unwrap() {
        let text = p["text"].as_str().unwrap();
        assert!(md.contains(text), "{text}");
    }
    assert!(md.contains("open (overdue)"), "{md}");
    assert!(a["html"].as_str().unwrap().contains("<svg"));

    // The command line, with --since checked.
    let out = guanxi_command(&url, &["report", "account", account, "--since", &today])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("### Assessments up (1)"));
    let out = guanxi_command(
        &url,
        &["report", "account", account, "--since", "last week"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}
