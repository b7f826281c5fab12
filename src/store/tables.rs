//! One row type per exported table, column for column, so guanxi's own format is
//! a faithful dump that an import can write back unchanged. Derived keys
//! (`name_key`) and internal versions are left out: an import
//! recomputes the former, and the latter belong to the database, not the business.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::domain::{normalise_organisation, Endpoints, TieKind};

/// A table an import writes in batches: its row type's key, its batch statements and
/// its binds for each backend. Implemented by [`table!`] for every exported table.
pub trait Table:
    Clone
    + PartialEq
    + Serialize
    + Send
    + Sync
    + Unpin
    + 'static
    + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
{
    const TABLE: &'static str;
    /// The primary key's columns.
    const KEY_COLUMNS: &'static [&'static str];
    /// Columns per row in a write, derived ones included (bounds the batch size).
    const WIDTH: usize;
    /// The row's primary key, column by column.
    fn key(&self) -> Vec<Uuid>;
    /// Stored rows whose keys are among `n` bound keys.
    fn select_by_keys(n: usize) -> String;
    /// Insert-or-update of `n` rows.
    fn upsert(n: usize) -> String;
    fn bind_sqlite<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;
    fn bind_postgres<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;
    /// True when the stored row is newer than this one and stays (a relationship's
    /// current strength is its latest assessment's, whatever order files come in).
    fn yields_to(&self, _stored: &Self) -> bool {
        false
    }
    /// Takes the stored row's bookkeeping times (and, with `touched`, the ones a
    /// change moves too), for sources that do not carry them (CSV, calendars):
    /// otherwise every import of the same file would look like a change.
    fn keep_stamps(&mut self, _stored: &Self, _touched: bool) {}
    /// `copy <table> (<columns>) from stdin`: PostgreSQL's bulk load, for rows
    /// no statement has written yet.
    fn copy_statement() -> String;
    /// The id in a column (a reference), by the column's name; `None` for a
    /// null, another type or no such column.
    fn column_id(&self, column: &str) -> Option<Uuid>;
    /// The row as one line of COPY's text format, derived columns last.
    fn copy_line(&self, out: &mut String);
}

/// A column's value as an id, where it holds one (see [`Table::column_id`]).
pub trait AsId {
    fn as_id(&self) -> Option<Uuid> {
        None
    }
}

impl AsId for Uuid {
    fn as_id(&self) -> Option<Uuid> {
        Some(*self)
    }
}

impl AsId for Option<Uuid> {
    fn as_id(&self) -> Option<Uuid> {
        *self
    }
}

macro_rules! no_id {
    ($($t:ty),+) => {$(impl AsId for $t {})+};
}
no_id!(
    String,
    Option<String>,
    i32,
    Option<i32>,
    i64,
    Option<i64>,
    f64,
    Option<f64>,
    bool,
    Date,
    Option<Date>,
    OffsetDateTime,
    Option<OffsetDateTime>
);

/// A value as COPY's text format writes it: `\N` for null, tabs, line breaks
/// and backslashes escaped.
pub trait CopyValue {
    fn copy(&self, out: &mut String);
}

impl CopyValue for String {
    fn copy(&self, out: &mut String) {
        for c in self.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                other => out.push(other),
            }
        }
    }
}

macro_rules! copy_display {
    ($($t:ty),+) => {$(
        impl CopyValue for $t {
            fn copy(&self, out: &mut String) {
                use std::fmt::Write;
                let _ = write!(out, "{self}");
            }
        }
    )+};
}
copy_display!(Uuid, i32, i64, f64, Date);

impl CopyValue for bool {
    fn copy(&self, out: &mut String) {
        out.push(if *self { 't' } else { 'f' });
    }
}

impl CopyValue for OffsetDateTime {
    fn copy(&self, out: &mut String) {
        match self.format(&time::format_description::well_known::Rfc3339) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str("\\N"),
        }
    }
}

impl<T: CopyValue> CopyValue for Option<T> {
    fn copy(&self, out: &mut String) {
        match self {
            Some(v) => v.copy(out),
            None => out.push_str("\\N"),
        }
    }
}

