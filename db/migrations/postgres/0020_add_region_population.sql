-- The number of children (0 to 17 years) per jeugdregio, as the operator loads it from CBS (`population load FILE`,
-- docs/open-data.md#population): the national view then shows waiting children per 10,000 children. Public figures,
-- never about a child. One row per region and year; the newest year of a region is the one shown.
-- Mirrors the SQLite file.

CREATE TABLE region_population (
    region_code text NOT NULL REFERENCES regions (code),
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    children    integer NOT NULL CHECK (children > 0),
    loaded_at   timestamptz NOT NULL,
    PRIMARY KEY (region_code, year)
);
