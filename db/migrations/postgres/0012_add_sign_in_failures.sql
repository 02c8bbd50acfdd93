-- Failed sign-ins and unknown API tokens, counted for the whole cluster (every node reads and writes the same rows):
--   password@ADDRESS, token@ADDRESS   failures from one client address in a one-minute window (forget_at ends it)
--   account:HASH@ADDRESS              sign-in attempts at one account from one address since its last success, with
--                                     the growing wait they earned (locked_until); forgotten a day after the last one
-- HASH is the SHA-256 of the e-mail address typed, so unknown addresses are counted alike and no address is stored.
-- The account-wide columns users.failed_sign_ins and users.locked_until are no longer used: a stranger could keep an
-- account locked for everyone. Mirrors the SQLite file.

CREATE TABLE sign_in_failures (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    forget_at    timestamptz NOT NULL,
    locked_until timestamptz
);
CREATE INDEX sign_in_failures_forget_at ON sign_in_failures (forget_at);
