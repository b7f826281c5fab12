-- Token lifetimes: an expiry, the last use, and the secret a rotation replaced,
-- still accepted until its grace period ends.
alter table api_token add column expires_at timestamptz;
alter table api_token add column last_used_at timestamptz;
alter table api_token add column rotated_at timestamptz;
alter table api_token add column previous_secret_hash text;
alter table api_token add column previous_valid_until timestamptz;
create unique index api_token_previous_secret on api_token (previous_secret_hash);
