/**
 * The label queue at scale (issue 11): its counts and its search read indexes instead of every
 * entry. An annotator's assignments and submissions are counted from indexes that begin with the
 * annotator; the natural order of entries also holds what a queue row shows and a search looks
 * in (pass/fail, repository, function), so a page or a search by repository reads the index, not
 * each entry's metadata. Never edit a released migration: add the next number instead.
 */
export default `
CREATE INDEX assignment_by_annotator ON assignment (annotator_id, entry_id);
CREATE INDEX submission_by_annotator ON submission (annotator_id, status, entry_id);
DROP INDEX entry_in_order;
CREATE INDEX entry_in_order ON entry (sort_key, ext_id, passed, repo, function_name);
`;
