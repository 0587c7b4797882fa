import { categoryReading, type CategoryReading } from '../shared/agreement/categories.ts';
import { newCoding, type CodedDimension } from '../shared/agreement/coders.ts';
import type { Codebook, Dimension } from '../shared/codebook/schema.ts';
import { isEmptyValue, type LabelValue } from '../shared/codebook/values.ts';
import type { countedLabelColumns } from './agreement.ts';
import type { ConsensusReference } from './adjudication.ts';
import { compareIds } from '../shared/ids.ts';

/** A dimension's labels coded, with the row id of each unit. */
export interface CodedRows {
  coded: CodedDimension;
  rowIds: Int32Array;
}

/**
 * The counted labels of each categorical dimension, coded as the coder and machine figures read
 * them (`CodedDimension`, as `codeLabels` codes label objects) straight from the kept label
 * columns: units in the entries' natural order, each stored value's category worked out once.
 * Only the labels of `raters` (names) count.
 */
export function codedFromColumns(counted: ReturnType<typeof countedLabelColumns>, dims: Dimension[], raters: ReadonlySet<string>): Map<string, CodedRows> {
  const { order, people } = counted;
  const { rows, counted: which, parsed } = counted.labels;
  // Each entry's place in the natural order, by row id.
  let size = 0;
  for (let rank = 0; rank < order.length; rank++) size = Math.max(size, order[rank][0] + 1);
  const rankOf = new Int32Array(size);
  for (let rank = 0; rank < order.length; rank++) rankOf[order[rank][0]] = rank;
  // Per dimension of the rows (by index): its reading, or none when it is not one of `dims` with a category per label.
  const readings: (CategoryReading | null)[] = rows.dimensions.map((id) => {
    const dim = dims.find((d) => d.id === id);
    return dim ? categoryReading(dim) : null;
  });
  // Per annotator id, the name of a rater whose labels count here; per dimension and stored value, whether it is read, whether it is empty.
  const nameOf: (string | undefined)[] = [];
  for (const [id, name] of people) if (raters.has(name)) nameOf[id] = name;
  const isRater = Uint8Array.from(nameOf, (name) => (name === undefined ? 0 : 1));
  const isRead = Uint8Array.from(readings, (r) => (r === null ? 0 : 1));
  const empty = Uint8Array.from(parsed, (v) => (v === undefined || isEmptyValue(v) ? 1 : 0));
  // The labels that count (on a dimension read here, by a rater, not empty), and the units of each
  // dimension: the entries with such a label there, marked by rank.
  const unitOf = readings.map((r) => (r ? new Int32Array(order.length).fill(-1) : undefined));
  const labels = new Int32Array(which.length);
  let n = 0;
  for (let k = 0; k < which.length; k++) {
    const i = which[k];
    const d = rows.dimension[i];
    if (isRead[d] === 1 && isRater[rows.annotator[i]] === 1 && empty[rows.value[i]] === 0) {
      labels[n++] = i;
      unitOf[d]![rankOf[rows.entry[i]]] = 0;
    }
  }

  const out = new Map<string, CodedRows>();
  const byIndex: (CodedRows | undefined)[] = readings.map((reading, d) => {
    if (!reading) return undefined;
    const own = unitOf[d]!;
    // The units in rank order, and their row ids (made at their size: pushed one by one took twice as long).
    let count = 0;
    for (let rank = 0; rank < order.length; rank++) if (own[rank] === 0) own[rank] = count++;
    const units = new Array<string>(count);
    const rowIds = new Int32Array(count);
    for (let rank = 0; rank < order.length; rank++)
      if (own[rank] >= 0) {
        units[own[rank]] = order[rank][1];
        rowIds[own[rank]] = order[rank][0];
      }
    const coded = { coded: newCoding(reading, units), rowIds };
    out.set(rows.dimensions[d], coded);
    return coded;
  });

  // Each label's code, worked out once per (dimension, stored value); -2: not yet. Each rater's codes of a dimension, by annotator id.
  const codeOf = readings.map(() => new Int32Array(rows.values.length).fill(-2));
  const codesOf = readings.map(() => [] as (Int32Array | undefined)[]);
  for (let k = 0; k < n; k++) {
    const i = labels[k];
    const d = rows.dimension[i];
    const a = rows.annotator[i];
    const { coded } = byIndex[d]!;
    let codes = codesOf[d][a];
    if (!codes) coded.byRater.set(nameOf[a]!, (codes = codesOf[d][a] = new Int32Array(coded.units.length).fill(-1)));
    const v = rows.value[i];
    if (codeOf[d][v] === -2) codeOf[d][v] = coded.code(parsed[v] as LabelValue);
    codes[unitOf[d]![rankOf[rows.entry[i]]]] = codeOf[d][v];
  }
  return out;
}

/** A dimension with no label to compare. */
export const noLabels = (reading: CategoryReading): CodedRows => ({ coded: newCoding(reading, []), rowIds: new Int32Array(0) });

/**
 * Each unit's code of a reference read from the consensus (`consensusReference`), by the unit's
 * entry row id: each of its values coded once, as first met in unit order.
 */
export function referenceCodesOf({ coded, rowIds }: CodedRows, reference: ConsensusReference | undefined): Int32Array {
  const out = new Int32Array(rowIds.length).fill(-1);
  if (!reference) return out;
  const { at, values } = reference;
  // -2: not coded yet.
  const codeOf = new Int32Array(values.length).fill(-2);
  for (let u = 0; u < rowIds.length; u++) {
    const v = rowIds[u] < at.length ? at[rowIds[u]] : -1;
    if (v < 0) continue;
    if (codeOf[v] === -2) codeOf[v] = coded.code(values[v]);
    out[u] = codeOf[v];
  }
  return out;
}

/** The codebook's dimensions a report looks at: one, or all. */
export const dimensionsOf = (codebook: Codebook, dimension: string | undefined) => codebook.dimensions.filter((d) => (dimension ? d.id === dimension : true));

/** Everyone with a counted label, in the natural order of names. */
export function countedNames(counted: ReturnType<typeof countedLabelColumns>): string[] {
  const { rows, counted: which } = counted.labels;
  const seen = new Uint8Array(Math.max(0, ...counted.people.keys()) + 1);
  for (let k = 0; k < which.length; k++) seen[rows.annotator[which[k]]] = 1;
  return [...counted.people].filter(([id]) => seen[id] === 1).map(([, name]) => name).sort(compareIds);
}
