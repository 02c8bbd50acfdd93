-- The names of the cells a day's published figures hid (docs/open-data.md#day-after-day): no values, only which counts
-- showed as hidden, as every page of that day shows them. The next day's protection, where it must hide another count
-- beside a small one, chooses these first, so the same counts stay hidden and two days' pages cannot be read together
-- to give a small count away. Stored with the day's snapshot, in its transaction; the first writer wins. Mirrors the
-- SQLite file.
CREATE TABLE figures_hidden_cells (
    day         date PRIMARY KEY,
    computed_at timestamptz NOT NULL,
    names       text NOT NULL
);

-- Each past month end's counts as first published (the first day its month was over): every later day publishes them
-- from here, because a child's record edited today (its care type) would otherwise change what was shown of a month
-- gone by, and two days' pages read together would show the edit and what each hides. cells: JSON, by cell name, the
-- published count (a hidden one with value 0). month_end: yyyy-MM-dd, the first day of the month after.
CREATE TABLE figures_month_ends (
    month_end   text PRIMARY KEY,
    frozen_at   timestamptz NOT NULL,
    cells       text NOT NULL
);
