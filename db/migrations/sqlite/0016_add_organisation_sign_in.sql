-- Sign-in through the organisation's own identity provider (see the PostgreSQL file).

CREATE TABLE organisation_logins (
    issuer    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_by TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
) STRICT;
CREATE INDEX organisation_logins_user ON organisation_logins (user_id);
