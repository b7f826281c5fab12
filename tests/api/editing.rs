//! Editing in place on the planning page, in real headless Chromium: the room
//! ticks a win step, answers one of the four questions with its evidence, sets a
//! person's place in the decision chain from their panel and adds someone to the
//! chain; each change is undone from its toast by a compensating write, and what
//! is being typed survives a language switch. Every check reads the server, not
//! the page.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::{
    browser::{browser, chain_member, click, eventually, ids, shoot, start_driver, text},
    helpers::{demo_server, Backend, TestApp},
};

const DEAL_STATE: &str = "query($o: ID!) { opportunity(id: $o) {
    winSteps { id status }
    qualification { questionId answer }
    recordedAnswers { questionId answer evidence }
    decisionChain { person { id name } buyingRole influence attitude note primary favouredCompetitor { id } }
    account { people { id name } } } }";

async fn deal_state(app: &TestApp, deal: &str) -> Value {
    app.ok(DEAL_STATE, json!({ "o": deal })).await["opportunity"].clone()
}

/// A browser at 1600×1000 on the deal's page, once its win steps are drawn
/// with their boxes.
async fn open_deal(driver: &str, profile: &std::path::Path, app: &TestApp, deal: &str) -> Client {
    let c = browser(driver, profile).await;
    c.set_window_size(1600, 1000).await.unwrap();
    c.goto(&format!("{}/#opportunity={deal}", app.address))
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#steps input[data-step]"))
        .await
        .expect("the win steps are drawn with their boxes");
    c
}

