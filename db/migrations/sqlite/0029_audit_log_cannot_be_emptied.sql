-- The retention run's door (audit_log_purge) opens only for audit entries older than the shortest audit retention the
-- engine allows, 60 months: a session that sets purge_before itself still cannot remove a younger entry. (SQLite has no
-- TRUNCATE; a DELETE without WHERE meets the same trigger.) Mirrors postgres/0029.

DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= coalesce((SELECT purge_before FROM audit_log_purge WHERE id = 1), '')
  OR OLD.at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 months')
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
