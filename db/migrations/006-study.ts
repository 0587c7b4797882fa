/**
 * Any study (issue 13): the codebook's history, labels to look at again after a change of meaning,
 * calibration rounds and gold answers, comments on entries and why a disagreement happened.
 * Never edit a released migration: add the next number instead.
 */
export default `
CREATE TABLE round (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  closed_by TEXT,
  closed_at TEXT
);

CREATE TABLE round_entry (
  round_id INTEGER NOT NULL REFERENCES round(id) ON DELETE CASCADE,
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  PRIMARY KEY (round_id, entry_id)
);
CREATE INDEX round_entry_by_entry ON round_entry(entry_id);

-- Every codebook the project has had, oldest first; the project row holds the current one.
CREATE TABLE codebook_revision (
  revision INTEGER PRIMARY KEY,
  version TEXT NOT NULL,
  codebook_json TEXT NOT NULL,
  changes_json TEXT NOT NULL DEFAULT '[]',
  note TEXT NOT NULL DEFAULT '',
  -- The calibration round this change followed, if the lead said so.
  round_id INTEGER REFERENCES round(id) ON DELETE SET NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO codebook_revision (revision, version, codebook_json, note, created_by, created_at)
  SELECT 1, COALESCE(json_extract(codebook_json, '$.version'), ''), codebook_json, 'the codebook the project started with', 'system', created_at FROM project WHERE id = 1;
-- A project created later starts its history the same way, whoever creates it.
CREATE TRIGGER codebook_revision_first AFTER INSERT ON project
WHEN NOT EXISTS (SELECT 1 FROM codebook_revision)
BEGIN
  INSERT INTO codebook_revision (revision, version, codebook_json, note, created_by, created_at)
  VALUES (1, COALESCE(json_extract(NEW.codebook_json, '$.version'), ''), NEW.codebook_json, 'the codebook the project started with', 'system', NEW.created_at);
END;

-- A label a change of meaning touched: open until its annotator labels it again under the newer
-- version or keeps it as it is.
CREATE TABLE label_review (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotator(id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  version TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, annotator_id, dimension)
);

CREATE TABLE gold (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  set_by TEXT NOT NULL,
  set_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, dimension)
);

CREATE TABLE comment (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotator(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX comment_by_entry ON comment(entry_id, annotator_id);

CREATE TABLE disagreement_reason (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('definition-unclear', 'missed-evidence', 'codebook-gap', 'slip')),
  set_by TEXT NOT NULL,
  set_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, dimension)
);
`;