/// The account of a deal.
async fn account_of(app: &TestApp, deal: &str) -> String {
    app.ok(
        "query($o: ID!) { opportunity(id: $o) { account { id } } }",
        json!({ "o": deal }),
    )
    .await["opportunity"]["account"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Clicks the Undo of the toast that says `says` (not of an earlier one).
async fn undo_from_toast(c: &Client, says: &str) {
    eventually(&format!("the toast says {says}"), || async {
        text(c, "#toast").await.contains(says)
    })
    .await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#toast:not([hidden]) .toast-action"))
        .await
        .expect("an undo in the toast")
        .click()
        .await
        .unwrap();
    eventually("the toast says it is undone", || async {
        text(c, "#toast").await.starts_with("Undone")
    })
    .await;
}

async fn step_status(app: &TestApp, deal: &str, step: &str) -> String {
    deal_state(app, deal).await["winSteps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == step)
        .unwrap()["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn chart(app: &TestApp, account: &str) -> Value {
    app.ok(
        "query($a: ID!) { account(id: $a) { people { id name title department level }
         reportingLines { person { id } manager { id } kind } } }",
        json!({ "a": account }),
    )
    .await["account"]
        .clone()
}

fn member<'a>(state: &'a Value, person: &str) -> Option<&'a Value> {
    state["decisionChain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"]["id"] == person)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_room_edits_the_deal_in_place_and_undoes_it() {
    let Some((_driver, driver)) = start_driver().await else {
        return;
    };
    let (_, app) = demo_server(Backend::Sqlite).await.expect("SQLite");
    let deal = ids(&app).await;
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    let profile = tempfile::tempdir().unwrap();
    let c = open_deal(&driver, profile.path(), &app, &deal_id).await;

    // A win step ticked where it is read, then the tick undone.
    let before = deal_state(&app, &deal_id).await;
    let step = before["winSteps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] != "DONE")
        .expect("a step not ticked yet")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    click(&c, &format!("#steps input[data-step=\"{step}\"]")).await;
    eventually("the step ticked on the server", || async {
        step_status(&app, &deal_id, &step).await == "DONE"
    })
    .await;
    undo_from_toast(&c, "Ticked:").await;
    let original = before["winSteps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == step.as_str())
        .unwrap()["status"]
        .as_str()
        .unwrap()
        .to_owned();
    eventually("the step as it was on the server", || async {
        step_status(&app, &deal_id, &step).await == original
    })
    .await;

    // One of the four questions answered with its evidence.
    let question = before["qualification"][0]["questionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let current = before["qualification"][0]["answer"].as_str().unwrap();
    let wanted = if current == "YES" { "NO" } else { "YES" };
    c.find(Locator::Css(&format!(
        "#questions select[data-question=\"{question}\"]"
    )))
    .await
    .unwrap()
    .select_by_value(wanted)
    .await
    .unwrap();
    // Typed key by key; should a live refresh redraw the list meanwhile, the
    // text and the cursor stay where they were.
    let evidence = c
        .find(Locator::Css(&format!(
            "#questions input[data-evidence=\"{question}\"]"
        )))
        .await
        .unwrap();
    evidence.click().await.unwrap();
    c.execute(
        "const e = document.activeElement; e.value = ''; e.dispatchEvent(new Event('input'));",
        vec![],
    )
    .await
    .unwrap();
    c.active_element()
        .await
        .unwrap()
        .send_keys("Budget letter from the CFO's office")
        .await
        .unwrap();
    // What is being typed stays through a language switch.
    click(&c, "#lang-zh").await;
    eventually("the page in Chinese", || async {
        text(&c, "#steps .status")
            .await
            .chars()
            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))
    })
    .await;
    let kept = c
        .execute(
            "return [document.querySelector(`#questions select[data-question=\"${arguments[0]}\"]`).value,
                     document.querySelector(`#questions input[data-evidence=\"${arguments[0]}\"]`).value];",
            vec![json!(question)],
        )
        .await
        .unwrap();
    assert_eq!(kept, json!([wanted, "Budget letter from the CFO's office"]));
    click(
        &c,
        &format!("#questions button[data-answer=\"{question}\"]"),
    )
    .await;
    eventually("the answer recorded with its evidence", || async {
        deal_state(&app, &deal_id).await["recordedAnswers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| {
                r["questionId"] == question.as_str()
                    && r["answer"] == wanted
                    && r["evidence"] == "Budget letter from the CFO's office"
            })
    })
    .await;
    click(&c, "#lang-en").await;

    // The CFO's attitude set from the panel, then undone: the role, influence,
    // note and favoured competitor the form does not show are kept.
    let cfo = chain_member(&deal, "赵立新");
    let was = member(&before, &cfo).expect("the CFO in the chain").clone();
    c.execute("openPerson(arguments[0]);", vec![json!(cfo)])
        .await
        .unwrap();
    eventually("the chain form for the CFO", || async {
        text(&c, "#chain-title")
            .await
            .contains("5G Core Network Expansion Phase II")
    })
    .await;
    let shown = c
        .execute(
            "return [document.getElementById('chain-role').value, document.getElementById('chain-attitude').value];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        json!([was["buyingRole"], was["attitude"].to_string()]),
        "the form shows the CFO's place as stored"
    );
    c.execute(
        "document.getElementById('chain-form').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shoot(&c, "chain-in-panel.png").await;
    let attitude = if was["attitude"] == 1 { "2" } else { "1" };
    c.find(Locator::Id("chain-attitude"))
        .await
        .unwrap()
        .select_by_value(attitude)
        .await
        .unwrap();
    click(&c, "#chain-save").await;
    eventually("the CFO's attitude saved", || async {
        let now = deal_state(&app, &deal_id).await;
        let m = member(&now, &cfo).unwrap().clone();
        m["attitude"].as_i64().map(|a| a.to_string()).as_deref() == Some(attitude)
            && m["buyingRole"] == was["buyingRole"]
            && m["influence"] == was["influence"]
            && m["note"] == was["note"]
            && m["favouredCompetitor"] == was["favouredCompetitor"]
    })
    .await;
    undo_from_toast(&c, "place in the chain saved").await;
    eventually("the CFO's place as it was", || async {
        member(&deal_state(&app, &deal_id).await, &cfo).unwrap() == &was
    })
    .await;

    // Someone of the account outside the chain added to it, then taken out again.
    let outside = before["account"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| member(&before, p["id"].as_str().unwrap()).is_none())
        .expect("someone at the account outside the chain")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    c.execute("openPerson(arguments[0]);", vec![json!(outside)])
        .await
        .unwrap();
    eventually("the form offers to add them", || async {
        text(&c, "#chain-save").await == "Add to the chain"
    })
    .await;
    // Without a role the form says so at the field and sends nothing.
    click(&c, "#chain-save").await;
    eventually("the missing role shown at its field", || async {
        !text(&c, "#chain-form .error[data-for=buyingRole]")
            .await
            .is_empty()
    })
    .await;
    assert!(member(&deal_state(&app, &deal_id).await, &outside).is_none());
    c.find(Locator::Id("chain-role"))
        .await
        .unwrap()
        .select_by_value("technical_evaluator")
        .await
        .unwrap();
    click(&c, "#chain-save").await;
    eventually("the person added to the chain", || async {
        member(&deal_state(&app, &deal_id).await, &outside)
            .is_some_and(|m| m["buyingRole"] == "technical_evaluator" && m["attitude"] == 0)
    })
    .await;
    undo_from_toast(&c, "added to the chain").await;
    eventually("the person out of the chain again", || async {
        member(&deal_state(&app, &deal_id).await, &outside).is_none()
    })
    .await;
    c.close().await.unwrap();
}

const POINTS: &str = "query($a: ID!) { account(id: $a) { improvementPoints { id text status dueOn owner { name } opportunity { id } } } }";

