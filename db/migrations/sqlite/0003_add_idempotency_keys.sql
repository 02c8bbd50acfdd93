-- The first result of a write sent with an Idempotency-Key header, per caller, so a retry (after a time-out or a
-- failed node) gets that result back and changes nothing. Written in the same transaction as the write itself.
-- The outbox is now only the change log that nodes catch up from; nothing marks rows dispatched any more.

CREATE TABLE idempotency_keys (
    actor_id        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    result          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (actor_id, idempotency_key)
) STRICT;

DROP INDEX outbox_pending;
