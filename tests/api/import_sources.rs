//! Files as other systems and people write them: a Chinese CRM's workbook and its
//! GBK CSV through the shipped `zh` mapping, Salesforce tree JSON (plans, nested
//! children, two exports whose reference ids collide), a Salesforce report export,
//! objects guanxi does not import, and broken files refused with nothing changed.

use std::path::{Path, PathBuf};

use guanxi::transfer::{self, CsvFile, ImportOptions, Mapping};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use time::macros::date;

use crate::{both_backends, helpers::TestApp};

const WRITE: ImportOptions = ImportOptions {
    dry_run: false,
    partial: false,
    bulk: false,
};

fn files(paths: &[PathBuf]) -> Vec<CsvFile> {
    paths
        .iter()
        .map(|p| CsvFile {
            path: p.clone(),
            entity: None,
        })
        .collect()
}

async fn import(
    app: &TestApp,
    mapping: &str,
    paths: &[PathBuf],
) -> guanxi::Result<transfer::ImportReport> {
    let mapping = Mapping::load(mapping).unwrap();
    transfer::import_csv(&app.store, &mapping, &files(paths), WRITE, None).await
}

/// A workbook as a Chinese CRM exports it: one sheet per kind of record, Chinese
/// headers, amounts in 万 as text and as numbers, dates as date cells, a total row.
fn chinese_workbook(dir: &Path) -> PathBuf {
    let path = dir.join("客户资料导出.xlsx");
    let mut book = Workbook::new();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet().set_name("员工").unwrap();
    for (c, h) in ["员工姓名", "邮箱", "角色", "状态"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["陈刚", "chen.gang@ourco.example", "客户经理", "在职"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    let sheet = book.add_worksheet().set_name("客户").unwrap();
    let rows = [
        ["客户编号", "客户名称", "所属行业", "省份", "客户级别"],
        ["C001", "华信移动通信有限公司", "通信", "北京", "战略客户"],
        ["C002", "江南电网股份有限公司", "电力", "浙江", "重点客户"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let sheet = book.add_worksheet().set_name("联系人").unwrap();
    let rows = [
        [
            "联系人编号",
            "联系人姓名",
            "客户名称",
            "职务",
            "部门",
            "邮箱",
        ],
        [
            "P001",
            "王建国",
            "华信移动通信有限公司",
            "副总经理",
            "总经办",
            "wang.jianguo@huaxin.cn",
        ],
        [
            "P002",
            "赵立新",
            "华信移动通信有限公司",
            "网络部总监",
            "网络部",
            "",
        ],
        [
            "P003",
            "刘敏",
            "华信移动通信有限公司",
            "采购专员",
            "采购部",
            "",
        ],
        [
            "P004",
            "孙华",
            "江南电网股份有限公司",
            "信息中心主任",
            "信息中心",
            "",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    // A phone number kept as a number, as Excel does.
    sheet.write_string(0, 6, "手机").unwrap();
    sheet.write_number(1, 6, 13800138000.0).unwrap();
    let sheet = book.add_worksheet().set_name("商机").unwrap();
    for (c, h) in [
        "商机编号",
        "商机名称",
        "客户名称",
        "商机金额",
        "销售阶段",
        "预计签约日期",
        "负责人",
        "竞争对手",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "O001").unwrap();
    sheet.write_string(1, 1, "5G核心网扩容三期").unwrap();
    sheet.write_string(1, 2, "华信移动通信有限公司").unwrap();
    sheet.write_string(1, 3, "1250万").unwrap();
    sheet.write_string(1, 4, "方案制定").unwrap();
    sheet
        .write_datetime_with_format(1, 5, ExcelDateTime::from_ymd(2027, 3, 31).unwrap(), &day)
        .unwrap();
    sheet.write_string(1, 6, "陈刚").unwrap();
    sheet.write_string(1, 7, "诺威、中天").unwrap();
    sheet.write_string(2, 0, "O002").unwrap();
    sheet.write_string(2, 1, "调度系统改造").unwrap();
    sheet.write_string(2, 2, "江南电网股份有限公司").unwrap();
    sheet.write_number(2, 3, 3200000.5).unwrap();
    sheet.write_string(2, 4, "需求确认").unwrap();
    sheet
        .write_datetime_with_format(2, 5, ExcelDateTime::from_ymd(2027, 6, 30).unwrap(), &day)
        .unwrap();
    sheet.write_string(3, 0, "合计").unwrap();
    sheet.write_number(3, 3, 15700000.5).unwrap();
    book.save(&path).unwrap();
    path
}

both_backends!(a_chinese_crm_workbook_lands_as_it_was_written);

async fn a_chinese_crm_workbook_lands_as_it_was_written(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let book = chinese_workbook(dir.path());
    let report = import(&app, "zh", std::slice::from_ref(&book))
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let holds: Vec<(&str, &str, u64)> = report
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.holds.as_str(), f.records))
        .collect();
    assert_eq!(
        holds,
        [
            ("客户资料导出.xlsx[员工]", "employees", 1),
            ("客户资料导出.xlsx[客户]", "accounts", 2),
            ("客户资料导出.xlsx[联系人]", "people", 4),
            ("客户资料导出.xlsx[商机]", "opportunities", 2),
        ]
    );
    let deals = report
        .files
        .iter()
        .find(|f| f.holds == "opportunities")
        .unwrap();
    assert_eq!(
        deals.summary_lines,
        [4],
        "the 合计 row is a total, not a deal"
    );

    let data = transfer::export(&app.store, None).await.unwrap();
    let huaxin = data
        .accounts
        .iter()
        .find(|a| a.name == "华信移动通信有限公司")
        .unwrap();
    assert_eq!(
        (
            huaxin.industry.as_str(),
            huaxin.region.as_str(),
            huaxin.tier.as_str()
        ),
        ("telecom", "north_china", "strategic")
    );
    let grid = data
        .accounts
        .iter()
        .find(|a| a.name == "江南电网股份有限公司")
        .unwrap();
    assert_eq!(
        (grid.industry.as_str(), grid.region.as_str()),
        ("energy", "east_china")
    );
    let person = |n: &str| {
        data.people
            .iter()
            .find(|p| p.name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let wang = person("王建国");
    assert_eq!(
        (wang.level.as_str(), wang.department.as_str()),
        ("executive", "executive_office")
    );
    assert_eq!(wang.phone.as_deref(), Some("13800138000"));
    assert_eq!(person("赵立新").level, "management");
    assert_eq!(person("孙华").level, "management");
    assert_eq!(person("孙华").department, "it");
    // 专员 matches no level rule: the declared default, counted with its row.
    assert_eq!(person("刘敏").level, "operational");
    let level = report
        .defaulted
        .iter()
        .find(|d| d.field == "people.level")
        .unwrap();
    assert_eq!(
        (level.count, level.places.clone()),
        (1, vec!["客户资料导出.xlsx[联系人]:4".to_owned()])
    );
    let deal = |n: &str| data.opportunities.iter().find(|o| o.name == n).unwrap();
    let core = deal("5G核心网扩容三期");
    assert_eq!(
        core.amount_minor, 1_250_000_000,
        "1250万 is 12.5 million yuan"
    );
    assert_eq!(
        (core.stage.as_str(), core.currency.as_str()),
        ("shape_solution", "CNY")
    );
    assert_eq!(core.expected_sign_date, Some(date!(2027 - 03 - 31)));
    let chen = data.employees.iter().find(|e| e.name == "陈刚").unwrap();
    assert_eq!(
        core.owner_id,
        Some(chen.employee_id),
        "the owner by a name only one employee has"
    );
    assert_eq!(data.competitors.len(), 2);
    let grid_deal = deal("调度系统改造");
    assert_eq!(
        grid_deal.amount_minor, 320_000_050,
        "a number cell read exactly"
    );
    assert_eq!(grid_deal.stage, "qualify");
    // The currency was not in the file: the declared default, counted.
    let currency = report
        .defaulted
        .iter()
        .find(|d| d.field == "opportunities.currency")
        .unwrap();
    assert_eq!(
        (currency.count, currency.why),
        (2, transfer::csv_file::DefaultWhy::NoColumn)
    );

    // Again: nothing changes.
    let again = import(&app, "zh", std::slice::from_ref(&book))
        .await
        .unwrap();
    assert_eq!(
        (again.new_rows(), again.changed_rows()),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(transfer::export(&app.store, None).await.unwrap(), data);
}

both_backends!(a_gbk_csv_from_chinese_excel_is_read_and_said_so);

async fn a_gbk_csv_from_chinese_excel_is_read_and_said_so(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let write_gbk = |name: &str, text: &str| {
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
        assert!(!unmappable);
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let accounts = write_gbk(
        "客户.csv",
        "客户名称,所属行业,省份\r\n华信移动通信有限公司,通信,北京\r\n",
    );
    let people = write_gbk(
        "联系人.csv",
        "联系人姓名,客户名称,职务,部门\r\n王建国,华信移动通信有限公司,副总经理,总经办\r\n赵立新,华信移动通信有限公司,网络部总监,网络部\r\n",
    );
    let report = import(&app, "zh", &[accounts, people]).await.unwrap();
    assert!(
        report.files.iter().all(|f| f.read_as.contains("GBK")),
        "{:?}",
        report.files
    );
    let data = transfer::export(&app.store, None).await.unwrap();
    let mut names: Vec<&str> = data.people.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["王建国", "赵立新"]);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

both_backends!(salesforce_tree_exports_import_and_two_exports_do_not_collide);

async fn salesforce_tree_exports_import_and_two_exports_do_not_collide(app: TestApp) {
    let first = tempfile::tempdir().unwrap();
    let plan = write(
        first.path(),
        "Account-Contact-Opportunity-plan.json",
        r#"[{"sobject":"Account","saveRefs":true,"resolveRefs":false,"files":["Accounts.json"]},
            {"sobject":"Contact","saveRefs":true,"resolveRefs":true,"files":["Contacts.json"]},
            {"sobject":"Opportunity","saveRefs":true,"resolveRefs":true,"files":["Opportunities.json"]}]"#,
    );
    write(
        first.path(),
        "Accounts.json",
        r#"{"records":[{"attributes":{"type":"Account","referenceId":"AccountRef1"},
            "Name":"Alpha Dynamics","Industry":"Telecommunications","BillingState":"Beijing","Type":"Customer"}]}"#,
    );
    // Field names in any case; numbers given as strings; an ISO datetime.
    write(
        first.path(),
        "Contacts.json",
        r#"{"records":[{"attributes":{"type":"Contact","referenceId":"ContactRef1"},
            "firstname":"Wei","lastName":"Zhang","title":"Chief Technology Officer","email":"zhang.wei@alpha.example",
            "AccountId":"@AccountRef1"}]}"#,
    );
    write(
        first.path(),
        "Opportunities.json",
        r#"{"records":[{"attributes":{"type":"Opportunity","referenceId":"OpportunityRef1"},
            "Name":"Core Refresh","Amount":"1200000.00","StageName":"Prospecting","CloseDate":"2027-03-31",
            "CreatedDate":"2026-05-01T09:00:00.000+0000","AccountId":"@AccountRef1",
            "OpportunityContactRoles":{"records":[{"attributes":{"type":"OpportunityContactRole","referenceId":"OpportunityContactRoleRef1"},
                "ContactId":"@ContactRef1","Role":"Decision Maker","IsPrimary":true}]}}]}"#,
    );
    let report = import(&app, "salesforce", std::slice::from_ref(&plan))
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let holds: Vec<&str> = report.files.iter().map(|f| f.holds.as_str()).collect();
    assert_eq!(
        holds,
        ["accounts", "people", "opportunities", "decision_chain"]
    );

    // A second export of the same org, nested, whose reference ids are the same.
    let second = tempfile::tempdir().unwrap();
    let nested = write(
        second.path(),
        "Account-Contact.json",
        r#"{"records":[{"attributes":{"type":"Account","referenceId":"AccountRef1"},
            "Name":"Zoonoodle 37","Industry":"Banking","BillingState":"Shanghai",
            "Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"ContactRef1"},
                "FirstName":"Na","LastName":"Li","Title":"IT Manager"}]}}]}"#,
    );
    import(&app, "salesforce", &[nested]).await.unwrap();
    let data = transfer::export(&app.store, None).await.unwrap();
    let mut accounts: Vec<&str> = data.accounts.iter().map(|a| a.name.as_str()).collect();
    accounts.sort();
    assert_eq!(
        accounts,
        ["Alpha Dynamics", "Zoonoodle 37"],
        "no account renamed"
    );
    let alpha = data
        .accounts
        .iter()
        .find(|a| a.name == "Alpha Dynamics")
        .unwrap();
    let zhang = data.people.iter().find(|p| p.name == "Wei Zhang").unwrap();
    assert_eq!(zhang.account_id, alpha.account_id);
    assert_eq!(zhang.level, "executive");
    let li = data.people.iter().find(|p| p.name == "Na Li").unwrap();
    assert_ne!(li.account_id, alpha.account_id);
    let deal = &data.opportunities[0];
    assert_eq!(
        (deal.amount_minor, deal.stage.as_str()),
        (120_000_000, "validate_lead")
    );
    assert_eq!(data.decision_chain_members.len(), 1);
    assert_eq!(data.decision_chain_members[0].buying_role, "decision_maker");
    assert_eq!(data.decision_chain_members[0].person_id, zhang.person_id);

    // The same first export again changes nothing.
    let again = import(&app, "salesforce", &[plan]).await.unwrap();
    assert_eq!(
        (again.new_rows(), again.changed_rows()),
        (0, 0),
        "{again:?}"
    );
}

