//! One row type per exported table, column for column, so guanxi's own format is
//! a faithful dump that an import can write back unchanged. Derived keys
//! (`name_key`, `ends_key`) and internal versions are left out: an import
//! recomputes the former, and the latter belong to the database, not the business.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Declares a row type for `$table`: its columns, and the order rows are exported
/// in (stable, so two exports of the same data are byte-identical).
macro_rules! table {
    ($(#[$doc:meta])* $name:ident = $table:literal key [$($key:ident),+] order $order:literal { $($(#[$fattr:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $($(#[$fattr])* pub $field: $ty),+
        }

        impl $name {
            pub const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];

            /// `select <columns> from <table> [where account_id = $1] order by ...`.
            pub fn select(by_account: bool) -> String {
                let columns = Self::COLUMNS.join(", ");
                let filter = if by_account { " where account_id = $1" } else { "" };
                format!("select {columns} from {}{filter} order by {}", $table, $order)
            }

            /// Insert-or-update by key, with `extra` derived columns bound after the
            /// row's own.
            pub fn upsert(extra: &[&str]) -> String {
                upsert_sql($table, &[$(stringify!($key)),+], Self::COLUMNS, extra)
            }

            /// `select <columns> from <table> where <key> = ...`: the stored row with
            /// this row's key, to tell new, changed and unchanged rows apart.
            pub fn select_by_key() -> String {
                let keys: Vec<String> = [$(stringify!($key)),+]
                    .iter()
                    .enumerate()
                    .map(|(i, k)| format!("{k} = ${}", i + 1))
                    .collect();
                format!(
                    "select {} from {} where {}",
                    Self::COLUMNS.join(", "),
                    $table,
                    keys.join(" and ")
                )
            }

            /// Binds the key columns, for [`Self::select_by_key`].
            pub fn bind_key<'q, DB: sqlx::Database, O>(
                &self,
                q: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
            ) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
            where
                Uuid: 'q + sqlx::Encode<'q, DB> + sqlx::Type<DB>,
            {
                q$(.bind(self.$key))+
            }

            /// Binds the row's columns in order.
            pub fn bind<'q, DB: sqlx::Database>(
                &self,
                q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
            ) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
            where
                $($ty: 'q + sqlx::Encode<'q, DB> + sqlx::Type<DB>),+
            {
                q$(.bind(self.$field.clone()))+
            }
        }
    };
}

