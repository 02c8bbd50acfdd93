-- On PostgreSQL this migration adds the function that lets a change's guard refuse inside the database, so the change
-- and its COMMIT travel in one round trip (postgres/0028_guards_refuse_inside_the_database.sql). SQLite runs in the
-- process and keeps its separate commit; nothing to add here but the version, so both databases stay at the same number.
SELECT 1;
