-- A version for what is not inside any one account but shapes every account's graph:
-- employee–employee ties and employee status. Bumped in the same transaction as such
-- writes; graph caches key on (account version, org version).
create table org_version (
    org_version_id integer primary key check (org_version_id = 1),
    version        integer not null
);
insert into org_version (org_version_id, version) values (1, 0);
