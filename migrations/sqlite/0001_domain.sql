-- The guanxi domain on SQLite: the same tables and checks as the PostgreSQL
-- migration, with ids as 16-byte blobs and timestamps as RFC 3339 text.
-- Conventions: singular table names, `<table>_id` uuid keys, timestamps in UTC.
-- Account-scoped tables carry `account_id` so a distributed Postgres (Citus) can
-- shard them by account. Ranges are checked here as well as in the domain types,
-- so no writer can store what the product cannot read.

create table account (
    account_id  blob primary key,
    name        text not null check (length(name) between 1 and 200),
    name_key    text not null,
    industry    text not null,
    region      text not null,
    tier        text not null,
    owner_team  text,
    -- Bumped by every write that touches the account, in the same transaction;
    -- graph caches key on it so servers sharing this database never serve stale scores.
    version     integer not null default 0,
    created_at  text not null,
    updated_at  text not null,
    constraint account_name_key_unique unique (name_key)
);

create table employee (
    employee_id blob primary key,
    name        text not null check (length(name) between 1 and 200),
    email       text not null,
    role        text not null,
    team        text,
    status      text not null check (status in ('active', 'departed')),
    departed_on date,
    created_at  text not null,
    updated_at  text not null,
    constraint employee_email_unique unique (email),
    check ((status = 'departed') = (departed_on is not null))
);

create table competitor (
    competitor_id blob primary key,
    name          text not null check (length(name) between 1 and 200),
    name_key      text not null,
    note          text,
    created_at    text not null,
    updated_at    text not null,
    constraint competitor_name_key_unique unique (name_key)
);

create table person (
    person_id   blob primary key,
    account_id  blob not null references account (account_id),
    name        text not null check (length(name) between 1 and 200),
    title       text,
    department  text not null,
    level       text not null,
    email       text,
    phone       text,
    created_at  text not null,
    updated_at  text not null
);
create index person_account on person (account_id);
create index person_email on person (email);

-- Where a person sat when: account, title, department, level over a period.
create table position (
    position_id blob primary key,
    person_id   blob not null references person (person_id),
    account_id  blob not null references account (account_id),
    title       text,
    department  text not null,
    level       text not null,
    valid_from  date not null,
    valid_to    date,
    check (valid_to is null or valid_to >= valid_from)
);
create index position_person on position (person_id);
create index position_account on position (account_id);

-- Solid and dotted reporting lines with validity, so the chain "as of" a date can be read.
create table reporting_line (
    reporting_line_id blob primary key,
    account_id  blob not null references account (account_id),
    person_id   blob not null references person (person_id),
    manager_id  blob not null references person (person_id),
    kind        text not null check (kind in ('solid', 'dotted')),
    valid_from  date not null,
    valid_to    date,
    check (person_id <> manager_id),
    check (valid_to is null or valid_to >= valid_from)
);
create index reporting_line_account on reporting_line (account_id);
create index reporting_line_person on reporting_line (person_id);

create table opportunity (
    opportunity_id      blob primary key,
    account_id          blob not null references account (account_id),
    name                text not null check (length(name) between 1 and 200),
    amount_minor        integer not null check (amount_minor >= 0),
    currency            text not null check (length(currency) = 3),
    stage               text not null,
    expected_sign_date  date,
    outcome             text not null check (outcome in ('open', 'won', 'lost')),
    owner_id            blob references employee (employee_id),
    note                text,
    methodology_version text not null,
    created_at          text not null,
    updated_at          text not null
);
create index opportunity_account on opportunity (account_id);

create table stage_change (
    stage_change_id     blob primary key,
    opportunity_id      blob not null references opportunity (opportunity_id),
    account_id          blob not null references account (account_id),
    stage               text not null,
    outcome             text not null check (outcome in ('open', 'won', 'lost')),
    entered_on          date not null,
    changed_by          blob references employee (employee_id),
    note                text,
    methodology_version text not null,
    recorded_at         text not null
);
create index stage_change_opportunity on stage_change (opportunity_id);

