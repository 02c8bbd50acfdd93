-- Sign-in through the organisation's own identity provider (OpenID Connect, issue 20, item 1).
--   organisation_logins  who a provider's person is in Matchmaker: the token's issuer and subject (the person's stable
--                        id at that identity provider) name one user; role, region and organisation stay on the user
--                        row. Written by 'users link-login' (linked_by 'command-line'), or at the first sign-in by a
--                        verified e-mail address when the provider is configured to match by e-mail (linked_by
--                        'email:PROVIDER'). The client secret is configuration, never here.
-- Mirrors the SQLite file.

CREATE TABLE organisation_logins (
    issuer    text NOT NULL,
    subject   text NOT NULL,
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_by text NOT NULL,
    linked_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX organisation_logins_user ON organisation_logins (user_id);
