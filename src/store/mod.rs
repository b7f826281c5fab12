//! Storage: one API over SQLite (the embedded default) and PostgreSQL.
//!
//! The rest of the code holds a [`Store`] and never learns which backend it talks
//! to. Both backends run the same SQL text (lowercase, `$n` placeholders, which
//! SQLite accepts too); each method's body is compiled once per backend by the
//! [`with_pool!`] and [`write_tx!`] macros, so queries use each driver's native types
//! (uuid, date, timestamptz) rather than the lowest common denominator.
//!
//! Every write runs in one transaction and bumps the version of each account it
//! touches in that transaction; readers that cache per account compare versions.
//! Writes validate through the domain types first, then check references inside
//! the transaction, so a failed write changes nothing.

use std::{str::FromStr, sync::Arc, time::Duration};

use uuid::Uuid;

use sqlx::{
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

use crate::{
    domain::{Principal, Scope},
    methodology::Methodology,
    Error, Result,
};

mod access;
mod accounts;
pub(crate) mod audit;
mod batch;
mod bin;
mod competitors;
mod digests;
mod employees;
mod erasure;
mod export;
mod graph;
mod history;
mod improvement;
mod interactions;
mod keys;
mod live;
mod merge;
mod methodology;
mod opportunities;
mod people;
mod records;
mod relationships;
mod sizes;
mod support;
pub mod tables;
mod tokens;
mod transfer;
mod webhooks;

pub(crate) use access::{Granted, Need, Reached};
pub use accounts::AccountPage;
pub use audit::{AuditEntry, AuditFilter, COMMAND_LINE};
pub use bin::{Deletable, DeletedRecord, DEFAULT_DELETION_WINDOW};
pub use erasure::{pseudonym, Erasure, ERASED};
pub(crate) use export::each_list;
pub use export::{Export, FORMAT};
pub use history::{ForecastSnapshot, SnapshotLine};
pub use improvement::ImprovementFilter;
pub use keys::{Lookup, Readable};
pub use live::{Announced, Changed, Following, LiveEvent, LiveKind};
pub use merge::{LikelyDuplicate, LikelyDuplicateAccount, MergeClash, MergeReport};
pub use methodology::{RecordedAnswer, Tick};
pub(crate) use relationships::{ends_filter, ends_key};
pub use sizes::ListSizes;
pub use tokens::{parse_lifetime, TokenCheck};
pub use transfer::{ImportOptions, ImportSession, Rejection, TableChange};
pub use webhooks::{OutboxEntry, WebhookDelivery, WebhookSubscription};

/// The default database: a SQLite file in the working directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://guanxi.db";

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    /// SQLite allows one writer; serialising this process's writers keeps them
    /// from queueing on SQLite's busy timeout.
    write_lock: Arc<tokio::sync::Mutex<()>>,
    /// The methodology writes are validated against and stamped with.
    pub(crate) methodology: Arc<Methodology>,
    /// The accounts this handle reads and writes (see [`Store::acting_as`]).
    scope: Scope,
    /// Who writes through this handle, for the audit trail; none for the command
    /// line.
    actor: Option<Arc<Principal>>,
    /// Where committed assessments and interactions are announced (see [`live`]).
    live: tokio::sync::broadcast::Sender<Arc<live::Announced>>,
    /// This server among those over one database, to tell its own notices apart.
    origin: uuid::Uuid,
    /// When this process last noted each token's use (see [`Store::check_token`]).
    token_uses: Arc<std::sync::Mutex<std::collections::HashMap<uuid::Uuid, std::time::Instant>>>,
    /// How long deleted records stay restorable, in seconds (see [`bin`]).
    deletion_window: Arc<std::sync::atomic::AtomicU64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .finish()
    }
}

