-- Matching rounds a desk ran, with the proposals and explanations as the matcher returned them,
-- and the link from a hold to the round (and the sibling group) it came from.

CREATE TABLE matching_rounds (
    id             TEXT PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    policy_version TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT,
    requests       INTEGER NOT NULL,
    placed         INTEGER NOT NULL,
    solve_millis   INTEGER NOT NULL,
    result         TEXT NOT NULL
) STRICT;
CREATE INDEX matching_rounds_region ON matching_rounds (region_code, created_at);

ALTER TABLE holds ADD COLUMN matching_round_id TEXT REFERENCES matching_rounds (id);
ALTER TABLE holds ADD COLUMN sibling_group TEXT;

-- Which provider an outbox event is also for (proposals, holds and availability go to the provider too).
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
