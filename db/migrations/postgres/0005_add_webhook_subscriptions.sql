-- Webhooks: a system registers a URL and gets a small signed notification when events it may read exist after its
-- cursor; it then pulls them from GET /api/v1/events. Failed deliveries wait longer each time and are visible.

CREATE TABLE webhook_subscriptions (
    id              uuid PRIMARY KEY,
    owner_id        uuid NOT NULL,
    role            TEXT NOT NULL,
    region_code     TEXT,
    organisation_id uuid,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    cursor          bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    last_error      TEXT,
    next_attempt_at timestamptz
);
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_id);
