-- Follow-up on a filed child (issue 21). Mirrors sqlite/0019_add_request_notes_and_desk_contacts.sql.

CREATE TABLE request_notes (
    id          uuid PRIMARY KEY,
    region_code text NOT NULL REFERENCES regions (code),
    request_id  uuid NOT NULL REFERENCES requests (id),
    kind        text NOT NULL CHECK (kind IN ('information', 'urgency-changed', 'distance-asked')),
    text        text NOT NULL,
    -- urgency-changed: 'from>to'; distance-asked: the child's maximum distance (km) when the network asked.
    detail      text,
    author_id   uuid NOT NULL,
    author_role text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX request_notes_request ON request_notes (region_code, request_id, created_at);

ALTER TABLE regions ADD COLUMN desk_phone text;
ALTER TABLE regions ADD COLUMN desk_email text;
