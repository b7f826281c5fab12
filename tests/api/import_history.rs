//! Deals and activities as a Salesforce org with its own stages exports them:
//! IsClosed/IsWon over custom stage names, an unlisted stage that must not move a
//! stored deal, OpportunityHistory's entries for amount and date changes, and
//! TaskRelation/EventRelation's extra parties; and the values no file may
//! silently change: a lone comma in a semicolon-separated file, namesakes without
//! ids, stored values of columns a file lacks.

use std::path::{Path, PathBuf};

use guanxi::transfer::{self, CsvFile, ImportOptions, Mapping};
use time::macros::date;

use crate::{both_backends, helpers::TestApp};

const WRITE: ImportOptions = ImportOptions {
    dry_run: false,
    partial: false,
    bulk: false,
};

async fn import(
    app: &TestApp,
    mapping: &str,
    paths: &[PathBuf],
) -> guanxi::Result<transfer::ImportReport> {
    let mapping = Mapping::load(mapping).unwrap();
    let files: Vec<CsvFile> = paths
        .iter()
        .map(|p| CsvFile {
            path: p.clone(),
            entity: None,
        })
        .collect();
    transfer::import_csv(&app.store, &mapping, &files, WRITE, None).await
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The shipped fixtures' users, accounts and contacts.
async fn base(app: &TestApp) {
    let fixtures =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/salesforce");
    let files: Vec<PathBuf> = ["User.csv", "Account.csv", "Contact.csv"]
        .iter()
        .map(|f| fixtures.join(f))
        .collect();
    let report = import(app, "salesforce", &files).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

both_backends!(is_closed_and_is_won_decide_how_a_deal_ended_whatever_its_stage_is_called);

async fn is_closed_and_is_won_decide_how_a_deal_ended_whatever_its_stage_is_called(app: TestApp) {
    base(&app).await;
    let dir = tempfile::tempdir().unwrap();
    // An org with its own stage names: "Closed - Signed" and "Closed - No Budget"
    // are in no table of the mapping.
    let deals = write(
        dir.path(),
        "Opportunity.csv",
        "Id,AccountId,Name,Amount,StageName,IsClosed,IsWon,CloseDate,CreatedDate\n\
         006W,001A,Signed Deal,500000,Closed - Signed,true,true,2026-05-31,2026-01-10\n\
         006L,001A,No Budget Deal,300000,Closed - No Budget,true,false,2026-04-30,2026-01-10\n\
         006O,001A,Open Deal,200000,Proposal/Price Quote,false,false,2027-03-31,2026-06-01\n",
    );
    let report = import(&app, "salesforce", &[deals]).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let data = transfer::export(&app.store, None).await.unwrap();
    let deal = |name: &str| {
        data.opportunities
            .iter()
            .find(|o| o.name == name)
            .unwrap()
            .clone()
    };
    let won = deal("Signed Deal");
    // Won in an unlisted stage: won in the methodology's last stage, on its close date.
    assert_eq!((won.stage.as_str(), won.outcome.as_str()), ("sign", "won"));
    let closed = data
        .stage_changes
        .iter()
        .filter(|c| c.opportunity_id == won.opportunity_id && c.outcome == "won")
        .map(|c| c.entered_on)
        .collect::<Vec<_>>();
    assert_eq!(closed, [date!(2026 - 05 - 31)]);
    let lost = deal("No Budget Deal");
    assert_eq!(lost.outcome, "lost");
    let open = deal("Open Deal");
    assert_eq!(
        (open.stage.as_str(), open.outcome.as_str()),
        ("propose", "open")
    );
    // The unlisted stages were counted as defaulted.
    let stage = report
        .defaulted
        .iter()
        .find(|d| d.field == "opportunities.stage")
        .expect("the unlisted stages are counted");
    assert_eq!(stage.count, 2);

    // A closed deal that does not say whether it was won is refused, naming IsWon.
    let unsure = write(
        dir.path(),
        "Opportunity.csv",
        "Id,AccountId,Name,Amount,StageName,IsClosed,IsWon,CloseDate\n\
         006U,001A,Unsure Deal,100000,Closed - Done,true,,2026-05-31\n",
    );
    let e = import(&app, "salesforce", &[unsure]).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("IsWon") && text.contains("won or lost"),
        "{text}"
    );
}

both_backends!(an_unlisted_stage_never_moves_a_stored_deal);

async fn an_unlisted_stage_never_moves_a_stored_deal(app: TestApp) {
    base(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let first = write(
        dir.path(),
        "Opportunity.csv",
        "Id,AccountId,Name,Amount,StageName,CloseDate,CreatedDate\n\
         006N,001A,Negotiated Deal,900000,Negotiation/Review,2027-02-28,2026-03-01\n",
    );
    import(&app, "salesforce", &[first]).await.unwrap();
    let before = transfer::export(&app.store, None).await.unwrap();
    // The org renamed its stage since: the new name is in no table of the mapping.
    let again = write(
        dir.path(),
        "Opportunity.csv",
        "Id,AccountId,Name,Amount,StageName,CloseDate,CreatedDate\n\
         006N,001A,Negotiated Deal,900000,Commercial Talks,2027-02-28,2026-03-01\n",
    );
    let report = import(&app, "salesforce", &[again]).await.unwrap();
    let after = transfer::export(&app.store, None).await.unwrap();
    let deal = after
        .opportunities
        .iter()
        .find(|o| o.name == "Negotiated Deal")
        .unwrap();
    assert_eq!(
        (deal.stage.as_str(), deal.outcome.as_str()),
        ("negotiate", "open")
    );
    assert_eq!(before.stage_changes.len(), after.stage_changes.len());
    // Counted as defaulted, and said to have kept the stored stage.
    let stage = report
        .defaulted
        .iter()
        .find(|d| d.field == "opportunities.stage")
        .unwrap();
    assert_eq!((stage.count, stage.kept), (1, 1));
    assert!(
        stage.to_string().contains("kept its stored value"),
        "{stage}"
    );
}

both_backends!(opportunity_history_records_only_changes_of_stage);

async fn opportunity_history_records_only_changes_of_stage(app: TestApp) {
    base(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let deals = write(
        dir.path(),
        "Opportunity.csv",
        "Id,AccountId,Name,Amount,StageName,CloseDate,CreatedDate\n\
         006H,001A,History Deal,1200000,Proposal/Price Quote,2027-03-31,2026-02-01\n",
    );
    // As Salesforce writes it: an entry for every change of amount or close date,
    // each with the stage of the day.
    let history = write(
        dir.path(),
        "OpportunityHistory.csv",
        "Id,OpportunityId,StageName,Amount,CloseDate,CreatedDate\n\
         008H1,006H,Prospecting,1000000,2027-01-31,2026-02-01T03:00:00.000+0000\n\
         008H2,006H,Prospecting,1100000,2027-01-31,2026-03-01T03:00:00.000+0000\n\
         008H3,006H,Qualification,1100000,2027-02-28,2026-04-01T03:00:00.000+0000\n\
         008H4,006H,Qualification,1100000,2027-03-31,2026-05-01T03:00:00.000+0000\n\
         008H5,006H,Proposal/Price Quote,1200000,2027-03-31,2026-07-01T03:00:00.000+0000\n",
    );
    let report = import(&app, "salesforce", &[deals, history]).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let file = report
        .files
        .iter()
        .find(|f| f.name == "OpportunityHistory.csv")
        .unwrap();
    assert_eq!(
        file.unchanged_stage,
        ["OpportunityHistory.csv:3", "OpportunityHistory.csv:5"]
    );
    let data = transfer::export(&app.store, None).await.unwrap();
    let mut entered: Vec<(String, time::Date)> = data
        .stage_changes
        .iter()
        .map(|c| (c.stage.clone(), c.entered_on))
        .collect();
    entered.sort_by_key(|(_, d)| *d);
    assert_eq!(
        entered,
        [
            ("validate_lead".to_owned(), date!(2026 - 02 - 01)),
            ("qualify".to_owned(), date!(2026 - 04 - 01)),
            ("propose".to_owned(), date!(2026 - 07 - 01)),
        ]
    );
    // The deal has been in its stage since July, not since the last amount change.

    // Out of order, a change back is never taken for a repeat: A on the 1st, A
    // on the 3rd, B on the 2nd read in that order keeps the 3rd's move back.
    let deals = write(
        dir.path(),
        "Opportunity.csv",
        "Id,AccountId,Name,Amount,StageName,CloseDate,CreatedDate\n\
         006K,001A,Back Deal,500000,Prospecting,2027-03-31,2026-02-01\n",
    );
    let history = write(
        dir.path(),
        "OpportunityHistory.csv",
        "Id,OpportunityId,StageName,CreatedDate\n\
         008K1,006K,Prospecting,2026-03-01\n\
         008K3,006K,Prospecting,2026-03-03\n\
         008K2,006K,Qualification,2026-03-02\n",
    );
    let report = import(&app, "salesforce", &[deals, history]).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let data = transfer::export(&app.store, None).await.unwrap();
    let back = data
        .opportunities
        .iter()
        .find(|o| o.name == "Back Deal")
        .unwrap();
    let mut entered: Vec<(String, time::Date)> = data
        .stage_changes
        .iter()
        .filter(|c| c.opportunity_id == back.opportunity_id)
        .map(|c| (c.stage.clone(), c.entered_on))
        .collect();
    entered.sort_by_key(|(_, d)| *d);
    assert_eq!(
        entered.last().map(|(s, _)| s.as_str()),
        Some("validate_lead"),
        "{entered:?}"
    );
}

both_backends!(task_and_event_relations_add_the_other_people_involved);

async fn task_and_event_relations_add_the_other_people_involved(app: TestApp) {
    base(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let events = write(
        dir.path(),
        "Event.csv",
        "Id,WhoId,WhatId,AccountId,OwnerId,Subject,ActivityDate,Type\n\
         00UE1,003A1,001A,001A,005A,Architecture workshop,2026-11-10,Meeting\n",
    );
    import(&app, "salesforce", &[events]).await.unwrap();
    let relations = write(
        dir.path(),
        "EventRelation.csv",
        "Id,EventId,RelationId,IsWhat,IsInvitee,Status\n\
         0RE1,00UE1,003A2,false,true,Accepted\n\
         0RE2,00UE1,005B,false,true,Accepted\n\
         0RE3,00UE1,001A,true,false,New\n\
         0RE4,00UE1,003A3,false,true,Declined\n\
         0RE5,00UE1,00QX1,false,true,Accepted\n",
    );
    let report = import(&app, "salesforce", std::slice::from_ref(&relations))
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(
        report.files[0].not_parties,
        [
            "EventRelation.csv:4",
            "EventRelation.csv:5",
            "EventRelation.csv:6"
        ]
    );
    let data = transfer::export(&app.store, None).await.unwrap();
    let event = data
        .interactions
        .iter()
        .find(|i| i.subject.as_deref() == Some("Architecture workshop"))
        .unwrap();
    let person = |name: &str| {
        data.people
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .person_id
    };
    let mut guests: Vec<_> = data
        .interaction_people
        .iter()
        .filter(|x| x.interaction_id == event.interaction_id)
        .map(|x| x.person_id)
        .collect();
    guests.sort();
    let mut expected = vec![person("王建国"), person("赵立新")];
    expected.sort();
    assert_eq!(guests, expected, "the declined 刘敏 is no guest");
    let li_na = data.employees.iter().find(|e| e.name == "Li Na").unwrap();
    assert!(data
        .interaction_employees
        .iter()
        .any(|x| x.interaction_id == event.interaction_id && x.employee_id == li_na.employee_id));
    // Read again: nothing changes.
    let again = import(&app, "salesforce", &[relations]).await.unwrap();
    assert_eq!(
        again.new_rows() + again.changed_rows(),
        0,
        "{:?}",
        again.tables
    );

    // A party in neither the files nor the database is refused, naming it.
    let unknown = write(
        dir.path(),
        "TaskRelation.csv",
        "Id,TaskId,RelationId,IsWhat\n0RT1,00UE1,003ZZ,false\n",
    );
    let e = import(&app, "salesforce", &[unknown]).await.unwrap_err();
    assert!(e.to_string().contains("'003ZZ'"), "{e}");

    // A contact of another account is no guest at this account's meeting.
    let other = write(
        dir.path(),
        "EventRelation.csv",
        "Id,EventId,RelationId,IsWhat,Status\n0RE9,00UE1,003B1,false,Accepted\n",
    );
    let e = import(&app, "salesforce", &[other]).await.unwrap_err();
    assert!(e.to_string().contains("another account"), "{e}");
}

both_backends!(a_lone_comma_in_a_semicolon_file_is_refused_unless_the_mapping_says);

async fn a_lone_comma_in_a_semicolon_file_is_refused_unless_the_mapping_says(app: TestApp) {
    base(&app).await;
    let dir = tempfile::tempdir().unwrap();
    // As a European Excel saves CSV: semicolons between cells, maybe a decimal comma.
    let deals = write(
        dir.path(),
        "Opportunity.csv",
        "Id;AccountId;Name;Amount;StageName;CloseDate\n\
         006S;001A;Semicolon Deal;1,500;Prospecting;2027-01-31\n",
    );
    let before = transfer::export(&app.store, None).await.unwrap();
    let e = import(&app, "salesforce", &[deals]).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("Opportunity.csv:2")
            && text.contains("'1,500'")
            && text.contains("decimal_mark"),
        "{text}"
    );
    let after = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(before.opportunities.len(), after.opportunities.len());
    // Unambiguous amounts in the same file read as written.
    let clear = write(
        dir.path(),
        "Opportunity.csv",
        "Id;AccountId;Name;Amount;StageName;CloseDate\n\
         006S;001A;Semicolon Deal;1500;Prospecting;2027-01-31\n\
         006T;001A;Grouped Deal;1,500,000;Prospecting;2027-01-31\n",
    );
    import(&app, "salesforce", &[clear]).await.unwrap();
    let data = transfer::export(&app.store, None).await.unwrap();
    let amount = |name: &str| {
        data.opportunities
            .iter()
            .find(|o| o.name == name)
            .unwrap()
            .amount_minor
    };
    assert_eq!(amount("Semicolon Deal"), 150_000);
    assert_eq!(amount("Grouped Deal"), 150_000_000);
}

both_backends!(namesakes_without_ids_are_merged_reported_or_refused);

async fn namesakes_without_ids_are_merged_reported_or_refused(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let accounts = write(
        dir.path(),
        "客户.csv",
        "客户名称,所属行业,省份\n华信移动通信有限公司,通信,北京\n",
    );
    // The same 张伟 twice (a report lists a person once per deal): one person.
    let people = write(
        dir.path(),
        "联系人.csv",
        "联系人姓名,客户名称,职务,部门,手机\n\
         张伟,华信移动通信有限公司,网络部总监,网络部,13800000001\n\
         张伟,华信移动通信有限公司,网络部总监,网络部,\n",
    );
    let report = import(&app, "zh", &[accounts.clone(), people])
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(
        report
            .merged
            .iter()
            .any(|m| m.place == "联系人.csv:3" && m.message.contains("联系人.csv:2")),
        "{:?}",
        report.merged
    );
    let data = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(data.people.iter().filter(|p| p.name == "张伟").count(), 1);
    assert_eq!(data.people[0].phone.as_deref(), Some("13800000001"));

    // Two 李娜 with different phones are two people the file cannot tell apart:
    // refused, naming both places, and nothing changes.
    let two = write(
        dir.path(),
        "联系人.csv",
        "联系人姓名,客户名称,职务,部门,手机\n\
         李娜,华信移动通信有限公司,采购经理,采购部,13800000002\n\
         李娜,华信移动通信有限公司,财务经理,财务部,13800000003\n",
    );
    let e = import(&app, "zh", &[accounts, two]).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("联系人.csv:3") && text.contains("联系人.csv:2") && text.contains("手机"),
        "{text}"
    );
    let after = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(after.people.len(), data.people.len());

    // A, then B with an e-mail, then C with another: B tells C apart from A.
    let three = write(
        dir.path(),
        "联系人.csv",
        "联系人姓名,客户名称,职务,部门,邮箱\n\
         王芳,华信移动通信有限公司,采购经理,采购部,\n\
         王芳,华信移动通信有限公司,采购经理,采购部,wang.fang@huaxin.cn\n\
         王芳,华信移动通信有限公司,财务经理,财务部,wang.fang2@huaxin.cn\n",
    );
    let accounts = write(
        dir.path(),
        "客户.csv",
        "客户名称,所属行业,省份\n华信移动通信有限公司,通信,北京\n",
    );
    let e = import(&app, "zh", &[accounts, three]).await.unwrap_err();
    assert!(e.to_string().contains("联系人.csv:4"), "{e}");
}

both_backends!(columns_a_file_lacks_keep_what_is_stored);

async fn columns_a_file_lacks_keep_what_is_stored(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let full = write(
        dir.path(),
        "Account.csv",
        "Id,Name,Industry,BillingState,Owner_Team__c\n001Q,Qilin Telecom,Telecommunications,Beijing,North carriers\n",
    );
    import(&app, "salesforce", &[full]).await.unwrap();
    // A thinner export of the same accounts: no owner team, no industry.
    let thin = write(dir.path(), "Account.csv", "Id,Name\n001Q,Qilin Telecom\n");
    let report = import(&app, "salesforce", &[thin]).await.unwrap();
    let data = transfer::export(&app.store, None).await.unwrap();
    let a = data
        .accounts
        .iter()
        .find(|a| a.name == "Qilin Telecom")
        .unwrap();
    assert_eq!(a.owner_team.as_deref(), Some("North carriers"));
    assert_eq!(
        (a.industry.as_str(), a.region.as_str()),
        ("telecom", "north_china")
    );
    assert_eq!(
        report.new_rows() + report.changed_rows(),
        0,
        "{:?}",
        report.tables
    );
    let industry = report
        .defaulted
        .iter()
        .find(|d| d.field == "accounts.industry")
        .unwrap();
    assert_eq!(industry.kept, 1);

    // A user file without a status: a departed colleague stays departed.
    let users = write(
        dir.path(),
        "User.csv",
        "Id,Name,Email,IsActive\n005Q,Zhou Min,zhou.min@ourco.example,false\n",
    );
    import(&app, "salesforce", &[users]).await.unwrap();
    let mapping = dir.path().join("thin.toml");
    std::fs::write(
        &mapping,
        "name = \"thin\"\nsystem = \"salesforce\"\n[employees]\ndetect = [\"Email\"]\nexternal_id = \"Id\"\nname = \"Name\"\nemail = \"Email\"\n",
    )
    .unwrap();
    let again = write(
        dir.path(),
        "Staff.csv",
        "Id,Name,Email\n005Q,Zhou Min,zhou.min@ourco.example\n",
    );
    import(&app, mapping.to_str().unwrap(), &[again])
        .await
        .unwrap();
    let data = transfer::export(&app.store, None).await.unwrap();
    let zhou = data
        .employees
        .iter()
        .find(|e| e.name == "Zhou Min")
        .unwrap();
    assert_eq!(zhou.status, "departed");

    // A departure day without a status column: they left, on that day.
    let users = write(
        dir.path(),
        "User.csv",
        "Id,Name,Email,IsActive\n005R,Lin Tao,lin.tao@ourco.example,true\n",
    );
    import(&app, "salesforce", &[users]).await.unwrap();
    std::fs::write(
        &mapping,
        "name = \"thin\"\nsystem = \"salesforce\"\n[employees]\ndetect = [\"Email\"]\nexternal_id = \"Id\"\nname = \"Name\"\nemail = \"Email\"\ndeparted_on = \"Left\"\n",
    )
    .unwrap();
    let left = write(
        dir.path(),
        "Staff.csv",
        "Id,Name,Email,Left\n005R,Lin Tao,lin.tao@ourco.example,2026-11-30\n",
    );
    import(&app, mapping.to_str().unwrap(), &[left])
        .await
        .unwrap();
    let data = transfer::export(&app.store, None).await.unwrap();
    let lin = data.employees.iter().find(|e| e.name == "Lin Tao").unwrap();
    assert_eq!(
        (lin.status.as_str(), lin.departed_on),
        ("departed", Some(date!(2026 - 11 - 30)))
    );
}

both_backends!(the_zh_mapping_skips_other_objects_and_tells_accounts_from_the_rest);

async fn the_zh_mapping_skips_other_objects_and_tells_accounts_from_the_rest(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let accounts = write(
        dir.path(),
        "export1.csv",
        "客户名称,所属行业,省份\n华信移动通信有限公司,通信,北京\n",
    );
    let contracts = write(
        dir.path(),
        "export2.csv",
        "合同编号,合同名称,客户名称,合同金额\nHT-001,核心网扩容,华信移动通信有限公司,120万\n",
    );
    let deals = write(
        dir.path(),
        "export3.csv",
        "商机名称,客户名称,商机金额,销售阶段,区域\n核心网扩容三期,华信移动通信有限公司,1250万,报价,华北\n",
    );
    let report = import(&app, "zh", &[accounts, contracts, deals])
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let holds: Vec<(&str, &str, bool)> = report
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.holds.as_str(), f.skipped))
        .collect();
    assert!(
        holds.contains(&("export1.csv", "accounts", false)),
        "{holds:?}"
    );
    assert!(
        holds
            .iter()
            .any(|(n, h, s)| *n == "export2.csv" && *s && h.contains("合同")),
        "{holds:?}"
    );
    assert!(
        holds.contains(&("export3.csv", "opportunities", false)),
        "{holds:?}"
    );
    let data = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(data.accounts.len(), 1);
    assert_eq!(data.opportunities[0].amount_minor, 1_250_000_000);
}