async fn points(app: &TestApp, account: &str) -> Vec<Value> {
    app.ok(POINTS, json!({ "a": account })).await["account"]["improvementPoints"]
        .as_array()
        .unwrap()
        .clone()
}

/// In the whole-account view the room sets an improvement point (owner, due day,
/// about the deal on screen), closes it as done, and undoes both: the close
/// reopens it, the setting deletes it (restorable, as every delete).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_room_sets_and_closes_improvement_points_on_the_page() {
    let Some((_driver, driver)) = start_driver().await else {
        return;
    };
    let (_, app) = demo_server(Backend::Sqlite).await.expect("SQLite");
    let deal = ids(&app).await;
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    let account = account_of(&app, &deal_id).await;
    let profile = tempfile::tempdir().unwrap();
    let c = open_deal(&driver, profile.path(), &app, &deal_id).await;
    click(&c, "#view-account").await;
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(
            "#point-form:not([hidden]) #point-owner option[value]:not([value=''])",
        ))
        .await
        .expect("the point form with our people");
    let before = points(&app, &account).await.len();

    // An empty point is refused at its field, and nothing is written.
    click(&c, "#point-form button[type=submit]").await;
    eventually("the empty text shown at its field", || async {
        !text(&c, "#point-form .error[data-for=text]")
            .await
            .is_empty()
    })
    .await;
    assert_eq!(points(&app, &account).await.len(), before);

    let what = "Meet the CFO with our finance director before the tender";
    c.find(Locator::Id("point-text"))
        .await
        .unwrap()
        .send_keys(what)
        .await
        .unwrap();
    let owner = c
        .execute(
            "const o = [...document.querySelectorAll('#point-owner option')].find((x) => x.value);
             document.getElementById('point-owner').value = o.value; return o.textContent;",
            vec![],
        )
        .await
        .unwrap();
    c.execute(
        "const d = document.getElementById('point-due'); d.value = '2027-01-15';
         document.getElementById('point-deal').checked = true;",
        vec![],
    )
    .await
    .unwrap();
    click(&c, "#point-form button[type=submit]").await;
    let find = |all: Vec<Value>| all.into_iter().find(|p| p["text"] == what);
    eventually("the point set on the server", || async {
        find(points(&app, &account).await).is_some_and(|p| {
            p["status"] == "OPEN"
                && p["dueOn"] == "2027-01-15"
                && p["owner"]["name"] == owner
                && p["opportunity"]["id"] == deal_id.as_str()
        })
    })
    .await;
    let id = find(points(&app, &account).await).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    c.execute(
        "document.getElementById('points').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shoot(&c, "improvement-points.png").await;
    // Closed as done from its line, then reopened by the undo.
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(&format!(
            "#points button[data-point=\"{id}\"][data-close=DONE]"
        )))
        .await
        .expect("a done button on the new point")
        .click()
        .await
        .unwrap();
    eventually("the point done", || async {
        find(points(&app, &account).await).is_some_and(|p| p["status"] == "DONE")
    })
    .await;
    undo_from_toast(&c, "Improvement point done").await;
    eventually("the point open again", || async {
        find(points(&app, &account).await).is_some_and(|p| p["status"] == "OPEN")
    })
    .await;
    // In Chinese the statuses are words of the page's language.
    click(&c, "#lang-zh").await;
    eventually("the point's status in Chinese", || async {
        text(&c, &format!("#points li[data-point=\"{id}\"] .status")).await == "进行中"
    })
    .await;
    click(&c, "#lang-en").await;
    eventually("the page in English again", || async {
        text(&c, "#point-form button[type=submit]").await == "Set the point"
    })
    .await;

    // Setting a point is undone by deleting it.
    let again = "Send the CIO the reference visit summary";
    c.find(Locator::Id("point-text"))
        .await
        .unwrap()
        .send_keys(again)
        .await
        .unwrap();
    click(&c, "#point-form button[type=submit]").await;
    eventually("the second point set", || async {
        points(&app, &account)
            .await
            .iter()
            .any(|p| p["text"] == again)
    })
    .await;
    undo_from_toast(&c, "Improvement point set").await;
    eventually("the second point gone", || async {
        !points(&app, &account)
            .await
            .iter()
            .any(|p| p["text"] == again)
    })
    .await;
    c.close().await.unwrap();
}

