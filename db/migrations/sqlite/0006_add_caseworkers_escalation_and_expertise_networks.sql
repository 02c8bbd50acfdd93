-- A caseworker (jeugdbeschermer) files a request and follows only the children they filed; a desk escalates a child it
-- cannot place to its region's bovenregionaal expertisenetwerk (BEN) with a reason; a network user works for the
-- network of the region they are seated in and sees the escalated children of all its regions. SQLite cannot change a
-- CHECK constraint, so users and api_clients are rebuilt for the network role; no table refers to either.

CREATE TABLE expertise_networks (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;
ALTER TABLE regions ADD COLUMN network_code TEXT REFERENCES expertise_networks (code);

ALTER TABLE requests ADD COLUMN caseworker_id TEXT;
ALTER TABLE requests ADD COLUMN escalated_at TEXT;
ALTER TABLE requests ADD COLUMN escalation_reason TEXT;
CREATE INDEX requests_caseworker ON requests (caseworker_id);

CREATE TABLE users_new (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'network', 'national', 'admin')),
    region_code     TEXT REFERENCES regions (code),
    organisation_id TEXT REFERENCES organisations (id),
    password_hash   TEXT,
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    security_stamp  TEXT NOT NULL DEFAULT '',
    disabled_at     TEXT,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT
) STRICT;
INSERT INTO users_new SELECT id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at,
    security_stamp, disabled_at, failed_sign_ins, locked_until FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE api_clients_new (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'network', 'national', 'admin')),
    region_code     TEXT REFERENCES regions (code),
    organisation_id TEXT REFERENCES organisations (id),
    scopes          TEXT NOT NULL,
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT,
    expires_at      TEXT
) STRICT;
INSERT INTO api_clients_new SELECT id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at, revoked_at, expires_at
    FROM api_clients;
DROP TABLE api_clients;
ALTER TABLE api_clients_new RENAME TO api_clients;
