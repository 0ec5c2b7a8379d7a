-- Edge mode: a machine's hub keeps its own sessions folder as the store of record and
-- publishes each session in it under its name; NULL is a session of the team's hubs.
ALTER TABLE hub_sessions ADD COLUMN owner text;
CREATE INDEX hub_sessions_owner ON hub_sessions (owner) WHERE owner IS NOT NULL;

-- Which database this is: an edge's marks of what it agreed with the database are only good
-- for the database that made them (not for one recreated under the same URL).
CREATE TABLE hub_store (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    id       text NOT NULL
);
INSERT INTO hub_store (id) VALUES (md5(random()::text || clock_timestamp()::text));
