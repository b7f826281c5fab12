-- Digest items sent, per reader (an e-mail address, or a team's webhook), so
-- that each item reaches each reader once.
create table digest_sent (
    reader   text not null,
    item_key text not null,
    sent_at  text not null,
    primary key (reader, item_key)
);
