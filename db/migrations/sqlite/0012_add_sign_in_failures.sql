-- Failed sign-ins and unknown API tokens (see the PostgreSQL file: there every node of a cluster shares these rows):
--   password@ADDRESS, token@ADDRESS   failures from one client address in a one-minute window (forget_at ends it)
--   account:HASH@ADDRESS              sign-in attempts at one account from one address since its last success, with
--                                     the growing wait they earned (locked_until); forgotten a day after the last one
-- users.failed_sign_ins and users.locked_until are no longer used.

CREATE TABLE sign_in_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    forget_at    TEXT NOT NULL,
    locked_until TEXT
) STRICT;
CREATE INDEX sign_in_failures_forget_at ON sign_in_failures (forget_at);
