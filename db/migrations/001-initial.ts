/** The first schema. Never edit a released migration: add the next number instead. */
export default `
CREATE TABLE project (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  codebook_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE entry (
  id INTEGER PRIMARY KEY,
  ext_id TEXT NOT NULL UNIQUE,
  prompt TEXT NOT NULL DEFAULT '',
  ground_truth TEXT NOT NULL DEFAULT '',
  output TEXT NOT NULL DEFAULT '',
  test_log TEXT NOT NULL DEFAULT '',
  passed INTEGER CHECK (passed IN (0, 1)),
  failing_tests TEXT NOT NULL DEFAULT '[]',
  metadata TEXT NOT NULL DEFAULT '{}',
  content_hash TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE annotator (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL DEFAULT 'annotator' CHECK (role IN ('annotator', 'adjudicator', 'reference')),
  created_at TEXT NOT NULL
);

CREATE TABLE assignment (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotator(id) ON DELETE CASCADE,
  PRIMARY KEY (entry_id, annotator_id)
);

CREATE TABLE label (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotator(id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  codebook_version TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, annotator_id, dimension)
);
CREATE INDEX label_by_annotator ON label(annotator_id, entry_id);

CREATE TABLE note (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotator(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, annotator_id)
);

CREATE TABLE submission (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotator(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, annotator_id)
);

CREATE TABLE decision (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('unanimous', 'majority', 'adjudicated')),
  decided_by TEXT,
  rationale TEXT,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, dimension)
);

CREATE TABLE model_result (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
  tests_passed INTEGER,
  tests_total INTEGER,
  PRIMARY KEY (entry_id, model)
);

-- Append-only log of every write: audit trail and the source of undo.
CREATE TABLE event (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  entry_ext_id TEXT,
  dimension TEXT,
  before TEXT,
  after TEXT,
  reverts INTEGER REFERENCES event(id)
);
CREATE INDEX event_by_actor ON event(actor, kind, id);
CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
`;
