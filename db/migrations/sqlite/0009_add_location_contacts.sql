-- Who a desk calls or mails about a place: the intake contact of a provider's location, kept by the provider.
-- Its own table, so a contact change never touches an offering row (whose version guards its grain's writes).

CREATE TABLE location_contacts (
    location_id TEXT PRIMARY KEY REFERENCES locations (id),
    phone       TEXT,
    email       TEXT,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT
) STRICT;
