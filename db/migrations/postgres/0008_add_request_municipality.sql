-- The municipality (gemeente) the child lives in: the desk filters its board on it and the region's municipalities see
-- their own figures. Optional: requests registered before this column, and systems that send only coordinates, have none.
-- Mirrors the SQLite file.

ALTER TABLE requests ADD COLUMN municipality_id uuid REFERENCES municipalities (id);
CREATE INDEX requests_municipality ON requests (region_code, municipality_id);
