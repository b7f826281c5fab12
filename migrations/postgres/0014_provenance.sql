-- Who recorded each judgement: the token's name, the configured local author or
-- "command line", beside the employee it is attributed to; and where a
-- decision-chain judgement came from.
alter table assessment add column recorded_by text;
alter table decision_chain_member add column recorded_by text;
alter table decision_chain_member add column source text not null default 'judgement';
alter table qualification_answer add column recorded_by text;
