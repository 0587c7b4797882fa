import { ConcordError } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { LABELS_CHUNK_ENTRIES, labelsPieces } from './labels.ts';
import { checkExportArgs, renderExport, type ExportArgs } from './render.ts';
import { writeFileAtomically } from './streaming.ts';

export { LABELS_CHUNK_ENTRIES };

/**
 * `exports.writeFile`: a one-file export written to `out` (whole or not at all). The labels in
 * CSV or JSON are written as they are made; any other export is rendered, then written.
 */
export function writeExportFile(db: Db, args: ExportArgs & { out: string }, opts: { chunkEntries?: number; chunkChars?: number } = {}): { file: string } {
  const { kind, format } = checkExportArgs(args);
  if (kind === 'labels' && (format === 'csv' || format === 'json')) {
    // In one read transaction: the slices read at different times see the same study.
    db.transaction(() => writeFileAtomically(args.out, labelsPieces(db, args, format, opts.chunkEntries), opts.chunkChars))();
    return { file: args.out };
  }
  const result = renderExport(db, args);
  if (result.shape !== 'file') throw new ConcordError('usage', `${kind} writes a folder of files, not one file`, { field: 'kind' });
  const f = result.file;
  writeFileAtomically(args.out, [f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : f.content], opts.chunkChars);
  return { file: args.out };
}
