-- Improvement points: what a coach or manager asks an account team to improve,
-- assigned, due, and marked done or dropped.

create table improvement_point (
    improvement_point_id uuid primary key,
    account_id           uuid not null references account (account_id),
    opportunity_id       uuid references opportunity (opportunity_id),
    text                 text not null,
    owner_id             uuid references employee (employee_id),
    due_on               date,
    status               text not null default 'open' check (status in ('open', 'done', 'dropped')),
    set_by               text not null,
    closed_on            date,
    note                 text,
    revision             bigint not null default 1,
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);

create index improvement_point_account on improvement_point (account_id, status);
create index improvement_point_opportunity on improvement_point (opportunity_id);
