-- Sessions opened through an organisation's identity provider, kept server-side (see the PostgreSQL file).

CREATE TABLE organisation_sessions (
    id               TEXT NOT NULL PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_code      TEXT,
    provider         TEXT NOT NULL,
    subject          TEXT NOT NULL,
    provider_session TEXT,
    refresh_token    TEXT,
    started_at       TEXT NOT NULL,
    ends_at          TEXT NOT NULL,
    checked_at       TEXT NOT NULL,
    next_check_at    TEXT NOT NULL,
    ended_at         TEXT,
    ended_why        TEXT
) STRICT;
CREATE INDEX organisation_sessions_subject ON organisation_sessions (provider, subject);
CREATE INDEX organisation_sessions_provider_session ON organisation_sessions (provider, provider_session);
CREATE INDEX organisation_sessions_ends ON organisation_sessions (ends_at);

CREATE TABLE organisation_logout_tokens (
    provider    TEXT NOT NULL,
    jti         TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider, jti)
) STRICT;
CREATE INDEX organisation_logout_tokens_received ON organisation_logout_tokens (received_at);
