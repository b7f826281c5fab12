//! Writing imported rows: by key, insert or update, in batches, inside one
//! transaction that lives as long as the import, so a file of a million rows is
//! streamed through in chunks and still lands whole or not at all.

use std::collections::HashMap;

use sqlx::{Connection, Postgres, Sqlite, Transaction};
use uuid::Uuid;

use super::{
    export::Export,
    tables::{Table, *},
    Backend, Need, Store,
};
use crate::{Error, Result};

/// What an import found in one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableChange {
    pub table: &'static str,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// A row left out: where it was in what was handed over (`list`, `index`), with
/// the reason. The caller names the place in its own terms (a JSON path, a CSV line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub list: &'static str,
    pub index: usize,
    pub code: &'static str,
    pub message: String,
}

/// A database refusal of one row, as a reason a person can act on: the kind of
/// rule, and which column and value or limit, as far as the database says.
fn refusal(e: &sqlx::Error) -> Option<(&'static str, &'static str)> {
    let sqlx::Error::Database(d) = e else {
        return None;
    };
    Some(match d.kind() {
        sqlx::error::ErrorKind::ForeignKeyViolation => (
            "INVALID_INPUT",
            "refers to a record that is neither in the file nor in the database",
        ),
        sqlx::error::ErrorKind::UniqueViolation => (
            "CONFLICT",
            "clashes with a different record already stored (same name, e-mail or ends)",
        ),
        sqlx::error::ErrorKind::CheckViolation | sqlx::error::ErrorKind::NotNullViolation => {
            ("INVALID_INPUT", "breaks a rule of the data model")
        }
        _ => return None,
    })
}

/// What the database said about a refused row, in a person's terms: PostgreSQL
/// names the key and value (`Key (owner_id)=(…) is not present in table
/// "employee"`) or the constraint; SQLite names the rule (`CHECK constraint
/// failed: strength between 0 and 5`, `NOT NULL constraint failed: person.name`).
/// Where the database names no column (a SQLite foreign key), the row's
/// references are listed.
fn refusal_detail<R: Table>(e: &sqlx::Error, row: &R) -> String {
    let sqlx::Error::Database(d) = e else {
        return String::new();
    };
    if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        if let Some(detail) = pg.detail() {
            return detail.trim_end_matches('.').to_owned();
        }
        if let Some(c) = pg.column().or(pg.constraint()) {
            return format!("rule {c}");
        }
        return pg.message().to_owned();
    }
    let message = d.message();
    if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation {
        // SQLite says only "FOREIGN KEY constraint failed": name the references.
        let own: Vec<String> = row.key().iter().map(Uuid::to_string).collect();
        let refs: Vec<String> = serde_json::to_value(row)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|o| {
                o.into_iter()
                    .filter(|(k, v)| {
                        k.ends_with("Id") && v.as_str().is_some_and(|s| !own.iter().any(|o| o == s))
                    })
                    .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        return format!("one of {}", refs.join(", "));
    }
    message.to_owned()
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An import in progress: one write transaction, fed chunk by chunk with
/// [`ImportSession::put`], then [`ImportSession::finish`]ed (committed, or rolled
/// back for a dry run). Dropping it unfinished, or the process dying, writes nothing.
pub struct ImportSession<'s> {
    _guard: Option<tokio::sync::MutexGuard<'s, ()>>,
    tx: Tx,
    dry_run: bool,
    keep_stamps: bool,
    /// The SQLite file was taken out of WAL mode for this import (see
    /// [`leave_wal`]); put back when it ends, through this pool.
    rollback_journal: Option<sqlx::SqlitePool>,
    /// Per table: the keys written so far when the table was empty at the start
    /// (`None` when it was not: every key is looked up).
    written: HashMap<&'static str, Option<std::collections::HashSet<u128>>>,
    /// Secondary indexes dropped for a bulk load (SQLite), rebuilt at the end.
    deferred_indexes: Vec<String>,
    /// Foreign keys dropped for a bulk load (PostgreSQL), checked per chunk and
    /// added back at the end; or, on SQLite with the checks off, checked per chunk.
    deferred_keys: Vec<DeferredKey>,
    /// SQLite's foreign-key checks are off on this import's connection.
    foreign_keys_off: bool,
    /// Per table with a single-column key, while references are checked here:
    /// the key column and every key this import stored (refused rows left out).
    present: HashMap<&'static str, (&'static str, std::collections::HashSet<Uuid>)>,

    changes: Vec<TableChange>,
    rejected: Vec<Rejection>,
    rows_done: u64,
    /// Who imports, for the one audit entry an import makes.
    author: (Option<Uuid>, String, &'static str),
}

