-- People's e-mails are stored lower-cased and looked up as stored (`email = $1`),
-- which an index on lower(email) never serves: index the column itself, as the
-- SQLite tree does.
drop index if exists person_email;
create index person_email on person (email);
