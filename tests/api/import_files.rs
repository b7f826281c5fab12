//! CSV files through column mappings, calendars, and `importRows`: real-looking
//! files from `tests/fixtures/import`, on both backends.

use std::path::PathBuf;

use guanxi::transfer::{self, CsvFile, ImportOptions, Mapping};
use serde_json::json;
use time::macros::date;
use uuid::Uuid;

use crate::{both_backends, helpers::TestApp};

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(path)
}

fn salesforce_files() -> Vec<CsvFile> {
    [
        "Account.csv",
        "Contact.csv",
        "User.csv",
        "Opportunity.csv",
        "OpportunityContactRole.csv",
        "Relationship__c.csv",
        "Event.csv",
    ]
    .iter()
    .map(|f| CsvFile {
        path: fixture(&format!("salesforce/{f}")),
        entity: None,
    })
    .collect()
}

const WRITE: ImportOptions = ImportOptions {
    dry_run: false,
    partial: false,
    bulk: false,
};

async fn import_salesforce(app: &TestApp, options: ImportOptions) -> transfer::ImportReport {
    let mapping = Mapping::load("salesforce").unwrap();
    transfer::import_csv(&app.store, &mapping, &salesforce_files(), options, None)
        .await
        .expect("the Salesforce-style files import")
}

both_backends!(a_salesforce_style_export_imports_cleanly_and_idempotently);

