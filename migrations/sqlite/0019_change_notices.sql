-- PostgreSQL announces account and organisation changes to the other servers
-- over the same database (LISTEN/NOTIFY); a SQLite file is served by one
-- process, which knows its own writes. Kept so both trees carry the same versions.
select 1;
