-- The ends key becomes a named unique index instead of a table constraint: the
-- same rule, but an index a bulk import into an empty table can drop and build
-- once from sorted keys at the end (inserting a million random 85-character keys
-- one by one was most of the relationship load). Its column is compared byte by
-- byte: it is built from ids and fixed words, and under a linguistic collation
-- every comparison went through the locale.
--
-- Only person-to-person ties have a second person and only employee-to-employee
-- ties a second employee: indexing the other rows' nulls cost a bulk import two
-- full indexes that no lookup uses. `other_person_id = $1` implies `is not null`,
-- so lookups still use the partial indexes.
alter table relationship drop constraint relationship_ends_key_unique;
alter table relationship alter column ends_key type text collate "C";
create unique index relationship_ends_key_unique on relationship (ends_key);
drop index relationship_other_person;
drop index relationship_other_employee;
create index relationship_other_person on relationship (other_person_id) where other_person_id is not null;
create index relationship_other_employee on relationship (other_employee_id) where other_employee_id is not null;