/// The statement with SQLite's anonymous `?` for every `$n`: the generated batch
/// statements bind their values in order, and SQLite looks numbered parameters up
/// by a linear scan per bind, which makes a thousand-row statement quadratic.
fn positional(sql: String) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// A table's secondary indexes that may be dropped (not those behind primary keys
/// and unique constraints), with the statements that recreate them.
const SQLITE_INDEXES: &str = "select name, sql from sqlite_master \
     where type = 'index' and tbl_name = ?1 and sql is not null";
const POSTGRES_INDEXES: &str = "select i.indexname, i.indexdef from pg_indexes i \
     where i.tablename = $1 and i.schemaname = current_schema() and not exists ( \
       select 1 from pg_constraint c \
       where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)";

/// A key folded to 128 bits, to remember which keys an import wrote. Two keys
/// folding alike only cost a lookup that finds nothing.
fn fingerprint(key: &[Uuid]) -> u128 {
    key.iter()
        .fold(0u128, |acc, k| acc.rotate_left(17) ^ k.as_u128())
}

/// Takes a SQLite file out of WAL mode for a bulk import, when this connection is
/// the only one open: a write-ahead log would receive every page of a large load
/// and then copy it into the file again at the checkpoint; a rollback journal keeps
/// only the pages that existed before, which for a load into fresh tables is almost
/// nothing. A killed import is still rolled back from the journal at the next open.
/// Never waits: with anyone else connected it says no and WAL stays.
async fn leave_wal(conn: &mut sqlx::SqliteConnection) -> bool {
    if sqlx::query("pragma busy_timeout = 0")
        .execute(&mut *conn)
        .await
        .is_err()
    {
        return false;
    }
    let mode: std::result::Result<String, _> = sqlx::query_scalar("pragma journal_mode = truncate")
        .fetch_one(&mut *conn)
        .await;
    let _ = sqlx::query(&format!(
        "pragma busy_timeout = {}",
        super::BUSY_TIMEOUT.as_millis()
    ))
    .execute(&mut *conn)
    .await;
    matches!(mode.as_deref(), Ok("truncate"))
}

/// SQLite's page cache during an import, in MiB (`GUANXI_IMPORT_CACHE_MIB`).
const IMPORT_CACHE_MIB: u32 = 256;

/// Rows per statement: as many as fit under both backends' limits on bound values.
fn batch_rows(width: usize) -> usize {
    (30_000 / width.max(1)).clamp(1, 1_000)
}

/// Runs one write so that a refusal undoes only it: in a savepoint where the
/// database would otherwise abort the whole transaction (PostgreSQL); as a plain
/// statement where a failed statement undoes itself (SQLite, whose savepoints
/// would copy every page a batch touches into a sub-journal).
macro_rules! attempt {
    ($conn:expr, $q:expr, $guarded:expr) => {{
        if $guarded {
            let mut sp = (&mut *$conn).begin().await?;
            match $q.execute(&mut *sp).await {
                Ok(_) => {
                    sp.commit().await?;
                    Ok(())
                }
                Err(e) => {
                    sp.rollback().await?;
                    Err(e)
                }
            }
        } else {
            $q.execute(&mut *$conn).await.map(|_| ())
        }
    }};
}

/// A foreign key taken off a table for a bulk load: checked in one pass and put
/// back when the import ends.
#[derive(Debug, Clone)]
struct DeferredKey {
    table: &'static str,
    /// The table's first key column, to name a row.
    key: &'static str,
    name: String,
    definition: String,
    column: String,
    parent: String,
    parent_column: String,
}

/// SQLite checks foreign keys as rows go in: an index lookup per reference, a
/// third of a bulk load's time. A bulk import turns the checks off for its own
/// connection (they cannot be switched inside a transaction, so this is decided
/// before it begins) and checks each chunk's references itself, a query per key
/// for the whole chunk, exactly as PostgreSQL's deferred keys are checked. Every
/// table's keys are listed, not only those of tables empty at the start: with the
/// checks off, nothing else would look.
async fn unchecked_foreign_keys(
    conn: &mut sqlx::SqliteConnection,
    table: &'static str,
    key: &'static str,
    _empty: bool,
    checks_off: bool,
) -> std::result::Result<Vec<DeferredKey>, sqlx::Error> {
    if !checks_off {
        return Ok(Vec::new());
    }
    let keys: Vec<(String, String, String)> = sqlx::query_as(
        "select max(\"table\"), max(\"from\"), max(\"to\") from pragma_foreign_key_list(?1)
         group by id having count(*) = 1",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    Ok(keys
        .into_iter()
        .map(|(parent, column, parent_column)| DeferredKey {
            table,
            key,
            name: String::new(),
            definition: String::new(),
            column,
            parent,
            parent_column,
        })
        .collect())
}

