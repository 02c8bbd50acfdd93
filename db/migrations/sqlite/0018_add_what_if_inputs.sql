-- The what-if input of the day (docs/open-data.md#what-if-runs-gemeentewat-als): the first what-if run, sweep or contract
-- option list of a UTC day freezes the matcher's input for the region (its waiting children as the matcher sees them, and
-- the places of their care types) and every run of that day computes on this row, so two runs on one day see the same
-- children whatever is registered, placed or withdrawn between them, and cannot be differenced over time.
-- body: the matching instance as JSON, the children under run-local pseudonyms (k1, k2, ...; sibling groups g1, ...), no
-- case reference, no date of birth (ages in whole years), no name. Kept one day: freezing a region's new day deletes its
-- older days in the same transaction, and the retention run deletes every day before today. The published results of
-- the runs stay in what_if_runs. The primary key lets the first writer of two nodes win (ON CONFLICT DO NOTHING, then
-- read back). Mirrors postgres/0018_add_what_if_inputs.sql.

CREATE TABLE what_if_inputs (
    day         TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    frozen_at   TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (day, region_code)
) STRICT;
