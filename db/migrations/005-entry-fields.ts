/**
 * Entries at scale: the texts of an entry move out of its row into named fields, so the lists and
 * statistics that read every entry read small rows; a full-text index serves search; a sort key
 * pages through entries in their natural order; and the lead's views get the indexes they need.
 *
 * - `entry_field(entry_id, name, text)`: one row per non-empty text of an entry, by name. The
 *   Deep-Bench shape names them prompt, ground_truth, output and test_log; an entry may hold any
 *   other named texts (entries of any shape). An empty text has no row.
 * - `entry_text`: FTS5 over each entry's texts, one row per entry (rowid = the entry's id).
 *   Contentless (the texts are in entry_field; the index holds only words), `detail=none` (it
 *   answers which entries hold a word or a word's beginning, which is what search asks, at a tenth
 *   of the texts' size), `contentless_delete` (an entry's words can be dropped by its id). The data
 *   layer (db/data/entries.ts), the only writer of entry_field, indexes what it writes; a
 *   trigger drops an entry's words with the entry.
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

CREATE VIRTUAL TABLE entry_text USING fts5(text, content = '', contentless_delete = 1, detail = none);
CREATE TRIGGER entry_unindexed AFTER DELETE ON entry BEGIN
  DELETE FROM entry_text WHERE rowid = OLD.id;
END;

INSERT INTO entry_field (entry_id, name, text)
  SELECT id, 'prompt', prompt FROM entry WHERE prompt <> ''
  UNION ALL SELECT id, 'ground_truth', ground_truth FROM entry WHERE ground_truth <> ''
  UNION ALL SELECT id, 'output', output FROM entry WHERE output <> ''
  UNION ALL SELECT id, 'test_log', test_log FROM entry WHERE test_log <> ''
  ORDER BY 1, 2;
INSERT INTO entry_text (rowid, text) SELECT entry_id, group_concat(text, char(10)) FROM entry_field GROUP BY entry_id;
ALTER TABLE entry DROP COLUMN prompt;
ALTER TABLE entry DROP COLUMN ground_truth;
ALTER TABLE entry DROP COLUMN output;
ALTER TABLE entry DROP COLUMN test_log;

ALTER TABLE entry ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE entry SET sort_key = concord_natural_key(ext_id);
ALTER TABLE entry ADD COLUMN repo TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.repo')) VIRTUAL;
ALTER TABLE entry ADD COLUMN function_name TEXT GENERATED ALWAYS AS (json_extract(metadata, '$.function')) VIRTUAL;
CREATE INDEX entry_in_order ON entry (sort_key, ext_id);
CREATE INDEX entry_by_result ON entry (passed);

-- One entry's events: its decisions' staleness, the Activity view of an entry.
CREATE INDEX event_by_entry ON event (entry_ext_id) WHERE entry_ext_id IS NOT NULL;
`;