both_backends!(a_salesforce_report_and_other_objects_are_read_as_they_come);

async fn a_salesforce_report_and_other_objects_are_read_as_they_come(app: TestApp) {
    let fixtures =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/salesforce");
    import(
        &app,
        "salesforce",
        &[fixtures.join("User.csv"), fixtures.join("Account.csv")],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A report export: BOM, labels for headers, `Object: Field`, a total and the
    // footer Salesforce writes.
    let report_csv = write(
        dir.path(),
        "report1700000000000.csv",
        "\u{feff}\"Opportunity Owner\",\"Account: Account Name\",\"Opportunity Name\",\"Stage\",\"Amount\",\"Close Date\",\"Created Date\"\n\
         \"陈刚\",\"Huaxin Mobile Communications Co., Ltd.\",\"Transport Network Upgrade\",\"Qualification\",\"2,400,000.00\",\"2027-05-31\",\"2026-10-01\"\n\
         \"Li Na\",\"江南电网股份有限公司\",\"Substation IoT\",\"Discovery\",\"650,000.00\",\"2027-02-28\",\"2026-11-02\"\n\
         \"Total\",\"\",\"\",\"\",\"3,050,000.00\",\"\",\"\"\n\
         \"\"\n\
         \"Confidential Information - Do Not Distribute\"\n\
         \"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n",
    );
    // Objects guanxi does not import: by the file's name, and by its headers.
    let products = write(
        dir.path(),
        "Product2.csv",
        "Id,Name,ProductCode,Family,IsActive\n01t1,Router,RT-1,Hardware,true\n",
    );
    let leads = write(
        dir.path(),
        "extract.csv",
        "Id,LastName,Company,Status,LeadSource\n00Q1,Wu,Acme,Open,Web\n",
    );
    let report = import(&app, "salesforce", &[report_csv, products, leads])
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let skipped: Vec<(&str, bool)> = report
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.skipped))
        .collect();
    assert_eq!(
        skipped,
        [
            ("Product2.csv", true),
            ("extract.csv", true),
            ("report1700000000000.csv", false)
        ]
    );
    let read = &report.files[2];
    assert_eq!(
        (read.records, read.summary_lines.clone()),
        (2, vec![4, 6, 7])
    );
    let data = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(data.opportunities.len(), 2);
    let t = data
        .opportunities
        .iter()
        .find(|o| o.name == "Transport Network Upgrade")
        .unwrap();
    assert_eq!((t.amount_minor, t.stage.as_str()), (240_000_000, "qualify"));
    let chen = data.employees.iter().find(|e| e.name == "陈刚").unwrap();
    assert_eq!(t.owner_id, Some(chen.employee_id));
    // "Discovery" is no stage the mapping lists: the declared default, counted.
    let stage = report
        .defaulted
        .iter()
        .find(|d| d.field == "opportunities.stage")
        .unwrap();
    assert_eq!(
        (stage.count, stage.file_values.clone(), stage.places.clone()),
        (
            1,
            vec!["Discovery".to_owned()],
            vec!["report1700000000000.csv:3".to_owned()]
        )
    );
}

