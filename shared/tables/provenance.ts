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

/** The text whose SHA-256 identifies a set of labels (see the module comment), as the hash reads it (UTF-8). */
export function labelsDigestText(labels: HashedLabel[]): string {
  const decoder = new TextDecoder();
  let text = '';
  digestBytes(numberLines(labels), (bytes) => (text += decoder.decode(bytes, { stream: true })));
  return text + decoder.decode();
}

/** Labels one by one (the exports' labels) as `digestBytes` takes them: each distinct entry and rest numbered once. */
export function numberLines(labels: HashedLabel[]): NumberedLines {
  const entryOf = new Map<string, number>();
  const restOf = new Map<string, number>();
  const entries: string[] = [];
  const rests: string[] = [];
  const entry = new Int32Array(labels.length);
  const rest = new Int32Array(labels.length);
  labels.forEach((l, i) => {
    let e = entryOf.get(l.entry);
    if (e === undefined) entryOf.set(l.entry, (e = entries.push(l.entry) - 1));
    const text = `${l.annotator}\t${l.dimension}\t${l.value}`;
    let r = restOf.get(text);
    if (r === undefined) restOf.set(text, (r = rests.push(text) - 1));
    entry[i] = e;
    rest[i] = r;
  });
  return { entries, rests, entry, rest };
}

/**
 * Labels by number, as the database counts them: label i is on entry `entry[i]` (an index into
 * `entries`, whose ids are distinct) and its line goes on with `rests[rest[i]]` after `entry TAB`
 * (`annotator TAB dimension TAB value`, each distinct one written once).
 */
export interface NumberedLines {
  entries: readonly string[];
  rests: readonly string[];
  entry: Int32Array;
  rest: Int32Array;
}

/**
 * The hash's text (every line sorted by code unit, joined by LF) as UTF-8, from numbered lines,
 * handed on in pieces of bytes (reused once `emit` returns: a hash takes them as they come).
 *
 * A million labels repeat a few thousand rests, so each rest is encoded and ranked once, each
 * entry's id encoded once, and the lines copied together byte by byte rather than built as a
 * million strings. Every line starts with its entry and a TAB, and an entry id holds no TAB
 * (shared/names.ts refuses control characters), so two lines of different entries are ordered by
 * `entry TAB` alone: the entries are sorted once by that, then each entry's few lines. An id that
 * does hold a TAB (a file written some other way) falls back to sorting every line.
 */
export function digestBytes(lines: NumberedLines, emit: (bytes: Uint8Array) => void): void {
  const { entries, rests, entry, rest } = lines;
  const n = entry.length;
  // The labels by entry, a bucket each.
  const start = new Int32Array(entries.length + 1);
  for (let i = 0; i < n; i++) start[entry[i] + 1]++;
  for (let e = 0; e < entries.length; e++) start[e + 1] += start[e];
  const next = start.slice(0, entries.length);
  const grouped = new Int32Array(n);
  for (let i = 0; i < n; i++) grouped[next[entry[i]]++] = rest[i];
  const used: number[] = [];
  for (let e = 0; e < entries.length; e++) if (start[e + 1] > start[e]) used.push(e);
  const encoder = new TextEncoder();
  if (used.some((e) => entries[e].includes('\t'))) {
    // The rare id that holds a TAB: every line sorted.
    const all = used.flatMap((e) => Array.from(grouped.subarray(start[e], start[e + 1]), (r) => `${entries[e]}\t${rests[r]}`));
    all.sort();
    emit(encoder.encode(all.join('\n')));
    return;
  }
  // Rests ranked by code unit, as the lines of one entry sort (they share its prefix).
  const rank = new Int32Array(rests.length);
  Array.from(rests.keys())
    .sort((a, b) => (rests[a] < rests[b] ? -1 : rests[a] > rests[b] ? 1 : 0))
    .forEach((r, k) => (rank[r] = k));
  const restBytes = rests.map((r) => encoder.encode(r));
  // Entries by `entry TAB`.
  const keys: string[] = [];
  for (const e of used) keys[e] = `${entries[e]}\t`;
  used.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  let out = new Uint8Array(1 << 20);
  let at = 0;
  let key = new Uint8Array(256);
  const room = (bytes: number) => {
    if (at + bytes <= out.length) return;
    if (at > 0) emit(out.subarray(0, at));
    at = 0;
    if (bytes > out.length) out = new Uint8Array(bytes);
  };
  let first = true;
  for (const e of used) {
    const id = keys[e];
    if (id.length * 3 > key.length) key = new Uint8Array(id.length * 3);
    const keyLength = encoder.encodeInto(id, key).written;
    const own = grouped.subarray(start[e], start[e + 1]);
    // An entry's few rests in order: an insertion sort by rank.
    for (let j = 1; j < own.length; j++) {
      const r = own[j];
      let k = j - 1;
      while (k >= 0 && rank[own[k]] > rank[r]) own[k + 1] = own[k--];
      own[k + 1] = r;
    }
    for (const r of own) {
      const line = restBytes[r];
      room(1 + keyLength + line.length);
      if (!first) out[at++] = 10;
      first = false;
      for (let b = 0; b < keyLength; b++) out[at++] = key[b];
      out.set(line, at);
      at += line.length;
    }
  }
  if (at > 0) emit(out.subarray(0, at));
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
