import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConcordError } from '../../shared/errors.ts';
import { fileProblem } from '../import/guards.ts';

/**
 * Writing a large file as it is made, a piece at a time, in the bytes the whole text would have
 * had: for exports and packs of large studies, which no longer fit comfortably in memory whole.
 */

/** Stands in a list's place in a JSON skeleton; the NUL makes it no text a value can hold. */
const MARK = '\u0000concord-stream-';
export const listMarker = (name: string): string => `${MARK}${name}`;

/**
 * `JSON.stringify(value, null, 2)` of an object some of whose top-level members are lists too
 * long to hold: `skeleton` has `listMarker(name)` in their place, and `lists[name]` gives their
 * items, each written as it comes. The same bytes as the whole object's.
 */
export function* jsonPieces(skeleton: unknown, lists: Record<string, () => Iterable<unknown>>, stringify: (v: unknown) => string = (v) => JSON.stringify(v, null, 2)): Generator<string> {
  // The markers, quoted JSON strings, split the skeleton's text; odd parts are the lists' names.
  const parts = stringify(skeleton).split(/"\\u0000concord-stream-([^"]+)"/);
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      yield parts[i];
      continue;
    }
    let first = true;
    let batch: unknown[] = [];
    // A batch of items as one array: its items sit one level in, and in the object two, so two
    // more spaces go before each line; its brackets are cut off ("[" and "\n  ]" once indented).
    const piece = () => {
      const text = stringify(batch).replace(/\n/g, '\n  ');
      const out = `${first ? '[' : ','}${text.slice(1, -4)}`;
      first = false;
      batch = [];
      return out;
    };
    for (const item of lists[parts[i]]()) if (batch.push(item) >= JSON_BATCH) yield piece();
    if (batch.length) yield piece();
    yield first ? '[]' : '\n  ]';
  }
}

/** Items of a list stringified together: one call for many items is several times quicker than one call each. */
const JSON_BATCH = 1000;

/** Characters gathered before each write: few system calls, little memory. */
export const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * Writes the pieces to `file` through a temporary file beside it and a rename, so a reader never
 * sees half a file; a write that fails (a full disk, a folder that cannot be written) leaves no
 * temporary file and says what happened. Writes are synchronous: the next piece is made only
 * once the last chunk is written, so memory holds one chunk whatever the file's size.
 */
export function writeFileAtomically(file: string, pieces: Iterable<string | Uint8Array>, chunkChars = WRITE_CHUNK_CHARS): void {
  const tmp = join(dirname(file), `.${process.pid}.concord-export.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      let buffer = '';
      for (const piece of pieces) {
        if (typeof piece !== 'string') {
          writeAll(fd, buffer);
          buffer = '';
          writeAll(fd, piece);
        } else if ((buffer += piece).length >= chunkChars) {
          writeAll(fd, buffer);
          buffer = '';
        }
      }
      writeAll(fd, buffer);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const problem = fileProblem(e, 'write');
    if (problem) throw new ConcordError('bad-input', `the file ${problem}; nothing was written`, { file });
    throw e;
  }
}

/** All of it: a write to a file may take less than it was given. */
function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}