both_backends!(broken_files_are_refused_naming_the_line_and_change_nothing);

async fn broken_files_are_refused_naming_the_line_and_change_nothing(app: TestApp) {
    let fixtures =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/salesforce");
    import(
        &app,
        "salesforce",
        &[fixtures.join("Account.csv"), fixtures.join("Contact.csv")],
    )
    .await
    .unwrap();
    let before = transfer::export(&app.store, None).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let long_title = format!(
        "Id,AccountId,LastName,Title\n003X,001A,Wu,{}\n",
        "x".repeat(201)
    );
    for (name, text, expected) in [
        (
            "Account.csv",
            "Id,Name,Industry\n001X,\"First Co,Retail\n001Y,Second,Retail\n",
            "Account.csv:2: a quote opened in this record is never closed",
        ),
        ("Account.csv", "Id,Name,Industry\n001X,First Co,Retail\n001Y,Second Com", "Account.csv:3: has 2 cells"),
        ("Account.csv", "Id,Name,Industry,name\n001X,First Co,Retail,x\n", "line 1: the header names column 'name' twice"),
        ("Account.csv", "Id,Name,Industry\n001X,M\u{1b}[31mallory,Retail\n", "Account.csv:2 Name: holds the control character U+001B"),
        (
            "Opportunity.csv",
            "Id,AccountId,Name,StageName,CloseDate,Amount\n006X,001A,Deal,Prospecting,2027-01-01,\"1,5\"\n",
            "Opportunity.csv:2 Amount: '1,5'",
        ),
        (
            "Opportunity.csv",
            "Id,AccountId,Name,StageName,CloseDate\n006X,001A,Deal,Prospecting,2027-01-01\n",
            "Opportunity.csv:2 Amount: the file has no amount column",
        ),
        // The API's rules: a title's limit, an e-mail address.
        (
            "Contact.csv",
            long_title.as_str(),
            "Contact.csv:2 Title: is longer than 200 characters",
        ),
        (
            "Contact.csv",
            "Id,AccountId,LastName,Email\n003X,001A,Wu,wu-at-example\n",
            "Contact.csv:2 Email:",
        ),
    ] {
        let path = write(dir.path(), name, text);
        let error = import(&app, "salesforce", &[path]).await.unwrap_err();
        assert_eq!(error.code(), guanxi::ErrorCode::InvalidInput, "{error}");
        assert!(error.to_string().contains(expected), "{expected} in {error}");
        assert_eq!(transfer::export(&app.store, None).await.unwrap(), before, "{name}: nothing changed");
    }
}

