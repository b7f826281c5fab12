-- A revision per editable record, raised by every update: an editor sends the
-- revision they read, and a stale one is refused instead of overwriting a
-- colleague's change.

alter table account add column revision integer not null default 1;
alter table person add column revision integer not null default 1;
alter table employee add column revision integer not null default 1;
alter table competitor add column revision integer not null default 1;
alter table opportunity add column revision integer not null default 1;
alter table support_request add column revision integer not null default 1;
