/**
 * A faster full read of the labels (issue 11): each label also names its kind, the (dimension,
 * value, codebook version) it holds, as a small number. Agreement reads every label of a project
 * once per process; at 100,000 entries that is over a million labels, and handing their three
 * texts across from SQLite to JavaScript took most of that read. Four integers a label take half
 * as long.
 *
 * - `label_kind`: each (dimension, value, codebook_version) held by a label, once. A kind is
 *   never changed or deleted, so a number read once names the same texts for as long as the file
 *   lives (a kind no label holds any more stays, unused).
 * - `label.kind`: the label's kind. The texts stay where they were and every other query reads
 *   them as before; the kind is derived from them.
 * - Two triggers keep it so for every writer: a label inserted without its kind, or whose texts
 *   change while its kind does not, is given the kind of its texts. Only a writer that names the
 *   kind itself (an import's bulk insert, db/data/labels.ts) skips that work.
 *
 * (The triggers add a kind only where none is stored, rather than INSERT OR IGNORE: the conflict
 * policy of the statement that fired a trigger overrides its own, and a label's upsert aborts.)
 *
 * Nothing is lost: the texts are untouched.
 */
export default `
CREATE TABLE label_kind (
  id INTEGER PRIMARY KEY,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  codebook_version TEXT NOT NULL,
  UNIQUE (dimension, value, codebook_version)
);
ALTER TABLE label ADD COLUMN kind INTEGER;

INSERT INTO label_kind (dimension, value, codebook_version) SELECT dimension, value, codebook_version FROM label GROUP BY 1, 2, 3;
UPDATE label SET kind = (SELECT id FROM label_kind k WHERE k.dimension = label.dimension AND k.value = label.value AND k.codebook_version = label.codebook_version);

CREATE TRIGGER label_kind_on_insert AFTER INSERT ON label
WHEN NEW.kind IS NULL
BEGIN
  INSERT INTO label_kind (dimension, value, codebook_version) SELECT NEW.dimension, NEW.value, NEW.codebook_version
   WHERE NOT EXISTS (SELECT 1 FROM label_kind WHERE dimension = NEW.dimension AND value = NEW.value AND codebook_version = NEW.codebook_version);
  UPDATE label SET kind = (SELECT id FROM label_kind WHERE dimension = NEW.dimension AND value = NEW.value AND codebook_version = NEW.codebook_version)
   WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER label_kind_on_update AFTER UPDATE OF dimension, value, codebook_version, kind ON label
WHEN NEW.kind IS NULL
  OR (NEW.kind IS OLD.kind AND (NEW.dimension IS NOT OLD.dimension OR NEW.value IS NOT OLD.value OR NEW.codebook_version IS NOT OLD.codebook_version))
BEGIN
  INSERT INTO label_kind (dimension, value, codebook_version) SELECT NEW.dimension, NEW.value, NEW.codebook_version
   WHERE NOT EXISTS (SELECT 1 FROM label_kind WHERE dimension = NEW.dimension AND value = NEW.value AND codebook_version = NEW.codebook_version);
  UPDATE label SET kind = (SELECT id FROM label_kind WHERE dimension = NEW.dimension AND value = NEW.value AND codebook_version = NEW.codebook_version)
   WHERE rowid = NEW.rowid;
END;
`;
