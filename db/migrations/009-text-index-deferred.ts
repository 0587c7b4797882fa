/**
 * Faster imports (issue 11): an import of many new entries no longer builds their search index in
 * its own transaction, where it took a third of the writing at 100,000 entries. It lists them here
 * instead; the data layer (db/data/entries.ts) indexes them after, a slice at a time between the
 * app's requests, and a search finishes whatever is still listed before it runs, so that it never
 * misses an entry.
 *
 * - `entry_text_pending(entry_id)`: entries whose texts are not in `entry_text` yet. An entry
 *   deleted leaves the list with it.
 */
export default `
CREATE TABLE entry_text_pending (
  entry_id INTEGER PRIMARY KEY REFERENCES entry(id) ON DELETE CASCADE
);
`;
