//! The two migration trees build the same database: the same tables, columns,
//! nullability, indexes and foreign keys on SQLite and on PostgreSQL (types are
//! each database's own: a uuid is a blob in SQLite).

use std::collections::BTreeSet;

use guanxi::store::Store;
use sqlx::{Connection, Row};

use crate::helpers::{fresh_database, methodology, Backend};

/// What both trees must agree on, as comparable sets.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    tables: BTreeSet<String>,
    /// `table.column not null|null`.
    columns: BTreeSet<String>,
    /// `table.index (columns) unique?`, for indexes created by name.
    indexes: BTreeSet<String>,
    /// `table.column -> parent.column`.
    foreign_keys: BTreeSet<String>,
    /// `table (columns)` of every unique key (constraints and unique indexes).
    unique: BTreeSet<String>,
}

async fn sqlite_shape(url: &str) -> Shape {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let mut s = Shape::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table'
         and name not like 'sqlite_%' and name not like '_sqlx%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for t in &tables {
        s.tables.insert(t.clone());
        let mut key: Vec<String> = Vec::new();
        for r in sqlx::query(&format!("pragma table_info('{t}')"))
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            if r.get::<i64, _>("pk") > 0 {
                key.push(r.get("name"));
            }
            let name: String = r.get("name");
            // A primary key is never null in PostgreSQL; SQLite lets a
            // non-integer one be, but the store never writes one.
            let not_null = r.get::<i64, _>("notnull") == 1 || r.get::<i64, _>("pk") > 0;
            s.columns.insert(format!(
                "{t}.{name} {}",
                if not_null { "not null" } else { "null" }
            ));
        }
        // An integer primary key is the table's rowid, with no index of its own.
        if !key.is_empty() {
            key.sort();
            s.unique.insert(format!("{t} ({})", key.join(", ")));
        }
        for r in sqlx::query(&format!("pragma index_list('{t}')"))
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            let index: String = r.get("name");
            let unique = r.get::<i64, _>("unique") == 1;
            let origin: String = r.get("origin");
            let mut cols: Vec<String> = sqlx::query(&format!("pragma index_info('{index}')"))
                .fetch_all(&mut c)
                .await
                .unwrap()
                .iter()
                // An expression key has no column name (PostgreSQL lists none either).
                .filter_map(|x| x.get::<Option<String>, _>("name"))
                .collect();
            cols.sort();
            if origin == "c" {
                s.indexes.insert(format!(
                    "{t}.{index} ({}){}",
                    cols.join(", "),
                    if unique { " unique" } else { "" }
                ));
            }
            if unique {
                s.unique.insert(format!("{t} ({})", cols.join(", ")));
            }
        }
        for r in sqlx::query(&format!("pragma foreign_key_list('{t}')"))
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            let parent: String = r.get("table");
            let from: String = r.get("from");
            let to: Option<String> = r.get("to");
            s.foreign_keys
                .insert(format!("{t}.{from} -> {parent}.{}", to.unwrap_or_default()));
        }
    }
    s
}

async fn postgres_shape(url: &str) -> Shape {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let mut s = Shape::default();
    for r in sqlx::query(
        "select table_name::text as t from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '_sqlx%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        s.tables.insert(r.get("t"));
    }
    for r in sqlx::query(
        "select table_name::text as t, column_name::text as c, is_nullable::text as n
         from information_schema.columns where table_schema = 'public' and table_name not like '_sqlx%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let (t, col, n): (String, String, String) = (r.get("t"), r.get("c"), r.get("n"));
        s.columns.insert(format!(
            "{t}.{col} {}",
            if n == "NO" { "not null" } else { "null" }
        ));
    }
    // Indexes with their columns; those behind a constraint (primary and unique
    // keys) are constraints, not indexes created by name.
    for r in sqlx::query(
        "select t.relname::text as t, i.relname::text as i, ix.indisunique as u,
                exists (select 1 from pg_constraint k where k.conindid = ix.indexrelid) as by_constraint,
                array(select a.attname::text from pg_attribute a
                      where a.attrelid = t.oid and a.attnum = any(ix.indkey) order by a.attname) as cols
         from pg_index ix
         join pg_class i on i.oid = ix.indexrelid
         join pg_class t on t.oid = ix.indrelid
         join pg_namespace n on n.oid = t.relnamespace
         where n.nspname = 'public' and t.relname not like '_sqlx%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let (t, i, unique, by_constraint, cols): (String, String, bool, bool, Vec<String>) = (
            r.get("t"),
            r.get("i"),
            r.get("u"),
            r.get("by_constraint"),
            r.get("cols"),
        );
        if !by_constraint {
            s.indexes.insert(format!(
                "{t}.{i} ({}){}",
                cols.join(", "),
                if unique { " unique" } else { "" }
            ));
        }
        if unique {
            s.unique.insert(format!("{t} ({})", cols.join(", ")));
        }
    }
    for r in sqlx::query(
        "select cl.relname::text as t, a.attname::text as c, p.relname::text as parent, pa.attname::text as pc
         from pg_constraint k
         join pg_class cl on cl.oid = k.conrelid
         join pg_namespace n on n.oid = cl.relnamespace
         join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
         join pg_class p on p.oid = k.confrelid
         join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = any(k.confkey)
         where k.contype = 'f' and n.nspname = 'public'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let (t, col, parent, pc): (String, String, String, String) =
            (r.get("t"), r.get("c"), r.get("parent"), r.get("pc"));
        s.foreign_keys.insert(format!("{t}.{col} -> {parent}.{pc}"));
    }
    s
}

/// Lines one side has and the other lacks.
fn differences(a: &BTreeSet<String>, b: &BTreeSet<String>) -> Vec<String> {
    a.difference(b)
        .map(|x| format!("only SQLite: {x}"))
        .chain(b.difference(a).map(|x| format!("only PostgreSQL: {x}")))
        .collect()
}

#[tokio::test]
async fn both_migration_trees_build_the_same_database() {
    let Some((pg, _)) = fresh_database(Backend::Postgres).await else {
        return;
    };
    let (lite, _dir) = fresh_database(Backend::Sqlite).await.unwrap();
    for url in [&lite, &pg] {
        let store = Store::connect(url, methodology()).await.unwrap();
        store.migrate().await.unwrap();
        store.close().await;
    }
    let (a, b) = (sqlite_shape(&lite).await, postgres_shape(&pg).await);
    assert!(a.tables.len() > 20, "{:?}", a.tables);
    let mut found = Vec::new();
    for (what, x, y) in [
        ("tables", &a.tables, &b.tables),
        ("columns", &a.columns, &b.columns),
        ("indexes", &a.indexes, &b.indexes),
        ("foreign keys", &a.foreign_keys, &b.foreign_keys),
        ("unique keys", &a.unique, &b.unique),
    ] {
        for d in differences(x, y) {
            found.push(format!("{what}: {d}"));
        }
    }
    assert!(found.is_empty(), "the trees differ:\n{}", found.join("\n"));
}
