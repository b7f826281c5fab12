//! Deleting and restoring records (SQLite and PostgreSQL): a deleted person,
//! tie, interaction, improvement point or deal is gone from every read (scores,
//! chains, exports), listed among deleted records with what went with it, and a
//! restore brings everything back as it was; roles and account scope hold;
//! both are audited; past the window nothing can be restored.

use guanxi::domain::Role;
use serde_json::{json, Value};

use crate::helpers::{answer_as, demo_server, spawn_on, Backend, TestApp};

const DEAL: &str = "query($id: ID!) { opportunity(id: $id) {
    id name
    decisionChain { person { id name } }
    scores { keyPerson { value } decisionChain { value } account { value } competitor { value } }
    health { score }
    stageHistory { stage }
    interactions { id }
} }";

async fn deal(app: &TestApp, id: &str) -> Value {
    app.ok(DEAL, json!({ "id": id })).await["opportunity"].clone()
}

/// How many rows of each exported list mention `id`.
async fn mentions(app: &TestApp, id: &str) -> usize {
    let export = guanxi::transfer::export(&app.store, None).await.unwrap();
    let text = serde_json::to_string(&export).unwrap();
    text.matches(id).count()
}

async fn deleted(app: &TestApp) -> Vec<Value> {
    app.ok(
        "{ deletedRecords { entity recordId accountId label deletedBy restorableUntil rows { list count } } }",
        json!({}),
    )
    .await["deletedRecords"]
        .as_array()
        .unwrap()
        .clone()
}

