-- What-if runs for purchasing (inkoop): the inputs a municipality tried, the policy version the matcher ran under and
-- the aggregate result (never a child), so a run can be read back and exported later exactly as it was computed.
-- Mirrors the SQLite file.

CREATE TABLE what_if_runs (
    id             uuid PRIMARY KEY,
    region_code    text NOT NULL REFERENCES regions (code),
    kind           text NOT NULL CHECK (kind IN ('purchase', 'contract', 'sweep')),
    created_at     timestamptz NOT NULL,
    created_by     uuid,
    policy_version text NOT NULL,
    solve_millis   bigint NOT NULL,
    inputs         text NOT NULL,
    result         text NOT NULL
);
CREATE INDEX what_if_runs_region ON what_if_runs (region_code, created_at);
