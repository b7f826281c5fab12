-- "What changed since" reads an account's assessments in order; without this it
-- scanned every assessment of every account.
create index assessment_account on assessment (account_id, assessed_at);
