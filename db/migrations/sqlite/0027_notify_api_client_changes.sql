-- On PostgreSQL this migration adds a trigger that tells every node when api_clients changes, so nodes may answer
-- known API tokens from memory (postgres/0027_notify_api_client_changes.sql). SQLite has no notifications and one node
-- looks each token up in-process; nothing to add here but the version, so both databases stay at the same number.
SELECT 1;
