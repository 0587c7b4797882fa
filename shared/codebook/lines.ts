import { badInput } from '../errors.ts';
import { matchTreePath, TREE_SEPARATOR, treeOrder, treePathLabel } from './paths.ts';
import type { Dimension, PinnedText } from './schema.ts';

/**
 * Values of a `lines` dimension: bugs pinned to lines of one of the entry's texts. A label is a
 * list of ranges, each a value of the dimension's tree ("type" or "type::subtype") on lines
 * `start`..`end` (1-based, inclusive). The canonical form is what agreement and consensus read:
 * per value, overlapping or touching ranges merged into one; sorted by start, end, then codebook
 * order; so two labels that cover the same lines with the same values are the same JSON.
 */
export interface LineRange {
  start: number;
  end: number;
  value: string;
}

/** More ranges than anyone pins on one text: a value beyond it is refused, so no input grows without bound. */
export const MAX_LINE_RANGES = 1000;
/** Lines past this are refused whatever the text (no text the app shows is longer). */
export const MAX_LINE_NUMBER = 1_000_000;

/** The text a lines dimension pins to (the output unless the codebook says otherwise). */
export function pinnedText(dim: Pick<Dimension, 'pinsTo'>): PinnedText {
  return dim.pinsTo ?? 'output';
}

/** Names of the texts as the app shows them, for messages. */
export const PINNED_TEXT_NAMES: Record<PinnedText, string> = { output: 'output', groundTruth: 'ground truth', prompt: 'prompt', testLog: 'test log' };

/** Lines of a text as Monaco counts them (an empty text has none to pin to). */
export function lineCount(text: string): number {
  if (text === '') return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function lineNumber(dim: Dimension, raw: unknown, what: string): number {
  const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LINE_NUMBER)
    throw badInput(`${dim.id}: ${what} line must be a whole number from 1 (got ${JSON.stringify(raw)})`);
  return n;
}

/**
 * Sorts and merges ranges already checked: per value, ranges that overlap or touch become one
 * (lines 3-4 and 5-6 of one value are lines 3-6), and an exact duplicate disappears.
 */
export function normalizeLineRanges(ranges: readonly LineRange[], order: ReadonlyMap<string, number>): LineRange[] {
  const byValue = new Map<string, LineRange[]>();
  for (const r of ranges) (byValue.get(r.value) ?? byValue.set(r.value, []).get(r.value)!).push({ start: r.start, end: r.end, value: r.value });
  const out: LineRange[] = [];
  for (const list of byValue.values()) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    let cur: LineRange | null = null;
    for (const r of list) {
      if (cur && r.start <= cur.end + 1) cur.end = Math.max(cur.end, r.end);
      else out.push((cur = r));
    }
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end || (order.get(a.value) ?? 0) - (order.get(b.value) ?? 0));
}

function rangesIn(dim: Dimension, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw badInput(`${dim.id} takes a list of line ranges ({ start, end, value })`);
  if (value.length > MAX_LINE_RANGES) throw badInput(`${dim.id} holds at most ${MAX_LINE_RANGES} line ranges (got ${value.length})`);
  return value;
}

function checkedRange(dim: Dimension, raw: unknown, valueOf: (v: unknown) => string | undefined): LineRange {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badInput(`${dim.id}: a line range is { start, end, value } (got ${JSON.stringify(raw)})`);
  const r = raw as Record<string, unknown>;
  const start = lineNumber(dim, r.start, 'the first');
  const end = r.end === undefined ? start : lineNumber(dim, r.end, 'the last');
  if (end < start) throw badInput(`${dim.id}: a range cannot end (line ${end}) before it starts (line ${start})`);
  const value = valueOf(r.value);
  if (value === undefined) throw badInput(`unknown type or subtype for ${dim.id}: ${JSON.stringify(r.value)}`);
  return { start, end, value };
}

/** Checks ranges sent by the app (value ids only, so a typo cannot land as a near match) and returns their canonical form. */
export function canonicalLineRanges(dim: Dimension, value: unknown): LineRange[] {
  const order = treeOrder(dim);
  const ranges = rangesIn(dim, value).map((r) => checkedRange(dim, r, (v) => (typeof v === 'string' && order.has(v) ? v : undefined)));
  return normalizeLineRanges(ranges, order);
}

/**
 * Reads ranges as people write them: the JSON list (values by id, label or alias, "Type::Subtype"),
 * or text such as `3-5: Computation Errors | 9: Off by one` (what the labels export writes).
 */
export function parseLineRanges(dim: Dimension, raw: unknown): LineRange[] {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') list = [];
    else if (text.startsWith('[')) {
      try {
        list = JSON.parse(text);
      } catch {
        throw badInput(`${dim.id}: line ranges that start with "[" must be JSON`);
      }
    } else
      list = text.split('|').map((part) => {
        const m = /^\s*L?(\d+)\s*(?:[-–]\s*L?(\d+))?\s*:\s*(.+?)\s*$/.exec(part);
        if (!m) throw badInput(`${dim.id}: cannot read "${part.trim()}" as a line range (write "3-5: Type" or "9: Type::Subtype")`);
        return { start: Number(m[1]), end: m[2] === undefined ? Number(m[1]) : Number(m[2]), value: m[3] };
      });
  }
  const order = treeOrder(dim);
  const ranges = rangesIn(dim, list).map((r) => checkedRange(dim, r, (v) => (typeof v === 'string' ? matchTreePath(dim, v) : undefined)));
  return normalizeLineRanges(ranges, order);
}

