-- Every node answers known API tokens from memory on PostgreSQL (issue 23) and forgets them the moment this table
-- changes: any UPDATE or DELETE (a revocation by the admin CLI, an expiry moved, demo tokens removed, an operator's own
-- SQL) notifies every listening node when its transaction commits. New tokens need no notice: unknown ones are always
-- looked up. SQLite has no notifications; there each lookup is in-process and nothing is remembered
-- (sqlite/0027_notify_api_client_changes.sql says so).

CREATE FUNCTION api_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('matchmaker_api_clients', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER api_clients_changed AFTER UPDATE OR DELETE OR TRUNCATE ON api_clients
    FOR EACH STATEMENT EXECUTE FUNCTION api_clients_changed();
