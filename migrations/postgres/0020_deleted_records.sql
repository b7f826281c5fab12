-- Deleted records, kept to be restored for a window and then purged: each
-- deletion takes the record and everything that hangs on it (a person's ties,
-- their assessments, positions, reporting lines, chain places; a deal's history)
-- out of the live tables, so every read, score, path, report and export leaves
-- them out without a filter, and keeps those rows here in guanxi's own export
-- format until `purge_after`.
create table deleted_record (
    deleted_record_id uuid primary key,
    entity            text not null check (entity in ('person', 'relationship', 'interaction', 'improvement_point', 'opportunity')),
    record_id         uuid not null,
    account_id        uuid references account (account_id),
    label             text not null,
    deleted_at        timestamptz not null,
    deleted_by        text not null,
    purge_after       bigint not null, -- unix seconds: compared, never shown
    rows_json         text not null
);
create index deleted_record_record on deleted_record (record_id);
create index deleted_record_account on deleted_record (account_id, deleted_at);
create index deleted_record_purge on deleted_record (purge_after);
