import type { Db } from '../database.ts';
import { statementsOf } from './statements.ts';

/**
 * Whether a database changed since a reader last looked, cheaply: `data_version` moves when
 * another connection (another process, a worker) commits, `total_changes()` when this one writes.
 * Equal markers mean nothing was written in between; what was written, the event log says.
 */
export interface ChangeMarker {
  dataVersion: number;
  totalChanges: number;
}

export function changeMarker(db: Db): ChangeMarker {
  const sql = statementsOf(db);
  return {
    dataVersion: (sql('PRAGMA data_version').get() as { data_version: number }).data_version,
    totalChanges: totalChanges(db) - (unmarked.get(db)?.changes ?? 0),
  };
}

const totalChanges = (db: Db) => (statementsOf(db)('SELECT total_changes() AS n').get() as { n: number }).n;

/** Per connection: the changes made by `unmarkedWrite`s so far, and how deep in one it is now. */
const unmarked = new WeakMap<Db, { changes: number; depth: number }>();

/**
 * Runs `write`, which changes nothing a reader keeps (a temporary table, the search index of
 * entries already stored): its changes do not move this connection's marker. Without it, a queue
 * search by an annotator threw away the label columns and every entry's consensus the lead's
 * views keep, and the next view read a million labels again.
 */
export function unmarkedWrite<T>(db: Db, write: () => T): T {
  let own = unmarked.get(db);
  if (!own) unmarked.set(db, (own = { changes: 0, depth: 0 }));
  const before = own.depth === 0 ? totalChanges(db) : 0;
  own.depth++;
  try {
    return write();
  } finally {
    // JavaScript runs one call at a time: every change made meanwhile on this connection is the write's.
    if (--own.depth === 0) own.changes += totalChanges(db) - before;
  }
}

export const sameMarker = (a: ChangeMarker | null, b: ChangeMarker) => !!a && a.dataVersion === b.dataVersion && a.totalChanges === b.totalChanges;
