//! References checked by the import itself while the databases' own checks are
//! off for a bulk load: the foreign keys set aside and checked a chunk at a time,
//! and the repeats a unique index refused, named.

use foldhash::HashSetExt;
use uuid::Uuid;

/// A foreign key taken off a table for a bulk load: checked in one pass and put
/// back when the import ends.
#[derive(Debug, Clone)]
pub(super) struct DeferredKey {
    pub(super) table: &'static str,
    /// The table's first key column, to name a row.
    pub(super) key: &'static str,
    pub(super) name: String,
    pub(super) definition: String,
    pub(super) column: String,
    pub(super) parent: String,
    pub(super) parent_column: String,
}

/// SQLite checks foreign keys as rows go in: an index lookup per reference, a
/// third of a bulk load's time. A bulk import turns the checks off for its own
/// connection (they cannot be switched inside a transaction, so this is decided
/// before it begins) and checks each chunk's references itself, a query per key
/// for the whole chunk, exactly as PostgreSQL's deferred keys are checked. Every
/// table's keys are listed, not only those of tables empty at the start: with the
/// checks off, nothing else would look.
pub(super) async fn unchecked_foreign_keys(
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
pub(super) async fn defer_foreign_keys(
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
pub(super) async fn present_in_sqlite_parent(
    conn: &mut sqlx::SqliteConnection,
    key: &DeferredKey,
    ids: &[Uuid],
) -> std::result::Result<foldhash::HashSet<Uuid>, sqlx::Error> {
    let mut found = foldhash::HashSet::with_capacity(ids.len());
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
pub(super) async fn present_in_parent(
    conn: &mut sqlx::PgConnection,
    key: &DeferredKey,
    ids: &[Uuid],
) -> std::result::Result<foldhash::HashSet<Uuid>, sqlx::Error> {
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

/// Where a unique index dropped for a bulk load cannot be built again
/// (`create unique index NAME on TABLE (KEYS) [where …]`): the table and keys, and
/// a query for the values that repeat with how often, to name them. Keys may be
/// expressions (`min(a, b)`); ids read as ids on either backend (`sqlite` says
/// which writes the query).
pub(super) fn repeats_query(index_sql: &str, sqlite: bool) -> Option<(String, String, String)> {
    // SQLite keeps the statement as written; PostgreSQL gives
    // `... ON public.t USING btree (c) WHERE (…)`.
    let lower = index_sql.to_ascii_lowercase();
    let (_, rest) = lower.split_once(" on ")?;
    let table = rest.split_whitespace().next()?.split('(').next()?;
    let table = table.rsplit('.').next()?.to_owned();
    let open = rest.find('(')?;
    let mut depth = 0usize;
    let mut close = None;
    let mut keys: Vec<String> = Vec::new();
    let mut from = open + 1;
    for (i, c) in rest.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    keys.push(rest[from..i].trim().to_owned());
                    close = Some(i);
                    break;
                }
            }
            ',' if depth == 1 => {
                keys.push(rest[from..i].trim().to_owned());
                from = i + 1;
            }
            _ => {}
        }
    }
    let filter = rest[close? + 1..].trim();
    let filter = if filter.starts_with("where ") {
        filter.to_owned()
    } else {
        String::new()
    };
    let shown = keys
        .iter()
        .map(|k| {
            if sqlite {
                // An id is a 16-byte blob: shown in its usual 8-4-4-4-12 form.
                let h = format!("lower(hex({k}))");
                format!(
                    "coalesce(case when typeof({k}) = 'blob' and length({k}) = 16 then \
                     substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-' || substr({h}, 13, 4) || '-' || \
                     substr({h}, 17, 4) || '-' || substr({h}, 21) else cast({k} as text) end, '')"
                )
            } else {
                format!("coalesce(cast({k} as text), '')")
            }
        })
        .collect::<Vec<_>>()
        .join(" || ' / ' || ");
    let columns = keys.join(", ");
    let sql = format!(
        "select {shown}, count(*) from {table} {filter} group by {columns} having count(*) > 1 limit 5"
    );
    Some((table, columns, sql))
}