async fn a_salesforce_style_export_imports_cleanly_and_idempotently(app: TestApp) {
    // A dry run counts and writes nothing.
    let dry = import_salesforce(
        &app,
        ImportOptions {
            dry_run: true,
            partial: false,
            bulk: false,
        },
    )
    .await;
    assert!(dry.new_rows() > 40, "{dry:?}");
    assert!(app.counts().await.iter().all(|(_, n)| *n == 0));

    let indexes = app.store.index_names().await.unwrap();
    assert!(
        indexes.iter().any(|i| i == "relationship_person"),
        "{indexes:?}"
    );
    let keys = app.store.foreign_keys().await.unwrap();
    assert!(
        keys.iter()
            .any(|k| k == "assessment.relationship_id -> relationship"),
        "{keys:?}"
    );
    let first = import_salesforce(&app, WRITE).await;
    assert_eq!(
        app.store.index_names().await.unwrap(),
        indexes,
        "indexes dropped for the bulk load are rebuilt"
    );
    assert_eq!(
        app.store.foreign_keys().await.unwrap(),
        keys,
        "foreign keys taken off for the bulk load are back"
    );
    assert_eq!(first.new_rows(), dry.new_rows());
    assert!(first.rejected.is_empty());
    let data = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(data.accounts.len(), 3);
    assert_eq!(data.employees.len(), 4);
    assert_eq!(data.people.len(), 7);
    assert_eq!(data.opportunities.len(), 4);
    assert_eq!(data.decision_chain_members.len(), 4);
    assert_eq!(data.assessments.len(), 4);
    assert_eq!(data.relationships.len(), 3, "two assessments of one tie");
    assert_eq!(data.interactions.len(), 2);

    // Chinese names family name first; translated vocabularies; the quoted comma.
    let names: Vec<&str> = data.people.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names.contains(&"王建国") && names.contains(&"Grace Lim"),
        "{names:?}"
    );
    let grace = data.people.iter().find(|p| p.name == "Grace Lim").unwrap();
    assert_eq!(grace.title.as_deref(), Some("Head of Infrastructure, APAC"));
    // Level from the title by the mapping's rules: "Head of" is management.
    assert_eq!(grace.level, "management");
    let wang = data.people.iter().find(|p| p.name == "王建国").unwrap();
    assert_eq!(
        (wang.department.as_str(), wang.level.as_str()),
        ("executive_office", "executive")
    );
    let zhao = data.people.iter().find(|p| p.name == "赵立新").unwrap();
    assert!(data
        .reporting_lines
        .iter()
        .any(|l| l.person_id == zhao.person_id
            && l.manager_id == wang.person_id
            && l.kind == "solid"));
    let won = data
        .opportunities
        .iter()
        .find(|o| o.name == "Edge Cloud Pilot")
        .unwrap();
    assert_eq!((won.stage.as_str(), won.outcome.as_str()), ("sign", "won"));
    let big = data
        .opportunities
        .iter()
        .find(|o| o.name == "5G Core Expansion Phase III")
        .unwrap();
    assert_eq!(big.amount_minor, 1_250_000_000);
    assert_eq!(big.expected_sign_date, Some(date!(2027 - 03 - 31)));
    assert_eq!(data.competitors.len(), 2, "named in Competitors__c");
    let roles: Vec<&str> = data
        .decision_chain_members
        .iter()
        .map(|m| m.buying_role.as_str())
        .collect();
    assert!(roles.contains(&"decision_maker") && roles.contains(&"technical_evaluator"));
    // OpportunityContactRole.IsPrimary is kept: one primary contact per deal.
    let primaries: Vec<Uuid> = data
        .decision_chain_members
        .iter()
        .filter(|m| m.is_primary)
        .map(|m| m.person_id)
        .collect();
    assert_eq!(primaries.len(), 2, "00K1 and 00K4 are primary");
    assert!(primaries.contains(&wang.person_id));
    let departed = data.employees.iter().find(|e| e.name == "张伟").unwrap();
    assert_eq!(departed.status, "departed");
    assert!(departed.departed_on.is_some());
    // The current strength is the latest assessment's.
    let tie = data
        .relationships
        .iter()
        .find(|r| r.person_id == Some(wang.person_id))
        .unwrap();
    assert_eq!(tie.strength, 5);

    // Twice changes nothing.
    let counts = app.counts().await;
    let again = import_salesforce(&app, WRITE).await;
    assert_eq!(
        (again.new_rows(), again.changed_rows()),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(app.counts().await, counts);
    let same = transfer::export(&app.store, None).await.unwrap();
    assert_eq!(same, data, "nothing moved, not even timestamps");

    // A newer file updates what changed, and only that.
    let dir = tempfile::tempdir().unwrap();
    let mut files = salesforce_files();
    let contacts = std::fs::read_to_string(fixture("salesforce/Contact.csv"))
        .unwrap()
        .replace("Head of Network Planning", "VP Network Planning");
    let newer = dir.path().join("Contact.csv");
    std::fs::write(&newer, contacts).unwrap();
    files[1].path = newer;
    let mapping = Mapping::load("salesforce").unwrap();
    let update = transfer::import_csv(&app.store, &mapping, &files, WRITE, None)
        .await
        .unwrap();
    let changed: Vec<(&str, usize)> = update
        .tables
        .iter()
        .filter(|t| t.changed + t.new > 0)
        .map(|t| (t.table, t.changed))
        .collect();
    assert_eq!(changed, vec![("person", 1), ("position", 1)], "{update:?}");

    // The imported data serves the API: scores over the imported ties.
    let scored = app
        .ok("{ accounts { nodes { name score { value } } } }", json!({}))
        .await;
    assert_eq!(scored["accounts"]["nodes"].as_array().unwrap().len(), 3);

    // Export → import into an empty database → export: identical.
    let backend = if app.store.backend_name() == "postgres" {
        crate::helpers::Backend::Postgres
    } else {
        crate::helpers::Backend::Sqlite
    };
    let (url, dir) = crate::helpers::fresh_database(backend).await.unwrap();
    let copy = crate::helpers::spawn_on(&url, dir).await;
    let exported = transfer::export(&app.store, None).await.unwrap();
    transfer::import(&copy.store, exported.clone(), WRITE)
        .await
        .unwrap();
    let again = transfer::export(&copy.store, None).await.unwrap();
    assert_eq!(
        serde_json::to_string_pretty(&again).unwrap(),
        serde_json::to_string_pretty(&exported).unwrap()
    );
}

both_backends!(a_messy_file_names_every_bad_row_and_partial_keeps_the_good_ones);

