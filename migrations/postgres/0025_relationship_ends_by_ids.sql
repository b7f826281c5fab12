-- One edge per pair, held by the ends' own ids instead of a text key built from
-- them. The 76-character `ends_key` repeated each row's ids as text: 76 MB of a
-- million-tie table and an 82 MB index that a bulk import built at its end. Each
-- kind of tie now has a unique index over its two ends; symmetric ties (informal,
-- employee to employee) index their ends in sorted order, so A–B and B–A are one
-- edge; "influences" is directed and keeps its order.
--
-- The employee-to-person index replaces the index on `employee_id` alone: a
-- lookup by employee uses its first column. Rows of other kinds have no person
-- or no employee, and nulls never clash, so the one index holds only the rule it
-- is for.
alter table relationship drop column ends_key;
drop index relationship_employee;
create unique index relationship_employee_person on relationship (employee_id, person_id);
create unique index relationship_influence on relationship (person_id, other_person_id)
    where tie = 'influences';
create unique index relationship_informal on relationship (least(person_id, other_person_id), greatest(person_id, other_person_id))
    where tie = 'informal';
create unique index relationship_competitor_person on relationship (competitor_id, person_id)
    where competitor_id is not null;
create unique index relationship_employees on relationship (least(employee_id, other_employee_id), greatest(employee_id, other_employee_id))
    where other_employee_id is not null;
