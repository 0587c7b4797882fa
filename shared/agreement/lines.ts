import { lineCoverage, type LineRange } from '../codebook/lines.ts';
import { isLineRanges } from '../codebook/lines.ts';
import { TREE_SEPARATOR } from '../codebook/paths.ts';
import type { LabelValue } from '../codebook/values.ts';
import type { RatingCell } from './ratings.ts';
import type { CellUnit } from './types.ts';

/**
 * Agreement on where: each line of each text a lines dimension pins to is a unit. A rater who
 * labelled the entry rates every one of its lines (the values their ranges put on it, or none);
 * a rater who did not is missing on all of them.
 */
export interface LineUnits {
  /** What each unit stands for: the entry, and the line as "L12". */
  units: CellUnit[];
  /** rows[r][u]: the values rater r pins to unit u's line, sorted and joined by "|" ("none": no value); null when missing. */
  rows: (string | null)[][];
  /** rows[r][u] as a set: every value rater r pins to the line (empty: none); null when missing. */
  sets: (ReadonlySet<string> | null)[][];
  /** Per entry: its lines, and the lines on which the raters who labelled it do not all pin the same values. */
  entries: { entry: string; lines: number; differing: number[] }[];
}

export const NO_VALUE = 'none';

/**
 * The line units of one lines dimension, from its cells (units = entries, cells[r][u] = rater r's
 * ranges). `lineCounts[u]` is the number of lines of entry u's text; without it, the last line
 * anyone pinned (the lines after it are no one's, so they would only add agreement on "none").
 */
export function lineUnits(entries: readonly string[], cells: readonly (readonly (LabelValue | undefined)[])[], lineCounts?: readonly (number | undefined)[]): LineUnits {
  const R = cells.length;
  const out: LineUnits = { units: [], rows: cells.map(() => []), sets: cells.map(() => []), entries: [] };
  const empty: ReadonlySet<string> = new Set();
  entries.forEach((entry, u) => {
    const coverage = cells.map((row) => {
      const v = row[u];
      return v !== undefined && isLineRanges(v) ? lineCoverage(v as LineRange[]) : null;
    });
    let last = 0;
    for (const c of coverage) if (c) for (const line of c.keys()) last = Math.max(last, line);
    const lines = Math.max(lineCounts?.[u] ?? last, last);
    const differing: number[] = [];
    for (let line = 1; line <= lines; line++) {
      out.units.push({ entry, part: `L${line}` });
      let first: string | undefined;
      let differs = false;
      for (let r = 0; r < R; r++) {
        const c = coverage[r];
        if (!c) {
          out.rows[r].push(null);
          out.sets[r].push(null);
          continue;
        }
        const held = c.get(line) ?? empty;
        const key = held.size ? [...held].sort().join('|') : NO_VALUE;
        out.rows[r].push(key);
        out.sets[r].push(held);
        if (first === undefined) first = key;
        else if (key !== first) differs = true;
      }
      if (differs) differing.push(line);
    }
    out.entries.push({ entry, lines, differing });
  });
  return out;
}

/**
 * One value's presence on each line unit: "present" where the rater pins it to the line (a type:
 * itself or any of its subtypes), "absent" where they labelled the entry but not this line.
 */
export function linePresence(units: LineUnits, value: string): RatingCell[][] {
  const isType = !value.includes(TREE_SEPARATOR);
  const holds = (held: ReadonlySet<string>) => held.has(value) || (isType && [...held].some((p) => p.split(TREE_SEPARATOR)[0] === value));
  return units.sets.map((row) => row.map((held) => (held === null ? null : holds(held) ? 'present' : 'absent')));
}
