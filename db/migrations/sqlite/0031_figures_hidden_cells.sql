-- The names of the cells a day's published figures hid (docs/open-data.md#day-after-day): no values, only which counts
-- showed as hidden, as every page of that day shows them. The next day's protection, where it must hide another count
-- beside a small one, chooses these first, so the same counts stay hidden and two days' pages cannot be read together
-- to give a small count away. Stored with the day's snapshot, in its transaction; the first writer wins. Mirrors
-- postgres/0031_figures_hidden_cells.sql.
CREATE TABLE figures_hidden_cells (
    day         TEXT PRIMARY KEY,
    computed_at TEXT NOT NULL,
    names       TEXT NOT NULL
) STRICT;
