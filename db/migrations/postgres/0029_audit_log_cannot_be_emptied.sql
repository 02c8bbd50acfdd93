-- The audit log (NEN 7513) cannot be emptied with TRUNCATE, which passes by row triggers, and the retention run's door
-- (audit_log_purge) opens only for entries older than the shortest audit retention the engine allows, 60 months: a
-- session that sets purge_before itself still cannot remove a younger entry. Mirrors sqlite/0029.

CREATE OR REPLACE FUNCTION audit_log_refuses_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuses_truncate();

CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.at < (SELECT purge_before FROM audit_log_purge WHERE id = 1) AND OLD.at < now() - interval '60 months' THEN
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
