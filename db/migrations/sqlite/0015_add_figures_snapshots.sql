-- The published figures, frozen per day (docs/open-data.md#publicatiebeleid): the first request of a UTC day computes a
-- scope's protected tables (a region's shortage, or the national table for one care type or all) and stores them here;
-- every later page, download and API call that day reads this row, so two downloads cannot be differenced. The primary
-- key makes the first writer win when two nodes compute at once (INSERT ... ON CONFLICT DO NOTHING, then read back).
-- body: the protected tables as JSON (hidden counts already hidden; never a child). region_code is '' for the national
-- scope, care_type '' for all care types. Mirrors postgres/0015_add_figures_snapshots.sql.

CREATE TABLE figures_snapshots (
    day         TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('region', 'national')),
    region_code TEXT NOT NULL,
    care_type   TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (day, scope, region_code, care_type)
) STRICT;
