import { readFile } from 'node:fs/promises';
import { badInput } from '../../shared/errors.ts';
import { fieldTooLongMessage, MAX_FIELD_CHARS } from '../../shared/limits.ts';

/**
 * What every imported file passes before its format is read: text that would otherwise be
 * mangled in silence (another encoding, NUL bytes) or that could exhaust the app (a 50 MB
 * field, nesting that overflows the stack) is refused with the file, line and field.
 */

/** Deepest nesting of a JSON value kept as metadata. */
export const MAX_DEPTH = 64;

function lineOf(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < offset; i = buf.indexOf(0x0a, i + 1)) line++;
  return line;
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

/** A file's text, read as UTF-8 (a BOM is dropped); other encodings and binary files are refused. */
export async function readTextFile(file: string): Promise<string> {
  const buf = await readFile(file);
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
    throw badInput('the file is UTF-16 text; save it as UTF-8 and import it again', { file, line: 1 });
  const nul = buf.indexOf(0);
  if (nul !== -1) throw badInput('the file contains a NUL byte (is it a binary file?)', { file, line: lineOf(buf, nul) });
  const bad = firstInvalidUtf8(buf);
  if (bad !== -1)
    throw badInput(`the file is not UTF-8 text (byte 0x${buf[bad].toString(16).toUpperCase()}; Latin-1 or Windows-1252?); save it as UTF-8 and import it again`, {
      file,
      line: lineOf(buf, bad),
    });
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Nesting depth of a JSON value, without recursion (a hostile value must not overflow the stack). */
function depthOf(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** One imported field: not over the size limit, no NUL characters, not nested beyond reason. */
export function checkField(value: unknown, where: { file: string; line?: number; field: string }): void {
  if (typeof value === 'string') {
    if (value.length > MAX_FIELD_CHARS) throw badInput(fieldTooLongMessage(value.length), where);
    if (value.includes('\u0000')) throw badInput('contains a NUL character', where);
    return;
  }
  if (value !== null && typeof value === 'object') {
    if (depthOf(value, MAX_DEPTH) > MAX_DEPTH) throw badInput(`is nested deeper than ${MAX_DEPTH} levels`, where);
    const size = JSON.stringify(value).length;
    if (size > MAX_FIELD_CHARS) throw badInput(fieldTooLongMessage(size), where);
    if (JSON.stringify(value).includes('\\u0000')) throw badInput('contains a NUL character', where);
  }
}

// C0 and C1 controls, DEL: they rewrite a terminal (escape sequences) or hide text in a listing.
const control = /[\u0000-\u001f\u007f-\u009f]/;

/** A name shown in lists and terminals (an entry id, an annotator): no control characters. */
export function checkName(name: string, what: string, where: { file: string; line?: number; field: string }): void {
  const c = control.exec(name);
  if (c) throw badInput(`${what} contains a control character (U+${c[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`, where);
}

/** An entry id: a name, and no ".." path segment (ids become file names in exports). */
export function checkEntryId(id: string, where: { file: string; line?: number; field: string }): void {
  checkName(id, `id "${id.replace(new RegExp(control.source, 'g'), '?')}"`, where);
  if (/(^|[\\/])\.\.([\\/]|$)/.test(id)) throw badInput(`id "${id}" has a ".." path segment; an id names an entry, not a file`, where);
}