/// PostgreSQL checks a foreign key with a trigger per row, which made the
/// check cost twice the load; added back at the end, one pass validates the
/// whole table. Only single-column keys of a table empty when the import began.
async fn defer_foreign_keys(
    conn: &mut sqlx::PgConnection,
    table: &'static str,
    key: &'static str,
    empty: bool,
    _checks_off: bool,
) -> std::result::Result<Vec<DeferredKey>, sqlx::Error> {
    if !empty {
        return Ok(Vec::new());
    }
    let keys: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "select c.conname::text, pg_get_constraintdef(c.oid), a.attname::text,
                c.confrelid::regclass::text, fa.attname::text
         from pg_constraint c
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
         join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = c.confkey[1]
         where c.conrelid = $1::regclass and c.contype = 'f' and array_length(c.conkey, 1) = 1",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(keys.len());
    for (name, definition, column, parent, parent_column) in keys {
        sqlx::query(&format!("alter table {table} drop constraint {name}"))
            .execute(&mut *conn)
            .await?;
        out.push(DeferredKey {
            table,
            key,
            name,
            definition,
            column,
            parent,
            parent_column,
        });
    }
    Ok(out)
}

/// Which of `ids` the parent table of an unchecked key holds (SQLite), in
/// statements of a few thousand ids.
async fn present_in_sqlite_parent(
    conn: &mut sqlx::SqliteConnection,
    key: &DeferredKey,
    ids: &[Uuid],
) -> std::result::Result<std::collections::HashSet<Uuid>, sqlx::Error> {
    let mut found = std::collections::HashSet::with_capacity(ids.len());
    for part in ids.chunks(4_000) {
        let marks = vec!["?"; part.len()].join(", ");
        let sql = format!(
            "select {col} from {parent} where {col} in ({marks})",
            col = key.parent_column,
            parent = key.parent
        );
        let mut q = sqlx::query_scalar::<_, Uuid>(&sql);
        for id in part {
            q = q.bind(*id);
        }
        found.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// Which of `ids` the parent table of a deferred key holds.
async fn present_in_parent(
    conn: &mut sqlx::PgConnection,
    key: &DeferredKey,
    ids: &[Uuid],
) -> std::result::Result<std::collections::HashSet<Uuid>, sqlx::Error> {
    let found: Vec<Uuid> = sqlx::query_scalar(&format!(
        "select {col} from {parent} where {col} = any($1)",
        col = key.parent_column,
        parent = key.parent
    ))
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(found.into_iter().collect())
}

/// SQLite has no bulk load beyond its statements.
async fn no_bulk_load<C, R>(_: &mut C, _: &[&R]) -> Option<std::result::Result<(), sqlx::Error>> {
    None
}

/// PostgreSQL's `COPY ... FROM STDIN` in its text format, inside a savepoint: a
/// bulk load of rows no statement has written, several times faster than
/// multi-row inserts. A refused row undoes the whole copy (the caller then writes
/// the rows by statement, which name it).
async fn copy_in<R: Table>(
    conn: &mut sqlx::PgConnection,
    rows: &[&R],
) -> Option<std::result::Result<(), sqlx::Error>> {
    async fn run<R: Table>(
        conn: &mut sqlx::PgConnection,
        rows: &[&R],
    ) -> std::result::Result<(), sqlx::Error> {
        let mut sp = conn.begin().await?;
        let result = async {
            let mut copy = sp.copy_in_raw(&R::copy_statement()).await?;
            let mut buf = String::with_capacity(1 << 20);
            for r in rows {
                r.copy_line(&mut buf);
                if buf.len() >= 1 << 20 {
                    copy.send(std::mem::take(&mut buf).into_bytes()).await?;
                    buf.reserve(1 << 20);
                }
            }
            if !buf.is_empty() {
                copy.send(buf.into_bytes()).await?;
            }
            copy.finish().await.map(|_| ())
        }
        .await;
        match result {
            Ok(()) => sp.commit().await,
            Err(e) => {
                sp.rollback().await?;
                Err(e)
            }
        }
    }
    Some(run(conn, rows).await)
}

/// Where a unique index dropped for a bulk load cannot be built again
/// (`create unique index NAME on TABLE (COLUMNS)`): the table and columns, and a
/// query for the values that repeat with how often, to name them.
fn repeats_query(index_sql: &str) -> Option<(String, String, String)> {
    // SQLite keeps the statement as written; PostgreSQL gives
    // `... ON public.t USING btree (c)`.
    let lower = index_sql.to_ascii_lowercase();
    let (_, rest) = lower.split_once(" on ")?;
    let table = rest.split_whitespace().next()?.split('(').next()?;
    let table = table.rsplit('.').next()?.to_owned();
    let (_, rest) = rest.split_once('(')?;
    let (columns, _) = rest.split_once(')')?;
    let columns = columns.trim().to_owned();
    let shown = columns
        .split(',')
        .map(|c| format!("coalesce(cast({} as text), '')", c.trim()))
        .collect::<Vec<_>>()
        .join(" || ' / ' || ");
    let sql = format!(
        "select {shown}, count(*) from {table} group by {columns} having count(*) > 1 limit 5"
    );
    Some((table, columns, sql))
}

/// Writes one table's rows from one chunk on one backend; see [`ImportSession::put`].
macro_rules! put_rows {
    ($conn:expr, $session:ident, $rows:expr, $list:expr, $bind:ident, $sql:expr, $guarded:expr, $indexes:expr, $copy:ident, $defer_keys:ident, $present:ident) => {{
        let mut rows = $rows;
        let mut change = TableChange {
            table: R::TABLE,
            ..Default::default()
        };
        // A key seen twice in one chunk: the later row (or the newer, for a table
        // that keeps its latest) wins, as it would written one by one.
        let mut last: HashMap<Vec<Uuid>, usize> = HashMap::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            match last.get(&row.key()) {
                Some(&j) if row.yields_to(&rows[j]) => {}
                _ => {
                    last.insert(row.key(), i);
                }
            }
        }
        let mut order: Vec<usize> = last.values().copied().collect();
        // In key order: neighbouring inserts land on neighbouring index pages.
        order.sort_unstable_by_key(|&i| rows[i].key());
        change.unchanged += rows.len() - order.len();
        let batch = batch_rows(R::WIDTH);
        // A table empty when the import began holds only what this import wrote:
        // only keys written before need looking up.
        if !$session.written.contains_key(R::TABLE) {
            let empty: bool =
                sqlx::query_scalar(&format!("select not exists (select 1 from {})", R::TABLE))
                    .fetch_one(&mut *$conn)
                    .await?;
            $session
                .written
                .insert(R::TABLE, empty.then(std::collections::HashSet::new));
            let keys =
                $defer_keys(&mut *$conn, R::TABLE, R::KEY_COLUMNS[0], empty, $session.foreign_keys_off).await?;
            $session.deferred_keys.extend(keys);
            if empty {
                // Bulk load: a secondary index built once at the end from sorted
                // keys costs a fraction of a million random insertions. Dropped
                // and rebuilt inside the transaction (DDL is transactional in both
                // databases), so a failed or killed import leaves them as they were.
                let indexes: Vec<(String, String)> = sqlx::query_as($indexes)
                    .bind(R::TABLE)
                    .fetch_all(&mut *$conn)
                    .await?;
                for (name, sql) in indexes {
                    sqlx::query(&format!("drop index {name}"))
                        .execute(&mut *$conn)
                        .await?;
                    $session.deferred_indexes.push(sql);
                }
            }
        }
        // Rows to bulk-load, statements to run, and which rows are new.
        let mut to_copy: Vec<usize> = Vec::new();
        let mut to_write: Vec<Vec<usize>> = Vec::new();
        let mut is_new: std::collections::HashSet<usize> = std::collections::HashSet::new();
        let mut refused_rows: std::collections::HashSet<usize> = std::collections::HashSet::new();
        let bulk = matches!($session.written.get(R::TABLE), Some(Some(_)));
        for part in order.chunks(batch) {
            let keys: Vec<Vec<Uuid>> = part
                .iter()
                .map(|&i| rows[i].key())
                .filter(|k| match $session.written.get(R::TABLE) {
                    Some(Some(seen)) => seen.contains(&fingerprint(k)),
                    _ => true,
                })
                .collect();
            // A key this import wrote before is updated, never copied again.
            let seen_before: std::collections::HashSet<&Vec<Uuid>> = keys.iter().collect();
            let stored: HashMap<Vec<Uuid>, R> = if keys.is_empty() {
                HashMap::new()
            } else {
                let sql = $sql(R::select_by_keys(keys.len()));
                let mut q = sqlx::query_as::<_, R>(&sql);
                for k in keys.iter().flatten() {
                    q = q.bind(*k);
                }
                q.fetch_all(&mut *$conn)
                    .await?
                    .into_iter()
                    .map(|r| (r.key(), r))
                    .collect()
            };
            if let Some(Some(seen)) = $session.written.get_mut(R::TABLE) {
                seen.extend(part.iter().map(|&i| fingerprint(&rows[i].key())));
            }
            let mut write: Vec<usize> = Vec::with_capacity(part.len());
            for &i in part {
                match stored.get(&rows[i].key()) {
                    Some(s) if *s == rows[i] || rows[i].yields_to(s) => change.unchanged += 1,
                    Some(s)
                        if $session.keep_stamps && {
                            let mut probe = rows[i].clone();
                            probe.keep_stamps(s, true);
                            probe == *s
                        } =>
                    {
                        change.unchanged += 1
                    }
                    Some(s) => {
                        if $session.keep_stamps {
                            rows[i].keep_stamps(s, false);
                        }
                        change.changed += 1;
                        write.push(i);
                    }
                    None => {
                        change.new += 1;
                        is_new.insert(i);
                        // A table this import filled from empty: new rows go in by
                        // bulk load where the backend has one.
                        if bulk && !seen_before.contains(&rows[i].key()) {
                            to_copy.push(i);
                        } else {
                            write.push(i);
                        }
                    }
                }
            }
            if !write.is_empty() {
                to_write.push(write);
            }
        }
        // With the table's foreign keys deferred, its references are checked
        // here, a query per key for the whole chunk: a row that refers to
        // nothing is refused as the database would have refused it.
        let deferred: Vec<DeferredKey> = $session
            .deferred_keys
            .iter()
            .filter(|k| k.table == R::TABLE)
            .cloned()
            .collect();
        if !deferred.is_empty() {
            let candidates: Vec<usize> = to_copy.iter().chain(to_write.iter().flatten()).copied().collect();
            let mut refused: std::collections::HashSet<usize> = std::collections::HashSet::new();
            for k in &deferred {
                // Ids this import stored itself are known to be there.
                let empty = std::collections::HashSet::new();
                let known = match $session.present.get(k.parent.as_str()) {
                    Some((column, ids)) if *column == k.parent_column => ids,
                    _ => &empty,
                };
                let mut wanted: Vec<Uuid> = candidates
                    .iter()
                    .filter_map(|&i| rows[i].column_id(&k.column))
                    .filter(|v| !known.contains(v))
                    .collect();
                wanted.sort_unstable();
                wanted.dedup();
                if wanted.is_empty() {
                    continue;
                }
                let found: std::collections::HashSet<Uuid> = $present(&mut *$conn, k, &wanted).await?;
                for &i in &candidates {
                    if let Some(v) = rows[i].column_id(&k.column).filter(|v| !found.contains(v) && !known.contains(v)) {
                        if refused.insert(i) {
                            if is_new.contains(&i) {
                                change.new -= 1;
                            } else {
                                change.changed -= 1;
                            }
                            refused_rows.insert(i);
                            $session.rejected.push(Rejection {
                                list: $list,
                                index: i,
                                code: "INVALID_INPUT",
                                message: format!(
                                    "refers to a record that is neither in the file nor in the database (Key ({})=({v}) is not present in table \"{}\")",
                                    k.column, k.parent
                                ),
                            });
                        }
                    }
                }
            }
            if !refused.is_empty() {
                to_copy.retain(|i| !refused.contains(i));
                for w in &mut to_write {
                    w.retain(|i| !refused.contains(i));
                }
                to_write.retain(|w| !w.is_empty());
            }
        }
        // The bulk load, guarded: a refused row undoes it, and its rows go the
        // way of statements, which name the row.
        if !to_copy.is_empty() {
            let copied: Vec<&R> = to_copy.iter().map(|&i| &rows[i]).collect();
            match $copy(&mut *$conn, &copied).await {
                Some(Ok(())) => {}
                Some(Err(e)) if refusal(&e).is_none() => return Err(Error::Storage(e)),
                Some(Err(_)) | None => to_write.extend(to_copy.chunks(batch).map(<[usize]>::to_vec)),
            }
        }
        for write in to_write {
            let sql = $sql(R::upsert(write.len()));
            let mut q = sqlx::query(&sql);
            for &i in &write {
                q = rows[i].$bind(q);
            }
            match attempt!($conn, q, $guarded) {
                Ok(()) => {}
                Err(e) if refusal(&e).is_none() => return Err(Error::Storage(e)),
                Err(_) => {
                    // Someone in the batch was refused: find who, one row at a time.
                    let one = $sql(R::upsert(1));
                    for &i in &write {
                        let q = rows[i].$bind(sqlx::query(&one));
                        match attempt!($conn, q, $guarded) {
                            Ok(()) => {}
                            Err(e) => {
                                let Some((code, message)) = refusal(&e) else {
                                    return Err(Error::Storage(e));
                                };
                                let detail = refusal_detail(&e, &rows[i]);
                                let rejection = Rejection {
                                    list: $list,
                                    index: i,
                                    code,
                                    message: if detail.is_empty() {
                                        message.to_owned()
                                    } else {
                                        format!("{message} ({detail})")
                                    },
                                };
                                if is_new.contains(&i) {
                                    change.new -= 1;
                                } else {
                                    change.changed -= 1;
                                }
                                refused_rows.insert(i);
                                $session.rejected.push(rejection);
                            }
                        }
                    }
                }
            }
        }
        // The single-column keys now stored, for the references of later tables
        // to be checked without asking the database.
        if R::KEY_COLUMNS.len() == 1 {
            let (_, present) = $session
                .present
                .entry(R::TABLE)
                .or_insert_with(|| (R::KEY_COLUMNS[0], std::collections::HashSet::new()));
            present.extend(
                order
                    .iter()
                    .filter(|i| !refused_rows.contains(*i))
                    .filter_map(|&i| rows[i].key().first().copied()),
            );
        }
        change
    }};
}

/// How an import treats bad rows and whether it writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Check and count everything, write nothing.
    pub dry_run: bool,
    /// Import the good rows and list the rest, instead of refusing the whole file.
    pub partial: bool,
    /// The caller is a one-off process with the database to itself (the command
    /// line): a SQLite file may then be written through a rollback journal for the
    /// import, once instead of twice (log, then checkpoint). Tried only when no
    /// other connection has the file open; otherwise the import runs as usual.
    pub bulk: bool,
}

