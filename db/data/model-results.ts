import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** The `model_result` table: entry x model -> whether that model's output passed (for pass@1). */
export function modelResultTable(db: Db) {
  const sql = statementsOf(db);
  return {
    get(entryRowId: number, model: string): { passed: number; tests_passed: number | null; tests_total: number | null } | undefined {
      return sql('SELECT passed, tests_passed, tests_total FROM model_result WHERE entry_id = ? AND model = ?').get(entryRowId, model) as
        | { passed: number; tests_passed: number | null; tests_total: number | null }
        | undefined;
    },
    upsert(entryRowId: number, model: string, passed: boolean, testsPassed: number | null, testsTotal: number | null): void {
      sql(
        `INSERT INTO model_result (entry_id, model, passed, tests_passed, tests_total) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entry_id, model) DO UPDATE SET passed = excluded.passed, tests_passed = excluded.tests_passed, tests_total = excluded.tests_total`,
      ).run(entryRowId, model, passed ? 1 : 0, testsPassed, testsTotal);
    },
    /** Every result with its entry's external id. */
    all(): { entryId: string; model: string; passed: boolean }[] {
      return (sql('SELECT e.ext_id, r.model, r.passed FROM model_result r JOIN entry e ON e.id = r.entry_id').all() as { ext_id: string; model: string; passed: number }[]).map((r) => ({
        entryId: r.ext_id,
        model: r.model,
        passed: r.passed === 1,
      }));
    },
  };
}