/** Refuses ranges past the end of the text they pin to. */
export function checkLinesWithin(dim: Dimension, ranges: readonly LineRange[], lines: number): void {
  const past = ranges.find((r) => r.end > lines);
  if (past)
    throw badInput(
      `${dim.id}: line ${past.end} is past the end of the ${PINNED_TEXT_NAMES[pinnedText(dim)]} (${lines === 0 ? 'it is empty' : `${lines} line${lines === 1 ? '' : 's'}`})`,
      { field: 'value' },
    );
}

/** "L3–5" or "L9". */
export function lineSpan(r: Pick<LineRange, 'start' | 'end'>): string {
  return r.start === r.end ? `L${r.start}` : `L${r.start}–${r.end}`;
}

/** Ranges as a person reads them: "L3–5 Computation Errors; L9 Type › Subtype". */
export function describeLineRanges(dim: Dimension, ranges: readonly LineRange[]): string {
  return ranges.map((r) => `${lineSpan(r)} ${treePathLabel(dim, r.value)}`).join('; ');
}

/** Ranges as a file writes them, read back by `parseLineRanges`: "3-5: Computation Errors|9: Type::Subtype". */
export function formatLineRanges(dim: Dimension, ranges: readonly LineRange[]): string {
  const label = (path: string) => {
    const [t, s] = path.split(TREE_SEPARATOR);
    const type = dim.values.find((v) => v.id === t);
    const sub = s === undefined ? undefined : (type?.children?.find((c) => c.id === s)?.label ?? s);
    return sub === undefined ? (type?.label ?? t) : `${type?.label ?? t}${TREE_SEPARATOR}${sub}`;
  };
  return ranges.map((r) => `${r.start === r.end ? r.start : `${r.start}-${r.end}`}: ${label(r.value)}`).join('|');
}

/** Whether a value is a list of line ranges (and not a list of value ids). */
export function isLineRanges(v: unknown): v is LineRange[] {
  return Array.isArray(v) && v.every((r) => !!r && typeof r === 'object' && 'start' in r);
}

/** The values each line holds: line number -> value paths. */
export function lineCoverage(ranges: readonly LineRange[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const r of ranges)
    for (let line = r.start; line <= r.end; line++) (out.get(line) ?? out.set(line, new Set()).get(line)!).add(r.value);
  return out;
}

/** Ranges from (value, line) pairs. */
function rangesOfPairs(pairs: Iterable<[string, number]>, order: ReadonlyMap<string, number>): LineRange[] {
  return normalizeLineRanges([...pairs].map(([value, line]) => ({ start: line, end: line, value })), order);
}

function pairCounts(labels: readonly (readonly LineRange[])[]): Map<string, { value: string; line: number; n: number }> {
  const counts = new Map<string, { value: string; line: number; n: number }>();
  for (const ranges of labels) {
    const seen = new Set<string>();
    for (const [line, values] of lineCoverage(ranges))
      for (const value of values) {
        const key = `${value}\u0000${line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const c = counts.get(key) ?? counts.set(key, { value, line, n: 0 }).get(key)!;
        c.n++;
      }
  }
  return counts;
}

/** Every line any of the labels pins, with its value. */
export function unionLineRanges(dim: Dimension, labels: readonly (readonly LineRange[])[]): LineRange[] {
  return rangesOfPairs([...pairCounts(labels).values()].map((c) => [c.value, c.line]), treeOrder(dim));
}

/** The lines every one of the labels pins with the same value. */
export function intersectLineRanges(dim: Dimension, labels: readonly (readonly LineRange[])[]): LineRange[] {
  if (!labels.length) return [];
  return rangesOfPairs([...pairCounts(labels).values()].filter((c) => c.n === labels.length).map((c) => [c.value, c.line]), treeOrder(dim));
}

/** The lines more than half of the labels pin with the same value. */
export function majorityLineRanges(dim: Dimension, labels: readonly (readonly LineRange[])[]): LineRange[] {
  return rangesOfPairs([...pairCounts(labels).values()].filter((c) => c.n * 2 > labels.length).map((c) => [c.value, c.line]), treeOrder(dim));
}

/** Adds a range (merged into the label's canonical form), or, when exactly that range is there, removes it. */
export function toggleLineRange(dim: Dimension, current: readonly LineRange[], range: LineRange): LineRange[] {
  const same = current.findIndex((r) => r.start === range.start && r.end === range.end && r.value === range.value);
  if (same >= 0) return current.filter((_, i) => i !== same);
  return normalizeLineRanges([...current, range], treeOrder(dim));
}

/** Takes `value` off lines `start`..`end` (every value when `value` is undefined), splitting a range that covers more. */
export function clearLines(dim: Dimension, current: readonly LineRange[], start: number, end: number, value?: string): LineRange[] {
  const out: LineRange[] = [];
  for (const r of current) {
    if ((value !== undefined && r.value !== value) || r.end < start || r.start > end) {
      out.push(r);
      continue;
    }
    if (r.start < start) out.push({ start: r.start, end: start - 1, value: r.value });
    if (r.end > end) out.push({ start: end + 1, end: r.end, value: r.value });
  }
  return normalizeLineRanges(out, treeOrder(dim));
}
