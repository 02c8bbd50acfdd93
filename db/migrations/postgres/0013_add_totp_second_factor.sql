-- A second factor for people who see children's data (issue 20, item 2): TOTP (RFC 6238) with recovery codes.
--   users.totp_secret     the shared secret, encrypted with the data-protection key ring (purpose
--                         Matchmaker.Mfa.Totp.v1); NULL: not enrolled (yet, or again after 'users reset-mfa')
--   users.totp_last_step  the time step of the last code accepted: a code is accepted once, and no older one after it
--   recovery_codes        ten one-time codes per enrolment, SHA-256 hashed (with the user id), used_at once used
-- Mirrors the SQLite file.

ALTER TABLE users ADD COLUMN totp_secret text;
ALTER TABLE users ADD COLUMN totp_last_step bigint;

CREATE TABLE recovery_codes (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