async fn a_messy_file_names_every_bad_row_and_partial_keeps_the_good_ones(app: TestApp) {
    import_salesforce(&app, WRITE).await;
    let mapping = Mapping::load("salesforce").unwrap();
    let messy = [CsvFile {
        path: fixture("messy/Contact.csv"),
        entity: None,
    }];
    let before = app.counts().await;
    let error = transfer::import_csv(&app.store, &mapping, &messy, WRITE, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), guanxi::ErrorCode::InvalidInput);
    let message = error.to_string();
    // BOM, CRLF and blank lines do not shift the line numbers.
    for expected in [
        "Contact.csv:6 AccountId: no account '001Z'",
        "Contact.csv:9 LastName: is empty",
        "Contact.csv:10: has 5 cells but the header has 10 columns: the row is cut short",
    ] {
        assert!(message.contains(expected), "{expected} in {message}");
    }
    assert!(message.starts_with("file: 3 rows refused"), "{message}");
    assert_eq!(app.counts().await, before, "a refused file writes nothing");

    let report = transfer::import_csv(
        &app.store,
        &mapping,
        &messy,
        ImportOptions {
            dry_run: false,
            partial: true,
            bulk: false,
        },
        None,
    )
    .await
    .unwrap();
    let places: Vec<&str> = report.rejected.iter().map(|r| r.place.as_str()).collect();
    assert_eq!(
        places,
        vec!["Contact.csv:6", "Contact.csv:9", "Contact.csv:10"]
    );
    // A department the mapping does not list, and titles no level rule matches,
    // take the declared defaults, counted with their lines.
    let defaulted: Vec<String> = report.defaulted.iter().map(ToString::to_string).collect();
    let department = report
        .defaulted
        .iter()
        .find(|d| d.field == "people.department")
        .unwrap_or_else(|| panic!("{defaulted:?}"));
    assert_eq!(
        (department.count, department.value.as_str()),
        (1, "operations")
    );
    assert_eq!(department.places, ["Contact.csv:8"]);
    assert_eq!(department.file_values, ["Alchemy"]);
    let level = report
        .defaulted
        .iter()
        .find(|d| d.field == "people.level")
        .unwrap();
    assert!(
        level.places.contains(&"Contact.csv:5".to_owned()),
        "{defaulted:?}"
    );
    assert_eq!(level.why, transfer::csv_file::DefaultWhy::NoRule);
    assert_eq!(report.files[0].records, 7, "{:?}", report.files);
    let data = transfer::export(&app.store, None).await.unwrap();
    let li = data
        .people
        .iter()
        .find(|p| p.name == "李强")
        .expect("李强 imported");
    assert_eq!(li.title.as_deref(), Some("VP, Network Operations"));
    let may = data
        .people
        .iter()
        .find(|p| p.name == "Mei \"May\" Chen")
        .expect("quoted quotes survive");
    assert_eq!(may.title.as_deref(), Some("Analyst, \"Core\" team"));
    // Her manager comes earlier in the same file.
    assert!(data
        .reporting_lines
        .iter()
        .any(|l| l.person_id == may.person_id && l.manager_id == li.person_id));
    // A title no rule knows makes an operational level, not a refusal.
    let bo = data.people.iter().find(|p| p.name == "Bo Xu").unwrap();
    assert_eq!(bo.level, "operational");
    assert!(!data
        .people
        .iter()
        .any(|p| p.name == "Lei Ma" || p.name == "Hui Gao"));
}

both_backends!(a_calendar_becomes_interactions_as_documented);

