import type { Db } from '../database.ts';
import { keptLabelTimes, readForAgreement, type ForAgreement } from './agreement-rows.ts';

/**
 * The columns agreement reads (`currentForAgreement`) with each row's time as a number
 * (`Date.parse` of the stored text; NaN when it does not parse, and for a row that is gone), read
 * in the same snapshot, for drift. The times are read once and kept with the columns
 * (`keptLabelTimes`); only when the kept rows are not all the table's is every label read again
 * with its time. (An index of the times as numbers read quicker, but made the project file larger
 * than the study's goal allows and every import of labels slower.)
 */
export function currentWithLabelTimes(db: Db): ForAgreement & { timeOf: Float64Array } {
  return db.transaction(() => {
    const kept = keptLabelTimes(db);
    if (kept) return kept;
    const read = readForAgreement(db, { timeNumbers: true });
    return { ...read, timeOf: read.rows.time! };
  })();
}
