-- The data-protection key ring that every node shares (cookies, antiforgery tokens, and later webhook secrets): one
-- row per key, as ASP.NET Core's key manager writes it, already encrypted with the certificate from
-- DataProtection:CertificatePath. Keys are never changed or deleted by Matchmaker; an expired key still decrypts old
-- cookies until they are gone. Mirrors the SQLite file.

CREATE TABLE data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL
);
