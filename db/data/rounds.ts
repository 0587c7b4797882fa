import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** A calibration round as stored. */
export interface RoundRow {
  id: number;
  name: string;
  note: string;
  created_by: string;
  created_at: string;
  closed_by: string | null;
  closed_at: string | null;
  entries: number;
}

/** A gold answer: the known value of an entry on one dimension (JSON). */
export interface GoldRow {
  entry_id: number;
  entry: string;
  dimension: string;
  value: string;
  set_by: string;
  set_at: string;
}

/** `round`, `round_entry` and `gold`: calibration rounds and the entries with a known answer. */
export function roundTable(db: Db) {
  const sql = statementsOf(db);
  const ROUND = `SELECT r.id, r.name, r.note, r.created_by, r.created_at, r.closed_by, r.closed_at,
                        (SELECT COUNT(*) FROM round_entry x WHERE x.round_id = r.id) AS entries
                   FROM round r`;
  return {
    all(): RoundRow[] {
      return sql(`${ROUND} ORDER BY r.id`).all() as RoundRow[];
    },
    byName(name: string): RoundRow | undefined {
      return sql(`${ROUND} WHERE r.name = ? COLLATE NOCASE`).get(name) as RoundRow | undefined;
    },
    byId(id: number): RoundRow | undefined {
      return sql(`${ROUND} WHERE r.id = ?`).get(id) as RoundRow | undefined;
    },
    insert(name: string, note: string, by: string, at: string): number {
      return Number(sql('INSERT INTO round (name, note, created_by, created_at) VALUES (?, ?, ?, ?)').run(name, note, by, at).lastInsertRowid);
    },
    addEntry(roundId: number, entryRowId: number): void {
      sql('INSERT OR IGNORE INTO round_entry (round_id, entry_id) VALUES (?, ?)').run(roundId, entryRowId);
    },
    setClosed(roundId: number, by: string | null, at: string | null): void {
      sql('UPDATE round SET closed_by = ?, closed_at = ? WHERE id = ?').run(by, at, roundId);
    },
    /** The external ids of a round's entries. */
    entryIds(roundId: number): string[] {
      return (sql('SELECT e.ext_id FROM round_entry x JOIN entry e ON e.id = x.entry_id WHERE x.round_id = ?').all(roundId) as { ext_id: string }[]).map((r) => r.ext_id);
    },
    /** Entry row id -> the rounds it is in. */
    membership(): Map<number, number[]> {
      const out = new Map<number, number[]>();
      for (const r of sql('SELECT round_id, entry_id FROM round_entry ORDER BY round_id').all() as { round_id: number; entry_id: number }[]) {
        const list = out.get(r.entry_id) ?? [];
        list.push(r.round_id);
        out.set(r.entry_id, list);
      }
      return out;
    },

    /** The rounds one entry is in, by id. */
    roundsOf(entryRowId: number): number[] {
      return (sql('SELECT round_id FROM round_entry WHERE entry_id = ? ORDER BY round_id').all(entryRowId) as { round_id: number }[]).map((r) => r.round_id);
    },

    goldAll(): GoldRow[] {
      return sql('SELECT g.entry_id, e.ext_id AS entry, g.dimension, g.value, g.set_by, g.set_at FROM gold g JOIN entry e ON e.id = g.entry_id ORDER BY e.id, g.dimension').all() as GoldRow[];
    },
    /** How many gold answers hold each stored value, per dimension: [dimension, value JSON, count]. */
    goldValueCounts(): [string, string, number][] {
      return sql('SELECT dimension, value, COUNT(*) FROM gold GROUP BY dimension, value').raw(true).all() as [string, string, number][];
    },
    goldOf(entryRowId: number): GoldRow[] {
      return sql('SELECT g.entry_id, e.ext_id AS entry, g.dimension, g.value, g.set_by, g.set_at FROM gold g JOIN entry e ON e.id = g.entry_id WHERE g.entry_id = ? ORDER BY g.dimension').all(
        entryRowId,
      ) as GoldRow[];
    },
    /**
     * The gold answers per dimension (of one round's entries, or all) and how many entries hold
     * one on the dimensions named: counted in SQLite, so a study with no gold answers reads nothing.
     */
    goldCounts(dimensions: string[], roundId: number | null): { byDimension: Map<string, number>; entries: number } {
      const args = { dims: JSON.stringify(dimensions), round: roundId };
      const scope = `g.dimension IN (SELECT value FROM json_each(@dims)) AND (@round IS NULL OR g.entry_id IN (SELECT entry_id FROM round_entry WHERE round_id = @round))`;
      const rows = sql(`SELECT g.dimension, COUNT(*) AS n FROM gold g WHERE ${scope} GROUP BY g.dimension`).all(args) as { dimension: string; n: number }[];
      const entries = sql(`SELECT COUNT(DISTINCT g.entry_id) FROM gold g WHERE ${scope}`).pluck().get(args) as number;
      return { byDimension: new Map(rows.map((r) => [r.dimension, r.n])), entries };
    },
    /**
     * Each person's score on the gold answers, per dimension: an item is a gold answer on an entry
     * the annotator finished (a label of theirs on it and their submission submitted, or a draft
     * when drafts count), correct when their label on the dimension is the same JSON text. People
     * only: role annotator, not a machine coder. Read through the gold rows and each one's keys.
     */
    goldScores(dimensions: string[], roundId: number | null, includeDrafts: boolean): { annotator: string; dimension: string; items: number; correct: number }[] {
      return sql(
        `SELECT a.name AS annotator, g.dimension, COUNT(*) AS items, TOTAL(l.value IS NOT NULL AND l.value = g.value) AS correct
           FROM gold g
           JOIN submission s ON s.entry_id = g.entry_id AND (s.status = 'submitted' OR (@drafts AND s.status = 'draft'))
           JOIN annotator a ON a.id = s.annotator_id AND a.role = 'annotator' AND a.kind <> 'machine'
           LEFT JOIN label l ON l.entry_id = g.entry_id AND l.annotator_id = a.id AND l.dimension = g.dimension
          WHERE g.dimension IN (SELECT value FROM json_each(@dims))
            AND (@round IS NULL OR g.entry_id IN (SELECT entry_id FROM round_entry WHERE round_id = @round))
            AND EXISTS (SELECT 1 FROM label x WHERE x.entry_id = g.entry_id AND x.annotator_id = a.id)
          GROUP BY a.id, g.dimension`,
      ).all({ dims: JSON.stringify(dimensions), round: roundId, drafts: includeDrafts ? 1 : 0 }) as { annotator: string; dimension: string; items: number; correct: number }[];
    },
    putGold(entryRowId: number, dimension: string, valueJson: string, by: string, at: string): void {
      sql(
        `INSERT INTO gold (entry_id, dimension, value, set_by, set_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, dimension) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`,
      ).run(entryRowId, dimension, valueJson, by, at);
    },
    deleteGold(entryRowId: number, dimension: string): void {
      sql('DELETE FROM gold WHERE entry_id = ? AND dimension = ?').run(entryRowId, dimension);
    },
  };
}
