-- What-if runs for purchasing (inkoop): the inputs a municipality tried, the policy version the matcher ran under and
-- the aggregate result (never a child), so a run can be read back and exported later exactly as it was computed.

CREATE TABLE what_if_runs (
    id             TEXT PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    kind           TEXT NOT NULL CHECK (kind IN ('purchase', 'contract', 'sweep')),
    created_at     TEXT NOT NULL,
    created_by     TEXT,
    policy_version TEXT NOT NULL,
    solve_millis   INTEGER NOT NULL,
    inputs         TEXT NOT NULL,
    result         TEXT NOT NULL
) STRICT;
CREATE INDEX what_if_runs_region ON what_if_runs (region_code, created_at);
