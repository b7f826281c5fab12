//! `guanxi export`: every business record, in a stable order, per account on demand.

use std::collections::HashMap;

use guanxi::transfer::{self, Export, ImportOptions};

const DRY: ImportOptions = ImportOptions {
    dry_run: true,
    partial: false,
    bulk: false,
};
const WRITE: ImportOptions = ImportOptions {
    dry_run: false,
    partial: false,
    bulk: false,
};
use uuid::Uuid;

use crate::{both_backends, helpers::TestApp};

both_backends!(export_holds_every_record_once_in_a_stable_order);

async fn export_holds_every_record_once_in_a_stable_order(app: TestApp) {
    guanxi::demo::load(&app.store).await.expect("demo loads");
    let all = transfer::export(&app.store, None).await.expect("export");
    assert_eq!(all.format, transfer::FORMAT);
    let stored: HashMap<&str, i64> = app.counts().await.into_iter().collect();
    for (table, n) in all.counts() {
        if let Some(rows) = stored.get(table) {
            assert_eq!(*rows as usize, n, "{table}");
        }
    }
    assert_eq!(all.accounts.len(), 2);
    assert!(all.support_requests.len() >= 14);

    // Two exports of the same data are identical, and the JSON reads back whole.
    let json = serde_json::to_string_pretty(&all).unwrap();
    let again =
        serde_json::to_string_pretty(&transfer::export(&app.store, None).await.unwrap()).unwrap();
    assert_eq!(json, again);
    let back: Export = serde_json::from_str(&json).expect("the format reads back");
    assert_eq!(back, all);
    assert!(!json.contains("\"version\""), "internal versions stay out");

    // One account: its own records, plus the organisation-wide ones.
    let account = all.accounts[1].account_id;
    let one = transfer::export(&app.store, Some(account)).await.unwrap();
    assert_eq!(one.account, Some(account));
    assert_eq!(one.accounts.len(), 1);
    assert_eq!(one.employees.len(), all.employees.len());
    assert!(one.people.iter().all(|p| p.account_id == account));
    assert!(one.opportunities.iter().all(|o| o.account_id == account));
    assert!(one
        .relationships
        .iter()
        .all(|r| r.account_id == Some(account)));
    assert!(!one.people.is_empty() && one.people.len() < all.people.len());

    let missing = transfer::export(&app.store, Some(Uuid::now_v7())).await;
    assert!(matches!(missing, Err(guanxi::Error::NotFound { .. })));
}

