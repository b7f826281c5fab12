-- Servers over one database tell each other what changed: every bump of an
-- account's version (every write to it) and of the organisation's is announced
-- on the channel `guanxi_changes` when its transaction commits, so each server
-- drops the graph it cached for that account at once (unless already built at
-- that version or later, as the writer's own may be). Ids and versions only. A notice lost
-- (a server reconnecting) costs nothing but memory: every read still checks
-- the version.
create function guanxi_account_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('guanxi_changes',
        json_build_object('account', new.account_id, 'version', new.version)::text);
    return null;
end $$;

create trigger account_changed after update of version on account
    for each row when (old.version is distinct from new.version)
    execute function guanxi_account_changed();

create function guanxi_org_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('guanxi_changes', '{"org":true}');
    return null;
end $$;

create trigger org_changed after update of version on org_version
    for each row when (old.version is distinct from new.version)
    execute function guanxi_org_changed();
