-- A provider's spreadsheet upload, previewed: the changes it would make, kept by the engine until the provider applies
-- them (once) or they grow old. The browser only holds the plan's id, so what is applied is exactly what was previewed.
-- Mirrors the SQLite file.

CREATE TABLE capacity_sheet_plans (
    id          uuid PRIMARY KEY,
    provider_id uuid NOT NULL REFERENCES organisations (id),
    created_by  uuid,
    created_at  timestamptz NOT NULL,
    changes     text NOT NULL,
    applied_at  timestamptz
);
CREATE INDEX capacity_sheet_plans_provider ON capacity_sheet_plans (provider_id, created_at);
