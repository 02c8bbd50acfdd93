-- The expertise network asks the desk to widen a child's distance once per child and distance (issue 21): the
-- database says so too, so two asks at the same moment (two nodes, a failover) store one row. Earlier duplicates,
-- if any, keep their first ask. Mirrors sqlite/0025_distance_asked_once.sql.

DELETE FROM request_notes
WHERE kind = 'distance-asked'
  AND EXISTS (SELECT 1 FROM request_notes earlier
              WHERE earlier.kind = 'distance-asked' AND earlier.region_code = request_notes.region_code
                AND earlier.request_id = request_notes.request_id AND earlier.detail = request_notes.detail
                AND (earlier.created_at < request_notes.created_at
                     OR (earlier.created_at = request_notes.created_at AND earlier.id < request_notes.id)));

CREATE UNIQUE INDEX request_notes_distance_asked_once ON request_notes (region_code, request_id, detail) WHERE kind = 'distance-asked';
