import { ConcordError } from '../../shared/errors.ts';
import { csvLine } from '../../shared/tables/formats.ts';
import { labelsJson, labelsTable } from '../../shared/tables/labels.ts';
import { columnsFor } from '../../shared/tables/table.ts';
import { readStudy, type Study } from '../adjudication.ts';
import type { Db } from '../database.ts';
import { checkExportArgs, labelsInputOf, renderExport, type ExportArgs } from './render.ts';
import { jsonPieces, listMarker, writeFileAtomically } from './streaming.ts';

/** Entries turned into rows at a time: their consensus, cells and text, then let go. */
export const LABELS_CHUNK_ENTRIES = 2000;

function* slices<T>(xs: T[], size: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

/**
 * The labels export in CSV or JSON, a slice of entries at a time, in the bytes `renderExport`
 * gives for it (a test holds them equal): at 100,000 entries its rows, cells and text never
 * exist all at once. The study itself is still read whole (readStudy).
 */
function* labelsPieces(db: Db, args: ExportArgs, format: 'csv' | 'json', chunkEntries: number): Generator<string> {
  const study: Study = readStudy(db, { includeDrafts: args.includeDrafts });
  const inputOf = labelsInputOf(db, study, args);
  if (format === 'csv') {
    // The columns depend on the codebook, the annotators and the texts asked for, never on an entry.
    const columns = columnsFor(labelsTable(inputOf([]), args.perAnnotator), 'data');
    yield `${csvLine(columns.map((c) => c.label))}\n`;
    for (const slice of slices(study.entries, chunkEntries))
      for (const row of labelsTable(inputOf(slice), args.perAnnotator).rows) yield `${csvLine(columns.map((c) => row.cells[c.key]), columns)}\n`;
    return;
  }
  const skeleton = { ...labelsJson(inputOf([]), args.perAnnotator), entries: listMarker('entries') };
  yield* jsonPieces(skeleton, {
    *entries() {
      for (const slice of slices(study.entries, chunkEntries)) yield* labelsJson(inputOf(slice), args.perAnnotator).entries;
    },
  });
  yield '\n';
}

/**
 * `exports.writeFile`: a one-file export written to `out` (whole or not at all). The labels in
 * CSV or JSON are written as they are made; any other export is rendered, then written.
 */
export function writeExportFile(db: Db, args: ExportArgs & { out: string }, opts: { chunkEntries?: number; chunkChars?: number } = {}): { file: string } {
  const { kind, format } = checkExportArgs(args);
  if (kind === 'labels' && (format === 'csv' || format === 'json')) {
    writeFileAtomically(args.out, labelsPieces(db, args, format, opts.chunkEntries ?? LABELS_CHUNK_ENTRIES), opts.chunkChars);
    return { file: args.out };
  }
  const result = renderExport(db, args);
  if (result.shape !== 'file') throw new ConcordError('usage', `${kind} writes a folder of files, not one file`, { field: 'kind' });
  const f = result.file;
  writeFileAtomically(args.out, [f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : f.content], opts.chunkChars);
  return { file: args.out };
}
