import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { MAX_ROW_BYTES } from '../../shared/csv.ts';
import { badInput } from '../../shared/errors.ts';
import { fieldTooLongMessage, MAX_FIELD_CHARS, megabytes } from '../../shared/limits.ts';
import { hasLoneSurrogate, nameProblem, printable } from '../../shared/names.ts';

/**
 * What every file a user gives passes before its format is read, and while it is read: only
 * regular files (a device such as /dev/zero, a FIFO or a socket is refused before it is opened
 * for good), a size limit checked before reading and again while reading, and text that would
 * otherwise be mangled in silence (another encoding, NUL bytes, broken UTF-8) or that could
 * exhaust the app (a 50 MB field, nesting that overflows the stack) refused with the file, line
 * and field. Files are read in chunks, each checked as it arrives, so a refusal comes as soon as
 * the problem is read, with little memory.
 */

/** Deepest nesting of a JSON value kept as metadata. */
export const MAX_DEPTH = 64;

/** Most a CSV or JSONL file may hold: it is streamed, row by row. */
export const MAX_ROWS_FILE_BYTES = 512 * 1024 * 1024;

/** Most a file read whole may hold (an entry file, a code file, a test log, a pack's head): a few fields' worth. */
export const MAX_WHOLE_FILE_BYTES = MAX_ROW_BYTES;

/** Longest entry id: it names files in exports, and a person reads it. */
export const MAX_ID_CHARS = 200;

/** How big a piece of a file is read at a time. */
const CHUNK_BYTES = 1024 * 1024;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device, not a file';
  if (st.isFIFO()) return 'a named pipe (FIFO), not a file';
  if (st.isSocket()) return 'a socket, not a file';
  return 'not a regular file';
}

/** A file system error as a message the user can act on (the file is named by the caller). */
export function fileProblem(e: unknown, doing: 'read' | 'write' = 'read'): string | null {
  switch ((e as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return doing === 'read' ? 'does not exist' : 'is in a folder that does not exist';
    case 'EACCES':
    case 'EPERM':
      return `cannot be ${doing === 'read' ? 'read' : 'written'}: permission denied`;
    case 'EROFS':
      return 'is on a read-only disk';
    case 'ENOSPC':
      return 'cannot be written: the disk is full';
    case 'ENOTDIR':
      return 'is not reachable: part of its path is not a folder';
    case 'ELOOP':
      return 'is a symbolic link that leads back to itself';
    case 'ENAMETOOLONG':
      return 'has a name too long for the file system';
    case 'EISDIR':
      return 'is a folder';
    case 'EIO':
      return 'cannot be read: the disk reported an input/output error';
    default:
      return null;
  }
}

/**
 * Opens a file to read, only if it is a regular file. Opening does not wait (a FIFO with no
 * writer would block an ordinary open forever), and the check is made on what was opened, not on
 * the path, so nothing can be swapped in between.
 */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const problem = fileProblem(e);
    if (problem) throw badInput(`the file ${problem}`, { file });
    throw e;
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw badInput(`is ${kindOf(st)}: only regular files are read`, { file });
  }
  return { handle, size: st.size };
}

/** The first byte that is not part of valid UTF-8, or -1. Valid UTF-8 survives a round trip unchanged. */
function firstInvalidUtf8(buf: Buffer): number {
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end === -1) end = buf.length;
    const chunk = buf.subarray(start, end);
    const back = Buffer.from(chunk.toString('utf8'), 'utf8');
    if (!back.equals(chunk)) {
      let k = 0;
      while (k < chunk.length && chunk[k] === back[k]) k++;
      return start + k;
    }
    start = end + 1;
  }
  return -1;
}

/** Line breaks in `buf` before `end`. */
function newlines(buf: Buffer, end = buf.length): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < end; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Where the last, possibly unfinished, UTF-8 sequence of `buf` starts, when it is unfinished. */
function unfinishedTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

export interface ReadLimits {
  /** Most bytes the file may hold. */
  maxBytes: number;
  /** What the file is, for the message about its size ("a pack", "an entry file"). */
  what?: string;
}