impl Store {
    /// Rows of one table for an export: `sql` selects them (with `$1` the account
    /// when one is given).
    pub(super) async fn dump<T>(&self, sql: &str, account: Option<Uuid>) -> Result<Vec<T>>
    where
        T: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        super::with_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, T>(sql);
            if let Some(a) = account {
                q = q.bind(a);
            }
            Ok(q.fetch_all(pool).await?)
        })
    }

    /// Opens an import: takes the write lock and a transaction for its whole life.
    /// Rows the database refuses are skipped and listed; the caller decides whether
    /// that refuses the whole import. With `keep_stamps`, stored rows keep their
    /// bookkeeping times (for sources that do not carry them).
    pub async fn begin_import(
        &self,
        options: ImportOptions,
        keep_stamps: bool,
    ) -> Result<ImportSession<'_>> {
        // Imports create accounts and change organisation-wide records by name; a
        // caller scoped to some accounts records through the mutations instead.
        let _granted = self.grant(Need::Write)?;
        self.org_write("importing")?;
        let dry_run = options.dry_run;
        let guard = self.write_guard().await;
        let mut rollback_journal = None;
        let mut foreign_keys_off = false;
        let tx =
            match &self.backend {
                Backend::Sqlite(pool) => {
                    let mut conn = pool.acquire().await?;
                    if options.bulk && !dry_run && leave_wal(&mut conn).await {
                        rollback_journal = Some(pool.clone());
                    }
                    // A large import touches index pages all over the file (ids are
                    // random): a page cache of 256 MB instead of 2 MB keeps them in
                    // memory. Set back when the import ends.
                    let mib =
                        match std::env::var("GUANXI_IMPORT_CACHE_MIB") {
                            Err(_) => IMPORT_CACHE_MIB,
                            Ok(v) => v.trim().parse::<u32>().ok().filter(|m| *m > 0).ok_or_else(
                                || {
                                    Error::invalid(
                            "GUANXI_IMPORT_CACHE_MIB",
                            format!("'{v}' is not a page cache size: give whole MiB, e.g. 256"),
                        )
                                },
                            )?,
                        };
                    sqlx::query(&format!(
                        "pragma cache_size = -{}",
                        mib.saturating_mul(1024)
                    ))
                    .execute(&mut *conn)
                    .await?;
                    // Statement journals in memory. SQLite decides where they go when
                    // the transaction begins, so this comes first: set inside it, every
                    // thousand-row statement journalled its pages through a temporary
                    // file, one write per page (six million writes for a million rows).
                    sqlx::query("pragma temp_store = memory")
                        .execute(&mut *conn)
                        .await?;
                    if options.bulk {
                        // Checked per chunk instead (see `unchecked_foreign_keys`).
                        // The connection is closed when the import ends, so no
                        // later use of the pool ever finds the checks off.
                        conn.close_on_drop();
                        sqlx::query("pragma foreign_keys = off")
                            .execute(&mut *conn)
                            .await?;
                        foreign_keys_off = true;
                    }
                    let tx = sqlx::Transaction::begin(conn, Some("begin immediate".into())).await?;
                    Tx::Sqlite(tx)
                }
                Backend::Postgres(pool) => Tx::Postgres(pool.begin().await?),
            };
        Ok(ImportSession {
            _guard: guard,
            tx,
            dry_run,
            keep_stamps,
            rollback_journal,
            written: HashMap::new(),
            deferred_indexes: Vec::new(),
            deferred_keys: Vec::new(),
            foreign_keys_off,
            present: HashMap::new(),
            changes: Vec::new(),
            rejected: Vec::new(),
            rows_done: 0,
            author: self.author(),
        })
    }
}

