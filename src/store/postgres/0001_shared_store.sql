-- The shared store: one row per session, its files beside it, and a numbered change log.

-- A session: where it is, its communication.json (JSONB keeps every field an agent wrote),
-- and the generation of its last change.
CREATE TABLE hub_sessions (
    id            text PRIMARY KEY,
    place         text NOT NULL CHECK (place IN ('active', 'archived')),
    communication jsonb NOT NULL,
    generation    bigint NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Every other file of a session folder, by its path inside it: instructions.json, the prompts,
-- questions/<id>.json, .hub/history.jsonl (appended to in place).
CREATE TABLE hub_files (
    session text NOT NULL REFERENCES hub_sessions (id) ON DELETE CASCADE,
    path    text NOT NULL,
    content bytea NOT NULL,
    PRIMARY KEY (session, path)
);

-- The one counter every write bumps in its transaction: the row lock orders generations as
-- the commits are ordered, so a reader that has seen generation g has seen all before it.
CREATE TABLE hub_counter (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation bigint NOT NULL
);
INSERT INTO hub_counter (generation) VALUES (0);

-- What each generation changed, for any hub to catch up from.
CREATE TABLE hub_changes (
    generation bigint PRIMARY KEY,
    session    text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);

-- Read-only views for people and reports.
CREATE VIEW hub_questions AS
    SELECT session,
           substring(path FROM '^questions/(.*)\.json$') AS id,
           convert_from(content, 'UTF8')::jsonb AS question
      FROM hub_files
     WHERE path LIKE 'questions/%.json';

CREATE VIEW hub_history AS
    SELECT f.session, line.n AS line, line.text::jsonb AS event
      FROM hub_files f,
           regexp_split_to_table(convert_from(f.content, 'UTF8'), E'\n') WITH ORDINALITY AS line (text, n)
     WHERE f.path = '.hub/history.jsonl' AND line.text <> '';

CREATE VIEW hub_usage AS
    SELECT s.id AS session, agent ->> 'agent_id' AS agent, agent -> 'usage' AS usage
      FROM hub_sessions s, jsonb_array_elements(CASE jsonb_typeof(s.communication -> 'agents')
                                WHEN 'array' THEN s.communication -> 'agents' ELSE '[]' END) AS agent
     WHERE agent ? 'usage';
