-- The change log keeps every event's place (its number is every reader's cursor, and a gap would make a reader skip
-- events without a word) but not, after 30 days, its data: retention empties the payloads of a prefix of the log and
-- remembers here how far it got, so each run starts where the last one stopped.
CREATE TABLE change_log_emptied (
    id         integer PRIMARY KEY CHECK (id = 1),
    through_id bigint NOT NULL
);
INSERT INTO change_log_emptied (id, through_id) VALUES (1, 0);
