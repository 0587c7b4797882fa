import type { Db } from '../database.ts';
import { currentWithTimes, type ForAgreement } from './agreement-rows.ts';

/**
 * The columns agreement reads (`currentForAgreement`) with each row's time as a number
 * (`Date.parse` of the stored text; NaN when it does not parse, and for a row that is gone), read
 * in the same snapshot, for drift. Labels saved together carry the same text one after another:
 * each run is parsed once. (An index of the times as numbers read quicker, but made the project
 * file larger than the study's goal allows and every import of labels slower.)
 */
export function currentWithLabelTimes(db: Db): ForAgreement & { timeOf: Float64Array } {
  const read = currentWithTimes(db);
  const texts = read.rows.times!;
  const timeOf = new Float64Array(read.rows.count);
  let text: string | undefined;
  let time = NaN;
  for (let i = 0; i < read.rows.count; i++) {
    if (texts[i] !== text) time = Date.parse((text = texts[i]));
    timeOf[i] = time;
  }
  return { rows: read.rows, submitted: read.submitted, assigned: read.assigned, timeOf };
}