create table opportunity_competitor (
    opportunity_id blob not null references opportunity (opportunity_id),
    competitor_id  blob not null references competitor (competitor_id),
    account_id     blob not null references account (account_id),
    primary key (opportunity_id, competitor_id)
);

-- Our people working the deal, with their part in it (an employee role id).
create table opportunity_team_member (
    opportunity_id blob not null references opportunity (opportunity_id),
    employee_id    blob not null references employee (employee_id),
    account_id     blob not null references account (account_id),
    role           text not null,
    primary key (opportunity_id, employee_id)
);

create table decision_chain_member (
    member_id              blob primary key,
    opportunity_id         blob not null references opportunity (opportunity_id),
    account_id             blob not null references account (account_id),
    person_id              blob not null references person (person_id),
    buying_role            text not null,
    influence              integer check (influence between 1 and 5),
    attitude               integer not null check (attitude between -2 and 2),
    favoured_competitor_id blob references competitor (competitor_id),
    note                   text,
    updated_at             text not null,
    constraint decision_chain_member_unique unique (opportunity_id, person_id)
);
create index decision_chain_member_account on decision_chain_member (account_id);

-- One row per edge; its history of assessments is in `assessment`.
create table relationship (
    relationship_id   blob primary key,
    account_id        blob references account (account_id),
    kind              text not null check (kind in ('employee_person', 'person_person', 'competitor_person', 'employee_employee')),
    employee_id       blob references employee (employee_id),
    person_id         blob references person (person_id),
    other_person_id   blob references person (person_id),
    competitor_id     blob references competitor (competitor_id),
    other_employee_id blob references employee (employee_id),
    tie               text check (tie in ('influences', 'informal')),
    strength          integer not null check (strength between 0 and 5),
    assessed_at       text not null,
    -- One edge per pair: kind, tie and the ends in a canonical order (symmetric ties
    -- sorted), built by the store. A unique key over nullable columns would let
    -- duplicates through, since nulls never compare equal.
    ends_key          text not null,
    constraint relationship_ends_key_unique unique (ends_key),
    check (
        (kind = 'employee_person' and employee_id is not null and person_id is not null and account_id is not null)
     or (kind = 'person_person' and person_id is not null and other_person_id is not null and tie is not null and account_id is not null)
     or (kind = 'competitor_person' and competitor_id is not null and person_id is not null and account_id is not null)
     or (kind = 'employee_employee' and employee_id is not null and other_employee_id is not null)
    )
);
create index relationship_account on relationship (account_id);
create index relationship_employee on relationship (employee_id);
create index relationship_person on relationship (person_id);

create table assessment (
    assessment_id   blob primary key,
    relationship_id blob not null references relationship (relationship_id),
    account_id      blob references account (account_id),
    strength        integer not null check (strength between 0 and 5),
    source          text not null check (source in ('judgement', 'import', 'interaction')),
    assessed_by     blob references employee (employee_id),
    assessed_at     text not null,
    note            text,
    methodology_version text not null
);
create index assessment_relationship on assessment (relationship_id);

create table interaction (
    interaction_id blob primary key,
    account_id     blob not null references account (account_id),
    opportunity_id blob references opportunity (opportunity_id),
    kind           text not null,
    occurred_on    date not null,
    subject        text,
    note           text,
    created_at     text not null
);
create index interaction_account on interaction (account_id, occurred_on);

create table interaction_employee (
    interaction_id blob not null references interaction (interaction_id),
    employee_id    blob not null references employee (employee_id),
    account_id     blob not null references account (account_id),
    primary key (interaction_id, employee_id)
);

create table interaction_person (
    interaction_id blob not null references interaction (interaction_id),
    person_id      blob not null references person (person_id),
    account_id     blob not null references account (account_id),
    primary key (interaction_id, person_id)
);

create table support_resource (
    support_resource_id blob primary key,
    name        text not null check (length(name) between 1 and 200),
    kind        text not null,
    capacity    integer not null check (capacity >= 0),
    unit        text,
    employee_id blob references employee (employee_id),
    created_at  text not null,
    updated_at  text not null
);
