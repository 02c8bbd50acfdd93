-- A caseworker (jeugdbeschermer) files a request and follows only the children they filed; a desk escalates a child it
-- cannot place to its region's bovenregionaal expertisenetwerk (BEN) with a reason; a network user works for the
-- network of the region they are seated in and sees the escalated children of all its regions. Mirrors the SQLite file.

CREATE TABLE expertise_networks (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
ALTER TABLE regions ADD COLUMN network_code TEXT REFERENCES expertise_networks (code);

ALTER TABLE requests ADD COLUMN caseworker_id uuid;
ALTER TABLE requests ADD COLUMN escalated_at timestamptz;
ALTER TABLE requests ADD COLUMN escalation_reason TEXT;
CREATE INDEX requests_caseworker ON requests (caseworker_id);

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'network', 'national', 'admin'));
ALTER TABLE api_clients DROP CONSTRAINT api_clients_role_check;
ALTER TABLE api_clients ADD CONSTRAINT api_clients_role_check
    CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'network', 'national', 'admin'));
