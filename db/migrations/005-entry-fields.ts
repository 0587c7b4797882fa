/**
 * Entries at scale: the texts of an entry move out of its row into named fields, so the lists and
 * statistics that read every entry read small rows; a full-text index serves search; a sort key
 * pages through entries in their natural order; and the lead's views get the indexes they need.
 *
 * - `entry_field(entry_id, name, text)`: one row per non-empty text of an entry, by name. The
 *   Deep-Bench shape names them prompt, ground_truth, output and test_log; an entry may hold any
 *   other named texts (entries of any shape). An empty text has no row.
 * - `entry_text`: FTS5 over the fields, reading the text from entry_field (external content, so
 *   no text is stored twice) and kept in step by triggers. `detail=none`: it answers which
 *   fields hold a word (or a word's beginning), which is what search asks, at a tenth of the
 *   text's size.
 * - `entry.sort_key`: the natural order of ids (db/data/natural-key.ts), filled here by the
 *   function db/database.ts registers on every connection, and by the data layer on each insert.
 * - `entry.repo`, `entry.function_name`: read from the metadata, for the queue and its search.
 */
export default `
CREATE TABLE entry_field (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  text TEXT NOT NULL,
  UNIQUE (entry_id, name)
);

CREATE VIRTUAL TABLE entry_text USING fts5(text, content = 'entry_field', content_rowid = 'id', detail = none);
CREATE TRIGGER entry_field_indexed AFTER INSERT ON entry_field BEGIN
  INSERT INTO entry_text (rowid, text) VALUES (NEW.id, NEW.text);
END;
CREATE TRIGGER entry_field_unindexed AFTER DELETE ON entry_field BEGIN
  INSERT INTO entry_text (entry_text, rowid, text) VALUES ('delete', OLD.id, OLD.text);
END;
CREATE TRIGGER entry_field_reindexed AFTER UPDATE OF text ON entry_field BEGIN
  INSERT INTO entry_text (entry_text, rowid, text) VALUES ('delete', OLD.id, OLD.text);
  INSERT INTO entry_text (rowid, text) VALUES (NEW.id, NEW.text);
END;

INSERT INTO entry_field (entry_id, name, text)
  SELECT id, 'prompt', prompt FROM entry WHERE prompt <> ''
  UNION ALL SELECT id, 'ground_truth', ground_truth FROM entry WHERE ground_truth <> ''
  UNION ALL SELECT id, 'output', output FROM entry WHERE output <> ''
  UNION ALL SELECT id, 'test_log', test_log FROM entry WHERE test_log <> ''
  ORDER BY 1, 2;
ALTER TABLE entry DROP COLUMN prompt;
ALTER TABLE entry DROP COLUMN ground_truth;
ALTER TABLE entry DROP COLUMN output;
ALTER TABLE entry DROP COLUMN test_log;

ALTER TABLE entry ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE entry SET sort_key = concord_natural_key(ext_id);
ALTER TABLE entry ADD COLUMN repo TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.repo')) VIRTUAL;
ALTER TABLE entry ADD COLUMN function_name TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.function')) VIRTUAL;
CREATE INDEX entry_in_order ON entry (sort_key, ext_id);

-- An annotator's queue, progress and pack; one entry's events (staleness, the Activity view).
CREATE INDEX assignment_by_annotator ON assignment (annotator_id, entry_id);
CREATE INDEX submission_by_annotator ON submission (annotator_id, status);
CREATE INDEX event_by_entry ON event (entry_ext_id) WHERE entry_ext_id IS NOT NULL;
`;
