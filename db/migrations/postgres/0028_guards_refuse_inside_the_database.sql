-- A change's statements, its audit and change-log rows and its COMMIT travel to PostgreSQL in one round trip (issue 23).
-- A guard (an UPDATE … RETURNING that must find its row) then has to stop the rest of that round trip itself: the engine
-- wraps it as `WITH guarded AS (…) SELECT matchmaker_guard_found(count(*), N) FROM guarded`, and a guard that found no
-- row raises here, so PostgreSQL skips every later statement, the COMMIT too, and the engine answers guard N's refusal.
-- SQLite keeps its separate commit (no network between the engine and the file): nothing to add there but the number
-- (sqlite/0028_guards_refuse_inside_the_database.sql).

CREATE FUNCTION matchmaker_guard_found(found_rows bigint, guard integer) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    IF found_rows = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'MMG01', MESSAGE = guard::text;
    END IF;
    RETURN found_rows;
END
$$;
