/**
 * Trust (issue 10):
 * - A logical clock on every label, tombstone, note and submission status (`clock`), and one
 *   counter per annotator (`annotator_clock`): which of two writes wins is decided by these
 *   counters, never by the machines' wall clocks (db/labels.ts). Rows written before this
 *   migration get their time in milliseconds as clock, so they keep the order the old rule gave
 *   them, in every copy of the project alike; each counter starts above those and above the
 *   migration's own time, so every later write wins over every earlier one.
 * - Where a label, note or status came from (`imported`: a file, not the annotator's own work in
 *   Concord), so an import never replaces what an annotator did. Reference labels (a published
 *   release) only ever come from files; every other row made before this migration counts as the
 *   annotator's own, which keeps it safe from imports.
 * - The content a label was made on (`label.content_hash`) and every content an entry has had
 *   since (`entry_version`): a field filled in keeps the version, content replaced (an import with
 *   --new-version) starts the next one, and a label made on an earlier version is flagged for
 *   review; a pack made on any recorded content still merges.
 * - A secret per annotator (`annotator_key`), shared only with that annotator's starter file:
 *   their packs are signed with it.
 */
const ms = (column: string) => `COALESCE(CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000.0) AS INTEGER), 0)`;

export default `
ALTER TABLE label ADD COLUMN clock INTEGER NOT NULL DEFAULT 0;
ALTER TABLE label ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
ALTER TABLE label ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE label_clear ADD COLUMN clock INTEGER NOT NULL DEFAULT 0;
ALTER TABLE note ADD COLUMN clock INTEGER NOT NULL DEFAULT 0;
ALTER TABLE note ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
ALTER TABLE submission ADD COLUMN clock INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submission ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));

UPDATE label SET clock = ${ms('updated_at')}, content_hash = COALESCE((SELECT content_hash FROM entry WHERE id = label.entry_id), '');
UPDATE label SET imported = 1 WHERE annotator_id IN (SELECT id FROM annotator WHERE role = 'reference');
UPDATE label_clear SET clock = ${ms('cleared_at')};
UPDATE note SET clock = ${ms('updated_at')};
UPDATE submission SET clock = ${ms('updated_at')};
UPDATE submission SET imported = 1 WHERE annotator_id IN (SELECT id FROM annotator WHERE role = 'reference');

CREATE TABLE annotator_clock (
  annotator_id INTEGER PRIMARY KEY REFERENCES annotator(id) ON DELETE CASCADE,
  clock INTEGER NOT NULL
);
INSERT INTO annotator_clock (annotator_id, clock)
SELECT a.id, MAX(${ms("'now'")},
                 COALESCE((SELECT MAX(clock) FROM label WHERE annotator_id = a.id), 0),
                 COALESCE((SELECT MAX(clock) FROM label_clear WHERE annotator_id = a.id), 0),
                 COALESCE((SELECT MAX(clock) FROM note WHERE annotator_id = a.id), 0),
                 COALESCE((SELECT MAX(clock) FROM submission WHERE annotator_id = a.id), 0))
FROM annotator a;

CREATE TABLE annotator_key (
  annotator_id INTEGER PRIMARY KEY REFERENCES annotator(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE entry_version (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  content_hash TEXT NOT NULL,
  version INTEGER NOT NULL,
  passed INTEGER CHECK (passed IN (0, 1)),
  -- The texts of a replaced version (prompt, groundTruth, output, testLog) as JSON, to compare and review.
  fields TEXT,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, content_hash)
);

-- A deleted label leaves a tombstone at the annotator's current clock (the writer sets it to the
-- clearing write's own clock right after; this covers any other delete).
DROP TRIGGER label_clear_on_delete;
CREATE TRIGGER label_clear_on_delete AFTER DELETE ON label
WHEN EXISTS (SELECT 1 FROM entry WHERE id = OLD.entry_id) AND EXISTS (SELECT 1 FROM annotator WHERE id = OLD.annotator_id)
BEGIN
  INSERT OR REPLACE INTO label_clear (entry_id, annotator_id, dimension, codebook_version, cleared_at, clock)
  VALUES (OLD.entry_id, OLD.annotator_id, OLD.dimension,
          COALESCE((SELECT json_extract(codebook_json, '$.version') FROM project WHERE id = 1), OLD.codebook_version),
          strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
          COALESCE((SELECT clock FROM annotator_clock WHERE annotator_id = OLD.annotator_id), OLD.clock));
END;
`;
