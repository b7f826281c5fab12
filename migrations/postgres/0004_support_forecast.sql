-- Support requests and their decisions, per-person support limits, and recorded
-- forecasts (so later outcomes can be compared with what was forecast).

alter table employee add column support_limit integer check (support_limit is null or support_limit >= 0);

create table support_request (
    support_request_id  uuid primary key,
    opportunity_id      uuid not null references opportunity (opportunity_id),
    account_id          uuid not null references account (account_id),
    kind                text not null,
    resource_id         uuid references support_resource (support_resource_id),
    units               integer not null check (units between 1 and 10000),
    needed_by           date not null,
    lift                double precision check (lift is null or (lift >= 0 and lift <= 1)),
    requested_by        uuid references employee (employee_id),
    note                text,
    status              text not null check (status in ('requested', 'granted', 'declined', 'done', 'cancelled')),
    granted_resource_id uuid references support_resource (support_resource_id),
    granted_month       text,
    decided_by          uuid references employee (employee_id),
    decided_on          date,
    decision_note       text,
    methodology_version text not null,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    check ((status in ('granted', 'done')) = (granted_resource_id is not null and granted_month is not null))
);
create index support_request_opportunity on support_request (opportunity_id);
create index support_request_status on support_request (status, needed_by);

create table forecast_snapshot (
    forecast_snapshot_id uuid primary key,
    period               text not null,
    taken_on             date not null,
    opportunity_id       uuid not null references opportunity (opportunity_id),
    account_id           uuid not null references account (account_id),
    stage                text not null,
    probability          double precision not null check (probability >= 0 and probability <= 1),
    category             text not null,
    amount_minor         bigint not null,
    currency             text not null,
    methodology_version  text not null,
    recorded_at          timestamptz not null
);
create index forecast_snapshot_period on forecast_snapshot (period, taken_on);
create index forecast_snapshot_opportunity on forecast_snapshot (opportunity_id);
