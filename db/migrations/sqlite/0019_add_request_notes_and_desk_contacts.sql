-- Follow-up on a filed child (issue 21): what the caseworker adds (information, why the urgency changed) and what the
-- expertise network asks the desk (widen the distance), each a line in the child's dossier. Free text about a child,
-- so in its own table that the retention run empties with the request, not in the audit log.
-- The desk's contact per region (zorgbemiddelingstafel): a functional phone number and mailbox, never a person's.

CREATE TABLE request_notes (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    request_id  TEXT NOT NULL REFERENCES requests (id),
    kind        TEXT NOT NULL CHECK (kind IN ('information', 'urgency-changed', 'distance-asked')),
    text        TEXT NOT NULL,
    -- urgency-changed: 'from>to'; distance-asked: the child's maximum distance (km) when the network asked.
    detail      TEXT,
    author_id   TEXT NOT NULL,
    author_role TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX request_notes_request ON request_notes (region_code, request_id, created_at);

ALTER TABLE regions ADD COLUMN desk_phone TEXT;
ALTER TABLE regions ADD COLUMN desk_email TEXT;
