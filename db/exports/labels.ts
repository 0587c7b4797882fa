import { ConcordError, badInput } from '../../shared/errors.ts';
import { fieldLayoutOf, shownFields } from '../../shared/codebook/fields.ts';
import type { Codebook } from '../../shared/codebook/schema.ts';
import { csvLine, formatMarkdown } from '../../shared/tables/formats.ts';
import { labelsJson, labelsTable, type LabelsInput } from '../../shared/tables/labels.ts';
import { columnsFor, type Table } from '../../shared/tables/table.ts';
import { entryConsensus, studyInSlices } from '../adjudication.ts';
import { commentsByEntry, reasonsByEntry } from '../comments.ts';
import type { Db } from '../database.ts';
import { openStore } from '../data/index.ts';
import { studySliceReads } from '../data/streams.ts';
import { textConsensus } from '../revisions.ts';
import { jsonPieces, listMarker } from './streaming.ts';

/**
 * The labels export (a dataset release), made a slice of entries at a time: each slice's labels,
 * decisions, consensus, rows and texts are read, written and let go before the next, so at
 * 100,000 entries neither the study nor the export is ever held whole. The bytes are those of the
 * whole study's export (labels-slices.test.ts holds them equal).
 */

/** Entries read and turned into rows at a time. */
export const LABELS_CHUNK_ENTRIES = 2000;

/** Told, after each slice, how many of the export's entries are made (a download in the background shows it). */
export type EntriesProgress = (done: number, total: number) => void;

export interface LabelsArgs {
  perAnnotator?: boolean;
  includeDrafts?: boolean;
  /** The entries' texts to carry beside their labels (fields the codebook shows, or `all`). */
  fields?: string[];
  /** Only the study's first entries, in its order (a preview); the rest are never read. */
  firstEntries?: number;
}

/**
 * The texts a labels export carries (`--with-fields`): each named field the codebook shows, or all
 * of them for `all`; none asked, none.
 */
function textFields(codebook: Codebook, asked: string[]): string[] | null {
  if (!asked.length) return null;
  const shown = shownFields(fieldLayoutOf(codebook)).map((p) => p.field);
  const names = asked.includes('all') ? shown : [...new Set(asked)];
  for (const name of names)
    if (!shown.includes(name)) throw badInput(`the codebook "${codebook.id}" shows no field "${name}" (its fields: ${shown.join(', ')}, or all)`, { field: 'fields' });
  return names;
}

/**
 * The labels export's input: `head`, with no entries, says what depends on no entry (the codebook,
 * the annotators, the texts carried: the columns); `slices` gives the entries' input a slice at a
 * time. The comments and reasons are read once; each slice reads its own texts.
 */
export function labelsInputs(db: Db, args: LabelsArgs, chunkEntries = LABELS_CHUNK_ENTRIES, onProgress?: EntriesProgress): { head: LabelsInput; slices: Iterable<LabelsInput> } {
  const first = args.firstEntries;
  const total = onProgress ? Math.min(first ?? Infinity, openStore(db).entries.count()) : 0;
  const study = studyInSlices(db, { includeDrafts: args.includeDrafts }, first === undefined ? chunkEntries : Math.max(1, Math.min(chunkEntries, first)));
  const fields = textFields(study.codebook, args.fields ?? []);
  const comments = commentsByEntry(db);
  const reasons = reasonsByEntry(db);
  const reads = studySliceReads(db);
  const head: LabelsInput = { codebook: study.codebook, annotators: study.annotators, entries: [], ...(fields ? { fields } : {}) };
  function* slices(): Generator<LabelsInput> {
    let left = first ?? Infinity;
    let done = 0;
    onProgress?.(0, total);
    for (const slice of study.slices()) {
      const entries = slice.entries.slice(0, left);
      left -= entries.length;
      const rowIds = entries.map((e) => e.rowId);
      const texts = fields && new Map(fields.map((f) => [f, reads.fieldOn(f, rowIds)]));
      yield {
        ...head,
        entries: entries.map((e) => ({
          id: e.id,
          passed: e.passed,
          consensus: [...entryConsensus(slice, e), ...textConsensus(slice, e)],
          comments: comments.get(e.id),
          reasons: Object.fromEntries(reasons.get(e.id) ?? []),
          ...(texts ? { fields: Object.fromEntries(fields.map((f) => [f, texts.get(f)!.get(e.rowId) ?? ''])) } : {}),
        })),
      };
      onProgress?.((done += entries.length), total);
      // A preview stops here: the next slice is never read.
      if (left <= 0) return;
    }
  }
  return { head, slices: { [Symbol.iterator]: slices } };
}

/** The formats of the labels export written as they are made. */
export type LabelsTextFormat = 'csv' | 'json' | 'md';

/** The labels export in CSV, JSON or Markdown, in pieces of text as it is made. */
export function* labelsPieces(db: Db, args: LabelsArgs, format: LabelsTextFormat, chunkEntries = LABELS_CHUNK_ENTRIES, onProgress?: EntriesProgress): Generator<string> {
  const { head, slices } = labelsInputs(db, args, chunkEntries, onProgress);
  if (format === 'md') {
    // The table's title, column labels and rule, then each slice's rows: a slice's table in
    // Markdown is that same head and its rows, one line each (the labels table has no groups,
    // totals or notes, which would make a line depend on another).
    const top = formatMarkdown([labelsTable(head, args.perAnnotator)]);
    yield top;
    for (const input of slices) {
      const text = formatMarkdown([labelsTable(input, args.perAnnotator)]);
      if (!text.startsWith(top)) throw new ConcordError('internal', 'a slice of the labels table has another head');
      yield text.slice(top.length);
    }
    return;
  }
  if (format === 'csv') {
    // The columns depend on the codebook, the annotators and the texts asked for, never on an entry.
    const columns = columnsFor(labelsTable(head, args.perAnnotator), 'data');
    yield `${csvLine(columns.map((c) => c.label))}\n`;
    for (const input of slices) for (const row of labelsTable(input, args.perAnnotator).rows) yield `${csvLine(columns.map((c) => row.cells[c.key]), columns)}\n`;
    return;
  }
  const skeleton = { ...labelsJson(head, args.perAnnotator), entries: listMarker('entries') };
  yield* jsonPieces(skeleton, {
    *entries() {
      for (const input of slices) yield* labelsJson(input, args.perAnnotator).entries;
    },
  });
  yield '\n';
}

/**
 * The labels export as one table (a workbook, whose sheet needs every row before its head), its
 * rows made a slice at a time. Each row's cells are kept as one object made at once, in the
 * columns' order: the row as built, a key at a time, took four times the memory (at 100,000
 * entries 164 MB against 39).
 */
export function labelsTableOf(db: Db, args: LabelsArgs, onProgress?: EntriesProgress): Table {
  const { head, slices } = labelsInputs(db, args, LABELS_CHUNK_ENTRIES, onProgress);
  const table = labelsTable(head, args.perAnnotator);
  const keys = table.columns.map((c) => c.key);
  for (const input of slices)
    for (const row of labelsTable(input, args.perAnnotator).rows) table.rows.push({ ...row, cells: Object.fromEntries(keys.map((k) => [k, row.cells[k]])) });
  return table;
}