/// Declares a row type for `$table`: its columns, derived columns an import
/// recomputes, and the order rows are exported in (stable, so two exports of the
/// same data are byte-identical). `latest $col` keeps the stored row when it is
/// newer by that column.
macro_rules! table {
    ($(#[$doc:meta])* $name:ident = $table:literal key [$($key:ident),+]
     $(derived [$($dcol:ident = $dexpr:expr),+])?
     $(latest $latest:ident)?
     $(stamps [$($stamp:ident),*] $(touch [$($touch:ident),+])?)?
     order $order:literal { $($(#[$fattr:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $($(#[$fattr])* pub $field: $ty),+
        }

        impl $name {
            pub const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
            const KEYS: &'static [&'static str] = &[$(stringify!($key)),+];
            const DERIVED: &'static [&'static str] = &[$($(stringify!($dcol)),+)?];

            /// `select <columns> from <table> [where account_id = $1] order by ...`.
            pub fn select(by_account: bool) -> String {
                let columns = Self::COLUMNS.join(", ");
                let filter = if by_account { " where account_id = $1" } else { "" };
                format!("select {columns} from {}{filter} order by {}", $table, $order)
            }

            /// Derived column values, in `DERIVED` order.
            #[allow(unused_variables)]
            fn derived(&self) -> Vec<String> {
                let row = self;
                vec![$($(($dexpr)(row)),+)?]
            }

            /// Binds the row's columns in order, then its derived ones.
            pub(crate) fn bind_all<'q, DB: sqlx::Database>(
                &self,
                q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
            ) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
            where
                $($ty: 'q + sqlx::Encode<'q, DB> + sqlx::Type<DB>,)+
                String: 'q + sqlx::Encode<'q, DB> + sqlx::Type<DB>,
            {
                let q = q$(.bind(self.$field.clone()))+;
                self.derived().into_iter().fold(q, |q, d| q.bind(d))
            }
        }

        impl Table for $name {
            const TABLE: &'static str = $table;
            const KEY_COLUMNS: &'static [&'static str] = Self::KEYS;
            const WIDTH: usize = Self::COLUMNS.len() + Self::DERIVED.len();

            fn key(&self) -> Vec<Uuid> {
                vec![$(self.$key),+]
            }

            fn select_by_keys(n: usize) -> String {
                select_by_keys_sql($table, Self::KEYS, Self::COLUMNS, n)
            }

            fn upsert(n: usize) -> String {
                let latest: Option<&str> = None $(.or(Some(stringify!($latest))))?;
                upsert_sql($table, Self::KEYS, Self::COLUMNS, Self::DERIVED, n, latest)
            }

            fn bind_sqlite<'q>(
                &self,
                q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
            ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
                self.bind_all(q)
            }

            fn bind_postgres<'q>(
                &self,
                q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
            ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
                self.bind_all(q)
            }

            $(
            #[allow(unused_variables)]
            fn keep_stamps(&mut self, stored: &Self, touched: bool) {
                $(self.$stamp = stored.$stamp;)*
                $(if touched {
                    $(self.$touch = stored.$touch;)+
                })?
            }
            )?

            $(
            fn yields_to(&self, stored: &Self) -> bool {
                stored.$latest > self.$latest
            }
            )?

            fn column_id(&self, column: &str) -> Option<Uuid> {
                match column {
                    $(stringify!($field) => AsId::as_id(&self.$field),)+
                    _ => None,
                }
            }

            fn copy_statement() -> String {
                let all: Vec<&str> = Self::COLUMNS.iter().chain(Self::DERIVED).copied().collect();
                format!("copy {} ({}) from stdin", $table, all.join(", "))
            }

            fn copy_line(&self, out: &mut String) {
                let mut first = true;
                $(
                    if !first {
                        out.push('\t');
                    }
                    first = false;
                    CopyValue::copy(&self.$field, out);
                )+
                let _ = first;
                for d in self.derived() {
                    out.push('\t');
                    CopyValue::copy(&d, out);
                }
                out.push('\n');
            }
        }
    };
}

/// `n` tuples of `width` numbered placeholders: `($1, $2), ($3, $4)`.
fn placeholder_rows(n: usize, width: usize) -> Vec<String> {
    (0..n)
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect()
}

/// `select <columns> from <table> where <key> in (...)` for `n` keys (row values
/// for a composite key, which SQLite and PostgreSQL both read).
fn select_by_keys_sql(table: &str, keys: &[&str], columns: &[&str], n: usize) -> String {
    let width = keys.len();
    let tuples = placeholder_rows(n, width);
    let filter = if width == 1 {
        let params: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
        format!("{} in ({})", keys[0], params.join(", "))
    } else {
        format!("({}) in (values {})", keys.join(", "), tuples.join(", "))
    };
    format!("select {} from {table} where {filter}", columns.join(", "))
}

