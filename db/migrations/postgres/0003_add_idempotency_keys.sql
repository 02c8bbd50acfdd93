-- The first result of a write sent with an Idempotency-Key header, per caller, so a retry (after a time-out or a
-- failed node) gets that result back and changes nothing. Written in the same transaction as the write itself.
-- The outbox is now only the change log that nodes catch up from; nothing marks rows dispatched any more.

CREATE TABLE idempotency_keys (
    actor_id        uuid NOT NULL,
    idempotency_key text NOT NULL,
    fingerprint     text NOT NULL,
    result          text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (actor_id, idempotency_key)
);

DROP INDEX outbox_pending;
