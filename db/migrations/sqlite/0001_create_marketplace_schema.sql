-- Schema v1 of the marketplace (SQLite). Mirrors postgres/0001_create_marketplace_schema.sql.
-- Identifiers are UUIDs as lower-case text; timestamps are UTC text 'yyyy-MM-ddTHH:mm:ss.fffffffZ'
-- (fixed width, so text order is time order); dates are 'yyyy-MM-dd'; booleans are 0/1.
-- Lists (genders, specialisms, needs) are comma-separated codes, the same on both databases.

CREATE TABLE regions (
    code                  TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    lat                   REAL NOT NULL,
    lon                   REAL NOT NULL,
    hold_hours            INTEGER NOT NULL DEFAULT 48 CHECK (hold_hours > 0),
    max_parallel_holds    INTEGER NOT NULL DEFAULT 3 CHECK (max_parallel_holds > 0),
    allow_out_of_region   INTEGER NOT NULL DEFAULT 1,
    allow_non_contracted  INTEGER NOT NULL DEFAULT 0,
    scheduled_matching    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE municipalities (
    id          TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    name        TEXT NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL
) STRICT;
CREATE INDEX municipalities_region ON municipalities (region_code);

CREATE TABLE organisations (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('provider', 'certified-institution', 'desk', 'municipality')),
    name            TEXT NOT NULL,
    region_code     TEXT REFERENCES regions (code),
    municipality_id TEXT REFERENCES municipalities (id)
) STRICT;

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'admin')),
    region_code     TEXT REFERENCES regions (code),
    organisation_id TEXT REFERENCES organisations (id),
    password_hash   TEXT,
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE api_clients (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'admin')),
    region_code     TEXT REFERENCES regions (code),
    organisation_id TEXT REFERENCES organisations (id),
    scopes          TEXT NOT NULL,
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
) STRICT;

CREATE TABLE locations (
    id              TEXT PRIMARY KEY,
    provider_id     TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    pc4             TEXT NOT NULL CHECK (length(pc4) = 4),
    lat             REAL NOT NULL,
    lon             REAL NOT NULL
) STRICT;
CREATE INDEX locations_provider ON locations (provider_id);

CREATE TABLE offerings (
    id                TEXT PRIMARY KEY,
    location_id       TEXT NOT NULL REFERENCES locations (id),
    provider_id       TEXT NOT NULL REFERENCES organisations (id),
    care_type         TEXT NOT NULL,
    subtype           TEXT,
    min_age           INTEGER NOT NULL CHECK (min_age >= 0),
    max_age           INTEGER NOT NULL CHECK (max_age >= min_age),
    genders           TEXT NOT NULL,
    secure            INTEGER NOT NULL DEFAULT 0,
    specialisms       TEXT NOT NULL DEFAULT '',
    total_units       INTEGER NOT NULL CHECK (total_units >= 0),
    occupied_units    INTEGER NOT NULL DEFAULT 0 CHECK (occupied_units >= 0),
    held_units        INTEGER NOT NULL DEFAULT 0 CHECK (held_units >= 0),
    earliest_start    TEXT,
    last_confirmed_at TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    CHECK (occupied_units + held_units <= total_units)
) STRICT;
CREATE INDEX offerings_provider ON offerings (provider_id);
CREATE INDEX offerings_care_type ON offerings (care_type);

CREATE TABLE contracts (
    region_code            TEXT NOT NULL REFERENCES regions (code),
    offering_id            TEXT NOT NULL REFERENCES offerings (id),
    budget_ceiling_reached INTEGER NOT NULL DEFAULT 0,
    valid_from             TEXT NOT NULL,
    valid_until            TEXT,
    PRIMARY KEY (region_code, offering_id)
) STRICT;
CREATE INDEX contracts_offering ON contracts (offering_id);

CREATE TABLE requests (
    id               TEXT PRIMARY KEY,
    region_code      TEXT NOT NULL REFERENCES regions (code),
    case_reference   TEXT NOT NULL,
    measure_type     TEXT NOT NULL,
    measure_start    TEXT NOT NULL,
    urgency          TEXT NOT NULL CHECK (urgency IN ('crisis', 'urgent', 'regular')),
    care_type        TEXT NOT NULL,
    needs            TEXT NOT NULL DEFAULT '',
    needs_secure     INTEGER NOT NULL DEFAULT 0,
    birth_month      TEXT NOT NULL,
    gender           TEXT NOT NULL CHECK (gender IN ('f', 'm', 'x')),
    home_pc4         TEXT NOT NULL CHECK (length(home_pc4) = 4),
    home_lat         REAL NOT NULL,
    home_lon         REAL NOT NULL,
    max_distance_km  INTEGER NOT NULL CHECK (max_distance_km > 0),
    sibling_group    TEXT,
    child_wishes     TEXT NOT NULL DEFAULT '',
    parent_wishes    TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('open', 'placed', 'withdrawn')),
    registered_at    TEXT NOT NULL,
    closed_at        TEXT,
    created_by       TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (region_code, case_reference)
) STRICT;
CREATE INDEX requests_region_status ON requests (region_code, status);

CREATE TABLE holds (
    id             TEXT PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    request_id     TEXT NOT NULL REFERENCES requests (id),
    offering_id    TEXT NOT NULL REFERENCES offerings (id),
    status         TEXT NOT NULL CHECK (status IN ('active', 'accepted', 'declined', 'expired', 'released')),
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    answered_at    TEXT,
    decline_reason TEXT,
    decline_note   TEXT,
    created_by     TEXT
) STRICT;
CREATE INDEX holds_request ON holds (request_id);
CREATE INDEX holds_offering_status ON holds (offering_id, status);
CREATE INDEX holds_status_expiry ON holds (status, expires_at);

CREATE TABLE placements (
    id           TEXT PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    request_id   TEXT NOT NULL REFERENCES requests (id),
    offering_id  TEXT NOT NULL REFERENCES offerings (id),
    hold_id      TEXT REFERENCES holds (id),
    start_date   TEXT NOT NULL,
    end_date     TEXT,
    end_reason   TEXT CHECK (end_reason IN ('planned-end', 'breakdown', 'move')),
    second_best  INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
) STRICT;
CREATE INDEX placements_region ON placements (region_code, start_date);
CREATE INDEX placements_request ON placements (request_id);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    actor_id        TEXT,
    actor_kind      TEXT NOT NULL CHECK (actor_kind IN ('user', 'api-client', 'system')),
    role            TEXT,
    organisation_id TEXT,
    region_code     TEXT,
    action          TEXT NOT NULL,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT,
    detail          TEXT
) STRICT;
CREATE INDEX audit_log_region ON audit_log (region_code, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    region_code       TEXT,
    topic             TEXT NOT NULL,
    aggregate_id      TEXT NOT NULL,
    aggregate_version INTEGER NOT NULL,
    payload           TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    dispatched_at     TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (dispatched_at, id);
