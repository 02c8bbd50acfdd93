-- Matching rounds a desk ran, with the proposals and explanations as the matcher returned them,
-- and the link from a hold to the round (and the sibling group) it came from.

CREATE TABLE matching_rounds (
    id             uuid PRIMARY KEY,
    region_code    text NOT NULL REFERENCES regions (code),
    policy_version text NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     uuid,
    requests       integer NOT NULL,
    placed         integer NOT NULL,
    solve_millis   bigint NOT NULL,
    result         text NOT NULL
);
CREATE INDEX matching_rounds_region ON matching_rounds (region_code, created_at);

ALTER TABLE holds ADD COLUMN matching_round_id uuid REFERENCES matching_rounds (id);
ALTER TABLE holds ADD COLUMN sibling_group text;

-- Which provider an outbox event is also for (proposals, holds and availability go to the provider too).
ALTER TABLE outbox ADD COLUMN provider_id uuid;
