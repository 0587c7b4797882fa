import { badInput } from '../errors.ts';
import { isNumericLevel, isSetLevel, type Level } from './types.ts';

/** A value as given: a category, a number, or a set of categories (masi, jaccard). */
export type Rating = string | number | boolean | readonly (string | number)[];
/** A cell of a reliability matrix; null and undefined are missing. */
export type RatingCell = Rating | null | undefined;

/** The distinct values behind the integer codes. */
export interface ValueTable {
  /** How each value reads, by code ("3", "a|b"). */
  keys: string[];
  /** The number of each code (ordinal: codes are in rank order; interval, ratio). */
  numbers?: Float64Array;
  /** The sorted element ids of each code's set (masi, jaccard). */
  sets?: Int32Array[];
}

/**
 * Reliability data coded as integers, unit-major: `codes[u * raterCount + r]` is the code of
 * rater r's value for unit u, or -1 when it is missing. Everything downstream works on this.
 */
export interface CodedRatings {
  level: Level;
  unitCount: number;
  raterCount: number;
  codes: Int32Array;
  values: ValueTable;
}

/** Largest small integer coded through a lookup table instead of a Map (the hot path). */
const DIRECT_LIMIT = 1 << 16;

function describe(cell: RatingCell): string {
  return Array.isArray(cell) ? cell.join('|') : String(cell);
}

/**
 * Codes a reliability matrix (one row per rater, one column per unit; null or undefined =
 * missing). Numeric levels need numbers (ordinal codes follow numeric order); set levels take
 * arrays (a lone value is a one-element set). Throws a bad-input error naming rater and unit.
 */
export function codeRatingMatrix(rows: readonly (readonly RatingCell[])[], level: Level): CodedRatings {
  const raterCount = rows.length;
  let unitCount = 0;
  for (const row of rows) unitCount = Math.max(unitCount, row.length);
  const codes = new Int32Array(unitCount * raterCount).fill(-1);
  const keys: string[] = [];
  const numeric = isNumericLevel(level);
  const sets = isSetLevel(level);
  const byKey = new Map<string | number, number>();
  const direct = new Int32Array(256).fill(-1);
  let directTable = direct;
  const nums: number[] = [];
  const elementIds = new Map<string, number>();
  const setList: Int32Array[] = [];

  for (let r = 0; r < raterCount; r++) {
    const row = rows[r];
    // Rows of small whole numbers (the common case, and the benchmark) take a tight loop.
    let u = 0;
    if (!sets) {
      for (; u < row.length; u++) {
        const cell = row[u];
        if (cell === null || cell === undefined) continue;
        if (typeof cell !== 'number' || !(cell >= 0 && cell < directTable.length) || (cell | 0) !== cell) break;
        let code = directTable[cell];
        if (code < 0) {
          code = keys.length;
          directTable[cell] = code;
          keys.push(String(cell));
          nums.push(cell);
        }
        codes[u * raterCount + r] = code;
      }
    }
    for (; u < row.length; u++) {
      const cell = row[u];
      if (cell === null || cell === undefined) continue;
      let code: number;
      if (typeof cell === 'number' && !sets && Number.isInteger(cell) && cell >= 0 && cell < DIRECT_LIMIT) {
        // Small integer codes (the common case and the benchmark) skip hashing.
        if (cell >= directTable.length) {
          const grown = new Int32Array(Math.min(DIRECT_LIMIT, Math.max(cell + 1, directTable.length * 2))).fill(-1);
          grown.set(directTable);
          directTable = grown;
        }
        code = directTable[cell];
        if (code < 0) {
          code = keys.length;
          directTable[cell] = code;
          keys.push(String(cell));
          nums.push(cell);
        }
      } else if (sets) {
        const items = Array.isArray(cell) ? cell : [cell as string | number];
        const ids = [...new Set(items.map(String))].map((e) => {
          let id = elementIds.get(e);
          if (id === undefined) elementIds.set(e, (id = elementIds.size));
          return id;
        });
        ids.sort((a, b) => a - b);
        const key = ids.join(',');
        code = byKey.get(key) ?? -1;
        if (code < 0) {
          code = keys.length;
          byKey.set(key, code);
          keys.push(items.map(String).join('|'));
          setList.push(Int32Array.from(ids));
        }
      } else if (numeric) {
        if (typeof cell !== 'number' || !Number.isFinite(cell))
          throw badInput(`rater ${r + 1}, unit ${u + 1}: ${level} values are numbers, not "${describe(cell)}"`);
        code = byKey.get(cell) ?? -1;
        if (code < 0) {
          code = keys.length;
          byKey.set(cell, code);
          keys.push(String(cell));
          nums.push(cell);
        }
      } else {
        if (Array.isArray(cell)) throw badInput(`rater ${r + 1}, unit ${u + 1}: ${level} takes one value per cell, not a set`);
        // Typed keys keep the number 1 and the string "1" apart, as they are apart in the data.
        const key = `${typeof cell}:${String(cell)}`;
        code = byKey.get(key) ?? -1;
        if (code < 0) {
          code = keys.length;
          byKey.set(key, code);
          keys.push(String(cell));
          if (typeof cell === 'number') nums.push(cell);
        }
      }
      codes[u * raterCount + r] = code;
    }
  }

  if (level === 'ratio' && nums.some((x) => x < 0)) throw badInput('ratio values cannot be negative (a ratio scale starts at an absolute zero)');
  const values: ValueTable = { keys };
  if (sets) values.sets = setList;
  else if (numeric) {
    values.numbers = Float64Array.from(nums);
    if (level === 'ordinal') return rankOrder({ level, unitCount, raterCount, codes, values });
  }
  return { level, unitCount, raterCount, codes, values };
}

/** Renumbers codes so that code order is numeric order, which the ordinal metric relies on. */
function rankOrder(data: CodedRatings): CodedRatings {
  const nums = data.values.numbers!;
  const order = Array.from(nums.keys()).sort((a, b) => nums[a] - nums[b]);
  const rankOf = new Int32Array(order.length);
  order.forEach((code, rank) => (rankOf[code] = rank));
  const codes = data.codes.map((c) => (c < 0 ? c : rankOf[c]));
  return {
    ...data,
    codes,
    values: { keys: order.map((c) => data.values.keys[c]), numbers: Float64Array.from(order.map((c) => nums[c])) },
  };
}
