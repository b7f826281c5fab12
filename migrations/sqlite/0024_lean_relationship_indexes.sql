-- The ends key becomes a named unique index instead of a table constraint: the
-- same rule, but an index a bulk import into an empty table can drop and build
-- once from sorted keys at the end (inserting a million random 85-character keys
-- one by one cost the relationship load half its time). SQLite changes a table
-- constraint only by rebuilding the table; its one child, `assessment`, is
-- rebuilt with it, pointing at the new table, so that no row is ever without
-- its parent and the foreign keys stay on throughout.
--
-- Only person-to-person ties have a second person and only employee-to-employee
-- ties a second employee: indexing the other rows' nulls cost a bulk import two
-- full indexes that no lookup uses. `other_person_id = $1` implies `is not null`,
-- so lookups still use the partial indexes.
create table relationship_rebuilt (
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
    -- sorted), built by the store; unique by `relationship_ends_key_unique`.
    ends_key          text not null,
    check (
        (kind = 'employee_person' and employee_id is not null and person_id is not null and account_id is not null)
     or (kind = 'person_person' and person_id is not null and other_person_id is not null and tie is not null and account_id is not null)
     or (kind = 'competitor_person' and competitor_id is not null and person_id is not null and account_id is not null)
     or (kind = 'employee_employee' and employee_id is not null and other_employee_id is not null)
    )
);
create table assessment_rebuilt (
    assessment_id   blob primary key,
    relationship_id blob not null references relationship_rebuilt (relationship_id),
    account_id      blob references account (account_id),
    strength        integer not null check (strength between 0 and 5),
    source          text not null check (source in ('judgement', 'import', 'interaction')),
    assessed_by     blob references employee (employee_id),
    assessed_at     text not null,
    note            text,
    methodology_version text not null,
    recorded_by     text
);
insert into relationship_rebuilt (relationship_id, account_id, kind, employee_id, person_id, other_person_id,
                                  competitor_id, other_employee_id, tie, strength, assessed_at, ends_key)
select relationship_id, account_id, kind, employee_id, person_id, other_person_id,
       competitor_id, other_employee_id, tie, strength, assessed_at, ends_key
from relationship;
insert into assessment_rebuilt (assessment_id, relationship_id, account_id, strength, source, assessed_by,
                                assessed_at, note, methodology_version, recorded_by)
select assessment_id, relationship_id, account_id, strength, source, assessed_by,
       assessed_at, note, methodology_version, recorded_by
from assessment;
drop table assessment;
drop table relationship;
-- Renaming the parent rewrites the child's reference to it.
alter table relationship_rebuilt rename to relationship;
alter table assessment_rebuilt rename to assessment;
create unique index relationship_ends_key_unique on relationship (ends_key);
create index relationship_account on relationship (account_id);
create index relationship_employee on relationship (employee_id);
create index relationship_person on relationship (person_id);
create index relationship_other_person on relationship (other_person_id) where other_person_id is not null;
create index relationship_other_employee on relationship (other_employee_id) where other_employee_id is not null;
create index assessment_relationship on assessment (relationship_id);
create index assessment_account on assessment (account_id, assessed_at);