/// A multi-row insert-or-update by key; with `latest`, a stored row newer by that
/// column is kept.
/// Tables whose records carry a revision (see `docs/concurrency.md`).
const REVISED_TABLES: [&str; 7] = [
    "account",
    "person",
    "employee",
    "competitor",
    "opportunity",
    "support_request",
    "improvement_point",
];

fn upsert_sql(
    table: &str,
    keys: &[&str],
    columns: &[&str],
    derived: &[&str],
    n: usize,
    latest: Option<&str>,
) -> String {
    let all: Vec<&str> = columns.iter().chain(derived).copied().collect();
    let rows = placeholder_rows(n, all.len());
    let key = keys.join(", ");
    let mut updates: Vec<String> = all
        .iter()
        .filter(|c| !keys.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    // An imported change is a change: an editor holding the old revision is told.
    if REVISED_TABLES.contains(&table) && !updates.is_empty() {
        updates.push(format!("revision = {table}.revision + 1"));
    }
    let action = if updates.is_empty() {
        "do nothing".to_owned()
    } else {
        let guard = latest
            .map(|c| format!(" where excluded.{c} >= {table}.{c}"))
            .unwrap_or_default();
        format!("do update set {}{guard}", updates.join(", "))
    };
    format!(
        "insert into {table} ({}) values {} on conflict ({key}) {action}",
        all.join(", "),
        rows.join(", ")
    )
}

table!(AccountRow = "account" key [account_id] derived [name_key = |r: &AccountRow| normalise_organisation(&r.name)] stamps [created_at] touch [updated_at] order "account_id" {
    account_id: Uuid, name: String, industry: String, region: String, tier: String,
    owner_team: Option<String>, #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(EmployeeRow = "employee" key [employee_id] stamps [created_at] touch [updated_at] order "employee_id" {
    employee_id: Uuid, name: String, email: String, role: String, team: Option<String>,
    status: String, departed_on: Option<Date>, support_limit: Option<i32>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
    #[serde(default)] leaving_on: Option<Date>,
});
table!(CompetitorRow = "competitor" key [competitor_id] derived [name_key = |r: &CompetitorRow| normalise_organisation(&r.name)] stamps [created_at] touch [updated_at] order "competitor_id" {
    competitor_id: Uuid, name: String, note: Option<String>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(PersonRow = "person" key [person_id] stamps [created_at] touch [updated_at] order "person_id" {
    person_id: Uuid, account_id: Uuid, name: String, title: Option<String>,
    department: String, level: String, email: Option<String>, phone: Option<String>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(PositionRow = "position" key [position_id] stamps [valid_from] order "position_id" {
    position_id: Uuid, person_id: Uuid, account_id: Uuid, title: Option<String>,
    department: String, level: String, valid_from: Date, valid_to: Option<Date>,
});
table!(ReportingLineRow = "reporting_line" key [reporting_line_id] stamps [valid_from] order "reporting_line_id" {
    reporting_line_id: Uuid, account_id: Uuid, person_id: Uuid, manager_id: Uuid,
    kind: String, valid_from: Date, valid_to: Option<Date>,
});
table!(OpportunityRow = "opportunity" key [opportunity_id] stamps [created_at] touch [updated_at] order "opportunity_id" {
    opportunity_id: Uuid, account_id: Uuid, name: String, amount_minor: i64,
    currency: String, stage: String, expected_sign_date: Option<Date>, outcome: String,
    owner_id: Option<Uuid>, note: Option<String>, methodology_version: String,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
    // Exports written before budgets were recorded read as "nothing found out".
    #[serde(default = "unknown_budget")] budget_status: String,
    #[serde(default)] budget_amount_minor: Option<i64>,
    #[serde(default)] budget_confirmed_on: Option<Date>,
    #[serde(default)] compelling_event: Option<String>,
    #[serde(default)] compelling_event_by: Option<Date>,
});

/// The budget status of an opportunity exported before budgets were recorded.
fn judgement() -> String {
    "judgement".to_owned()
}
fn unknown_budget() -> String {
    crate::domain::BudgetStatus::Unknown.as_str().to_owned()
}
table!(StageChangeRow = "stage_change" key [stage_change_id] stamps [recorded_at] order "opportunity_id, entered_on, recorded_at, stage_change_id" {
    stage_change_id: Uuid, opportunity_id: Uuid, account_id: Uuid, stage: String,
    outcome: String, entered_on: Date, changed_by: Option<Uuid>, note: Option<String>,
    methodology_version: String, #[serde(with = "time::serde::rfc3339")] recorded_at: OffsetDateTime, override_reason: Option<String>,
});
table!(OpportunityCompetitorRow = "opportunity_competitor" key [opportunity_id, competitor_id] order "opportunity_id, competitor_id" {
    opportunity_id: Uuid, competitor_id: Uuid, account_id: Uuid,
});
table!(TeamMemberRow = "opportunity_team_member" key [opportunity_id, employee_id] order "opportunity_id, employee_id" {
    opportunity_id: Uuid, employee_id: Uuid, account_id: Uuid, role: String,
});
table!(ChainMemberRow = "decision_chain_member" key [member_id] stamps [] touch [updated_at] order "member_id" {
    member_id: Uuid, opportunity_id: Uuid, account_id: Uuid, person_id: Uuid,
    buying_role: String, influence: Option<i32>, attitude: i32,
    favoured_competitor_id: Option<Uuid>, note: Option<String>, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
    #[serde(default)] recorded_by: Option<String>, #[serde(default = "judgement")] source: String,
    #[serde(default)] is_primary: bool,
});
table!(RelationshipRow = "relationship" key [relationship_id] latest assessed_at order "relationship_id" {
    relationship_id: Uuid, account_id: Option<Uuid>, kind: String,
    employee_id: Option<Uuid>, person_id: Option<Uuid>, other_person_id: Option<Uuid>,
    competitor_id: Option<Uuid>, other_employee_id: Option<Uuid>, tie: Option<String>,
    strength: i32, #[serde(with = "time::serde::rfc3339")] assessed_at: OffsetDateTime,
});
impl RelationshipRow {
    /// The row of an edge with these ends (the inverse of [`ends`]).
    pub(crate) fn new(
        relationship_id: Uuid,
        account_id: Option<Uuid>,
        ends: &Endpoints,
        strength: i32,
        assessed_at: OffsetDateTime,
    ) -> Self {
        let mut r = RelationshipRow {
            relationship_id,
            account_id,
            kind: ends.kind().as_str().to_owned(),
            employee_id: None,
            person_id: None,
            other_person_id: None,
            competitor_id: None,
            other_employee_id: None,
            tie: None,
            strength,
            assessed_at,
        };
        match *ends {
            Endpoints::EmployeePerson {
                employee_id,
                person_id,
            } => (r.employee_id, r.person_id) = (Some(employee_id), Some(person_id)),
            Endpoints::PersonPerson {
                person_id,
                other_person_id,
                tie,
            } => {
                (r.person_id, r.other_person_id) = (Some(person_id), Some(other_person_id));
                r.tie = Some(tie.as_str().to_owned());
            }
            Endpoints::CompetitorPerson {
                competitor_id,
                person_id,
            } => (r.competitor_id, r.person_id) = (Some(competitor_id), Some(person_id)),
            Endpoints::EmployeeEmployee {
                employee_id,
                other_employee_id,
            } => {
                (r.employee_id, r.other_employee_id) = (Some(employee_id), Some(other_employee_id));
            }
        }
        r
    }
}

table!(AssessmentRow = "assessment" key [assessment_id] order "relationship_id, assessed_at, assessment_id" {
    assessment_id: Uuid, relationship_id: Uuid, account_id: Option<Uuid>, strength: i32,
    source: String, assessed_by: Option<Uuid>, #[serde(with = "time::serde::rfc3339")] assessed_at: OffsetDateTime,
    note: Option<String>, methodology_version: String,
    #[serde(default)] recorded_by: Option<String>,
});
table!(InteractionRow = "interaction" key [interaction_id] stamps [created_at] order "interaction_id" {
    interaction_id: Uuid, account_id: Uuid, opportunity_id: Option<Uuid>, kind: String,
    occurred_on: Date, subject: Option<String>, note: Option<String>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime,
});
table!(InteractionEmployeeRow = "interaction_employee" key [interaction_id, employee_id] order "interaction_id, employee_id" {
    interaction_id: Uuid, employee_id: Uuid, account_id: Uuid,
});
table!(InteractionPersonRow = "interaction_person" key [interaction_id, person_id] order "interaction_id, person_id" {
    interaction_id: Uuid, person_id: Uuid, account_id: Uuid,
});
table!(SupportResourceRow = "support_resource" key [support_resource_id] stamps [created_at] touch [updated_at] order "support_resource_id" {
    support_resource_id: Uuid, name: String, kind: String, capacity: i32,
    unit: Option<String>, employee_id: Option<Uuid>,
    #[serde(default)] industries: String, #[serde(default)] skills: String,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(SupportRequestRow = "support_request" key [support_request_id] order "support_request_id" {
    support_request_id: Uuid, opportunity_id: Uuid, account_id: Uuid, kind: String,
    resource_id: Option<Uuid>, units: i32, needed_by: Date, lift: Option<f64>,
    requested_by: Option<Uuid>, note: Option<String>, status: String,
    granted_resource_id: Option<Uuid>, granted_month: Option<String>,
    decided_by: Option<Uuid>, decided_on: Option<Date>, decision_note: Option<String>,
    methodology_version: String, #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
    #[serde(default)] skills: String,
});
table!(WinStepTickRow = "win_step_tick" key [tick_id] order "tick_id" {
    tick_id: Uuid, opportunity_id: Uuid, account_id: Uuid, stage: String,
    step_id: String, done: bool, ticked_by: Option<Uuid>, #[serde(with = "time::serde::rfc3339")] ticked_at: OffsetDateTime,
    note: Option<String>, methodology_version: String,
});
table!(AnswerRow = "qualification_answer" key [answer_id] order "answer_id" {
    answer_id: Uuid, opportunity_id: Uuid, account_id: Uuid, question_id: String,
    answer: String, evidence: Option<String>, answered_by: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")] answered_at: OffsetDateTime, methodology_version: String,
    #[serde(default)] recorded_by: Option<String>,
});
table!(PlanItemTickRow = "plan_item_tick" key [tick_id] order "tick_id" {
    tick_id: Uuid, account_id: Uuid, item_id: String, done: bool,
    ticked_by: Option<Uuid>, #[serde(with = "time::serde::rfc3339")] ticked_at: OffsetDateTime, note: Option<String>,
    methodology_version: String,
});
table!(ImprovementPointRow = "improvement_point" key [improvement_point_id] stamps [created_at] touch [updated_at] order "improvement_point_id" {
    improvement_point_id: Uuid, account_id: Uuid, opportunity_id: Option<Uuid>, text: String,
    owner_id: Option<Uuid>, due_on: Option<Date>, status: String, set_by: String,
    closed_on: Option<Date>, note: Option<String>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(ForecastSnapshotRow = "forecast_snapshot" key [forecast_snapshot_id] order "forecast_snapshot_id" {
    forecast_snapshot_id: Uuid, period: String, taken_on: Date, opportunity_id: Uuid,
    account_id: Uuid, stage: String, probability: f64, category: String,
    amount_minor: i64, currency: String, methodology_version: String,
    #[serde(with = "time::serde::rfc3339")] recorded_at: OffsetDateTime,
});
table!(
    /// An external system's id for a record an import matched to a stored one.
    ExternalIdRow = "external_id" key [external_id_id] order "external_id_id" {
    external_id_id: Uuid, system: String, kind: String, external_key: String,
    record_id: Uuid, account_id: Option<Uuid>,
});

/// The canonical key of a relationship row's ends, as storage computes it.
pub(crate) fn ends(r: &RelationshipRow) -> Option<Endpoints> {
    Some(match r.kind.as_str() {
        "employee_person" => Endpoints::EmployeePerson {
            employee_id: r.employee_id?,
            person_id: r.person_id?,
        },
        "person_person" => Endpoints::PersonPerson {
            person_id: r.person_id?,
            other_person_id: r.other_person_id?,
            tie: match r.tie.as_deref() {
                Some("influences") => TieKind::Influences,
                _ => TieKind::Informal,
            },
        },
        "competitor_person" => Endpoints::CompetitorPerson {
            competitor_id: r.competitor_id?,
            person_id: r.person_id?,
        },
        "employee_employee" => Endpoints::EmployeeEmployee {
            employee_id: r.employee_id?,
            other_employee_id: r.other_employee_id?,
        },
        _ => return None,
    })
}
