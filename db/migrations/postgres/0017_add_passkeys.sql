-- Passkeys (WebAuthn) as the other second factor beside TOTP (issue 20, item 2).
--   passkeys            one row per credential a person enrolled: the credential id (base64url, as the browser names it),
--                       the COSE public key, the authenticator's signature counter (a use must raise it, or both stay 0:
--                       a counter that goes back means a cloned key and is refused), the user and their region.
--                       'users reset-mfa' deletes them.
--   passkey_challenges  the options (with the random challenge) given to the browser for one enrolment or one sign-in,
--                       kept here and not in the browser: taken (deleted) by the answer, so it is used once; refused
--                       after expires_at (5 minutes).
-- Mirrors the SQLite file.

CREATE TABLE passkeys (
    credential_id text NOT NULL PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_code   text,
    public_key    bytea NOT NULL,
    sign_count    bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz
);
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE passkey_challenges (
    id         uuid NOT NULL PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL,
    options    text NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX passkey_challenges_user ON passkey_challenges (user_id);