/// The room adds someone it just learnt of to the org chart, with a dotted line
/// to the CFO; their panel opens at once, ready to place them in the chain. What
/// is missing is said at every field at once; undo deletes the person again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_room_adds_a_person_with_a_reporting_line_on_the_page() {
    let Some((_driver, driver)) = start_driver().await else {
        return;
    };
    let (_, app) = demo_server(Backend::Sqlite).await.expect("SQLite");
    let deal = ids(&app).await;
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    let cfo = chain_member(&deal, "赵立新");
    let account = account_of(&app, &deal_id).await;
    let profile = tempfile::tempdir().unwrap();
    let c = open_deal(&driver, profile.path(), &app, &deal_id).await;
    click(&c, "#view-account").await;
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(&format!(
            "#new-manager option[value=\"{cfo}\"]"
        )))
        .await
        .expect("the person form lists the account's people");
    let people_before = chart(&app, &account).await["people"]
        .as_array()
        .unwrap()
        .len();

    // Nothing filled in: the name, department and level are each said at their field.
    click(&c, "#person-form button[type=submit]").await;
    eventually("every missing field said at once", || async {
        let mut all = true;
        for f in ["name", "department", "level"] {
            all &= !text(&c, &format!("#person-form .error[data-for={f}]"))
                .await
                .is_empty();
        }
        all
    })
    .await;
    assert_eq!(
        chart(&app, &account).await["people"]
            .as_array()
            .unwrap()
            .len(),
        people_before
    );

    c.find(Locator::Id("new-name"))
        .await
        .unwrap()
        .send_keys("钱晓峰")
        .await
        .unwrap();
    c.find(Locator::Id("new-title"))
        .await
        .unwrap()
        .send_keys("财务部副总经理")
        .await
        .unwrap();
    let chosen = c
        .execute(
            "const pick = (id) => { const s = document.getElementById(id); s.value = [...s.options].find((o) => o.value).value; return s.value; };
             const d = pick('new-department'), l = pick('new-level');
             document.getElementById('new-manager').value = arguments[0];
             document.getElementById('new-line').value = 'DOTTED';
             return [d, l];",
            vec![json!(cfo)],
        )
        .await
        .unwrap();
    click(&c, "#person-form button[type=submit]").await;
    let added = |a: &Value| {
        a["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "钱晓峰")
            .cloned()
    };
    eventually("the person in the org chart", || async {
        let a = chart(&app, &account).await;
        added(&a).is_some_and(|p| {
            let id = p["id"].clone();
            p["title"] == "财务部副总经理"
                && json!([p["department"], p["level"]]) == chosen
                && a["reportingLines"].as_array().unwrap().iter().any(|l| {
                    l["person"]["id"] == id
                        && l["manager"]["id"] == cfo.as_str()
                        && l["kind"] == "DOTTED"
                })
        })
    })
    .await;
    // Their panel opens, offering the chain.
    eventually("the new person's panel", || async {
        text(&c, "#person-name").await == "钱晓峰"
            && text(&c, "#chain-save").await == "Add to the chain"
    })
    .await;
    undo_from_toast(&c, "钱晓峰 added to the org chart").await;
    eventually("the person deleted again", || async {
        added(&chart(&app, &account).await).is_none()
    })
    .await;

    // Someone added in the whole-account view and placed in the chain there:
    // a second save is a change of their place (not a second addition), and its
    // undo puts the place back as it was.
    c.find(Locator::Id("new-name"))
        .await
        .unwrap()
        .send_keys("孙立")
        .await
        .unwrap();
    c.execute(
        "for (const id of ['new-department', 'new-level']) { const s = document.getElementById(id); s.value = [...s.options].find((o) => o.value).value; }",
        vec![],
    )
    .await
    .unwrap();
    click(&c, "#person-form button[type=submit]").await;
    eventually("孙立's panel, offering the chain", || async {
        text(&c, "#person-name").await == "孙立"
            && text(&c, "#chain-save").await == "Add to the chain"
    })
    .await;
    let sun = chart(&app, &account).await["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "孙立")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    c.find(Locator::Id("chain-role"))
        .await
        .unwrap()
        .select_by_value("business_evaluator")
        .await
        .unwrap();
    click(&c, "#chain-save").await;
    eventually("孙立 in the chain", || async {
        member(&deal_state(&app, &deal_id).await, &sun).is_some()
    })
    .await;
    eventually("the form now saves a place", || async {
        text(&c, "#chain-save").await == "Save"
    })
    .await;
    c.find(Locator::Id("chain-attitude"))
        .await
        .unwrap()
        .select_by_value("1")
        .await
        .unwrap();
    click(&c, "#chain-save").await;
    undo_from_toast(&c, "孙立's place in the chain saved").await;
    eventually("孙立's place as first set", || async {
        member(&deal_state(&app, &deal_id).await, &sun)
            .is_some_and(|m| m["attitude"] == 0 && m["buyingRole"] == "business_evaluator")
    })
    .await;
    eventually("the form shows the place undone", || async {
        c.execute(
            "return document.getElementById('chain-attitude').value;",
            vec![],
        )
        .await
        .unwrap()
            == json!("0")
    })
    .await;
    c.close().await.unwrap();
}
