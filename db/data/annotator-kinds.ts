import type { AnnotatorKind } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import { perConnection } from './per-connection.ts';

/**
 * Whether an annotator is a person or a machine coder (migration 003): which ones are machines,
 * and marking one. The only SQL on `annotator.kind`.
 */
export function annotatorKindTable(db: Db) {
  const q = {
    machines: db.prepare("SELECT name FROM annotator WHERE kind = 'machine' ORDER BY name"),
    byName: db.prepare('SELECT id, name, role, kind FROM annotator WHERE name = ? COLLATE NOCASE'),
    setKind: db.prepare('UPDATE annotator SET kind = ? WHERE id = ?'),
    kinds: db.prepare('SELECT name, kind FROM annotator'),
  };
  return {
    /** Names of the machine coders, by name. */
    machines(): string[] {
      return (q.machines.all() as { name: string }[]).map((r) => r.name);
    },
    /** Every annotator's kind, by exact name. */
    kinds(): Map<string, AnnotatorKind> {
      return new Map((q.kinds.all() as { name: string; kind: AnnotatorKind }[]).map((r) => [r.name, r.kind]));
    },
    byName(name: string): { id: number; name: string; role: string; kind: AnnotatorKind } | undefined {
      return q.byName.get(name) as { id: number; name: string; role: string; kind: AnnotatorKind } | undefined;
    },
    setKind(id: number, kind: AnnotatorKind): void {
      q.setKind.run(kind, id);
    },
  };
}

export const annotatorKinds = perConnection(annotatorKindTable);
