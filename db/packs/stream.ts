import { createHmac } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ConcordError } from '../../shared/errors.ts';
import type { PackFileExport } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import type { AnnotatorRow } from '../data/index.ts';
import { packStreams } from '../data/streams.ts';
import { fileProblem } from '../import/guards.ts';
import { commentRecord, labelRecord, noteRecord, packAnnotator, packHead, packSecret, submissionRecord } from './export.ts';
import { compareText, entriesFingerprint, stableJson, type Pack, type PackSignature } from './format.ts';

/**
 * A pack written to a file as it is read, for packs too large to hold (an annotator of a
 * 100,000-entry study has some 380,000 records: the pack, its sorted copy and its text took
 * 800 MB). The bytes are those of `serializePack(buildPack(...))`, signature included; a test
 * holds the two equal. The records are read row by row in the pack's order (the natural order of
 * entry ids, db/data/streams.ts); only an entry's own few records are sorted in memory, and only
 * the entries' content hashes are held whole (they come first in the file).
 *
 * The signature covers the text without itself and sits in its middle (keys are sorted), so the
 * records are read twice: once into the HMAC, once into the file.
 */

type Records = 'labels' | 'notes' | 'submissions' | 'comments';

/** Stands in a record list's place in the pack's skeleton; the NUL makes it no text a pack can hold. */
const marker = (name: Records) => `\u0000concord-stream-${name}`;

/** Records in entry order, each entry's run sorted by `key` (a stable sort, as `serializePack`'s). */
function* byEntry<R extends { entry: string }>(records: Iterable<R>, key: (r: R) => string): Generator<R> {
  let run: R[] = [];
  for (const r of records) {
    if (run.length && run[0].entry !== r.entry) {
      yield* run.sort((x, y) => compareText(key(x), key(y)));
      run = [];
    }
    run.push(r);
  }
  yield* run.sort((x, y) => compareText(key(x), key(y)));
}

function* map<T, U>(xs: Iterable<T>, f: (x: T) => U): Generator<U> {
  for (const x of xs) yield f(x);
}

/** The records of one list at the pack's depth, as `JSON.stringify(..., null, 2)` writes an array there. */
function* listText(records: Iterable<unknown>): Generator<string> {
  let first = true;
  for (const r of records) {
    yield `${first ? '[' : ','}\n    ${stableJson(r, 2).replace(/\n/g, '\n    ')}`;
    first = false;
  }
  yield first ? '[]' : '\n  ]';
}

interface Counts {
  labels: number;
  cleared: number;
  notes: number;
  submissions: number;
}

/** The pack's text in pieces; with `signature`, as written, without it, the bytes the signature covers. */
function* packPieces(db: Db, a: AnnotatorRow, hashes: Record<string, string>, signature: PackSignature | undefined, counts: Counts): Generator<string> {
  const streams = packStreams(db);
  const probe = streams.comments(a.id);
  const hasComments = !probe.next().done;
  probe.return?.();
  const skeleton: Record<string, unknown> = {
    ...packHead(db, a),
    entries: { fingerprint: entriesFingerprint(hashes), contentHashes: hashes },
    labels: marker('labels'),
    notes: marker('notes'),
    submissions: marker('submissions'),
    ...(hasComments ? { comments: marker('comments') } : {}),
    ...(signature ? { signature } : {}),
  } satisfies Partial<Record<keyof Pack, unknown>>;
  const counted = <R>(xs: Iterable<R>, count: (r: R) => keyof Counts) => map(xs, (r) => (counts[count(r)]++, r));
  const lists: Record<Records, () => Iterable<unknown>> = {
    labels: () => counted(byEntry(map(streams.labels(a.id), labelRecord), (l) => l.dimension), (l) => (l.value === null ? 'cleared' : 'labels')),
    notes: () => counted(map(streams.notes(a.id), noteRecord), () => 'notes'),
    submissions: () => counted(map(streams.submissions(a.id), submissionRecord), () => 'submissions'),
    comments: () => byEntry(map(streams.comments(a.id), commentRecord), (c) => `${c.createdAt}\u0000${c.text}`),
  };
  // The skeleton's text with each marker (a JSON string, quoted) where its list goes.
  const parts = stableJson(skeleton, 2).split(/"\\u0000concord-stream-(labels|notes|submissions|comments)"/);
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) yield parts[i];
    else yield* listText(lists[parts[i] as Records]());
  }
  yield '\n';
}

/** Writes pieces of text to a file descriptor, gathered into writes of about `chunkChars` characters. */
function writePieces(fd: number, pieces: Iterable<string>, chunkChars: number): void {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= chunkChars) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  if (buffer) writeSync(fd, buffer);
}

/**
 * `packs.exportFile`: one annotator's pack written to `out` (through a temporary file beside it
 * and a rename, so a reader never sees half a pack), with what it holds.
 */
export function writePackFile(db: Db, args: { annotator: string; out: string }, opts: { chunkChars?: number } = {}): PackFileExport {
  const a = packAnnotator(db, args.annotator);
  const hashes: Record<string, string> = {};
  for (const r of packStreams(db).entries(a.id)) hashes[r.ext_id] = r.content_hash;
  const counts: Counts = { labels: 0, cleared: 0, notes: 0, submissions: 0 };
  const mac = createHmac('sha256', Buffer.from(packSecret(db, a), 'hex'));
  for (const piece of packPieces(db, a, hashes, undefined, counts)) mac.update(piece, 'utf8');
  const signature: PackSignature = { algorithm: 'HMAC-SHA256', value: mac.digest('hex') };

  const tmp = `${args.out}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writePieces(fd, packPieces(db, a, hashes, signature, { labels: 0, cleared: 0, notes: 0, submissions: 0 }), opts.chunkChars ?? 1 << 20);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, args.out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const problem = fileProblem(e, 'write');
    if (problem) throw new ConcordError('bad-input', `the file ${problem}; nothing was written`, { file: args.out });
    throw e;
  }
  return { fileName: args.out, counts: { entries: Object.keys(hashes).length, ...counts } };
}
