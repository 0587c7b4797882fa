/**
 * Smaller project files (issue 11): a label no longer stores the content hash of its entry when it
 * was made on the content the entry holds now, which is nearly always (at 100,000 entries and a
 * million labels, those 64 characters a label were a tenth of the file).
 *
 * - `label.content_hash` = '' now means "made on the entry's content as it is now"; a hash is
 *   stored only for a label made on other content (an earlier version, or a pack made on content
 *   this project has since replaced). The data layer (db/data/labels.ts) reads '' as the entry's
 *   own hash and writes '' whenever the hash it is given is the entry's.
 * - When an entry's content hash changes, a trigger keeps that true: its labels stored as '' take
 *   the hash they were made on (the old one), and labels made on the new content become ''.
 *
 * Nothing is lost: every label's hash reads as before.
 */
export default `
UPDATE label SET content_hash = '' WHERE content_hash <> '' AND content_hash = (SELECT content_hash FROM entry WHERE id = label.entry_id);

CREATE TRIGGER entry_content_moves_labels AFTER UPDATE OF content_hash ON entry
WHEN OLD.content_hash IS NOT NEW.content_hash
BEGIN
  UPDATE label SET content_hash = CASE content_hash WHEN '' THEN OLD.content_hash ELSE '' END
   WHERE entry_id = NEW.id AND content_hash IN ('', NEW.content_hash);
END;
`;
