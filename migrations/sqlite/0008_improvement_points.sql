-- Improvement points: what a coach or manager asks an account team to improve,
-- assigned, due, and marked done or dropped.

create table improvement_point (
    improvement_point_id blob primary key,
    account_id           blob not null references account (account_id),
    opportunity_id       blob references opportunity (opportunity_id),
    text                 text not null,
    owner_id             blob references employee (employee_id),
    due_on               text,
    status               text not null default 'open' check (status in ('open', 'done', 'dropped')),
    set_by               text not null,
    closed_on            text,
    note                 text,
    revision             integer not null default 1,
    created_at           text not null,
    updated_at           text not null
);

create index improvement_point_account on improvement_point (account_id, status);
create index improvement_point_opportunity on improvement_point (opportunity_id);
