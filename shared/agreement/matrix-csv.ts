import { parseCsv } from '../csv.ts';
import { badInput } from '../errors.ts';
import type { RatingCell } from './ratings.ts';
import { isNumericLevel, isSetLevel, type Level } from './types.ts';

/** A reliability matrix read from CSV: one row per rater, one column per unit. */
export interface ReliabilityMatrix {
  raters: string[];
  units: string[];
  rows: RatingCell[][];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads Krippendorff's layout: a header `rater,<unit id>,...`, then one row per rater; an empty
 * cell is missing; set levels join a cell's values with `|`; numeric levels read numbers.
 * A malformed file is a bad-input error naming the file, line and field.
 */
export function parseReliabilityCsv(text: string, level: Level, file = 'matrix.csv'): ReliabilityMatrix {
  // The one CSV reader refuses malformed quotes, ragged rows and empty or repeated unit ids.
  const { header, headerLine, rows: body } = parseCsv(text, file);
  if (header[0].toLowerCase() !== 'rater')
    throw badInput(`the header must start with "rater", not "${header[0]}"`, { file, line: headerLine, field: 'rater' });
  const units = header.slice(1);
  if (units.length === 0) throw badInput('the header names no units', { file, line: headerLine });
  if (body.length === 0) throw badInput('no rater rows after the header', { file, line: headerLine + 1 });

  const numeric = isNumericLevel(level);
  const sets = isSetLevel(level);
  const raters: string[] = [];
  const seenRaters = new Set<string>();
  const rows: RatingCell[][] = body.map((rec) => {
    const name = rec.cells[header[0]].trim();
    if (name === '') throw badInput('the rater name is empty', { file, line: rec.line, field: 'rater' });
    if (seenRaters.has(name)) throw badInput(`rater "${name}" has two rows`, { file, line: rec.line, field: 'rater' });
    seenRaters.add(name);
    raters.push(name);
    return units.map((unit): RatingCell => {
      const v = rec.cells[unit].trim();
      if (v === '') return null;
      if (sets) {
        const parts = v.split('|').map((p) => p.trim()).filter(Boolean);
        return parts.length ? parts : null;
      }
      if (numeric) {
        if (!NUMBER.test(v)) throw badInput(`"${v}" is not a number (the ${level} level reads numbers)`, { file, line: rec.line, field: unit });
        const x = Number(v);
        if (level === 'ratio' && x < 0) throw badInput(`"${v}" is negative; ratio values start at an absolute zero`, { file, line: rec.line, field: unit });
        return x;
      }
      return v;
    });
  });
  return { raters, units, rows };
}
