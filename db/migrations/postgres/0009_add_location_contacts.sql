-- Who a desk calls or mails about a place: the intake contact of a provider's location, kept by the provider.
-- Its own table, so a contact change never touches an offering row (whose version guards its grain's writes).
-- Mirrors the SQLite file.

CREATE TABLE location_contacts (
    location_id uuid PRIMARY KEY REFERENCES locations (id),
    phone       text,
    email       text,
    updated_at  timestamptz NOT NULL,
    updated_by  uuid
);
