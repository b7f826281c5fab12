-- The deal's primary contact, as CRMs mark one contact role (Salesforce's
-- OpportunityContactRole.IsPrimary): kept on import and shown beside the chain.
alter table decision_chain_member add column is_primary integer not null default 0;
