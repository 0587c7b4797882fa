import { ConcordError } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { xlsxPieces } from '../../shared/tables/xlsx.ts';
import { LABELS_CHUNK_ENTRIES, labelsPieces, labelsTableOf, type LabelsTextFormat } from './labels.ts';
import { checkExportArgs, renderExport, type ExportArgs } from './render.ts';
import { writeFileAtomically } from './streaming.ts';

export { LABELS_CHUNK_ENTRIES };

/**
 * `exports.writeFile`: a one-file export written to `out` (whole or not at all). The labels in
 * CSV, JSON or Markdown are written as they are made; any other export is rendered, then written.
 */
export function writeExportFile(db: Db, args: ExportArgs & { out: string }, opts: { chunkEntries?: number; chunkChars?: number } = {}): { file: string } {
  const { kind, format } = checkExportArgs(args);
  if (kind === 'labels') {
    // In one read transaction: the slices read at different times see the same study.
    db.transaction(() => {
      if (format !== 'xlsx') writeFileAtomically(args.out, labelsPieces(db, args, format as LabelsTextFormat, opts.chunkEntries), opts.chunkChars);
      else {
        // A workbook's sheet needs every row before its head (the columns' widths): its rows are
        // made whole, but its bytes are written in the pieces they were made in, never joined.
        writeFileAtomically(args.out, xlsxPieces([labelsTableOf(db, args)]), opts.chunkChars);
      }
    })();
    return { file: args.out };
  }
  const result = renderExport(db, args);
  if (result.shape !== 'file') throw new ConcordError('usage', `${kind} writes a folder of files, not one file`, { field: 'kind' });
  const f = result.file;
  writeFileAtomically(args.out, [f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : f.content], opts.chunkChars);
  return { file: args.out };
}
