-- A provider's spreadsheet upload, previewed: the changes it would make, kept by the engine until the provider applies
-- them (once) or they grow old. The browser only holds the plan's id, so what is applied is exactly what was previewed.

CREATE TABLE capacity_sheet_plans (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES organisations (id),
    created_by  TEXT,
    created_at  TEXT NOT NULL,
    changes     TEXT NOT NULL,
    applied_at  TEXT
) STRICT;
CREATE INDEX capacity_sheet_plans_provider ON capacity_sheet_plans (provider_id, created_at);
