import type { Annotator, AnnotatorKind, AnnotatorRole } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/** An annotator row: names compare case-insensitively (the column's NOCASE collation). */
export interface AnnotatorRow {
  id: number;
  name: string;
  role: AnnotatorRole;
}

/** The `annotator` table: who labels, who leads, and whose labels are a published reference. */
export function annotatorTable(db: Db) {
  const sql = statementsOf(db);
  return {
    /** One annotator by name, whatever its case. */
    byName(name: string): AnnotatorRow | undefined {
      return sql('SELECT id, name, role FROM annotator WHERE name = ?').get(name) as AnnotatorRow | undefined;
    },
    all(): AnnotatorRow[] {
      return sql('SELECT id, name, role FROM annotator').all() as AnnotatorRow[];
    },
    /** As the app lists them: by role, then name whatever its case; a machine coder says so (a person is a person by default). */
    listed(): Annotator[] {
      return (sql('SELECT name, role, kind FROM annotator ORDER BY role, name COLLATE NOCASE').all() as (Annotator & { kind: AnnotatorKind })[]).map(({ kind, ...a }) =>
        kind === 'machine' ? { ...a, kind } : a,
      );
    },
    /** Names of the machine coders (migration 003's `kind`), by name. */
    machines(): string[] {
      return (sql("SELECT name FROM annotator WHERE kind = 'machine' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    },
    /** Every annotator's kind, by exact name. */
    kinds(): Map<string, AnnotatorKind> {
      return new Map((sql('SELECT name, kind FROM annotator').all() as { name: string; kind: AnnotatorKind }[]).map((r) => [r.name, r.kind]));
    },
    withKind(name: string): (AnnotatorRow & { kind: AnnotatorKind }) | undefined {
      return sql('SELECT id, name, role, kind FROM annotator WHERE name = ? COLLATE NOCASE').get(name) as (AnnotatorRow & { kind: AnnotatorKind }) | undefined;
    },
    setKind(id: number, kind: AnnotatorKind): void {
      sql('UPDATE annotator SET kind = ? WHERE id = ?').run(kind, id);
    },
    /** Every name, in code-point order (for messages that say who there is). */
    names(): string[] {
      return (sql('SELECT name FROM annotator ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    },
    namesWithRole(role: AnnotatorRole): string[] {
      return (sql('SELECT name FROM annotator WHERE role = ?').all(role) as { name: string }[]).map((r) => r.name);
    },
    insert(name: string, role: AnnotatorRole, at: string): number {
      return Number(sql('INSERT INTO annotator (name, role, created_at) VALUES (?, ?, ?)').run(name, role, at).lastInsertRowid);
    },
    count(): number {
      return (sql('SELECT COUNT(*) AS n FROM annotator').get() as { n: number }).n;
    },
  };
}
