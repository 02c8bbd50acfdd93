-- Schema v1 of the marketplace (PostgreSQL). Mirrors sqlite/0001_create_marketplace_schema.sql.
-- Identifiers are uuid, timestamps timestamptz (UTC), dates date, booleans boolean.
-- Lists (genders, specialisms, needs) are comma-separated codes, the same on both databases.

CREATE TABLE regions (
    code                  TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    lat                   double precision NOT NULL,
    lon                   double precision NOT NULL,
    hold_hours            integer NOT NULL DEFAULT 48 CHECK (hold_hours > 0),
    max_parallel_holds    integer NOT NULL DEFAULT 3 CHECK (max_parallel_holds > 0),
    allow_out_of_region   boolean NOT NULL DEFAULT true,
    allow_non_contracted  boolean NOT NULL DEFAULT false,
    scheduled_matching    boolean NOT NULL DEFAULT false
);

CREATE TABLE municipalities (
    id          uuid PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    name        TEXT NOT NULL,
    lat         double precision NOT NULL,
    lon         double precision NOT NULL
);
CREATE INDEX municipalities_region ON municipalities (region_code);

CREATE TABLE organisations (
    id              uuid PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('provider', 'certified-institution', 'desk', 'municipality')),
    name            TEXT NOT NULL,
    region_code     TEXT REFERENCES regions (code),
    municipality_id uuid REFERENCES municipalities (id)
);

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'admin')),
    region_code     TEXT REFERENCES regions (code),
    organisation_id uuid REFERENCES organisations (id),
    password_hash   TEXT,
    is_demo         boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL
);

CREATE TABLE api_clients (
    id              uuid PRIMARY KEY,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('desk', 'caseworker', 'provider', 'municipality', 'admin')),
    region_code     TEXT REFERENCES regions (code),
    organisation_id uuid REFERENCES organisations (id),
    scopes          TEXT NOT NULL,
    is_demo         boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz
);

CREATE TABLE locations (
    id              uuid PRIMARY KEY,
    provider_id     uuid NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    municipality_id uuid NOT NULL REFERENCES municipalities (id),
    pc4             TEXT NOT NULL CHECK (length(pc4) = 4),
    lat             double precision NOT NULL,
    lon             double precision NOT NULL
);
CREATE INDEX locations_provider ON locations (provider_id);

CREATE TABLE offerings (
    id                uuid PRIMARY KEY,
    location_id       uuid NOT NULL REFERENCES locations (id),
    provider_id       uuid NOT NULL REFERENCES organisations (id),
    care_type         TEXT NOT NULL,
    subtype           TEXT,
    min_age           integer NOT NULL CHECK (min_age >= 0),
    max_age           integer NOT NULL CHECK (max_age >= min_age),
    genders           TEXT NOT NULL,
    secure            boolean NOT NULL DEFAULT false,
    specialisms       TEXT NOT NULL DEFAULT '',
    total_units       integer NOT NULL CHECK (total_units >= 0),
    occupied_units    integer NOT NULL DEFAULT 0 CHECK (occupied_units >= 0),
    held_units        integer NOT NULL DEFAULT 0 CHECK (held_units >= 0),
    earliest_start    date,
    last_confirmed_at timestamptz NOT NULL,
    version           bigint NOT NULL DEFAULT 1,
    CHECK (occupied_units + held_units <= total_units)
);
CREATE INDEX offerings_provider ON offerings (provider_id);
CREATE INDEX offerings_care_type ON offerings (care_type);

CREATE TABLE contracts (
    region_code            TEXT NOT NULL REFERENCES regions (code),
    offering_id            uuid NOT NULL REFERENCES offerings (id),
    budget_ceiling_reached boolean NOT NULL DEFAULT false,
    valid_from             date NOT NULL,
    valid_until            date,
    PRIMARY KEY (region_code, offering_id)
);
CREATE INDEX contracts_offering ON contracts (offering_id);

CREATE TABLE requests (
    id               uuid PRIMARY KEY,
    region_code      TEXT NOT NULL REFERENCES regions (code),
    case_reference   TEXT NOT NULL,
    measure_type     TEXT NOT NULL,
    measure_start    date NOT NULL,
    urgency          TEXT NOT NULL CHECK (urgency IN ('crisis', 'urgent', 'regular')),
    care_type        TEXT NOT NULL,
    needs            TEXT NOT NULL DEFAULT '',
    needs_secure     boolean NOT NULL DEFAULT false,
    birth_month      date NOT NULL,
    gender           TEXT NOT NULL CHECK (gender IN ('f', 'm', 'x')),
    home_pc4         TEXT NOT NULL CHECK (length(home_pc4) = 4),
    home_lat         double precision NOT NULL,
    home_lon         double precision NOT NULL,
    max_distance_km  integer NOT NULL CHECK (max_distance_km > 0),
    sibling_group    TEXT,
    child_wishes     TEXT NOT NULL DEFAULT '',
    parent_wishes    TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('open', 'placed', 'withdrawn')),
    registered_at    timestamptz NOT NULL,
    closed_at        timestamptz,
    created_by       uuid,
    version          bigint NOT NULL DEFAULT 1,
    UNIQUE (region_code, case_reference)
);
CREATE INDEX requests_region_status ON requests (region_code, status);

CREATE TABLE holds (
    id             uuid PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    request_id     uuid NOT NULL REFERENCES requests (id),
    offering_id    uuid NOT NULL REFERENCES offerings (id),
    status         TEXT NOT NULL CHECK (status IN ('active', 'accepted', 'declined', 'expired', 'released')),
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    answered_at    timestamptz,
    decline_reason TEXT,
    decline_note   TEXT,
    created_by     uuid
);
CREATE INDEX holds_request ON holds (request_id);
CREATE INDEX holds_offering_status ON holds (offering_id, status);
CREATE INDEX holds_status_expiry ON holds (status, expires_at);

CREATE TABLE placements (
    id           uuid PRIMARY KEY,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    request_id   uuid NOT NULL REFERENCES requests (id),
    offering_id  uuid NOT NULL REFERENCES offerings (id),
    hold_id      uuid REFERENCES holds (id),
    start_date   date NOT NULL,
    end_date     date,
    end_reason   TEXT CHECK (end_reason IN ('planned-end', 'breakdown', 'move')),
    second_best  boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX placements_region ON placements (region_code, start_date);
CREATE INDEX placements_request ON placements (request_id);

CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    actor_id        uuid,
    actor_kind      TEXT NOT NULL CHECK (actor_kind IN ('user', 'api-client', 'system')),
    role            TEXT,
    organisation_id uuid,
    region_code     TEXT,
    action          TEXT NOT NULL,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT,
    detail          TEXT
);
CREATE INDEX audit_log_region ON audit_log (region_code, at);
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TABLE outbox (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_code       TEXT,
    topic             TEXT NOT NULL,
    aggregate_id      TEXT NOT NULL,
    aggregate_version bigint NOT NULL,
    payload           TEXT NOT NULL,
    created_at        timestamptz NOT NULL,
    dispatched_at     timestamptz
);
CREATE INDEX outbox_pending ON outbox (dispatched_at, id);
