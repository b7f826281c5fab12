//! Writing imported rows: by key, insert or update, in batches, inside one
//! transaction that lives as long as the import, so a file of a million rows is
//! streamed through in chunks and still lands whole or not at all.

// Millions of keys and ids per large import: foldhash, seeded per process, not SipHash.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use sqlx::{Connection, Postgres, Sqlite, Transaction};
use uuid::Uuid;

use super::{
    export::Export,
    tables::{Table, *},
    Backend, Need, Store,
};
use crate::{Error, Result};

mod bulk;
mod references;

use bulk::{
    batch_rows, copy_in, fingerprint, leave_wal, no_bulk_load, positional, IMPORT_CACHE_MIB,
    POSTGRES_INDEXES, SQLITE_INDEXES,
};
use references::{
    defer_foreign_keys, present_in_parent, present_in_sqlite_parent, repeats_query,
    unchecked_foreign_keys, DeferredKey,
};
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
    written: HashMap<&'static str, Option<HashSet<u128>>>,
    /// Secondary indexes dropped for a bulk load (SQLite), rebuilt at the end.
    deferred_indexes: Vec<String>,
    /// Foreign keys dropped for a bulk load (PostgreSQL), checked per chunk and
    /// added back at the end; or, on SQLite with the checks off, checked per chunk.
    deferred_keys: Vec<DeferredKey>,
    /// SQLite's foreign-key checks are off on this import's connection.
    foreign_keys_off: bool,
    /// Per table with a single-column key, while references are checked here:
    /// the key column and every key this import stored (refused rows left out).
    present: HashMap<&'static str, (&'static str, HashSet<Uuid>)>,
    /// Insert-or-update statements by table and rows, written once: a million
    /// rows are a thousand statements of the same few shapes.
    statements: HashMap<(&'static str, usize), std::sync::Arc<str>>,

    changes: Vec<TableChange>,
    rejected: Vec<Rejection>,
    rows_done: u64,
    /// Who imports, for the one audit entry an import makes.
    author: (Option<Uuid>, String, &'static str),
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

/// Writes one table's rows from one chunk on one backend; see [`ImportSession::put`].
macro_rules! put_rows {
    ($conn:expr, $session:ident, $rows:expr, $list:expr, $bind:ident, $sql:expr, $guarded:expr, $indexes:expr, $copy:ident, $defer_keys:ident, $present:ident) => {{
        let mut rows = $rows;
        // Each row's key once: a key is a fresh vector, and sorting alone would
        // otherwise build two per comparison.
        let keys_of: Vec<Vec<Uuid>> = rows.iter().map(|r| r.key()).collect();
        let mut change = TableChange {
            table: R::TABLE,
            ..Default::default()
        };
        // A key seen twice in one chunk: the later row (or the newer, for a table
        // that keeps its latest) wins, as it would written one by one.
        let mut last: HashMap<&[Uuid], usize> = HashMap::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            match last.get(keys_of[i].as_slice()) {
                Some(&j) if row.yields_to(&rows[j]) => {}
                _ => {
                    last.insert(&keys_of[i], i);
                }
            }
        }
        let mut order: Vec<usize> = last.values().copied().collect();
        // In key order: neighbouring inserts land on neighbouring index pages.
        order.sort_unstable_by(|&a, &b| keys_of[a].cmp(&keys_of[b]));
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
                .insert(R::TABLE, empty.then(HashSet::new));
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
        let mut is_new: HashSet<usize> = HashSet::new();
        let mut refused_rows: HashSet<usize> = HashSet::new();
        let bulk = matches!($session.written.get(R::TABLE), Some(Some(_)));
        for part in order.chunks(batch) {
            let keys: Vec<&[Uuid]> = part
                .iter()
                .map(|&i| keys_of[i].as_slice())
                .filter(|k| match $session.written.get(R::TABLE) {
                    Some(Some(seen)) => seen.contains(&fingerprint(k)),
                    _ => true,
                })
                .collect();
            // A key this import wrote before is updated, never copied again.
            let seen_before: HashSet<&[Uuid]> = keys.iter().copied().collect();
            let stored: HashMap<Vec<Uuid>, R> = if keys.is_empty() {
                HashMap::new()
            } else {
                let sql = $sql(R::select_by_keys(keys.len()));
                let mut q = sqlx::query_as::<_, R>(&sql);
                for k in keys.iter().flat_map(|k| k.iter()) {
                    q = q.bind(*k);
                }
                q.fetch_all(&mut *$conn)
                    .await?
                    .into_iter()
                    .map(|r| (r.key(), r))
                    .collect()
            };
            if let Some(Some(seen)) = $session.written.get_mut(R::TABLE) {
                seen.extend(part.iter().map(|&i| fingerprint(&keys_of[i])));
            }
            let mut write: Vec<usize> = Vec::with_capacity(part.len());
            for &i in part {
                match stored.get(&keys_of[i]) {
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
                        if bulk && !seen_before.contains(keys_of[i].as_slice()) {
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
            let mut refused: HashSet<usize> = HashSet::new();
            for k in &deferred {
                // Ids this import stored itself are known to be there.
                let empty = HashSet::new();
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
                let found: HashSet<Uuid> = $present(&mut *$conn, k, &wanted).await?;
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
        let mut statement = |n: usize| {
            $session
                .statements
                .entry((R::TABLE, n))
                .or_insert_with(|| $sql(R::upsert(n)).into())
                .clone()
        };
        let sqls: Vec<std::sync::Arc<str>> = to_write.iter().map(|w| statement(w.len())).collect();
        // Each statement's values are bound while the database runs the one
        // before (the connection's worker thread): binding a thousand rows is a
        // good part of the time, and done in turn the two threads waited on each
        // other.
        let bound = |k: usize| {
            let mut q = sqlx::query(&sqls[k]);
            for &i in &to_write[k] {
                q = rows[i].$bind(q);
            }
            q
        };
        let mut next = (!to_write.is_empty()).then(|| bound(0));
        for (k, write) in to_write.iter().enumerate() {
            let Some(q) = next.take() else { break };
            // Biased: the statement is sent first, then the next one bound.
            let (done, following) = tokio::join!(
                biased;
                async { attempt!($conn, q, $guarded) },
                async { (k + 1 < to_write.len()).then(|| bound(k + 1)) }
            );
            next = following;
            match done {
                Ok(()) => {}
                Err(e) if refusal(&e).is_none() => return Err(Error::Storage(e)),
                Err(_) => {
                    // Someone in the batch was refused: find who, one row at a time.
                    let one = $sql(R::upsert(1));
                    for &i in write {
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
                .or_insert_with(|| (R::KEY_COLUMNS[0], HashSet::new()));
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
            statements: HashMap::new(),
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
            ($tx:ident, $sqlite:expr, $resets:expr) => {{
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
                                if let Some((table, columns, query)) = repeats_query(sql, $sqlite) {
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
                        roll_back($tx).await;
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
                    true,
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
                // Deferred foreign keys go back, each validated by the database in
                // one pass. Every chunk's references were checked as it was
                // written, so this holds; should it not, each key's orphans are
                // looked up to name them (table, key and value) and the import is
                // refused. Looking them up first cost a second full pass per key.
                let mut refused: Option<sqlx::Error> = None;
                for k in &self.deferred_keys {
                    sqlx::query("savepoint deferred_key")
                        .execute(&mut *tx)
                        .await?;
                    let added = sqlx::query(&format!(
                        "alter table {} add constraint {} {}",
                        k.table, k.name, k.definition
                    ))
                    .execute(&mut *tx)
                    .await;
                    match added {
                        Ok(_) => {
                            sqlx::query("release savepoint deferred_key")
                                .execute(&mut *tx)
                                .await?;
                        }
                        Err(e) => {
                            sqlx::query("rollback to savepoint deferred_key")
                                .execute(&mut *tx)
                                .await?;
                            refused = Some(e);
                            break;
                        }
                    }
                }
                if let Some(e) = refused {
                    let foreign_key = matches!(
                        &e,
                        sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation
                    );
                    if !foreign_key {
                        roll_back(tx).await;
                        return Err(Error::Storage(e));
                    }
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
                    roll_back(tx).await;
                    if orphans.is_empty() {
                        return Err(Error::Storage(e));
                    }
                    return Err(Error::invalid(
                        "file",
                        format!(
                            "rows refer to records that are neither in the file nor in the database, nothing imported: {}",
                            orphans.join("; ")
                        ),
                    ));
                }
                end!(tx, false, [])
            }
        }
        Ok(self.changes)
    }
}

/// Rolls a refused import back, keeping the refusal as the answer: a failed
/// rollback (the connection lost) is logged, and the database discards the
/// transaction anyway when the connection closes.
async fn roll_back<DB: sqlx::Database>(tx: Transaction<'static, DB>) {
    if let Err(e) = tx.rollback().await {
        tracing::warn!(error = %e, "rolling back a refused import failed");
    }
}

#[cfg(test)]
mod tests {
    use super::repeats_query;

    #[test]
    fn a_unique_index_names_its_table_and_columns_as_either_database_writes_it() {
        let (t, c, q) = repeats_query(
            "create unique index relationship_employee_person on relationship (employee_id, person_id)",
            true,
        )
        .unwrap();
        assert_eq!(
            (t.as_str(), c.as_str()),
            ("relationship", "employee_id, person_id")
        );
        assert!(
            q.contains("from relationship  group by employee_id, person_id having count(*) > 1"),
            "{q}"
        );
        assert!(q.contains("lower(hex(employee_id))"), "{q}");
        // Expression keys and a partial index's condition, as SQLite keeps them.
        let (t, c, q) = repeats_query(
            "create unique index relationship_informal on relationship (min(person_id, other_person_id), max(person_id, other_person_id))\n    where tie = 'informal'",
            true,
        )
        .unwrap();
        assert_eq!(
            (t.as_str(), c.as_str()),
            (
                "relationship",
                "min(person_id, other_person_id), max(person_id, other_person_id)"
            )
        );
        assert!(
            q.contains("from relationship where tie = 'informal' group by min(person_id, other_person_id), max(person_id, other_person_id) having"),
            "{q}"
        );
        // And as PostgreSQL gives them back.
        let (t, c, q) = repeats_query(
            "CREATE UNIQUE INDEX relationship_informal ON public.relationship USING btree (LEAST(person_id, other_person_id), GREATEST(person_id, other_person_id)) WHERE (tie = 'informal'::text)",
            false,
        )
        .unwrap();
        assert_eq!(
            (t.as_str(), c.as_str()),
            (
                "relationship",
                "least(person_id, other_person_id), greatest(person_id, other_person_id)"
            )
        );
        assert!(
            q.contains("coalesce(cast(least(person_id, other_person_id) as text), '')")
                && q.contains("where (tie = 'informal'::text) group by"),
            "{q}"
        );
        let (t, c, _) = repeats_query(
            "CREATE UNIQUE INDEX x ON public.external_id USING btree (system, kind, external_key)",
            false,
        )
        .unwrap();
        assert_eq!(
            (t.as_str(), c.as_str()),
            ("external_id", "system, kind, external_key")
        );
        assert!(repeats_query("create index broken", true).is_none());
    }
}