/// `guanxi export --output FILE` writes the same JSON as stdout.
#[test]
fn the_export_command_writes_a_file_or_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("export.db").display());
    let run = |args: &[&str]| {
        crate::helpers::guanxi_command(&url, args)
            .output()
            .expect("the binary runs")
    };
    assert!(run(&["demo"]).status.success());
    let file = dir.path().join("out.json");
    let out = run(&["export", "--output", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = run(&["export"]);
    assert!(stdout.status.success());
    assert_eq!(std::fs::read(&file).unwrap(), stdout.stdout);
    let parsed: Export = serde_json::from_slice(&stdout.stdout).unwrap();
    assert_eq!(parsed.accounts.len(), 2);
    let bad = run(&[
        "export",
        "--account",
        "00000000-0000-7000-8000-000000000001",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not found"));
}

both_backends!(export_import_export_gives_identical_json);

async fn export_import_export_gives_identical_json(app: TestApp) {
    guanxi::demo::load(&app.store).await.expect("demo loads");
    let first = transfer::export(&app.store, None).await.unwrap();
    let json = serde_json::to_string_pretty(&first).unwrap();

    // Into an empty database of the same backend.
    let backend = if app.store.backend_name() == "postgres" {
        crate::helpers::Backend::Postgres
    } else {
        crate::helpers::Backend::Sqlite
    };
    let (url, dir) = crate::helpers::fresh_database(backend).await.unwrap();
    let target = crate::helpers::spawn_on(&url, dir).await;
    // A dry run counts everything as new and writes nothing.
    let dry = transfer::import(&target.store, first.clone(), DRY)
        .await
        .expect("dry run");
    let total: usize = first.counts().iter().map(|(_, n)| n).sum();
    assert_eq!((dry.new_rows(), dry.changed_rows()), (total, 0));
    assert!(target.counts().await.iter().all(|(_, n)| *n == 0));
    let report = transfer::import(&target.store, first.clone(), WRITE)
        .await
        .expect("import");
    assert_eq!(report.new_rows(), total);
    let second = transfer::export(&target.store, None).await.unwrap();
    assert_eq!(serde_json::to_string_pretty(&second).unwrap(), json);

    // Twice changes nothing; the imported data serves scores.
    let counts = target.counts().await;
    let again = transfer::import(&target.store, first.clone(), WRITE)
        .await
        .expect("import again");
    assert_eq!(
        (
            again.new_rows(),
            again.changed_rows(),
            again.unchanged_rows()
        ),
        (0, 0, total)
    );
    assert_eq!(target.counts().await, counts);

    // A newer file updates what changed, and only that.
    let mut newer = first.clone();
    newer.people[0].title = Some("Chief Network Officer".into());
    let update = transfer::import(&target.store, newer.clone(), WRITE)
        .await
        .unwrap();
    assert_eq!((update.new_rows(), update.changed_rows()), (0, 1));
    let updated = transfer::export(&target.store, None).await.unwrap();
    assert_eq!(
        updated.people[0].title.as_deref(),
        Some("Chief Network Officer")
    );
    transfer::import(&target.store, first.clone(), WRITE)
        .await
        .unwrap();
    assert!(report.near_duplicates.is_empty());

    // A misspelt copy of a stored customer is reported, not merged.
    let mut typo = first.clone();
    let mut copy = typo.accounts[0].clone();
    let original = copy.name.clone();
    copy.account_id = Uuid::now_v7();
    copy.name = original.replacen("Communications", "Comunications", 1);
    typo.accounts.push(copy);
    let checked = transfer::import(&target.store, typo.clone(), DRY)
        .await
        .unwrap();
    assert_eq!(
        checked.near_duplicates.len(),
        1,
        "{:?}",
        checked.near_duplicates
    );
    let d = &checked.near_duplicates[0];
    assert_eq!(d.path, format!("accounts[{}]", typo.accounts.len() - 1));
    assert_eq!(d.looks_like, original);
    assert_eq!(d.looks_like_id, first.accounts[0].account_id);
    let third = transfer::export(&target.store, None).await.unwrap();
    assert_eq!(serde_json::to_string_pretty(&third).unwrap(), json);
    let data = target
        .ok(
            "{ accounts { nodes { name score { value } } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(data["accounts"]["nodes"].as_array().unwrap().len(), 2);

    // A bad file names every problem and writes nothing.
    let mut bad = first.clone();
    bad.people[0].level = "emperor".into();
    bad.opportunities[0].stage = "celebrate".into();
    bad.employees[0].role = String::new();
    // The API's rules hold in a file too: invisible characters, a reversed name,
    // a meeting next year, an assessment made in 3000.
    bad.accounts[0].name = "Huaxin\u{200B}Mobile".into();
    bad.people[1].name = "\u{202E}王建国".into();
    bad.interactions[0].occurred_on = guanxi::domain::today() + time::Duration::days(90);
    bad.assessments[0].assessed_at = time::macros::datetime!(3000-01-01 00:00 UTC);
    bad.opportunities[1].expected_sign_date = Some(time::macros::date!(0000 - 01 - 01));
    let before = target.counts().await;
    let error = transfer::import(&target.store, bad.clone(), WRITE)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("people[0].level: 'emperor'"), "{message}");
    assert!(
        message.contains("opportunities[0].stage: 'celebrate'"),
        "{message}"
    );
    assert!(message.contains("employees[0].role"), "{message}");
    for place in [
        "accounts[0].name",
        "people[1].name",
        "interactions[0].occurredOn",
        "assessments[0].assessedAt",
        "opportunities[1].expectedSignDate",
    ] {
        assert!(message.contains(place), "{place}: {message}");
    }
    assert_eq!(error.code(), guanxi::ErrorCode::InvalidInput);
    assert_eq!(target.counts().await, before);

    // A row pointing at nothing is refused by its place, and nothing is written.
    let (url, dir) = crate::helpers::fresh_database(backend).await.unwrap();
    let empty = crate::helpers::spawn_on(&url, dir).await;
    let mut dangling = first.clone();
    dangling.accounts.clear();
    let error = transfer::import(&empty.store, dangling.clone(), WRITE)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains(
            "people[0]: refers to a record that is neither in the file nor in the database"
        ),
        "{error}"
    );
    // Which reference: PostgreSQL names the column and value, SQLite the row's references.
    let account = dangling.people[0].account_id.to_string();
    assert!(
        error
            .to_string()
            .contains(&format!("Key (account_id)=({account})"))
            || error
                .to_string()
                .contains(&format!("one of accountId {account}")),
        "{error}"
    );
    assert!(empty.counts().await.iter().all(|(_, n)| *n == 0));

    // The same through the bulk load (`guanxi import`), which checks references
    // itself a chunk at a time (SQLite's own checks are off for it): the same
    // refusal, naming the key and value, and nothing written.
    const BULK: ImportOptions = ImportOptions {
        dry_run: false,
        partial: false,
        bulk: true,
    };
    let mut dangling_tie = first.clone();
    let ghost = Uuid::new_v4();
    dangling_tie.relationships[0].person_id = Some(ghost);
    let error = transfer::import(&empty.store, dangling_tie, BULK)
        .await
        .unwrap_err();
    assert_eq!(error.code(), guanxi::ErrorCode::InvalidInput);
    assert!(
        error.to_string().contains(&format!(
            "relationships[0]: refers to a record that is neither in the file nor in the database (Key (person_id)=({ghost})"
        )),
        "{error}"
    );
    assert!(empty.counts().await.iter().all(|(_, n)| *n == 0));

    // Two ties between the same two people under different ids: the unique rule
    // on a tie's ends, built at the end of a load into an empty table, refuses
    // the import naming the pair's key, and nothing is written.
    let mut twice = first.clone();
    let mut copy = twice.relationships[0].clone();
    copy.relationship_id = Uuid::new_v4();
    twice.relationships.push(copy);
    for options in [WRITE, BULK] {
        let error = transfer::import(&empty.store, twice.clone(), options)
            .await
            .unwrap_err();
        assert_eq!(error.code(), guanxi::ErrorCode::InvalidInput, "{error}");
        assert!(
            error.to_string().contains(
                "rows that must differ repeat a value, nothing imported: relationship (employee_id, person_id)"
            ),
            "{error}"
        );
        // The pair is named by its ids, as ids, on either backend.
        let ends = format!(
            "'{} / {}' on 2 rows",
            twice.relationships[0].employee_id.unwrap(),
            twice.relationships[0].person_id.unwrap()
        );
        assert!(error.to_string().contains(&ends), "{error}");
        assert!(empty.counts().await.iter().all(|(_, n)| *n == 0));
    }
    // And the file without the dangling row goes in whole through the bulk load,
    // every reference intact.
    let report = transfer::import(&empty.store, first.clone(), BULK)
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{report:?}");
    assert_eq!(
        transfer::export(&empty.store, None).await.unwrap().counts(),
        first.counts()
    );
}

/// Loads the demo into the database at `url` and writes it, with 200,000 more
/// meetings at the first account, as one JSON file in `dir`: an import long enough
/// to be killed halfway. Returns the file and the table counts before.
fn demo_and_a_large_file(
    url: &str,
    dir: &std::path::Path,
) -> (std::path::PathBuf, Vec<(&'static str, usize)>) {
    let guanxi = |args: &[&str]| crate::helpers::guanxi_command(url, args);
    assert!(guanxi(&["demo"]).status().unwrap().success());
    let out = guanxi(&["export"]).output().unwrap();
    let mut data: Export = serde_json::from_slice(&out.stdout).unwrap();
    let before = data.counts();
    let template = data.interactions[0].clone();
    for _ in 0..200_000 {
        let mut i = template.clone();
        i.interaction_id = Uuid::now_v7();
        data.interactions.push(i);
    }
    let file = dir.join("big.json");
    std::fs::write(&file, serde_json::to_vec(&data).unwrap()).unwrap();
    (file, before)
}

/// The table counts of what `guanxi export` writes for the database at `url`.
fn exported_counts(url: &str) -> Vec<(&'static str, usize)> {
    let out = crate::helpers::guanxi_command(url, &["export"])
        .output()
        .unwrap();
    serde_json::from_slice::<Export>(&out.stdout)
        .unwrap()
        .counts()
}

/// `guanxi import FILE` on the database at `url`, running, its output dropped;
/// with a small SQLite page cache, so pages reach the file mid-transaction.
fn start_import(url: &str, file: &std::path::Path) -> std::process::Child {
    crate::helpers::guanxi_command(url, &["import", file.to_str().unwrap()])
        .env("GUANXI_IMPORT_CACHE_MIB", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Fails the test when the import ended before it could be killed, or never got
/// going.
fn still_importing(child: &mut std::process::Child, started: std::time::Instant) {
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import finished before it could be killed"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "the import never started writing"
    );
}

/// A SIGKILL in the middle of an import's transaction leaves the database as it
/// was: the file is written in one transaction, so nothing of it survives.
#[cfg(unix)]
#[test]
fn killing_an_import_mid_file_leaves_the_database_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kill.db").display());
    let (file, before) = demo_and_a_large_file(&url, dir.path());

    // Wait until the import is writing, then kill it. With the file to itself it
    // writes through a rollback journal, straight into the database file once its
    // (small) page cache overflows; otherwise into the write-ahead log.
    let size = |suffix: &str| {
        std::fs::metadata(dir.path().join(format!("kill.db{suffix}")))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let size = || size("") + size("-wal");
    let start_size = size();
    let mut child = start_import(&url, &file);
    let started = std::time::Instant::now();
    while size() < start_size + 4 * 1024 * 1024 {
        still_importing(&mut child, started);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        exported_counts(&url),
        before,
        "nothing of the killed import is left"
    );
}

/// The same on PostgreSQL: the import is killed while its transaction is inserting
/// (seen in `pg_stat_activity`), and the database is as before.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_an_import_mid_file_leaves_postgres_as_before() {
    use sqlx::Connection;

    let Some((url, _)) = crate::helpers::fresh_database(crate::helpers::Backend::Postgres).await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (file, before) = demo_and_a_large_file(&url, dir.path());
    let mut watch = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut child = start_import(&url, &file);
    let started = std::time::Instant::now();
    loop {
        let inserting: bool = sqlx::query_scalar(
            "select exists (select 1 from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid()
                and xact_start is not null and query ilike 'insert into interaction%')",
        )
        .fetch_one(&mut watch)
        .await
        .unwrap();
        if inserting {
            break;
        }
        still_importing(&mut child, started);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        exported_counts(&url),
        before,
        "nothing of the killed import is left"
    );
}
