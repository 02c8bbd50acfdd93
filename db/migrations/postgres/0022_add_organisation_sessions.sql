-- Sessions opened through an organisation's identity provider, kept server-side so that the provider can end them
-- (issue 20: a person removed at the identity provider loses access at the next request).
--   organisation_sessions  one row per Matchmaker session opened through a provider; the session cookie names its id.
--                          Every request of such a session reads its row (every node, the same answer): ended_at set
--                          means the cookie is refused. subject and provider_session (the ID token's sub and sid) are
--                          what a back-channel logout names. refresh_token is the provider's refresh token, protected
--                          with the shared key ring (never in plain text); next_check_at is when the session is next
--                          re-checked at the provider (IdentityProviders:NAME:RevalidateSeconds), checked_at the last
--                          time the provider said yes. Rows are deleted a day after their end.
--   organisation_logout_tokens  the jti of every back-channel logout token accepted, so that none is accepted twice;
--                          deleted a day after they arrived (a token is refused after minutes anyway: its iat).
-- Mirrors the SQLite file.

CREATE TABLE organisation_sessions (
    id               text NOT NULL PRIMARY KEY,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_code      text,
    provider         text NOT NULL,
    subject          text NOT NULL,
    provider_session text,
    refresh_token    text,
    started_at       timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    checked_at       timestamptz NOT NULL,
    next_check_at    timestamptz NOT NULL,
    ended_at         timestamptz,
    ended_why        text
);
CREATE INDEX organisation_sessions_subject ON organisation_sessions (provider, subject);
CREATE INDEX organisation_sessions_provider_session ON organisation_sessions (provider, provider_session);
CREATE INDEX organisation_sessions_ends ON organisation_sessions (ends_at);

CREATE TABLE organisation_logout_tokens (
    provider    text NOT NULL,
    jti         text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (provider, jti)
);
CREATE INDEX organisation_logout_tokens_received ON organisation_logout_tokens (received_at);
