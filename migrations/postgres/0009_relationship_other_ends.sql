-- A person's or an employee's ties are looked up by either end; without these, the
-- second end of `person_id = $1 or other_person_id = $1` scanned every relationship.
create index relationship_other_person on relationship (other_person_id);
create index relationship_other_employee on relationship (other_employee_id);
