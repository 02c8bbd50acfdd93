-- The national re-match as published on a UTC day (docs/open-data.md): the first view of the day computes it in the
-- heavy lane and stores it here; every later view that day, on any node, reads this row, so two views cannot be
-- differenced around a registration. body: the protected figures as JSON (hidden counts stored as 0; never a child).
-- Mirrors postgres/0021_add_rematch_snapshots.sql.

CREATE TABLE rematch_snapshots (
    day         TEXT NOT NULL PRIMARY KEY,
    computed_at TEXT NOT NULL,
    body        TEXT NOT NULL
) STRICT;