function tooBig(size: number, limits: ReadLimits, file: string) {
  return badInput(`is ${size > limits.maxBytes ? 'over ' : ''}${megabytes(size)}; ${limits.what ?? 'a file'} may hold at most ${megabytes(limits.maxBytes)}`, { file });
}

/**
 * The checks a file's bytes pass as they are read, a piece at a time: UTF-8 (a UTF-16 byte-order
 * mark, a NUL byte or a byte that is not UTF-8 is refused with its line), at most `maxBytes`.
 * `take` returns the piece up to its last whole character (the rest waits for the next piece);
 * `end` refuses a character cut off by the end of the file. The same checks serve the async
 * reader and the sync one (an import's second pass, inside its transaction).
 */
class ChunkCheck {
  private total = 0;
  private lines = 0;
  private carry: Buffer = Buffer.alloc(0);
  private first = true;

  constructor(
    private readonly file: string,
    private readonly limits: ReadLimits,
  ) {}

  take(bytes: Buffer): Buffer {
    const { file, limits } = this;
    this.total += bytes.length;
    if (this.total > limits.maxBytes) throw tooBig(this.total, limits, file);
    let chunk = this.carry.length ? Buffer.concat([this.carry, bytes]) : bytes;
    if (this.first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)))
      throw badInput('the file is UTF-16 text; save it as UTF-8 and import it again', { file, line: 1 });
    this.first = false;
    const nul = chunk.indexOf(0);
    if (nul !== -1) throw badInput('the file contains a NUL byte (is it a binary file?)', { file, line: this.lines + newlines(chunk, nul) + 1 });
    const end = unfinishedTail(chunk);
    this.carry = Buffer.from(chunk.subarray(end));
    chunk = chunk.subarray(0, end);
    if (!isUtf8(chunk)) throw notUtf8(chunk, firstInvalidUtf8(chunk), this.lines, file);
    this.lines += newlines(chunk);
    return chunk;
  }

  end(): void {
    // A sequence cut off by the end of the file.
    if (this.carry.length) throw notUtf8(this.carry, 0, this.lines, this.file);
  }
}

/**
 * A file's bytes, chunk by chunk, each checked before it is handed on (ChunkCheck): a regular
 * file of at most `maxBytes` (refused by its size before reading, and again if it grows while
 * read), UTF-8 text. Every chunk ends on a whole character and is a fresh buffer (a reader may
 * keep it). The file is closed when the reader stops, early or not.
 */
export async function* checkedChunks(file: string, limits: ReadLimits): AsyncGenerator<Buffer> {
  const { handle, size } = await openRegularFile(file);
  try {
    if (size > limits.maxBytes) throw tooBig(size, limits, file);
    const check = new ChunkCheck(file, limits);
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      yield check.take(buffer.subarray(0, bytesRead));
    }
    check.end();
  } finally {
    await handle.close();
  }
}

/**
 * The same as checkedChunks, read synchronously: for an import's second pass, which reads its
 * file again inside the write transaction (a transaction of better-sqlite3 cannot wait).
 */
export function* checkedChunksSync(file: string, limits: ReadLimits): Generator<Buffer> {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const problem = fileProblem(e);
    if (problem) throw badInput(`the file ${problem}`, { file });
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw badInput(`is ${kindOf(st)}: only regular files are read`, { file });
    if (st.size > limits.maxBytes) throw tooBig(st.size, limits, file);
    const check = new ChunkCheck(file, limits);
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      yield check.take(buffer.subarray(0, bytesRead));
    }
    check.end();
  } finally {
    closeSync(fd);
  }
}

function notUtf8(chunk: Buffer, at: number, linesBefore: number, file: string) {
  const offset = at === -1 ? 0 : at;
  return badInput(`the file is not UTF-8 text (byte 0x${chunk[offset].toString(16).toUpperCase()}; Latin-1 or Windows-1252?); save it as UTF-8 and import it again`, {
    file,
    line: linesBefore + newlines(chunk, offset) + 1,
  });
}

