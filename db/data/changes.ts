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
    totalChanges: (sql('SELECT total_changes() AS n').get() as { n: number }).n,
  };
}

export const sameMarker = (a: ChangeMarker | null, b: ChangeMarker) => !!a && a.dataVersion === b.dataVersion && a.totalChanges === b.totalChanges;
