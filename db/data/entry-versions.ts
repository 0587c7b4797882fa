import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/**
 * `entry_version`: every content an entry has had since it first changed (by content hash), with
 * its version number. Filling in a field that was empty keeps the version; replacing content (an
 * import with --new-version) starts the next one and keeps the texts it replaced. Labels keep the
 * content hash they were made on (`label.content_hash`): one made on an earlier version is
 * flagged for review, and a pack made on any recorded content still merges.
 */
export interface ContentRecord {
  contentHash: string;
  version: number;
  passed: 0 | 1 | null;
  /** prompt, groundTruth, output, testLog of a replaced version (JSON); null when nothing was replaced. */
  fields: string | null;
  recordedAt: string;
}

/** Labels joined to the version they were made on and the version their entry is at. */
const ON_EARLIER = `FROM label l
  JOIN entry e ON e.id = l.entry_id
  JOIN entry_version made ON made.entry_id = l.entry_id AND made.content_hash = l.content_hash
  JOIN entry_version now ON now.entry_id = e.id AND now.content_hash = e.content_hash
  WHERE made.version < now.version`;

export function entryVersionTable(db: Db) {
  const sql = statementsOf(db);
  return {
    /** Every content recorded for an entry, by version. */
    of(entryRowId: number): ContentRecord[] {
      return sql(
        'SELECT content_hash AS contentHash, version, passed, fields, recorded_at AS recordedAt FROM entry_version WHERE entry_id = ? ORDER BY version, recorded_at',
      ).all(entryRowId) as ContentRecord[];
    },
    /** Records a content of an entry (the same content again takes the version given now). */
    record(entryRowId: number, r: ContentRecord): void {
      sql(
        `INSERT INTO entry_version (entry_id, content_hash, version, passed, fields, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, content_hash) DO UPDATE SET version = excluded.version, passed = excluded.passed,
           fields = COALESCE(excluded.fields, entry_version.fields), recorded_at = excluded.recorded_at`,
      ).run(entryRowId, r.contentHash, r.version, r.passed, r.fields, r.recordedAt);
    },
    /** Every recorded content hash of every entry that has changed: ext id -> hashes. */
    knownHashes(): Map<string, Set<string>> {
      const out = new Map<string, Set<string>>();
      for (const r of sql('SELECT e.ext_id, v.content_hash FROM entry_version v JOIN entry e ON e.id = v.entry_id').all() as { ext_id: string; content_hash: string }[]) {
        const set = out.get(r.ext_id) ?? new Set<string>();
        set.add(r.content_hash);
        out.set(r.ext_id, set);
      }
      return out;
    },
    /** Whether `hash` is content of an earlier version of the entry than the one it holds now. */
    isEarlier(entryRowId: number, hash: string): boolean {
      return (
        sql(
          `SELECT 1 FROM entry e JOIN entry_version made ON made.entry_id = e.id AND made.content_hash = ?
           JOIN entry_version now ON now.entry_id = e.id AND now.content_hash = e.content_hash WHERE e.id = ? AND made.version < now.version`,
        ).get(hash, entryRowId) !== undefined
      );
    },
    /** How many labels of an entry were made on an earlier version of it: flagged for review. */
    flaggedOn(entryRowId: number): number {
      return (sql(`SELECT COUNT(*) AS n ${ON_EARLIER} AND l.entry_id = ?`).get(entryRowId) as { n: number }).n;
    },
    /** Every label made on an earlier version of its entry: flagged for review. */
    toReview(): { entryId: string; annotator: string; dimension: string }[] {
      return sql(
        `SELECT e.ext_id AS entryId, a.name AS annotator, l.dimension ${ON_EARLIER.replace('WHERE', 'JOIN annotator a ON a.id = l.annotator_id WHERE')} ORDER BY e.ext_id, a.name, l.dimension`,
      ).all() as { entryId: string; annotator: string; dimension: string }[];
    },
  };
}
