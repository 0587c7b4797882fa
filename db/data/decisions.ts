import type { DecisionMethod } from '../../shared/consensus/index.ts';
import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** A decision as stored: entry x dimension -> the final value (JSON), how and by whom it was reached. */
export interface DecisionRow {
  entry_id: number;
  dimension: string;
  value: string;
  method: DecisionMethod;
  decided_by: string | null;
  rationale: string | null;
  decided_at: string;
}

/** The `decision` table. Decisions never touch the annotators' labels. */
export function decisionTable(db: Db) {
  const sql = statementsOf(db);
  return {
    all(): DecisionRow[] {
      return sql('SELECT entry_id, dimension, value, method, decided_by, rationale, decided_at FROM decision').all() as DecisionRow[];
    },
    /** How many decisions hold each stored value, per dimension: [dimension, value JSON, count]. */
    valueCounts(): [string, string, number][] {
      return sql('SELECT dimension, value, COUNT(*) FROM decision GROUP BY dimension, value').raw(true).all() as [string, string, number][];
    },
    ofEntry(entryRowId: number): DecisionRow[] {
      return sql('SELECT entry_id, dimension, value, method, decided_by, rationale, decided_at FROM decision WHERE entry_id = ?').all(entryRowId) as DecisionRow[];
    },
    get(entryRowId: number, dimension: string): DecisionRow | undefined {
      return sql('SELECT entry_id, dimension, value, method, decided_by, rationale, decided_at FROM decision WHERE entry_id = ? AND dimension = ?').get(entryRowId, dimension) as
        | DecisionRow
        | undefined;
    },
    upsert(d: DecisionRow): void {
      sql(
        `INSERT INTO decision (entry_id, dimension, value, method, decided_by, rationale, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, dimension) DO UPDATE SET value = excluded.value, method = excluded.method, decided_by = excluded.decided_by,
           rationale = excluded.rationale, decided_at = excluded.decided_at`,
      ).run(d.entry_id, d.dimension, d.value, d.method, d.decided_by, d.rationale, d.decided_at);
    },
    delete(entryRowId: number, dimension: string): void {
      sql('DELETE FROM decision WHERE entry_id = ? AND dimension = ?').run(entryRowId, dimension);
    },
    /** The entries that have a decision: external id -> row id. */
    decidedEntries(): Map<string, number> {
      return new Map(
        (sql('SELECT id, ext_id FROM entry WHERE id IN (SELECT entry_id FROM decision)').all() as { id: number; ext_id: string }[]).map((r) => [r.ext_id, r.id]),
      );
    },
    count(): number {
      return (sql('SELECT COUNT(*) AS n FROM decision').get() as { n: number }).n;
    },
  };
}
