-- Retention (AVG, NEN 7513; see docs/security.md#retention). Mirrors sqlite/0014_add_retention.sql.
-- requests.reduced_at: when the engine's retention run reduced a closed request to what the figures need (NULL: not yet).
-- audit_log stays append-only, with two narrow exceptions the retention run uses inside its own transaction:
--   * a row may be deleted only when it is older than audit_log_purge.purge_before, which the run sets to its cut-off and
--     clears again before it commits (NULL the rest of the time, so no other delete gets through);
--   * a row's detail may be changed, and nothing else, only to a text that carries the marker '[vervallen]'
--     (free text and case references of a reduced request replaced; who, what, when and which subject stay).

ALTER TABLE requests ADD COLUMN reduced_at timestamptz;

CREATE TABLE audit_log_purge (
    id     integer PRIMARY KEY CHECK (id = 1),
    purge_before timestamptz
);
INSERT INTO audit_log_purge (id, purge_before) VALUES (1, NULL);

CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.at < (SELECT purge_before FROM audit_log_purge WHERE id = 1) THEN
            RETURN OLD;
        END IF;
    ELSIF ROW(NEW.id, NEW.at, NEW.actor_id, NEW.actor_kind, NEW.role, NEW.organisation_id, NEW.region_code, NEW.action,
              NEW.subject_type, NEW.subject_id)
          IS NOT DISTINCT FROM ROW(OLD.id, OLD.at, OLD.actor_id, OLD.actor_kind, OLD.role, OLD.organisation_id, OLD.region_code,
              OLD.action, OLD.subject_type, OLD.subject_id)
          AND NEW.detail LIKE '%[vervallen]%' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
