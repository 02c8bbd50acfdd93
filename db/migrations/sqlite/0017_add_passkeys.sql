-- Passkeys (WebAuthn) as the other second factor, and their single-use challenges (see the PostgreSQL file).

CREATE TABLE passkeys (
    credential_id TEXT NOT NULL PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_code   TEXT,
    public_key    BLOB NOT NULL,
    sign_count    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT
) STRICT;
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE passkey_challenges (
    id         TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    options    TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX passkey_challenges_user ON passkey_challenges (user_id);
