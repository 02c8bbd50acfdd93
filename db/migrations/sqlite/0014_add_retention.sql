-- Retention (AVG, NEN 7513; see docs/security.md#retention). Mirrors postgres/0014_add_retention.sql.
-- requests.reduced_at: when the engine's retention run reduced a closed request to what the figures need (NULL: not yet).
-- audit_log stays append-only, with two narrow exceptions the retention run uses inside its own transaction:
--   * a row may be deleted only when it is older than audit_log_purge.purge_before, which the run sets to its cut-off and
--     clears again before it commits (NULL the rest of the time, so no other delete gets through);
--   * a row's detail may be changed, and nothing else, only to a text that carries the marker '[vervallen]'
--     (free text and case references of a reduced request replaced; who, what, when and which subject stay).

ALTER TABLE requests ADD COLUMN reduced_at TEXT;

CREATE TABLE audit_log_purge (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    purge_before TEXT
) STRICT;
INSERT INTO audit_log_purge (id, purge_before) VALUES (1, NULL);

DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id AND NEW.actor_kind = OLD.actor_kind
          AND NEW.role IS OLD.role AND NEW.organisation_id IS OLD.organisation_id AND NEW.region_code IS OLD.region_code
          AND NEW.action = OLD.action AND NEW.subject_type = OLD.subject_type AND NEW.subject_id IS OLD.subject_id
          AND NEW.detail LIKE '%[vervallen]%')
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= coalesce((SELECT purge_before FROM audit_log_purge WHERE id = 1), '')
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
