-- Two reads that grew with the history instead of staying constant (issue 23, found under load): a child's active
-- holds were counted through every hold the child ever had (each hold placed, declined or expired stays a row), and
-- the retention's "when did this region last run" scanned the region's whole audit log, which only grows.
-- Mirrors postgres/0026_index_active_holds_and_audit_actions.sql.

CREATE INDEX holds_request_active ON holds (request_id) WHERE status = 'active';

CREATE INDEX audit_log_region_action ON audit_log (region_code, action, at);