async fn a_calendar_becomes_interactions_as_documented(app: TestApp) {
    import_salesforce(&app, WRITE).await;
    let ics = fixture("calendar.ics");
    let files = [ics.as_path()];
    let import = || {
        transfer::import_calendars(
            &app.store,
            &files,
            chrono_tz::Asia::Shanghai,
            date!(2026 - 11 - 26),
            WRITE,
        )
    };
    let (report, summary) = import().await.expect("the calendar imports");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    // Weekly from 5 Oct: 19 Oct excluded, 26 Oct moved to 27 Oct, 9 Nov cancelled,
    // 30 Nov and 7 Dec still to come: six meetings; plus a dinner and a review.
    assert_eq!(summary.events, 7);
    assert_eq!(summary.meetings, 8);
    assert_eq!(summary.cancelled, 2);
    assert_eq!(summary.upcoming, 3);
    assert_eq!(summary.without_customer, 2);
    let data = transfer::export(&app.store, None).await.unwrap();
    let mut weekly: Vec<String> = data
        .interactions
        .iter()
        .filter(|i| {
            i.subject
                .as_deref()
                .is_some_and(|s| s.starts_with("Weekly network sync"))
        })
        .map(|i| i.occurred_on.to_string())
        .collect();
    weekly.sort();
    assert_eq!(
        weekly,
        [
            "2026-10-05",
            "2026-10-12",
            "2026-10-27",
            "2026-11-02",
            "2026-11-16",
            "2026-11-23"
        ]
    );
    // 17:00 UTC on 11 Nov is 01:00 on 12 Nov in Beijing; a dinner is a meal; the
    // attendee who declined is not counted.
    let dinner = data
        .interactions
        .iter()
        .find(|i| i.subject.as_deref() == Some("Dinner with Sun Hua"))
        .unwrap();
    assert_eq!(dinner.occurred_on, date!(2026 - 11 - 12));
    assert_eq!(dinner.kind, "meal");
    let guests = data
        .interaction_people
        .iter()
        .filter(|p| p.interaction_id == dinner.interaction_id)
        .count();
    assert_eq!(guests, 1);
    // Strangers at a customer's domain are people to add, with the account guessed.
    let qian = summary
        .people_to_add
        .iter()
        .find(|p| p.email == "qian.lei@jn-grid.com.cn")
        .expect("Qian Lei listed");
    assert_eq!(qian.name.as_deref(), Some("Qian Lei"));
    assert_eq!(
        qian.account.as_ref().map(|(_, n)| n.as_str()),
        Some("江南电网股份有限公司")
    );
    let stranger = summary
        .people_to_add
        .iter()
        .find(|p| p.email == "stranger@newco.cn")
        .unwrap();
    assert!(stranger.account.is_none());

    // Idempotent by UID.
    let counts = app.counts().await;
    let (again, _) = import().await.unwrap();
    assert_eq!((again.new_rows(), again.changed_rows()), (0, 0));
    assert_eq!(app.counts().await, counts);
}

both_backends!(import_rows_takes_small_batches_with_the_same_report);