/** A file's text, read as checked UTF-8 (a BOM is dropped), of at most `maxBytes`. */
export async function readTextFile(file: string, limits: ReadLimits = { maxBytes: MAX_WHOLE_FILE_BYTES }): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of checkedChunks(file, limits)) parts.push(chunk);
  const text = Buffer.concat(parts).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The first line of a file (or with `skipBlank`, the first that is not blank), without its line
 * break: enough to tell its format. Read as bytes until a line break, so a line that never ends
 * is refused once MAX_ROW_BYTES of it are read, as the row readers refuse it.
 */
export async function readFirstLine(file: string, opts: { skipBlank?: boolean } = {}): Promise<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  const decode = (parts: Buffer[]) => {
    const text = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    return line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  for await (const chunk of checkedChunks(file, { maxBytes: MAX_ROWS_FILE_BYTES })) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const text = decode([...pending, chunk.subarray(start, nl)]);
      if (!opts.skipBlank || text.trim()) return text;
      pending = [];
      pendingBytes = 0;
      line++;
      start = nl + 1;
    }
    pendingBytes += chunk.length - start;
    if (pendingBytes > MAX_ROW_BYTES)
      throw badInput(`the line is longer than ${megabytes(MAX_ROW_BYTES)}: a line holds at most ${megabytes(MAX_ROW_BYTES)} (a field at most ${megabytes(MAX_FIELD_CHARS)})`, { file, line });
    if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
  }
  return decode(pending);
}

/** Nesting depth of a JSON value, and whether a string in it holds half a surrogate pair; without recursion. */
function walkJson(value: unknown, limit: number): { depth: number; loneSurrogate: boolean } {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return { depth: max, loneSurrogate: true };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return { depth: max, loneSurrogate: false };
    if (Array.isArray(v)) for (const child of v) stack.push([child, d + 1]);
    else
      for (const [k, child] of Object.entries(v)) {
        stack.push([k, d + 1]);
        stack.push([child, d + 1]);
      }
  }
  return { depth: max, loneSurrogate: false };
}

const LONE_SURROGATE_MESSAGE = 'holds half of a UTF-16 surrogate pair (a "\\uD800"-style escape with no partner), which is not text; fix the value';

/** One imported field: not over the size limit, no NUL characters, no half surrogate pairs, not nested beyond reason. */
export function checkField(value: unknown, where: { file: string; line?: number; field: string }): void {
  if (typeof value === 'string') {
    if (value.length > MAX_FIELD_CHARS) throw badInput(fieldTooLongMessage(value.length), where);
    if (value.includes('\u0000')) throw badInput('contains a NUL character', where);
    if (hasLoneSurrogate(value)) throw badInput(LONE_SURROGATE_MESSAGE, where);
    return;
  }
  if (value !== null && typeof value === 'object') {
    const walked = walkJson(value, MAX_DEPTH);
    if (walked.depth > MAX_DEPTH) throw badInput(`is nested deeper than ${MAX_DEPTH} levels`, where);
    if (walked.loneSurrogate) throw badInput(LONE_SURROGATE_MESSAGE, where);
    const json = JSON.stringify(value);
    if (json.length > MAX_FIELD_CHARS) throw badInput(fieldTooLongMessage(json.length), where);
    if (json.includes('\\u0000')) throw badInput('contains a NUL character', where);
  }
}

/** A name shown in lists and terminals (an annotator): nothing that hides what it says. */
export function checkName(name: string, what: string, where: { file: string; line?: number; field: string }): void {
  const problem = nameProblem(name);
  if (problem) throw badInput(`${what} "${printable(name)}" ${problem}`, where);
}

/**
 * An entry id: a name (no control, right-to-left or zero-width character, no half surrogate pair),
 * at most MAX_ID_CHARS long, and no ".." path segment (ids become file names in exports).
 */
export function checkEntryId(id: string, where: { file: string; line?: number; field: string }): void {
  if (id.length > MAX_ID_CHARS)
    throw badInput(`an id of ${id.length} characters ("${printable(id.slice(0, 40))}..."); an id holds at most ${MAX_ID_CHARS}: shorten it`, where);
  checkName(id, 'the id', where);
  if (/(^|[\\/])\.\.([\\/]|$)/.test(id)) throw badInput(`id "${id}" has a ".." path segment; an id names an entry, not a file`, where);
}
