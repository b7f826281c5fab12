-- A methodology is identified by its content as well as its declared version:
-- the digest catches files edited under an unchanged version, and the files let a
-- deal keep an earlier version's win steps until the new version is adopted.
alter table methodology_snapshot add column digest text;
alter table methodology_snapshot add column files text;