async fn import_rows_takes_small_batches_with_the_same_report(app: TestApp) {
    let mutation =
        "mutation($kind: ImportKind!, $rows: [JSON!]!, $partial: Boolean!, $dry: Boolean!) {
        importRows(kind: $kind, rows: $rows, partial: $partial, dryRun: $dry) {
            dryRun new changed unchanged
            tables { table new changed unchanged }
            rejected { place row field code message }
            nearDuplicates { place name looksLike why }
            defaulted { field column value why count places rowValues }
        }
    }";
    // Variables for one written (not dry-run) batch.
    let batch = |kind: &str, rows: &serde_json::Value, partial: bool| json!({ "kind": kind, "rows": rows, "partial": partial, "dry": false });
    let accounts = json!([
        { "account_ref": "A1", "account_name": "Huaxin Mobile Communications Co., Ltd.", "industry": "telecom", "region": "north_china", "tier": "strategic" },
        { "account_ref": "A2", "account_name": "Huaxin Mobile Comunications Co., Ltd.", "industry": "telecom", "region": "north_china" },
        { "account_ref": "A3", "account_name": "Emperor Holdings", "industry": "alchemy", "region": "north_china" }
    ]);
    // One bad row refuses the batch, listing it.
    let error = app
        .error(mutation, batch("ACCOUNTS", &accounts, false))
        .await;
    assert_eq!(error["extensions"]["code"], "INVALID_INPUT");
    let rejected = error["extensions"]["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["row"], 3);
    assert_eq!(rejected[0]["field"], "industry");
    assert!(app.counts().await.iter().all(|(_, n)| *n == 0));

    // Partial: the good rows, the bad one listed, the near twin reported.
    let data = app.ok(mutation, batch("ACCOUNTS", &accounts, true)).await;
    let report = &data["importRows"];
    assert_eq!(report["new"], 2);
    assert_eq!(report["rejected"][0]["place"], "rows:3");
    assert_eq!(
        report["nearDuplicates"].as_array().unwrap().len(),
        1,
        "{report}"
    );
    assert_eq!(report["nearDuplicates"][0]["place"], "rows:2");
    // A2 and A3 have no tier: the guanxi mapping's declared default, counted.
    assert_eq!(
        report["defaulted"],
        json!([{ "field": "accounts.tier", "column": "tier", "value": "normal", "why": "EMPTY",
                 "count": 2, "places": ["rows:2", "rows:3"], "rowValues": [] }]),
        "{report}"
    );

    // Numbers may come as numbers; the same batch twice changes nothing.
    let ties = json!([
        { "employee_email": "chen.gang@ourco.example", "employee_name": "陈刚", "role": "ar" }
    ]);
    app.ok(mutation, batch("EMPLOYEES", &ties, false)).await;
    let people = json!([
        { "person_ref": "P1", "account_ref": "A1", "person_name": "王建国", "department": "executive_office", "level": "executive" }
    ]);
    app.ok(mutation, batch("PEOPLE", &people, false)).await;
    let assess = json!([
        { "employee_email": "chen.gang@ourco.example", "person_ref": "P1", "strength": 4, "assessed_on": "2026-11-01" }
    ]);
    let first = app
        .ok(mutation, batch("RELATIONSHIPS", &assess, false))
        .await;
    assert_eq!(first["importRows"]["new"], 2);
    let second = app
        .ok(mutation, batch("RELATIONSHIPS", &assess, false))
        .await;
    assert_eq!(second["importRows"]["new"], 0);
    assert_eq!(second["importRows"]["changed"], 0);

    // Only shipped mappings; big batches go through the command line.
    let code = app
        .error_code(
            "mutation { importRows(kind: ACCOUNTS, rows: [], mapping: \"/etc/passwd\") { new } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "INVALID_INPUT");
}

/// The command line: the Salesforce-style set, then the messy file with
/// `--partial`, then a calendar; each prints what it did.
#[test]
fn the_import_command_reads_csv_and_calendars() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let run = |args: &[&str]| {
        let out = crate::helpers::guanxi_command(&url, args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let files: Vec<String> = salesforce_files()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    let mut args = vec!["import", "--mapping", "salesforce"];
    args.extend(files.iter().map(String::as_str));
    let (ok, out, err) = run(&args);
    assert!(ok, "{err}");
    assert!(out.contains("person: 7 new"), "{out}");
    // The import had the file to itself and wrote it through a rollback journal;
    // it is back in WAL mode (the header's read and write versions are 2).
    let header = std::fs::read(dir.path().join("cli.db")).unwrap();
    assert_eq!(
        &header[18..20],
        &[2, 2],
        "the database is in WAL mode again"
    );
    let messy = fixture("messy/Contact.csv").display().to_string();
    let (ok, _, err) = run(&["import", "--mapping", "salesforce", &messy]);
    assert!(!ok);
    assert!(err.contains("Contact.csv:6 AccountId"), "{err}");
    let (ok, out, err) = run(&["import", "--mapping", "salesforce", "--partial", &messy]);
    assert!(ok, "{err}");
    assert!(out.contains("3 rows left out"), "{out}");
    assert!(
        out.contains("left out: Contact.csv:9 LastName: is empty"),
        "{out}"
    );
    assert!(
        out.contains(
            "read Contact.csv as CSV, UTF-8 with BOM, comma-separated: people (7 records)"
        ),
        "{out}"
    );
    assert!(
        out.contains("defaulted: Contact.csv: people.department set to the mapping's default 'operations' on 1 record (Department holds a value the mapping does not list ('Alchemy'); Contact.csv:8)"),
        "{out}"
    );
    let ics = fixture("calendar.ics").display().to_string();
    let (ok, out, err) = run(&["import", "--dry-run", &ics]);
    assert!(ok, "{err}");
    assert!(
        out.contains("people to add") || out.contains("People to add"),
        "{out}"
    );
    let (ok, _, err) = run(&["import", "notes.docx"]);
    assert!(!ok);
    assert!(
        err.contains("guanxi imports .json, .csv, .txt, .tsv, .xlsx, .xls, .ods and .ics files"),
        "{err}"
    );
}

both_backends!(amounts_and_dates_are_read_exactly_or_refused_naming_the_value);

/// Amounts as Chinese exports write them (万, 亿, full-width digits, currency
/// codes) are read exactly; a full-width date is read, not a panic; an amount
/// whose decimal mark is in doubt is refused naming file, line, column and value,
/// and nothing is written.
async fn amounts_and_dates_are_read_exactly_or_refused_naming_the_value(app: TestApp) {
    import_salesforce(&app, WRITE).await;
    let mapping = Mapping::load("salesforce").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let header = "Id,AccountId,Name,Amount,CurrencyIsoCode,StageName,CloseDate,OwnerId,Competitors__c,Description,CreatedDate";
    let good = dir.path().join("Opportunity.csv");
    std::fs::write(
        &good,
        format!(
            "{header}\n\
             006X1,001A,万元 deal,120万,CNY,Needs Analysis,２０２７-03-31,,,,2026-06-01T08:00:00.000+0000\n\
             006X2,001A,亿元 deal,1.2亿元,CNY,Needs Analysis,2027-04-30,,,,2026-06-01T08:00:00.000+0000\n\
             006X3,001A,Full-width deal,\"１,２００,０００.５０\",CNY,Needs Analysis,2027-05-31,,,,2026-06-01T08:00:00.000+0000\n"
        ),
    )
    .unwrap();
    transfer::import_csv(
        &app.store,
        &mapping,
        &[CsvFile {
            path: good,
            entity: None,
        }],
        WRITE,
        None,
    )
    .await
    .expect("exact amounts and full-width dates import");
    let data = transfer::export(&app.store, None).await.unwrap();
    let deal = |name: &str| {
        data.opportunities
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(deal("万元 deal").amount_minor, 120_000_000);
    assert_eq!(
        deal("万元 deal").expected_sign_date,
        Some(date!(2027 - 03 - 31))
    );
    assert_eq!(deal("亿元 deal").amount_minor, 12_000_000_000);
    assert_eq!(deal("Full-width deal").amount_minor, 120_000_050);

    // A deal exported closed closes on its CloseDate, after an open spell from
    // its creation: "Edge Cloud Pilot" (created 2026-03-15, Closed Won
    // 2026-09-30) is a Q3 win, not a win of the import day.
    let pilot = deal("Edge Cloud Pilot");
    let mut history: Vec<(String, time::Date)> = data
        .stage_changes
        .iter()
        .filter(|c| c.opportunity_id == pilot.opportunity_id)
        .map(|c| (c.outcome.clone(), c.entered_on))
        .collect();
    history.sort_by_key(|(_, d)| *d);
    assert_eq!(
        history,
        vec![
            ("open".to_owned(), date!(2026 - 03 - 15)),
            ("won".to_owned(), date!(2026 - 09 - 30))
        ]
    );

    let bad = dir.path().join("Opportunity.csv");
    std::fs::write(
        &bad,
        format!("{header}\n006Y1,001A,Comma deal,\"1,5\",CNY,Needs Analysis,2027-03-31,,,,2026-06-01T08:00:00.000+0000\n"),
    )
    .unwrap();
    let before = app.counts().await;
    let error = transfer::import_csv(
        &app.store,
        &mapping,
        &[CsvFile {
            path: bad,
            entity: None,
        }],
        WRITE,
        None,
    )
    .await
    .unwrap_err();
    let message = error.to_string();
    assert_eq!(error.code(), guanxi::ErrorCode::InvalidInput);
    assert!(
        message.contains("Opportunity.csv:2 Amount: '1,5'"),
        "{message}"
    );
    assert!(message.contains("decimal comma"), "{message}");
    assert_eq!(app.counts().await, before, "a refused file writes nothing");

    // The API's rules for text hold in a file too: an escape sequence in a name
    // or a note longer than 4,000 characters is refused, naming the column.
    let escaped = dir.path().join("Opportunity.csv");
    std::fs::write(
        &escaped,
        format!(
            "{header}\n006Z1,001A,\u{1b}[31mRed deal\u{1b}[0m,1000,CNY,Needs Analysis,2027-03-31,,,,2026-06-01T08:00:00.000+0000\n\
             006Z2,001A,Long deal,1000,CNY,Needs Analysis,2027-03-31,,,{},2026-06-01T08:00:00.000+0000\n",
            "x".repeat(5000)
        ),
    )
    .unwrap();
    let message = transfer::import_csv(
        &app.store,
        &mapping,
        &[CsvFile {
            path: escaped,
            entity: None,
        }],
        WRITE,
        None,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("Opportunity.csv:2 Name: holds the control character U+001B"),
        "{message}"
    );
    assert!(
        message.contains("Opportunity.csv:3 Description: is 5000 characters long"),
        "{message}"
    );
    assert_eq!(app.counts().await, before);
}
