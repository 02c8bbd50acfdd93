-- Sessions and API tokens that end when what they stand for changes: a security stamp per user (a new one on every
-- change of role, password or status ends the user's sessions), disabled users, failed sign-ins with a growing
-- lockout, token expiry, and the national role (ministry, NZa, inspectorates). SQLite cannot change a CHECK
-- constraint, so users and api_clients are rebuilt; no table refers to either.

CREATE TABLE users_new (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'national', 'admin')),
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
INSERT INTO users_new (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, security_stamp)
    SELECT id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at, id FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE api_clients_new (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'national', 'admin')),
    region_code     TEXT REFERENCES regions (code),
    organisation_id TEXT REFERENCES organisations (id),
    scopes          TEXT NOT NULL,
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT,
    expires_at      TEXT
) STRICT;
INSERT INTO api_clients_new (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at, revoked_at)
    SELECT id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at, revoked_at FROM api_clients;
DROP TABLE api_clients;
ALTER TABLE api_clients_new RENAME TO api_clients;

-- A region's case references are one child regardless of letter case.
CREATE UNIQUE INDEX requests_region_case_reference_any_case ON requests (region_code, lower(case_reference));
