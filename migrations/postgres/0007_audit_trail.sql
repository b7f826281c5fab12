-- The audit trail: every change with its author, time, and the record before and
-- after, written in the change's own transaction. An import is one entry with its
-- counts per table, not one per row.

create table audit_entry (
    audit_entry_id  uuid primary key,
    at              timestamptz not null,
    author_token_id uuid,
    author_name     text not null,
    author_role     text not null,
    action          text not null,
    entity          text not null,
    entity_id       uuid,
    account_id      uuid,
    before_json     text,
    after_json      text
);

create index audit_entry_at on audit_entry (at);
create index audit_entry_account on audit_entry (account_id, at);
create index audit_entry_author on audit_entry (author_name, at);

-- The customer people an entry concerns (an interaction concerns several).
create table audit_entry_person (
    audit_entry_id uuid not null references audit_entry (audit_entry_id),
    person_id      uuid not null,
    primary key (person_id, audit_entry_id)
);
