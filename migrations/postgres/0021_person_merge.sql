-- People merged into others: which record was dropped into which, and what it
-- was called, so an erasure of the kept person also finds every mention of the
-- names, e-mails and phones the dropped records had (and clears this row).
create table person_merge (
    kept_id       uuid not null,
    dropped_id    uuid not null primary key,
    account_id    uuid not null references account (account_id),
    dropped_name  text not null,
    dropped_email text,
    dropped_phone text,
    merged_at     timestamptz not null
);
create index person_merge_kept on person_merge (kept_id);
