-- Event webhooks: subscriptions, an outbox written in the changes' own
-- transactions (so no committed change is missed and no rolled-back one is
-- told), and deliveries with their attempts, for retries and resending.
create table webhook_subscription (
    webhook_id  uuid primary key,
    url         text not null,
    events      text not null,
    secret      text not null,
    created_by  text not null,
    created_at  timestamptz not null
);

create table webhook_outbox (
    outbox_id      uuid primary key,
    audit_entry_id uuid not null,
    action         text not null,
    entity_id      uuid,
    account_id     uuid,
    before_json    text,
    after_json     text
);

create table webhook_delivery (
    delivery_id     uuid primary key,
    webhook_id      uuid not null references webhook_subscription (webhook_id),
    event           text not null,
    event_key       text not null,
    payload         text not null,
    status          text not null check (status in ('pending', 'delivered', 'failed')),
    attempts        integer not null default 0,
    last_error      text,
    next_attempt_at bigint not null, -- unix seconds
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    unique (webhook_id, event_key)
);
create index webhook_delivery_due on webhook_delivery (status, next_attempt_at);
