-- API tokens: who may call the API, in which role, over which accounts. Only a
-- hash of each secret is kept; the secret is shown once, when it is created.

create table api_token (
    api_token_id uuid primary key,
    name         text not null,
    role         text not null check (role in ('admin', 'coach', 'member', 'viewer')),
    secret_hash  text not null unique,
    created_at   timestamptz not null,
    revoked_at   timestamptz
);

create table api_token_account (
    api_token_id uuid not null references api_token (api_token_id),
    account_id   uuid not null references account (account_id),
    primary key (api_token_id, account_id)
);