impl ImportSession<'_> {
    /// Writes one table's rows that are new or differ from the stored ones, in
    /// batches; rows are named `list[i]` in rejections.
    pub async fn put_table<R: Table>(&mut self, list: &'static str, rows: Vec<R>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let handed = rows.len() as u64;
        let change = match &mut self.tx {
            Tx::Sqlite(tx) => {
                put_rows!(
                    &mut **tx,
                    self,
                    rows,
                    list,
                    bind_sqlite,
                    positional,
                    false,
                    SQLITE_INDEXES,
                    no_bulk_load,
                    unchecked_foreign_keys,
                    present_in_sqlite_parent
                )
            }
            Tx::Postgres(tx) => {
                put_rows!(
                    &mut **tx,
                    self,
                    rows,
                    list,
                    bind_postgres,
                    String::from,
                    true,
                    POSTGRES_INDEXES,
                    copy_in,
                    defer_foreign_keys,
                    present_in_parent
                )
            }
        };
        self.rows_done += handed;
        match self.changes.iter_mut().find(|c| c.table == change.table) {
            Some(c) => {
                c.new += change.new;
                c.changed += change.changed;
                c.unchanged += change.unchanged;
            }
            None => self.changes.push(change),
        }
        Ok(())
    }

    /// Writes every list of `data`, referenced tables first.
    pub async fn put(&mut self, data: Export) -> Result<()> {
        macro_rules! put_each {
            ($($field:ident: $row:ty = $list:literal),+ $(,)?) => {
                $(self.put_table::<$row>($list, data.$field).await?;)+
            };
        }
        super::each_list!(put_each);
        Ok(())
    }

    /// Rows handed over so far (for progress).
    pub fn rows_done(&self) -> u64 {
        self.rows_done
    }

    /// Rows refused since the last call.
    pub fn take_rejected(&mut self) -> Vec<Rejection> {
        std::mem::take(&mut self.rejected)
    }

    /// Commits (or, for a dry run, rolls back) and says what changed per table.
    /// When anything was written, every account's version and the organisation's
    /// are bumped so cached graphs and norms are rebuilt.
    pub async fn finish(self) -> Result<Vec<TableChange>> {
        let wrote = self.changes.iter().any(|c| c.new + c.changed > 0);
        const BUMP: [&str; 2] = [
            "update account set version = version + 1",
            "update org_version set version = version + 1 where org_version_id = 1",
        ];
        // Indexes back, versions bumped, then commit (or roll back a dry run).
        macro_rules! end {
            ($tx:ident, $resets:expr) => {{
                for sql in &self.deferred_indexes {
                    // In a savepoint, so that a refused unique index leaves the
                    // transaction able to say which values repeat (PostgreSQL
                    // refuses every statement after an error otherwise).
                    sqlx::query("savepoint deferred_index").execute(&mut *$tx).await?;
                    let built = sqlx::query(sql).execute(&mut *$tx).await;
                    if built.is_ok() {
                        sqlx::query("release savepoint deferred_index").execute(&mut *$tx).await?;
                    } else {
                        sqlx::query("rollback to savepoint deferred_index").execute(&mut *$tx).await?;
                    }
                    if let Err(e) = built {
                        let repeat = match &e {
                            sqlx::Error::Database(d)
                                if d.kind() == sqlx::error::ErrorKind::UniqueViolation =>
                            {
                                let mut named = sql.clone();
                                if let Some((table, columns, query)) = repeats_query(sql) {
                                    named = format!("{table} ({columns})");
                                    // Only to name the values: without them the
                                    // table and columns still say what repeats.
                                    let found: Vec<(String, i64)> = sqlx::query_as(&query)
                                        .fetch_all(&mut *$tx)
                                        .await
                                        .unwrap_or_default();
                                    if !found.is_empty() {
                                        named = found
                                            .iter()
                                            .map(|(v, n)| format!("{table} ({columns}) '{v}' on {n} rows"))
                                            .collect::<Vec<_>>()
                                            .join("; ");
                                    }
                                }
                                Some(named)
                            }
                            _ => None,
                        };
                        $tx.rollback().await?;
                        return Err(match repeat {
                            Some(values) => Error::invalid(
                                "file",
                                format!(
                                    "rows that must differ repeat a value, nothing imported: {values}"
                                ),
                            ),
                            None => Error::Storage(e),
                        });
                    }
                }
                for sql in $resets {
                    sqlx::query(sql).execute(&mut *$tx).await?;
                }
                if self.dry_run {
                    $tx.rollback().await?;
                } else {
                    if wrote {
                        for sql in BUMP {
                            sqlx::query(sql).execute(&mut *$tx).await?;
                        }
                        // One entry with the counts: an import of a million rows
                        // must not write a million entries.
                        let counts: Vec<serde_json::Value> = self
                            .changes
                            .iter()
                            .map(|c| serde_json::json!({
                                "table": c.table, "new": c.new, "changed": c.changed, "unchanged": c.unchanged
                            }))
                            .collect();
                        crate::store::audit::audit!(
                            author = self.author.clone(),
                            $tx,
                            crate::store::audit::Change::new("import", "import", None)
                                .after(&serde_json::json!({ "tables": counts, "rejected": self.rejected.len() }))
                        );
                    }
                    $tx.commit().await?;
                }
            }};
        }
        match self.tx {
            Tx::Sqlite(mut tx) => {
                end!(
                    tx,
                    ["pragma cache_size = -2000", "pragma temp_store = default"]
                );
                if let Some(pool) = self.rollback_journal {
                    // Back to WAL. Should someone have connected meanwhile, this
                    // fails and the next connection opened sets it.
                    if let Err(e) = sqlx::query("pragma journal_mode = wal")
                        .execute(&pool)
                        .await
                    {
                        tracing::warn!(error = %e, "the database stays in rollback-journal mode until the next connection");
                    }
                }
            }
            Tx::Postgres(mut tx) => {
                // Deferred foreign keys: rows that refer to nothing refuse the
                // import, named by table, key and value; then the keys go back.
                let mut orphans = Vec::new();
                for k in &self.deferred_keys {
                    let found: Vec<(String, String)> = sqlx::query_as(&format!(
                        "select c.{key}::text, c.{col}::text from {table} c
                         where c.{col} is not null
                           and not exists (select 1 from {parent} p where p.{pcol} = c.{col})
                         limit 20",
                        key = k.key,
                        col = k.column,
                        table = k.table,
                        parent = k.parent,
                        pcol = k.parent_column,
                    ))
                    .fetch_all(&mut *tx)
                    .await?;
                    orphans.extend(found.into_iter().map(|(key, value)| {
                        format!(
                            "{} {key}: {} {value} is in neither the files nor the database",
                            k.table, k.column
                        )
                    }));
                }
                if !orphans.is_empty() {
                    tx.rollback().await?;
                    return Err(Error::invalid(
                        "file",
                        format!(
                            "rows refer to records that are neither in the file nor in the database, nothing imported: {}",
                            orphans.join("; ")
                        ),
                    ));
                }
                for k in &self.deferred_keys {
                    sqlx::query(&format!(
                        "alter table {} add constraint {} {}",
                        k.table, k.name, k.definition
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
                end!(tx, [])
            }
        }
        Ok(self.changes)
    }
}

#[cfg(test)]
mod tests {
    use super::repeats_query;

    #[test]
    fn a_unique_index_names_its_table_and_columns_as_either_database_writes_it() {
        let (t, c, q) = repeats_query(
            "CREATE UNIQUE INDEX relationship_ends_key_unique on relationship (ends_key)",
        )
        .unwrap();
        assert_eq!((t.as_str(), c.as_str()), ("relationship", "ends_key"));
        assert!(
            q.contains("from relationship group by ends_key having count(*) > 1"),
            "{q}"
        );
        let (t, c, _) = repeats_query(
            "CREATE UNIQUE INDEX x ON public.external_id USING btree (system, kind, external_key)",
        )
        .unwrap();
        assert_eq!(
            (t.as_str(), c.as_str()),
            ("external_id", "system, kind, external_key")
        );
        assert!(repeats_query("create index broken").is_none());
    }
}
