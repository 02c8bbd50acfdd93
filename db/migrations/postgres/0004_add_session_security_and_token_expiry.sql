-- Sessions and API tokens that end when what they stand for changes: a security stamp per user (a new one on every
-- change of role, password or status ends the user's sessions), disabled users, failed sign-ins with a growing
-- lockout, token expiry, and the national role (ministry, NZa, inspectorates). Mirrors the SQLite file.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'national', 'admin'));
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
ALTER TABLE users ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until timestamptz;
UPDATE users SET security_stamp = id::text;

ALTER TABLE api_clients DROP CONSTRAINT api_clients_role_check;
ALTER TABLE api_clients ADD CONSTRAINT api_clients_role_check
    CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'national', 'admin'));
ALTER TABLE api_clients ADD COLUMN expires_at timestamptz;

-- A region's case references are one child regardless of letter case.
CREATE UNIQUE INDEX requests_region_case_reference_any_case ON requests (region_code, lower(case_reference));