/// Runs `$body` with `$pool` bound to the backend's pool, compiled once per backend.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($pool) => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside one write transaction bound to `$tx`; an early return (a `?`)
/// drops the transaction, which rolls it back. Takes the [`Granted`] the method's
/// role check returned (see [`access`]): a write transaction cannot be opened
/// without one.
macro_rules! write_tx {
    ($granted:expr, $store:expr, $tx:ident => $body:block) => {{
        let _: &$crate::store::Granted = &$granted;
        $crate::store::write_tx!(@run $store, $tx => $body)
    }};
    (@run $store:expr, $tx:ident => $body:block) => {{
        let _guard = $store.write_guard().await;
        match &$store.backend {
            $crate::store::Backend::Sqlite(pool) => {
                // IMMEDIATE takes the write lock up front: a deferred transaction that
                // reads first fails with "database is locked" when another process
                // (a second server on the same file) wrote meanwhile.
                let mut $tx = pool.begin_with("begin immediate").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::store::Backend::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    }};
}

/// Bumps an account's version inside the current transaction. Takes the
/// [`Reached`] of the scope check (`Store::reach`), so an account is only ever
/// changed after its check ran, in plain sight in the method.
macro_rules! bump_account {
    ($tx:ident, $reached:expr) => {{
        let reached: $crate::store::Reached = $reached;
        sqlx::query("update account set version = version + 1 where account_id = $1")
            .bind(reached.account())
            .execute(&mut *$tx)
            .await?
    }};
}

/// Bumps the organisation-wide version (employee–employee ties, employee status).
macro_rules! bump_org {
    ($tx:ident) => {
        sqlx::query("update org_version set version = version + 1 where org_version_id = 1")
            .execute(&mut *$tx)
            .await?
    };
}

/// `Err(NOT_FOUND)` unless a row with this id exists in `$table`: a `Result` the
/// caller `?`s, so that the early return shows where it is used.
macro_rules! must_exist {
    ($tx:ident, $table:literal, $entity:literal, $id:expr, $field:expr) => {
        async {
            let n: i64 = sqlx::query_scalar(concat!(
                "select count(*) from ",
                $table,
                " where ",
                $table,
                "_id = $1"
            ))
            .bind($id)
            .fetch_one(&mut *$tx)
            .await?;
            if n == 0 {
                return Err($crate::Error::not_found_in($entity, $id, $field));
            }
            Ok::<(), $crate::Error>(())
        }
        .await
    };
}

/// The stored row of `$table` with this id, read inside the transaction before an
/// update, or `NOT_FOUND` (also when it belongs to an account outside the caller's
/// scope). Tables key on `<table>_id`.
macro_rules! current_row {
    ($store:expr, $tx:ident, $ty:ty, $table:literal, $entity:literal, $id:expr) => {
        sqlx::query_as::<_, $ty>(concat!(
            "select * from ",
            $table,
            " where ",
            $table,
            "_id = $1"
        ))
        .bind($id)
        .fetch_optional(&mut *$tx)
        .await?
        .filter(|row| $store.scope().allows_opt($crate::store::Owned::owner(row)))
        .ok_or_else(|| $crate::Error::not_found($entity, $id))?
    };
}

/// Refuses an update when the editor read an older revision than the stored one
/// (`current` was read in this transaction).
pub(crate) fn check_revision<T: serde::Serialize + Revised>(
    current: &T,
    expected: Option<i64>,
    entity: &'static str,
    id: uuid::Uuid,
) -> crate::Result<()> {
    match expected {
        Some(expected) if expected != current.revision() => {
            Err(stale(entity, id, expected, current))
        }
        _ => Ok(()),
    }
}

/// Ends an update statement made conditional on the revision read
/// (`... where x_id = $1 and revision = $n`): no row means a concurrent writer
/// changed the record between this transaction's read and its write (PostgreSQL
/// lets both read), and the update is refused with the record as it is now.
/// A `Result` the caller `?`s: the refusal shows where it is used.
macro_rules! revised {
    ($store:expr, $tx:ident, $done:expr, $ty:ty, $table:literal, $entity:literal, $id:expr, $read:expr) => {
        async {
            if $done.rows_affected() == 0 {
                let now_row = $crate::store::current_row!($store, $tx, $ty, $table, $entity, $id);
                return Err($crate::store::stale($entity, $id, $read, &now_row));
            }
            Ok::<(), $crate::Error>(())
        }
        .await
    };
}

/// The `CONFLICT` for an editor who read revision `expected` of a record now at
/// `current`.
pub(crate) fn stale<T: serde::Serialize + Revised>(
    entity: &'static str,
    id: uuid::Uuid,
    expected: i64,
    current: &T,
) -> crate::Error {
    crate::Error::Stale {
        entity,
        id: id.to_string(),
        expected,
        revision: current.revision(),
        current: Box::new(serde_json::to_value(current).unwrap_or_default()),
    }
}

/// A record that belongs to an account (`None`: to the whole organisation).
pub(crate) trait Owned {
    fn owner(&self) -> Option<Uuid>;
}

/// `impl Owned` for each type, with `$r` the record in the owner expression.
macro_rules! owned_by {
    ($r:ident => $owner:expr; $($ty:ty),+) => {
        $(impl Owned for $ty {
            fn owner(&self) -> Option<Uuid> {
                let $r = self;
                $owner
            }
        })+
    };
}
owned_by!(r => Some(r.account_id);
    crate::domain::Account,
    crate::domain::Person,
    crate::domain::Opportunity,
    crate::domain::Interaction,
    crate::domain::SupportRequest,
    crate::domain::Position,
    crate::domain::ReportingLine,
    crate::domain::DecisionChainMember,
    crate::domain::ImprovementPoint
);
owned_by!(_r => None;
    crate::domain::Employee,
    crate::domain::Competitor,
    crate::domain::SupportResource
);
// Ties between our own employees are in no account.
owned_by!(r => r.account_id; crate::domain::Relationship);

/// A record with a revision (optimistic concurrency).
pub(crate) trait Revised {
    fn revision(&self) -> i64;
}

macro_rules! revised_records {
    ($($ty:ty),+) => {
        $(impl Revised for $ty {
            fn revision(&self) -> i64 {
                self.revision
            }
        })+
    };
}
revised_records!(
    crate::domain::Account,
    crate::domain::Person,
    crate::domain::Employee,
    crate::domain::Competitor,
    crate::domain::Opportunity,
    crate::domain::SupportRequest,
    crate::domain::ImprovementPoint
);

/// The account a record of `$table` belongs to (for a person: where they work now),
/// or `NOT_FOUND` naming the field that pointed there, also when that account is
/// outside the caller's scope. A `Result` the caller `?`s.
macro_rules! account_of {
    ($store:expr, $tx:ident, $table:literal, $entity:literal, $id:expr, $field:expr) => {
        async {
            let account: Option<uuid::Uuid> = sqlx::query_scalar(concat!(
                "select account_id from ",
                $table,
                " where ",
                $table,
                "_id = $1"
            ))
            .bind($id)
            .fetch_optional(&mut *$tx)
            .await?;
            match account {
                Some(a) if $store.scope().allows(a) => Ok::<uuid::Uuid, $crate::Error>(a),
                _ => Err($crate::Error::not_found_in($entity, $id, $field)),
            }
        }
        .await
    };
}

/// `Ok` when the record of `$table` that `$field` names is at `$account`;
/// `INVALID_INPUT` on the field saying `$why` when it is at another account, and
/// `NOT_FOUND` as [`account_of!`] when it is missing or out of scope.
macro_rules! at_account {
    ($store:expr, $tx:ident, $table:literal, $entity:literal, $id:expr, $field:expr, $account:expr, $why:expr) => {
        async {
            let field = $field;
            if $crate::store::account_of!($store, $tx, $table, $entity, $id, &field)? == $account {
                Ok(())
            } else {
                Err($crate::Error::invalid(field.to_string(), $why))
            }
        }
        .await
    };
}

pub(crate) use {
    account_of, at_account, bump_account, bump_org, current_row, must_exist, revised, with_pool,
    write_tx,
};

/// How long a SQLite connection waits for another process's write lock.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// Connects to the database the URL names (`sqlite:` or `postgres:`), creating a
    /// SQLite file if needed. Does not migrate.
    pub async fn connect(url: &str, methodology: Arc<Methodology>) -> Result<Store> {
        Self::connect_with(url, methodology, 8).await
    }

    /// Connects for a one-off command that works alone: one SQLite connection, so
    /// that a bulk import can find the file to itself (see `ImportOptions::bulk`).
    pub async fn connect_alone(url: &str, methodology: Arc<Methodology>) -> Result<Store> {
        Self::connect_with(url, methodology, 1).await
    }

    async fn connect_with(
        url: &str,
        methodology: Arc<Methodology>,
        sqlite_connections: u32,
    ) -> Result<Store> {
        let backend = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| Error::invalid("database", format!("bad SQLite URL '{url}': {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(BUSY_TIMEOUT);
            let pool = SqlitePoolOptions::new()
                .max_connections(sqlite_connections)
                .connect_with(options)
                .await?;
            Backend::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Backend::Postgres(pool)
        } else {
            return Err(Error::invalid(
                "database",
                format!("'{url}' is neither a sqlite: nor a postgres: URL"),
            ));
        };
        Ok(Store {
            backend,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            methodology,
            scope: Scope::All,
            actor: None,
            live: live::channel(),
            origin: uuid::Uuid::new_v4(),
            token_uses: Arc::default(),
            deletion_window: Arc::new(std::sync::atomic::AtomicU64::new(
                bin::DEFAULT_DELETION_WINDOW.as_secs(),
            )),
        })
    }

    /// Applies pending migrations. Safe to run from several servers at once: sqlx
    /// takes a lock on PostgreSQL.
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await,
            Backend::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await,
        }
        .map_err(|e| Error::Internal(anyhow::Error::new(e).context("running migrations")))
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    pub fn methodology(&self) -> &Methodology {
        &self.methodology
    }

    /// Answers whether the database is reachable (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("select 1").execute(pool).await?;
        });
        Ok(())
    }

    /// The pool's open connections and how many of them are idle (`/metrics`).
    pub fn pool_connections(&self) -> (u32, u32) {
        with_pool!(self, pool => (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(u32::MAX)))
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await);
    }

    /// The same database as one API caller sees and changes it: a member or
    /// viewer reaches only their accounts (records of others read as absent and
    /// writes to them fail as `NOT_FOUND`, on every path: by id, nested, lists,
    /// graphs, exports, imports), and every write is audited under their name.
    pub fn acting_as(&self, caller: Principal) -> Store {
        Store {
            scope: caller.scope(),
            actor: Some(Arc::new(caller)),
            ..self.clone()
        }
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The API caller writing through this handle; none for the command line.
    pub fn actor(&self) -> Option<&Principal> {
        self.actor.as_deref()
    }

    pub(crate) async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite(_) => Some(self.write_lock.lock().await),
            Backend::Postgres(_) => None,
        }
    }
}

