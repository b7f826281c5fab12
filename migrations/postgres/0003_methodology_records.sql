-- What people record against the methodology: win steps ticked, answers to the four
-- questions, account-plan items ticked, stage changes forced past their exit
-- criteria, and the methodology versions the server has run. Every row keeps who,
-- when and the methodology version it was made under; the latest row per item is
-- its current state, so history is never rewritten.

create table win_step_tick (
    tick_id             uuid primary key,
    opportunity_id      uuid not null references opportunity (opportunity_id),
    account_id          uuid not null references account (account_id),
    stage               text not null,
    step_id             text not null,
    done                boolean not null,
    ticked_by           uuid references employee (employee_id),
    ticked_at           timestamptz not null,
    note                text,
    methodology_version text not null
);
create index win_step_tick_opportunity on win_step_tick (opportunity_id, stage, step_id);
create index win_step_tick_account on win_step_tick (account_id);

create table qualification_answer (
    answer_id           uuid primary key,
    opportunity_id      uuid not null references opportunity (opportunity_id),
    account_id          uuid not null references account (account_id),
    question_id         text not null,
    answer              text not null check (answer in ('yes', 'no', 'unknown')),
    evidence            text,
    answered_by         uuid references employee (employee_id),
    answered_at         timestamptz not null,
    methodology_version text not null
);
create index qualification_answer_opportunity on qualification_answer (opportunity_id, question_id);
create index qualification_answer_account on qualification_answer (account_id);

create table plan_item_tick (
    tick_id             uuid primary key,
    account_id          uuid not null references account (account_id),
    item_id             text not null,
    done                boolean not null,
    ticked_by           uuid references employee (employee_id),
    ticked_at           timestamptz not null,
    note                text,
    methodology_version text not null
);
create index plan_item_tick_account on plan_item_tick (account_id, item_id);

alter table stage_change add column override_reason text;

-- The win steps of each stage as each methodology version defined them, recorded
-- at start-up, so a changed methodology can say which open deals it affects.
create table methodology_snapshot (
    version   text primary key,
    loaded_at timestamptz not null,
    content   text not null
);
