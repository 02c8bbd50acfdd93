-- Webhooks: a system registers a URL and gets a small signed notification when events it may read exist after its
-- cursor; it then pulls them from GET /api/v1/events. Failed deliveries wait longer each time and are visible.

CREATE TABLE webhook_subscriptions (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL,
    role            TEXT NOT NULL,
    region_code     TEXT,
    organisation_id TEXT,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    cursor          INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error      TEXT,
    next_attempt_at TEXT
) STRICT;
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_id);
