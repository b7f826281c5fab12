//! How stored rows become domain records. The domain types know nothing of
//! storage; this is where each one is read from a row, column by column, on both
//! backends. A struct literal names every field, so a field added to a record and
//! not read here fails to compile.

use crate::domain::{
    Account, Assessment, Competitor, DecisionChainMember, Employee, ImprovementPoint, Interaction,
    Opportunity, Person, Position, Relationship, ReportingLine, StageChange, SupportRequest,
    SupportResource, TeamMember,
};

/// Implements `sqlx::FromRow` for a record on SQLite and PostgreSQL rows, each
/// field read from the column of its name.
macro_rules! read_from_rows {
    ($($record:ident { $($field:ident),+ $(,)? })+) => {$(
        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $record {
            fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> sqlx::Result<Self> {
                use sqlx::Row;
                Ok($record { $($field: row.try_get(stringify!($field))?),+ })
            }
        }
        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $record {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> sqlx::Result<Self> {
                use sqlx::Row;
                Ok($record { $($field: row.try_get(stringify!($field))?),+ })
            }
        }
    )+};
}

read_from_rows! {
    Account {
        revision,
        account_id,
        name,
        name_key,
        industry,
        region,
        tier,
        owner_team,
        version,
        created_at,
        updated_at,
    }
    Competitor {
        revision,
        competitor_id,
        name,
        name_key,
        note,
        created_at,
        updated_at,
    }
    DecisionChainMember {
        member_id,
        opportunity_id,
        account_id,
        person_id,
        buying_role,
        influence,
        attitude,
        favoured_competitor_id,
        note,
        updated_at,
        recorded_by,
        source,
        is_primary,
    }
    Employee {
        revision,
        employee_id,
        name,
        email,
        role,
        team,
        status,
        departed_on,
        support_limit,
        created_at,
        updated_at,
        leaving_on,
    }
    ImprovementPoint {
        improvement_point_id,
        account_id,
        opportunity_id,
        text,
        owner_id,
        due_on,
        status,
        set_by,
        closed_on,
        note,
        revision,
        created_at,
        updated_at,
    }
    Interaction {
        interaction_id,
        account_id,
        opportunity_id,
        kind,
        occurred_on,
        subject,
        note,
        created_at,
    }
    Opportunity {
        revision,
        opportunity_id,
        account_id,
        name,
        amount_minor,
        currency,
        stage,
        expected_sign_date,
        outcome,
        owner_id,
        note,
        methodology_version,
        created_at,
        updated_at,
        budget_status,
        budget_amount_minor,
        budget_confirmed_on,
        compelling_event,
        compelling_event_by,
    }
    StageChange {
        stage_change_id,
        opportunity_id,
        stage,
        outcome,
        entered_on,
        changed_by,
        note,
        methodology_version,
        override_reason,
    }
    TeamMember {
        opportunity_id,
        employee_id,
        role,
    }
    Person {
        revision,
        person_id,
        account_id,
        name,
        title,
        department,
        level,
        email,
        phone,
        created_at,
        updated_at,
    }
    Position {
        position_id,
        person_id,
        account_id,
        title,
        department,
        level,
        valid_from,
        valid_to,
    }
    ReportingLine {
        reporting_line_id,
        account_id,
        person_id,
        manager_id,
        kind,
        valid_from,
        valid_to,
    }
    Relationship {
        relationship_id,
        account_id,
        kind,
        employee_id,
        person_id,
        other_person_id,
        competitor_id,
        other_employee_id,
        tie,
        strength,
        assessed_at,
    }
    Assessment {
        assessment_id,
        relationship_id,
        strength,
        source,
        assessed_by,
        assessed_at,
        note,
        recorded_by,
    }
    SupportResource {
        support_resource_id,
        name,
        kind,
        capacity,
        unit,
        employee_id,
        industries,
        skills,
        created_at,
        updated_at,
    }
    SupportRequest {
        revision,
        support_request_id,
        opportunity_id,
        account_id,
        kind,
        resource_id,
        units,
        needed_by,
        lift,
        requested_by,
        note,
        status,
        granted_resource_id,
        granted_month,
        decided_by,
        decided_on,
        decision_note,
        methodology_version,
        skills,
        created_at,
        updated_at,
    }
}
