-- PostgreSQL's e-mail index now matches this tree's (person (email)); nothing
-- changes here. Kept so both trees carry the same versions.
select 1;
