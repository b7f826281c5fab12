//! The bulk path of an import: statements batched to the backends' limits, SQLite
//! out of WAL for a load, PostgreSQL's COPY, the indexes set aside meanwhile.

use sqlx::Connection;
use uuid::Uuid;

use super::Table;

/// The statement with SQLite's anonymous `?` for every `$n`: the generated batch
/// statements bind their values in order, and SQLite looks numbered parameters up
/// by a linear scan per bind, which makes a thousand-row statement quadratic.
pub(super) fn positional(sql: String) -> String {
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
pub(super) const SQLITE_INDEXES: &str = "select name, sql from sqlite_master \
     where type = 'index' and tbl_name = ?1 and sql is not null";
pub(super) const POSTGRES_INDEXES: &str = "select i.indexname, i.indexdef from pg_indexes i \
     where i.tablename = $1 and i.schemaname = current_schema() and not exists ( \
       select 1 from pg_constraint c \
       where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)";

/// A key folded to 128 bits, to remember which keys an import wrote. Two keys
/// folding alike only cost a lookup that finds nothing.
pub(super) fn fingerprint(key: &[Uuid]) -> u128 {
    key.iter()
        .fold(0u128, |acc, k| acc.rotate_left(17) ^ k.as_u128())
}

/// Takes a SQLite file out of WAL mode for a bulk import, when this connection is
/// the only one open: a write-ahead log would receive every page of a large load
/// and then copy it into the file again at the checkpoint; a rollback journal keeps
/// only the pages that existed before, which for a load into fresh tables is almost
/// nothing. A killed import is still rolled back from the journal at the next open.
/// Never waits: with anyone else connected it says no and WAL stays.
pub(super) async fn leave_wal(conn: &mut sqlx::SqliteConnection) -> bool {
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
    // The usual wait for a busy file back; should it fail, this connection
    // (the import's own, closed with it) answers BUSY at once instead of waiting:
    // said in the log, not hidden.
    if let Err(e) = sqlx::query(&format!(
        "pragma busy_timeout = {}",
        crate::store::BUSY_TIMEOUT.as_millis()
    ))
    .execute(&mut *conn)
    .await
    {
        tracing::warn!(error = %e, "could not restore the import connection's busy timeout");
    }
    matches!(mode.as_deref(), Ok("truncate"))
}

/// SQLite's page cache during an import, in MiB (`GUANXI_IMPORT_CACHE_MIB`).
pub(super) const IMPORT_CACHE_MIB: u32 = 256;

/// Rows per statement: as many as fit under both backends' limits on bound values.
pub(super) fn batch_rows(width: usize) -> usize {
    (30_000 / width.max(1)).clamp(1, 1_000)
}

/// SQLite has no bulk load beyond its statements.
pub(super) async fn no_bulk_load<C, R>(
    _: &mut C,
    _: &[&R],
) -> Option<std::result::Result<(), sqlx::Error>> {
    None
}

/// PostgreSQL's `COPY ... FROM STDIN` in its text format, inside a savepoint: a
/// bulk load of rows no statement has written, several times faster than
/// multi-row inserts. A refused row undoes the whole copy (the caller then writes
/// the rows by statement, which name it).
pub(super) async fn copy_in<R: Table>(
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