fn upsert_sql(table: &str, keys: &[&str], columns: &[&str], extra: &[&str]) -> String {
    let all: Vec<&str> = columns.iter().chain(extra).copied().collect();
    let params: Vec<String> = (1..=all.len()).map(|i| format!("${i}")).collect();
    let key = keys.join(", ");
    let updates: Vec<String> = all
        .iter()
        .filter(|c| !keys.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let action = if updates.is_empty() {
        "do nothing".to_owned()
    } else {
        format!("do update set {}", updates.join(", "))
    };
    format!(
        "insert into {table} ({}) values ({}) on conflict ({key}) {action}",
        all.join(", "),
        params.join(", ")
    )
}

table!(AccountRow = "account" key [account_id] order "account_id" {
    account_id: Uuid, name: String, industry: String, region: String, tier: String,
    owner_team: Option<String>, #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(EmployeeRow = "employee" key [employee_id] order "employee_id" {
    employee_id: Uuid, name: String, email: String, role: String, team: Option<String>,
    status: String, departed_on: Option<Date>, support_limit: Option<i32>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(CompetitorRow = "competitor" key [competitor_id] order "competitor_id" {
    competitor_id: Uuid, name: String, note: Option<String>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(PersonRow = "person" key [person_id] order "person_id" {
    person_id: Uuid, account_id: Uuid, name: String, title: Option<String>,
    department: String, level: String, email: Option<String>, phone: Option<String>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(PositionRow = "position" key [position_id] order "position_id" {
    position_id: Uuid, person_id: Uuid, account_id: Uuid, title: Option<String>,
    department: String, level: String, valid_from: Date, valid_to: Option<Date>,
});
table!(ReportingLineRow = "reporting_line" key [reporting_line_id] order "reporting_line_id" {
    reporting_line_id: Uuid, account_id: Uuid, person_id: Uuid, manager_id: Uuid,
    kind: String, valid_from: Date, valid_to: Option<Date>,
});
table!(OpportunityRow = "opportunity" key [opportunity_id] order "opportunity_id" {
    opportunity_id: Uuid, account_id: Uuid, name: String, amount_minor: i64,
    currency: String, stage: String, expected_sign_date: Option<Date>, outcome: String,
    owner_id: Option<Uuid>, note: Option<String>, methodology_version: String,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(StageChangeRow = "stage_change" key [stage_change_id] order "opportunity_id, entered_on, recorded_at, stage_change_id" {
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
table!(ChainMemberRow = "decision_chain_member" key [member_id] order "member_id" {
    member_id: Uuid, opportunity_id: Uuid, account_id: Uuid, person_id: Uuid,
    buying_role: String, influence: Option<i32>, attitude: i32,
    favoured_competitor_id: Option<Uuid>, note: Option<String>, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(RelationshipRow = "relationship" key [relationship_id] order "relationship_id" {
    relationship_id: Uuid, account_id: Option<Uuid>, kind: String,
    employee_id: Option<Uuid>, person_id: Option<Uuid>, other_person_id: Option<Uuid>,
    competitor_id: Option<Uuid>, other_employee_id: Option<Uuid>, tie: Option<String>,
    strength: i32, #[serde(with = "time::serde::rfc3339")] assessed_at: OffsetDateTime,
});
table!(AssessmentRow = "assessment" key [assessment_id] order "relationship_id, assessed_at, assessment_id" {
    assessment_id: Uuid, relationship_id: Uuid, account_id: Option<Uuid>, strength: i32,
    source: String, assessed_by: Option<Uuid>, #[serde(with = "time::serde::rfc3339")] assessed_at: OffsetDateTime,
    note: Option<String>, methodology_version: String,
});
table!(InteractionRow = "interaction" key [interaction_id] order "interaction_id" {
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
table!(SupportResourceRow = "support_resource" key [support_resource_id] order "support_resource_id" {
    support_resource_id: Uuid, name: String, kind: String, capacity: i32,
    unit: Option<String>, employee_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
});
table!(SupportRequestRow = "support_request" key [support_request_id] order "support_request_id" {
    support_request_id: Uuid, opportunity_id: Uuid, account_id: Uuid, kind: String,
    resource_id: Option<Uuid>, units: i32, needed_by: Date, lift: Option<f64>,
    requested_by: Option<Uuid>, note: Option<String>, status: String,
    granted_resource_id: Option<Uuid>, granted_month: Option<String>,
    decided_by: Option<Uuid>, decided_on: Option<Date>, decision_note: Option<String>,
    methodology_version: String, #[serde(with = "time::serde::rfc3339")] created_at: OffsetDateTime, #[serde(with = "time::serde::rfc3339")] updated_at: OffsetDateTime,
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
});
table!(PlanItemTickRow = "plan_item_tick" key [tick_id] order "tick_id" {
    tick_id: Uuid, account_id: Uuid, item_id: String, done: bool,
    ticked_by: Option<Uuid>, #[serde(with = "time::serde::rfc3339")] ticked_at: OffsetDateTime, note: Option<String>,
    methodology_version: String,
});
table!(ForecastSnapshotRow = "forecast_snapshot" key [forecast_snapshot_id] order "forecast_snapshot_id" {
    forecast_snapshot_id: Uuid, period: String, taken_on: Date, opportunity_id: Uuid,
    account_id: Uuid, stage: String, probability: f64, category: String,
    amount_minor: i64, currency: String, methodology_version: String,
    #[serde(with = "time::serde::rfc3339")] recorded_at: OffsetDateTime,
});