both_backends!(matched_records_keep_their_stored_values_and_merges_are_reported);

async fn matched_records_keep_their_stored_values_and_merges_are_reported(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    // Stored through guanxi's own layout first.
    let ours = write(
        dir.path(),
        "accounts.csv",
        "account_ref,account_name,industry,region,tier\nA1,\"Huaxin Mobile Communications Co., Ltd.\",telecom,north_china,strategic\n",
    );
    import(&app, "guanxi", &[ours]).await.unwrap();
    let before = transfer::export(&app.store, None).await.unwrap();
    // A Salesforce export spells it its own way, twice, with other values.
    let theirs = write(
        dir.path(),
        "Account.csv",
        "Id,Name,Industry,BillingState\n\
         001A,\"HUAXIN MOBILE COMMUNICATIONS CO., LTD\",Banking,Shanghai\n\
         001B,Huaxin Mobile Communications Co Ltd,Retail,Guangdong\n\
         001C,Alpha Dynamics,Telecommunications,Beijing\n",
    );
    let report = import(&app, "salesforce", std::slice::from_ref(&theirs))
        .await
        .unwrap();
    let merged: Vec<String> = report.merged.iter().map(ToString::to_string).collect();
    assert_eq!(merged.len(), 2, "{merged:?}");
    assert!(
        merged[0].starts_with("Account.csv:2 'HUAXIN MOBILE COMMUNICATIONS CO., LTD' is the stored account 'Huaxin Mobile Communications Co., Ltd.' (same name); kept its stored name, industry, region"),
        "{merged:?}"
    );
    assert!(merged[1].starts_with("Account.csv:3 'Huaxin Mobile Communications Co Ltd' has the same name as the account at Account.csv:2"), "{merged:?}");
    let data = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(data.accounts.len(), 2);
    let huaxin = data
        .accounts
        .iter()
        .find(|a| a.name.starts_with("Huaxin"))
        .unwrap();
    assert_eq!(
        huaxin, &before.accounts[0],
        "the stored account is as it was"
    );
    // References to either Salesforce id find it.
    let contacts = write(
        dir.path(),
        "Contact.csv",
        "Id,AccountId,FirstName,LastName,Title\n003A,001A,建国,王,CTO\n003B,001B,立新,赵,Engineer\n",
    );
    import(&app, "salesforce", &[contacts]).await.unwrap();
    let data = transfer::export(&app.store, None).await.unwrap();
    assert!(data
        .people
        .iter()
        .all(|p| p.account_id == huaxin.account_id));
    // A later file without the Title column keeps the stored titles.
    let thin = write(
        dir.path(),
        "Contact.csv",
        "Id,AccountId,FirstName,LastName\n003A,001A,建国,王\n",
    );
    import(&app, "salesforce", &[thin]).await.unwrap();
    let after = transfer::export(&app.store, None).await.unwrap();
    let wang = after.people.iter().find(|p| p.name == "王建国").unwrap();
    assert_eq!(wang.title.as_deref(), Some("CTO"));

    // The same system again without an Industry column: the default does not
    // overwrite what it stored.
    let alpha_before = data
        .accounts
        .iter()
        .find(|a| a.name == "Alpha Dynamics")
        .unwrap()
        .clone();
    assert_eq!(alpha_before.region, "north_china");
    let thinner = write(
        dir.path(),
        "Account.csv",
        "Id,Name,Type\n001C,Alpha Dynamics,Customer\n",
    );
    let again = import(&app, "salesforce", &[thinner]).await.unwrap();
    assert!(
        again
            .defaulted
            .iter()
            .any(|d| d.field == "accounts.industry"),
        "{:?}",
        again.defaulted
    );
    let data = transfer::export(&app.store, None).await.unwrap();
    let alpha = data
        .accounts
        .iter()
        .find(|a| a.name == "Alpha Dynamics")
        .unwrap();
    assert_eq!(alpha, &alpha_before);
    assert_eq!(
        (again.new_rows(), again.changed_rows()),
        (0, 0),
        "{again:?}"
    );

    // Renamed in Salesforce: the same account by its id, not a new one; a state
    // the mapping does not know gives way to the country it does.
    let renamed = write(
        dir.path(),
        "Account.csv",
        "Id,Name,Industry,BillingState,BillingCountry\n001C,Alpha Dynamics Group,Telecommunications,California,United States\n",
    );
    import(&app, "salesforce", &[renamed]).await.unwrap();
    let data = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(data.accounts.len(), 2);
    let group = data
        .accounts
        .iter()
        .find(|a| a.account_id == alpha.account_id)
        .unwrap();
    assert_eq!(
        (group.name.as_str(), group.region.as_str()),
        ("Alpha Dynamics Group", "americas")
    );
}