/// A fresh, time-ordered id.
pub(crate) fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// Now, truncated to microseconds so both backends store and return the same value.
pub(crate) fn now() -> time::OffsetDateTime {
    let t = time::OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

/// Every table of the domain, in dependency order.
pub const TABLES: &[&str] = &[
    "account",
    "employee",
    "competitor",
    "person",
    "position",
    "reporting_line",
    "opportunity",
    "stage_change",
    "opportunity_competitor",
    "opportunity_team_member",
    "decision_chain_member",
    "relationship",
    "assessment",
    "interaction",
    "interaction_employee",
    "interaction_person",
    "support_resource",
    "win_step_tick",
    "qualification_answer",
    "plan_item_tick",
    "support_request",
    "forecast_snapshot",
    "improvement_point",
];

impl Store {
    /// Rows per table: a quick inventory for operators, and the way tests prove a
    /// refused write changed nothing.
    pub async fn row_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut counts = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let sql = format!("select count(*) from {table}");
            let n: i64 = with_pool!(self, pool => sqlx::query_scalar(&sql).fetch_one(pool).await?);
            counts.push((*table, n));
        }
        Ok(counts)
    }

    /// The names of every index, sorted: imports drop and rebuild secondary
    /// indexes, and operators (and tests) can see they are all there.
    pub async fn index_names(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> =
            match &self.backend {
                Backend::Sqlite(pool) => {
                    sqlx::query_scalar("select name from sqlite_master where type = 'index'")
                        .fetch_all(pool)
                        .await?
                }
                Backend::Postgres(pool) => sqlx::query_scalar(
                    "select indexname::text from pg_indexes where schemaname = current_schema()",
                )
                .fetch_all(pool)
                .await?,
            };
        names.sort();
        Ok(names)
    }

    /// Every foreign key of the schema as `table.column -> parent`, sorted: what a
    /// bulk import takes off and must put back.
    pub async fn foreign_keys(&self) -> Result<Vec<String>> {
        let mut keys: Vec<String> = match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::query_scalar(
                    "select m.name || '.' || f.\"from\" || ' -> ' || f.\"table\"
                     from sqlite_master m, pragma_foreign_key_list(m.name) f where m.type = 'table'",
                )
                .fetch_all(pool)
                .await?
            }
            Backend::Postgres(pool) => {
                sqlx::query_scalar(
                    "select k.conrelid::regclass::text || '.' || a.attname || ' -> ' || k.confrelid::regclass::text
                     from pg_constraint k
                     join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
                     where k.contype = 'f' and k.connamespace = current_schema()::regnamespace",
                )
                .fetch_all(pool)
                .await?
            }
        };
        keys.sort();
        Ok(keys)
    }
}
