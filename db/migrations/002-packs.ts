/**
 * Packs need two things the first schema lacks:
 * - a project identity that survives copies, so a pack for another project can be told apart
 *   (`project.uid`, random, made once; starter files copy it);
 * - a memory of cleared labels, so a label one annotator cleared does not come back when an
 *   older pack is merged (`label_clear`, kept by triggers, so every writer maintains it).
 */
export default `
ALTER TABLE project ADD COLUMN uid TEXT;
UPDATE project SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
CREATE TRIGGER project_uid_on_insert AFTER INSERT ON project WHEN NEW.uid IS NULL
BEGIN
  UPDATE project SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;

CREATE TABLE label_clear (
  entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotator(id) ON DELETE CASCADE,
  dimension TEXT NOT NULL,
  codebook_version TEXT NOT NULL,
  cleared_at TEXT NOT NULL,
  PRIMARY KEY (entry_id, annotator_id, dimension)
);

-- A deleted label leaves a tombstone with the time it was cleared (same format as now()),
-- unless its entry or annotator is being deleted with it.
CREATE TRIGGER label_clear_on_delete AFTER DELETE ON label
WHEN EXISTS (SELECT 1 FROM entry WHERE id = OLD.entry_id) AND EXISTS (SELECT 1 FROM annotator WHERE id = OLD.annotator_id)
BEGIN
  INSERT OR REPLACE INTO label_clear (entry_id, annotator_id, dimension, codebook_version, cleared_at)
  VALUES (OLD.entry_id, OLD.annotator_id, OLD.dimension,
          COALESCE((SELECT json_extract(codebook_json, '$.version') FROM project WHERE id = 1), OLD.codebook_version),
          strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER label_clear_on_insert AFTER INSERT ON label
BEGIN
  DELETE FROM label_clear WHERE entry_id = NEW.entry_id AND annotator_id = NEW.annotator_id AND dimension = NEW.dimension;
END;
`;
