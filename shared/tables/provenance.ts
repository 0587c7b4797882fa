/**
 * What an analysis file was computed on, so a figure in a paper can be traced back: the app and
 * its version, and a SHA-256 of the labels (one line per label, `entry TAB annotator TAB
 * dimension TAB value`, the value written as the long file writes it, lines sorted by code
 * point, joined by LF). Anyone can recompute the hash from the long file's rows; the README
 * shows how in Python.
 */
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { isEmptyValue, type LabelValue } from '../codebook/values.ts';

export interface Provenance {
  app: 'Concord';
  version: string;
  /** The export it heads (`ratings-long`, `coefficients`...). */
  export: string;
  /** The people's labels the figures count. */
  labels: { count: number; sha256: string };
  /** The machine coders' labels the file also holds, when it holds any. */
  machineLabels?: { count: number; sha256: string };
}

/**
 * A label value as one cell of text: an id; a set's ids joined by `|` (tree paths as
 * `type::subtype`); a checklist as `item=1|item=0` for every item answered; free text as is.
 */
export function valueText(dim: Dimension | undefined, value: LabelValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join('|');
  const order = dim ? dim.values.map((v) => v.id) : [];
  const items = Object.keys(value).sort((a, b) => (order.indexOf(a) + 1 || Infinity) - (order.indexOf(b) + 1 || Infinity) || (a < b ? -1 : 1));
  return items.map((k) => `${k}=${value[k] ? 1 : 0}`).join('|');
}

/** One label as it enters the hash. */
export interface HashedLabel {
  entry: string;
  annotator: string;
  dimension: string;
  value: string;
}

/** The text whose SHA-256 identifies a set of labels (see the module comment). */
export function labelsDigestText(labels: HashedLabel[]): string {
  const lines = labels.map((l) => `${l.entry}\t${l.annotator}\t${l.dimension}\t${l.value}`);
  // By code unit, as `<` compares strings; the built-in order without a comparator is the same and faster.
  lines.sort();
  return lines.join('\n');
}

/** Labels as the hash and the long file read them; empty values carry nothing and are left out. */
export function hashedLabels(codebook: Codebook, labels: { entryId: string; annotator: string; dimension: string; value: LabelValue }[]): HashedLabel[] {
  const dims = new Map(codebook.dimensions.map((d) => [d.id, d]));
  return labels.filter((l) => !isEmptyValue(l.value)).map((l) => ({ entry: l.entryId, annotator: l.annotator, dimension: l.dimension, value: valueText(dims.get(l.dimension), l.value) }));
}

/** How to read a CSV whose first line is the provenance line. */
export const SKIP_FIRST_LINE = 'pandas.read_csv(path, skiprows=1) or read.csv(path, skip = 1)';

/** The provenance as one line of text, for the first line of a CSV or a comment. */
export function provenanceText(p: Provenance): string {
  const machine = p.machineLabels ? `; machine labels sha256 ${p.machineLabels.sha256} (${p.machineLabels.count})` : '';
  return `${p.app} ${p.version}, ${p.export}; labels sha256 ${p.labels.sha256} (${p.labels.count})${machine}`;
}

/** The first line of an analysis CSV: a comment naming the provenance and how to skip it. */
export function provenanceLine(p: Provenance): string {
  return `# ${provenanceText(p)}; read with ${SKIP_FIRST_LINE}`;
}
