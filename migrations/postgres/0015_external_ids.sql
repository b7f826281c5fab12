-- Which record an external system's id names, for records an import matched by
-- name or e-mail to one stored before (created by hand, or by another system):
-- a later file of that system referring to the id finds the same record.
create table external_id (
    external_id_id uuid primary key,
    system         text not null,
    kind           text not null,
    external_key   text not null,
    record_id      uuid not null,
    account_id     uuid references account (account_id),
    unique (system, kind, external_key)
);

create index external_id_record on external_id (record_id);