fn rows_of(record: &Value, list: &str) -> i64 {
    record["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["list"] == list)
        .map_or(0, |r| r["count"].as_i64().unwrap())
}

async fn delete_and_restore(backend: Backend) {
    let Some((url, app)) = demo_server(backend).await else {
        return;
    };
    let ids = app
        .ok(
            "{ accounts(first: 5) { nodes { id opportunities { id name outcome } } } }",
            json!({}),
        )
        .await;
    let accounts = ids["accounts"]["nodes"].as_array().unwrap().clone();
    let account = accounts[0]["id"].as_str().unwrap().to_owned();
    let other_account = accounts[1]["id"].as_str().unwrap().to_owned();
    let deal_id = accounts[0]["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "OPEN")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = deal(&app, &deal_id).await;
    // The chain member with the most ties: deleting them moves the numbers.
    let mut chain: Vec<(String, String, usize)> = Vec::new();
    for m in before["decisionChain"].as_array().unwrap() {
        let id = m["person"]["id"].as_str().unwrap().to_owned();
        let ties = app
            .ok(
                "query($id: ID!) { person(id: $id) { relationships { id } } }",
                json!({ "id": id }),
            )
            .await["person"]["relationships"]
            .as_array()
            .unwrap()
            .len();
        chain.push((id, m["person"]["name"].as_str().unwrap().to_owned(), ties));
    }
    chain.sort_by_key(|c| std::cmp::Reverse(c.2));
    let (person, name, ties) = chain[0].clone();
    assert!(ties >= 2, "a well-tied chain member: {chain:?}");
    let counts_before = app.counts().await;
    assert!(
        mentions(&app, &person).await > ties,
        "the person is in the export"
    );

    // Who may not: a viewer, and a member of another account (for whom it does not exist).
    let (_, viewer) = app
        .store
        .create_token("wall screen", Role::Viewer, &[account.parse().unwrap()])
        .await
        .unwrap();
    let (_, member_elsewhere) = app
        .store
        .create_token(
            "other team",
            Role::Member,
            &[other_account.parse().unwrap()],
        )
        .await
        .unwrap();
    let (_, coach) = app
        .store
        .create_token("coach", Role::Coach, &[])
        .await
        .unwrap();
    // Tokens exist now: a server started after them asks for one.
    let guarded = spawn_on(&url, None).await;
    let delete = "mutation($id: ID!) { deletePerson(id: $id) { id name } }";
    for (token, code) in [
        (&viewer, "FORBIDDEN"),
        (&member_elsewhere, "NOT_FOUND"),
        (&coach, "FORBIDDEN"),
    ] {
        let (status, body) = guarded
            .call_as(Some(token.as_str()), delete, json!({ "id": person }))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    }
    assert_eq!(
        app.counts().await,
        counts_before,
        "a refused delete changes nothing"
    );

    // Deleted: gone from the deal, the scores move, the export has nothing of them.
    let gone = app.ok(delete, json!({ "id": person })).await;
    assert_eq!(gone["deletePerson"]["name"], name.as_str());
    assert!(app
        .ok(
            "query($id: ID!) { person(id: $id) { id } }",
            json!({ "id": person })
        )
        .await["person"]
        .is_null());
    let after = deal(&app, &deal_id).await;
    assert_eq!(
        after["decisionChain"].as_array().unwrap().len() + 1,
        before["decisionChain"].as_array().unwrap().len()
    );
    assert_ne!(after["scores"], before["scores"], "the scores without them");
    assert_eq!(mentions(&app, &person).await, 0, "nothing of them exported");
    let bin = deleted(&app).await;
    assert_eq!(bin.len(), 1);
    assert_eq!(bin[0]["entity"], "PERSON");
    assert_eq!(bin[0]["recordId"], person.as_str());
    assert_eq!(bin[0]["label"], name.as_str());
    assert_eq!(bin[0]["accountId"], account.as_str());
    assert_eq!(rows_of(&bin[0], "relationships"), ties as i64);
    assert!(rows_of(&bin[0], "assessments") >= ties as i64);
    assert!(
        rows_of(&bin[0], "decisionChainMembers") >= 1,
        "in this deal's chain and perhaps others"
    );
    // Another account's member does not see it among deleted records.
    let theirs = answer_as(
        &guarded,
        &member_elsewhere,
        "{ deletedRecords { recordId } }",
        json!({}),
    )
    .await;
    assert_eq!(theirs["data"]["deletedRecords"], json!([]));

    // Restored: everything back, the numbers as they were.
    let back = app
        .ok(
            "mutation($id: ID!) { restorePerson(id: $id) { id name } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(back["restorePerson"]["name"], name.as_str());
    assert_eq!(app.counts().await, counts_before, "every row back");
    let again = deal(&app, &deal_id).await;
    assert_eq!(again["scores"], before["scores"]);
    assert_eq!(again["health"], before["health"]);
    assert!(deleted(&app).await.is_empty());
    assert_eq!(
        app.error_code(
            "mutation($id: ID!) { restorePerson(id: $id) { id } }",
            json!({ "id": person })
        )
        .await,
        "NOT_FOUND",
        "restored once"
    );

    // A tie of theirs deleted, then the person: the tie cannot come back before them.
    let tie = app
        .ok(
            "query($id: ID!) { person(id: $id) { relationships { id strength } } }",
            json!({ "id": person }),
        )
        .await["person"]["relationships"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(
        "mutation($id: ID!) { deleteRelationship(id: $id) { id } }",
        json!({ "id": tie }),
    )
    .await;
    app.ok(delete, json!({ "id": person })).await;
    let refused = app
        .error(
            "mutation($id: ID!) { restoreRelationship(id: $id) { id } }",
            json!({ "id": tie }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "CONFLICT", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("restore that first"),
        "{refused}"
    );
    app.ok(
        "mutation($id: ID!) { restorePerson(id: $id) { id } }",
        json!({ "id": person }),
    )
    .await;
    let tie_back = app
        .ok(
            "mutation($id: ID!) { restoreRelationship(id: $id) { id person { id } } }",
            json!({ "id": tie }),
        )
        .await;
    assert_eq!(tie_back["restoreRelationship"]["id"], tie.as_str());
    assert_eq!(app.counts().await, counts_before);

    // A deal: its history goes with it, its interactions stay at the account.
    let deal_interactions = before["interactions"].as_array().unwrap().len();
    let gone = app
        .ok(
            "mutation($id: ID!) { deleteOpportunity(id: $id) { name } }",
            json!({ "id": deal_id }),
        )
        .await;
    assert_eq!(gone["deleteOpportunity"]["name"], before["name"]);
    assert!(app
        .ok(
            "query($id: ID!) { opportunity(id: $id) { id } }",
            json!({ "id": deal_id })
        )
        .await["opportunity"]
        .is_null());
    let bin = deleted(&app).await;
    assert_eq!(
        rows_of(&bin[0], "stageChanges") as usize,
        before["stageHistory"].as_array().unwrap().len()
    );
    assert_eq!(
        rows_of(&bin[0], "unlinkedInteractions") as usize,
        deal_interactions
    );
    app.ok(
        "mutation($id: ID!) { restoreOpportunity(id: $id) { id } }",
        json!({ "id": deal_id }),
    )
    .await;
    let again = deal(&app, &deal_id).await;
    assert_eq!(
        again["interactions"], before["interactions"],
        "linked again"
    );
    assert_eq!(again["stageHistory"], before["stageHistory"]);
    assert_eq!(again["scores"], before["scores"]);
    assert_eq!(app.counts().await, counts_before);

    // An interaction, and an improvement point (which a coach may delete).
    let interaction = before["interactions"][0]["id"].as_str().unwrap().to_owned();
    app.ok(
        "mutation($id: ID!) { deleteInteraction(id: $id) { id } }",
        json!({ "id": interaction }),
    )
    .await;
    assert_eq!(
        deal(&app, &deal_id).await["interactions"]
            .as_array()
            .unwrap()
            .len()
            + 1,
        deal_interactions
    );
    app.ok(
        "mutation($id: ID!) { restoreInteraction(id: $id) { id } }",
        json!({ "id": interaction }),
    )
    .await;
    let point = app
        .ok(
            "mutation($a: ID!) { setImprovementPoint(input: { accountId: $a, text: \"Meet the CFO before the tender\" }) { id } }",
            json!({ "a": account }),
        )
        .await["setImprovementPoint"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_coach = answer_as(
        &guarded,
        &coach,
        "mutation($id: ID!) { deleteImprovementPoint(id: $id) { text } }",
        json!({ "id": point }),
    )
    .await;
    assert_eq!(
        by_coach["data"]["deleteImprovementPoint"]["text"], "Meet the CFO before the tender",
        "{by_coach}"
    );
    let back = answer_as(
        &guarded,
        &coach,
        "mutation($id: ID!) { restoreImprovementPoint(id: $id) { id } }",
        json!({ "id": point }),
    )
    .await;
    assert_eq!(
        back["data"]["restoreImprovementPoint"]["id"],
        point.as_str(),
        "{back}"
    );

    // Every deletion and restore is in the audit trail.
    let trail = app
        .ok(
            "{ auditTrail(first: 100) { nodes { action entityId } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = trail["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["action"].as_str().unwrap())
        .collect();
    for a in [
        "delete person",
        "restore person",
        "delete relationship",
        "restore relationship",
        "delete opportunity",
        "restore opportunity",
        "delete interaction",
        "restore interaction",
        "delete improvement point",
        "restore improvement point",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }

    // Past the window (this handle's: none): purged for good, nothing to restore.
    app.store.set_deletion_window(std::time::Duration::ZERO);
    app.store
        .delete_interaction(interaction.parse().unwrap())
        .await
        .unwrap();
    // Windows are counted in whole seconds.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.store.purge_deleted().await.unwrap(), 1);
    assert!(deleted(&app).await.is_empty());
    assert_eq!(
        app.error_code(
            "mutation($id: ID!) { restoreInteraction(id: $id) { id } }",
            json!({ "id": interaction })
        )
        .await,
        "NOT_FOUND"
    );
}

crate::each_backend!(delete_and_restore);

/// Erasure on request: the person's name, contact details, notes and every
/// mention of them are gone from reads, exports, reports and the trail; their
/// ties and the deal's numbers stay; only administrators may; a deleted person
/// is erased from the deleted records; the command line does the same.
async fn erase_a_person(backend: Backend) {
    let Some((url, app)) = demo_server(backend).await else {
        return;
    };
    let ids = app
        .ok(
            "{ accounts(first: 5) { nodes { id opportunities { id outcome decisionChain { person { id name } } } } }
               employees { id } }",
            json!({}),
        )
        .await;
    let account = ids["accounts"]["nodes"][0].clone();
    let account_id = account["id"].as_str().unwrap().to_owned();
    let deal = account["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "OPEN" && o["decisionChain"].as_array().unwrap().len() >= 3)
        .unwrap()
        .clone();
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    let person = deal["decisionChain"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let name = deal["decisionChain"][0]["person"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = deal["decisionChain"][1]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let employee = ids["employees"][0]["id"].as_str().unwrap().to_owned();
    let email = "li.minghua@huaxin.example";
    let phone = "+86 138 0013 8000";
    app.ok(
        "mutation($id: ID!, $e: String, $p: String) { updatePerson(id: $id, input: { email: $e, phone: $p, title: \"VP, Network\" }) { id } }",
        json!({ "id": person, "e": email, "p": phone }),
    )
    .await;
    app.ok(
        "mutation($a: ID!, $o: ID, $e: ID!, $p: ID!, $n: String) { recordInteraction(input: {
            accountId: $a, opportunityId: $o, kind: \"meal\", subject: $n, note: $n,
            employeeIds: [$e], personIds: [$p] }) { id } }",
        json!({ "a": account_id, "o": deal_id, "e": employee, "p": person,
                "n": format!("Dinner with {name} ({email}, {phone}): {name} backs the upgrade") }),
    )
    .await;
    app.ok(
        "mutation($e: ID!, $p: ID!, $n: String) { assessRelationship(input: { employeeId: $e, personId: $p, strength: 4, note: $n }) { id } }",
        json!({ "e": employee, "p": person, "n": format!("{name} trusts us") }),
    )
    .await;
    let scores = "query($id: ID!) { opportunity(id: $id) { scores { keyPerson { value } decisionChain { value } account { value } competitor { value } } health { score } } }";
    let before = app.ok(scores, json!({ "id": deal_id })).await;
    let ties = "query($id: ID!) { person(id: $id) { name title email phone department level relationships { id strength } } }";
    let tied = app.ok(ties, json!({ "id": person })).await["person"].clone();
    let export =
        serde_json::to_string(&guanxi::transfer::export(&app.store, None).await.unwrap()).unwrap();
    assert!(
        export.contains(&name) && export.contains(email),
        "there before"
    );

    // Their access request: everything about them, in the export format.
    let theirs = app
        .ok(
            "query($id: ID!) { personalData(personId: $id) }",
            json!({ "id": person }),
        )
        .await["personalData"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs: Value = serde_json::from_str(&theirs).unwrap();
    assert_eq!(theirs["people"][0]["name"], name.as_str());
    assert_eq!(
        theirs["relationships"].as_array().unwrap().len(),
        tied["relationships"].as_array().unwrap().len()
    );
    assert!(theirs["interactions"]
        .to_string()
        .contains("backs the upgrade"));
    assert_eq!(
        theirs["accounts"],
        json!([]),
        "nothing of anyone else's record"
    );
    let out = crate::helpers::guanxi_command(&url, &["export", "--person", &person])
        .output()
        .unwrap();
    assert!(out.status.success());
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["people"], theirs["people"]);

    // Only administrators erase; a reason is needed.
    let (_, member) = app
        .store
        .create_token("team", Role::Member, &[account_id.parse().unwrap()])
        .await
        .unwrap();
    let guarded = spawn_on(&url, None).await;
    let erase = "mutation($id: ID!, $r: String!) { erasePerson(id: $id, reason: $r) {
        personId pseudonym reason erasedAt cleared { place count } } }";
    let refused = answer_as(
        &guarded,
        &member,
        erase,
        json!({ "id": person, "r": "DSR-2026-114" }),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    assert_eq!(
        app.error_code(erase, json!({ "id": person, "r": "  " }))
            .await,
        "INVALID_INPUT"
    );
    assert_eq!(
        app.error_code(
            erase,
            json!({ "id": uuid::Uuid::now_v7().to_string(), "r": "DSR" })
        )
        .await,
        "NOT_FOUND"
    );
    assert_eq!(
        app.ok(ties, json!({ "id": person })).await["person"]["name"],
        name.as_str(),
        "a refused erasure changes nothing"
    );

    let done = app
        .ok(erase, json!({ "id": person, "r": "DSR-2026-114" }))
        .await["erasePerson"]
        .clone();
    let pseudonym = done["pseudonym"].as_str().unwrap().to_owned();
    assert!(pseudonym.starts_with("Erased person "), "{done}");
    assert_eq!(done["reason"], "DSR-2026-114");
    let places: Vec<&str> = done["cleared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["place"].as_str().unwrap())
        .collect();
    for p in [
        "person.name, title, email, phone",
        "interaction.note (mentions)",
        "interaction.subject (mentions)",
        "assessment.note (their ties)",
        "auditEntries (before and after)",
    ] {
        assert!(places.contains(&p), "{p} in {places:?}");
    }

    // Gone from reads, exports, reports and the trail; ties and numbers stay.
    let now = app.ok(ties, json!({ "id": person })).await["person"].clone();
    assert_eq!(now["name"], pseudonym.as_str());
    assert!(now["email"].is_null() && now["phone"].is_null() && now["title"].is_null());
    assert_eq!(now["department"], tied["department"]);
    assert_eq!(now["relationships"], tied["relationships"], "ties kept");
    assert_eq!(
        app.ok(scores, json!({ "id": deal_id })).await,
        before,
        "the deal's numbers stay"
    );
    let export =
        serde_json::to_string(&guanxi::transfer::export(&app.store, None).await.unwrap()).unwrap();
    for secret in [name.as_str(), email, phone] {
        assert!(!export.contains(secret), "{secret} exported after erasure");
    }
    let report = app
        .ok("query($id: ID!) { opportunity(id: $id) { report map } zh: opportunity(id: $id) { report(lang: ZH) map(lang: ZH) } }", json!({ "id": deal_id }))
        .await;
    assert!(
        !report.to_string().contains(&name),
        "no report or map names them"
    );
    assert!(
        report["opportunity"]["map"]
            .as_str()
            .unwrap()
            .contains(&pseudonym),
        "the map shows the pseudonym"
    );
    let (entries, _) = app
        .store
        .audit_trail(&Default::default(), 0, 100_000)
        .await
        .unwrap();
    let trail = format!("{entries:?}");
    assert!(
        !trail.contains(&name) && !trail.contains(email),
        "the trail keeps nothing of them"
    );
    assert!(trail.contains("erase person") && trail.contains("DSR-2026-114"));

    let theirs = app
        .ok(
            "query($id: ID!) { personalData(personId: $id) }",
            json!({ "id": person }),
        )
        .await["personalData"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !theirs.contains(&name) && !theirs.contains(email),
        "{theirs}"
    );

    // A deleted person is erased from the deleted records.
    app.ok(
        "mutation($id: ID!) { deletePerson(id: $id) { id } }",
        json!({ "id": other }),
    )
    .await;
    let done = app
        .ok(erase, json!({ "id": other, "r": "DSR-2026-115" }))
        .await["erasePerson"]
        .clone();
    assert!(done["pseudonym"].is_null(), "{done}");
    let places: Vec<&str> = done["cleared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["place"].as_str().unwrap())
        .collect();
    assert!(
        places.contains(&"deletedRecords") && places.contains(&"auditEntries (before and after)"),
        "the deleted record and the trail's copies of them: {done}"
    );
    let other_name = deal["decisionChain"][1]["person"]["name"].as_str().unwrap();
    let (entries, _) = app
        .store
        .audit_trail(&Default::default(), 0, 100_000)
        .await
        .unwrap();
    assert!(
        !format!("{entries:?}").contains(other_name),
        "a deleted person's erasure clears the trail too"
    );
    let export =
        serde_json::to_string(&guanxi::transfer::export(&app.store, None).await.unwrap()).unwrap();
    assert!(!export.contains(other_name));
    assert_eq!(
        app.error_code(
            "mutation($id: ID!) { restorePerson(id: $id) { id } }",
            json!({ "id": other })
        )
        .await,
        "NOT_FOUND"
    );

    // The command line: `guanxi erase ID --reason ...`.
    let third = deal["decisionChain"][2]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = crate::helpers::guanxi_command(&url, &["erase", &third, "--reason", "DSR-2026-116"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("erased") && said.contains("person.name"),
        "{said}"
    );
    let out = crate::helpers::guanxi_command(
        &url,
        &["erase", &uuid::Uuid::now_v7().to_string(), "--reason", "x"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("person"),
        "names what was not found"
    );
}

crate::each_backend!(erase_a_person);

/// Merging two records of one person, and of one organisation: everything of
/// both is kept on one, clashes follow the rule and are reported in the trail,
/// the likely duplicates are offered first, and an erasure after a merge covers
/// the dropped record's name too.
async fn merge_duplicates(backend: Backend) {
    use crate::helpers::{
        create_account, create_employee, create_opportunity, create_person, fresh_database,
    };
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let app = spawn_on(&url, dir).await;
    let a = create_account(&app, "Huaxin Mobile").await;
    let keep = create_person(&app, &a, "李明华", "executive").await;
    let drop = create_person(&app, &a, "Li Minghua", "executive").await;
    let boss = create_person(&app, &a, "王建国", "executive").await;
    let e1 = create_employee(&app, "张伟", "zhang.wei@example.com", "ar").await;
    let e2 = create_employee(&app, "刘芳", "liu.fang@example.com", "expert").await;
    let person =
        "mutation($id: ID!, $i: UpdatePersonInput!) { updatePerson(id: $id, input: $i) { id } }";
    app.ok(
        person,
        json!({ "id": keep, "i": { "email": "li.mh@huaxin.example", "title": "VP Network" } }),
    )
    .await;
    app.ok(person, json!({ "id": drop, "i": { "email": "minghua.li@huaxin.example", "phone": "+86 138 0013 8000", "title": "Vice President" } })).await;
    let assess = "mutation($i: AssessRelationshipInput!) { assessRelationship(input: $i) { id } }";
    app.ok(assess, json!({ "i": { "employeeId": e1, "personId": keep, "strength": 2, "assessedAt": "2026-01-05T00:00:00Z", "note": "met once" } })).await;
    app.ok(assess, json!({ "i": { "employeeId": e1, "personId": drop, "strength": 4, "assessedAt": "2026-06-05T00:00:00Z" } })).await;
    app.ok(
        assess,
        json!({ "i": { "employeeId": e2, "personId": drop, "strength": 3 } }),
    )
    .await;
    app.ok(assess, json!({ "i": { "personId": drop, "otherPersonId": keep, "tie": "INFORMAL", "strength": 3 } })).await;
    app.ok(assess, json!({ "i": { "personId": boss, "otherPersonId": drop, "tie": "INFLUENCES", "strength": 4 } })).await;
    app.ok(
        "mutation($p: ID!, $m: ID!) { setReportingLine(input: { personId: $p, managerId: $m }) { id } }",
        json!({ "p": drop, "m": boss }),
    )
    .await;
    // The kept record has its own solid manager: one stays.
    let cto = create_person(&app, &a, "陈刚", "executive").await;
    app.ok(
        "mutation($p: ID!, $m: ID!) { setReportingLine(input: { personId: $p, managerId: $m }) { id } }",
        json!({ "p": keep, "m": cto }),
    )
    .await;
    let both = create_opportunity(&app, &a, "Core network").await;
    let only_drop = create_opportunity(&app, &a, "Billing").await;
    let chain = "mutation($d: ID!, $m: [DecisionChainMemberInput!]!) { setDecisionChain(opportunityId: $d, members: $m) { person { id } } }";
    app.ok(
        chain,
        json!({ "d": both, "m": [
        { "personId": keep, "buyingRole": "decision_maker", "influence": 5 },
        { "personId": drop, "buyingRole": "user", "influence": 2 } ] }),
    )
    .await;
    app.ok(chain, json!({ "d": only_drop, "m": [{ "personId": drop, "buyingRole": "decision_maker", "influence": 4 }] })).await;
    let meet = "mutation($a: ID!, $e: ID!, $p: [ID!]!) { recordInteraction(input: { accountId: $a, kind: \"visit\", employeeIds: [$e], personIds: $p }) { id } }";
    app.ok(meet, json!({ "a": a, "e": e1, "p": [keep, drop] }))
        .await;
    app.ok(meet, json!({ "a": a, "e": e1, "p": [drop] })).await;

    // Offered first: the two records look like one person.
    let offered = app
        .ok("query($a: ID!) { likelyDuplicatePeople(account: $a) { person { id } sameAs { id } why } }", json!({ "a": a }))
        .await["likelyDuplicatePeople"]
        .clone();
    assert_eq!(
        offered,
        json!([{ "person": { "id": keep }, "sameAs": { "id": drop }, "why": ["the same name in pinyin"] }])
    );
    assert_eq!(
        app.error_code(
            "mutation($k: ID!) { mergePeople(keep: $k, drop: $k) { id } }",
            json!({ "k": keep })
        )
        .await,
        "INVALID_INPUT"
    );

    let merged = app
        .ok(
            "mutation($k: ID!, $d: ID!) { mergePeople(keep: $k, drop: $d) {
                id name email phone title
                relationships { kind strength employee { name } person { id } otherPerson { id } assessments { strength } }
                managers { manager { id } }
                interactions { id }
            } }",
            json!({ "k": keep, "d": drop }),
        )
        .await["mergePeople"]
        .clone();
    assert_eq!(merged["name"], "李明华");
    assert_eq!(
        merged["email"], "li.mh@huaxin.example",
        "the kept value wins"
    );
    assert_eq!(
        merged["phone"], "+86 138 0013 8000",
        "an empty field is filled"
    );
    assert_eq!(merged["title"], "VP Network");
    let ties = merged["relationships"].as_array().unwrap();
    assert_eq!(
        ties.len(),
        3,
        "张伟's, 刘芳's and 王建国's; the tie between the two is gone: {ties:?}"
    );
    let zhang = ties
        .iter()
        .find(|t| t["employee"]["name"] == "张伟")
        .unwrap();
    assert_eq!(zhang["strength"], 4, "the latest assessment's");
    assert_eq!(
        zhang["assessments"].as_array().unwrap().len(),
        2,
        "both kept"
    );
    let influence = ties.iter().find(|t| t["kind"] == "PERSON_PERSON").unwrap();
    assert_eq!(influence["person"]["id"], boss.as_str());
    assert_eq!(
        influence["otherPerson"]["id"],
        keep.as_str(),
        "王建国 influences the kept record now"
    );
    let managers: Vec<&str> = merged["managers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["manager"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        managers,
        [cto.as_str()],
        "one solid manager: the kept record's"
    );
    assert_eq!(
        merged["interactions"].as_array().unwrap().len(),
        2,
        "each attended once"
    );
    assert!(app
        .ok(
            "query($id: ID!) { person(id: $id) { id } }",
            json!({ "id": drop })
        )
        .await["person"]
        .is_null());
    let chain_of = |d: &str| {
        let d = d.to_owned();
        let app = &app;
        async move {
            app.ok("query($d: ID!) { opportunity(id: $d) { decisionChain { person { id } buyingRole } } }", json!({ "d": d }))
                .await["opportunity"]["decisionChain"]
                .clone()
        }
    };
    assert_eq!(
        chain_of(&both).await,
        json!([{ "person": { "id": keep }, "buyingRole": "decision_maker" }]),
        "the kept place stays"
    );
    assert_eq!(chain_of(&only_drop).await[0]["person"]["id"], keep.as_str());
    assert!(app
        .ok(
            "query($a: ID!) { likelyDuplicatePeople(account: $a) { why } }",
            json!({ "a": a })
        )
        .await["likelyDuplicatePeople"]
        .as_array()
        .unwrap()
        .is_empty());
    let (entries, _) = app
        .store
        .audit_trail(&Default::default(), 0, 1)
        .await
        .unwrap();
    assert_eq!(entries[0].action, "merge people");
    let report: Value = serde_json::from_str(entries[0].after_json.as_deref().unwrap()).unwrap();
    let clashes: Vec<&str> = report["clashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["what"].as_str().unwrap())
        .collect();
    for what in [
        "email",
        "title",
        "decisionChain",
        "relationship",
        "name",
        "reportingLine",
    ] {
        assert!(clashes.contains(&what), "{what} clash reported: {report}");
    }
    assert!(
        entries[0]
            .before_json
            .as_deref()
            .unwrap()
            .contains("Li Minghua"),
        "the dropped record kept for an undo"
    );
    // The team reads the report on the person (the trail is for administrators).
    let merges = app
        .ok(
            "query($id: ID!) { person(id: $id) { merges { droppedId moved { list count } clashes { what kept dropped } } } }",
            json!({ "id": keep }),
        )
        .await["person"]["merges"]
        .clone();
    assert_eq!(merges[0]["droppedId"], drop.as_str());
    assert!(
        merges[0]["clashes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["what"] == "email" && c["dropped"] == "minghua.li@huaxin.example"),
        "{merges}"
    );

    // Organisations: the second record's people, deals and tokens move over.
    let b = create_account(&app, "Huaxin Mobil").await;
    let twin = create_person(&app, &b, "Minghua Li", "executive").await;
    create_opportunity(&app, &b, "Data centre").await;
    let (_, scoped) = app
        .store
        .create_token("b team", Role::Member, &[b.parse().unwrap()])
        .await
        .unwrap();
    let (_, member) = app
        .store
        .create_token("a team", Role::Member, &[a.parse().unwrap()])
        .await
        .unwrap();
    let offered = app
        .ok(
            "{ likelyDuplicateAccounts { account { id } sameAs { id } why } }",
            json!({}),
        )
        .await["likelyDuplicateAccounts"]
        .clone();
    assert_eq!(
        offered,
        json!([{ "account": { "id": a }, "sameAs": { "id": b }, "why": "differs by one or two characters" }]),
        "the two records of one organisation offered first"
    );
    let guarded = spawn_on(&url, None).await;
    let merge = "mutation($k: ID!, $d: ID!) { mergeAccounts(keep: $k, drop: $d) { id name people { id } opportunities { name } } }";
    let refused = answer_as(&guarded, &member, merge, json!({ "k": a, "d": b })).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    let one = app.ok(merge, json!({ "k": a, "d": b })).await["mergeAccounts"].clone();
    assert_eq!(one["name"], "Huaxin Mobile");
    assert_eq!(one["people"].as_array().unwrap().len(), 4);
    assert_eq!(one["opportunities"].as_array().unwrap().len(), 3);
    // The trail holds which rows were the dropped account's: an undo's list.
    let (entries, _) = app
        .store
        .audit_trail(&Default::default(), 0, 1)
        .await
        .unwrap();
    assert_eq!(entries[0].action, "merge accounts");
    let before: Value = serde_json::from_str(entries[0].before_json.as_deref().unwrap()).unwrap();
    assert_eq!(before["rows"]["person"], json!([twin]));
    assert_eq!(before["rows"]["opportunity"].as_array().unwrap().len(), 1);
    assert_eq!(before["dropped"]["name"], "Huaxin Mobil");
    assert!(app
        .ok(
            "query($b: ID!) { account(id: $b) { id } }",
            json!({ "b": b })
        )
        .await["account"]
        .is_null());
    let reach = answer_as(
        &guarded,
        &scoped,
        "{ accounts(first: 5) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        reach["data"]["accounts"]["nodes"],
        json!([{ "id": a }]),
        "b's team reaches the merged account"
    );
    let offered = app
        .ok(
            "query($a: ID!) { likelyDuplicatePeople(account: $a) { person { id } sameAs { id } } }",
            json!({ "a": a }),
        )
        .await["likelyDuplicatePeople"]
        .clone();
    assert_eq!(
        offered,
        json!([{ "person": { "id": keep }, "sameAs": { "id": twin } }])
    );

    // An erasure of the kept person covers the name the dropped record had.
    app.ok(
        "mutation($id: ID!) { erasePerson(id: $id, reason: \"DSR-7\") { personId } }",
        json!({ "id": drop }),
    )
    .await;
    let export =
        serde_json::to_string(&guanxi::transfer::export(&app.store, None).await.unwrap()).unwrap();
    for gone in [
        "李明华",
        "Li Minghua",
        "minghua.li@huaxin.example",
        "li.mh@huaxin.example",
    ] {
        assert!(!export.contains(gone), "{gone} exported after erasure");
    }
    let (entries, _) = app
        .store
        .audit_trail(&Default::default(), 0, 100_000)
        .await
        .unwrap();
    assert!(
        !format!("{entries:?}").contains("Li Minghua"),
        "nor kept in the trail"
    );
}

crate::each_backend!(merge_duplicates);
