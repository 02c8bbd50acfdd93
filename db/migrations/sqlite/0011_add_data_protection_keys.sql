-- The data-protection key ring (cookies, antiforgery tokens, and later webhook secrets): one row per key, as
-- ASP.NET Core's key manager writes it, already encrypted with the key ring's certificate. Keys are never changed or
-- deleted by Matchmaker; an expired key still decrypts old cookies until they are gone.

CREATE TABLE data_protection_keys (
    friendly_name TEXT PRIMARY KEY,
    xml           TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;