both_backends!(salesforce_tasks_become_interactions_with_the_people_involved);

async fn salesforce_tasks_become_interactions_with_the_people_involved(app: TestApp) {
    let fixtures =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/salesforce");
    let base: Vec<PathBuf> = ["User.csv", "Account.csv", "Contact.csv", "Opportunity.csv"]
        .iter()
        .map(|f| fixtures.join(f))
        .collect();
    import(&app, "salesforce", &base).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // As the Bulk API writes it: 18-character ids, WhatId naming a deal or an account.
    let tasks = write(
        dir.path(),
        "Task.csv",
        "Id,WhoId,WhatId,AccountId,OwnerId,Subject,ActivityDate,Status,TaskSubtype,Description\n\
         00T1,003A1,006A1,001A,005A,Pricing call,2026-11-20,Completed,Call,\"Discussed phase III pricing\r\nNext: CFO\"\n\
         00T2,003B1,001B,001B,005A,Follow-up e-mail,2026-11-21,Completed,Email,\n\
         00T3,003A1,006A1,001A,005A,Quarterly review,2099-01-15,Not Started,Task,\n",
    );
    let report = import(&app, "salesforce", &[tasks]).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    // A task still to come has not happened: passed over, with its place.
    assert_eq!(report.files[0].planned, ["Task.csv:5"]);
    let data = transfer::export(&app.store, None).await.unwrap();
    let call = data
        .interactions
        .iter()
        .find(|i| i.subject.as_deref() == Some("Pricing call"))
        .unwrap();
    let deal = data
        .opportunities
        .iter()
        .find(|o| o.name == "5G Core Expansion Phase III")
        .unwrap();
    assert_eq!(call.opportunity_id, Some(deal.opportunity_id));
    assert_eq!(call.kind, "call");
    assert_eq!(
        call.note.as_deref(),
        Some("Discussed phase III pricing\nNext: CFO")
    );
    let chen = data.employees.iter().find(|e| e.name == "陈刚").unwrap();
    let wang = data.people.iter().find(|p| p.name == "王建国").unwrap();
    assert!(data
        .interaction_employees
        .iter()
        .any(|x| x.interaction_id == call.interaction_id && x.employee_id == chen.employee_id));
    assert!(data
        .interaction_people
        .iter()
        .any(|x| x.interaction_id == call.interaction_id && x.person_id == wang.person_id));
    // WhatId naming the account: an interaction of the account, no deal.
    let mail = data
        .interactions
        .iter()
        .find(|i| i.subject.as_deref() == Some("Follow-up e-mail"))
        .unwrap();
    assert_eq!((mail.opportunity_id, mail.kind.as_str()), (None, "email"));
}
