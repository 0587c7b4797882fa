import { createHmac } from 'node:crypto';
import type { PackFileExport } from '../../shared/types.ts';
import type { Db } from '../database.ts';
import type { AnnotatorRow } from '../data/index.ts';
import { packStreams } from '../data/streams.ts';
import { jsonPieces, listMarker, writeFileAtomically } from '../exports/streaming.ts';
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
    labels: listMarker('labels'),
    notes: listMarker('notes'),
    submissions: listMarker('submissions'),
    ...(hasComments ? { comments: listMarker('comments') } : {}),
    ...(signature ? { signature } : {}),
  } satisfies Partial<Record<keyof Pack, unknown>>;
  const counted = <R>(xs: Iterable<R>, count: (r: R) => keyof Counts) => map(xs, (r) => (counts[count(r)]++, r));
  const lists = {
    labels: () => counted(byEntry(map(streams.labels(a.id), labelRecord), (l) => l.dimension), (l) => (l.value === null ? 'cleared' : 'labels')),
    notes: () => counted(map(streams.notes(a.id), noteRecord), () => 'notes'),
    submissions: () => counted(map(streams.submissions(a.id), submissionRecord), () => 'submissions'),
    comments: () => byEntry(map(streams.comments(a.id), commentRecord), (c) => `${c.createdAt}\u0000${c.text}`),
  };
  yield* jsonPieces(skeleton, lists, (v) => stableJson(v, 2));
  yield '\n';
}

/** `packs.exportFile`: one annotator's pack written to `out` (whole or not at all: `writeFileAtomically`), with what it holds. */
export function writePackFile(db: Db, args: { annotator: string; out: string }, opts: { chunkChars?: number } = {}): PackFileExport {
  const a = packAnnotator(db, args.annotator);
  const hashes: Record<string, string> = {};
  for (const r of packStreams(db).entries(a.id)) hashes[r.ext_id] = r.content_hash;
  const counts: Counts = { labels: 0, cleared: 0, notes: 0, submissions: 0 };
  const mac = createHmac('sha256', Buffer.from(packSecret(db, a), 'hex'));
  for (const piece of packPieces(db, a, hashes, undefined, counts)) mac.update(piece, 'utf8');
  const signature: PackSignature = { algorithm: 'HMAC-SHA256', value: mac.digest('hex') };
  // The same records again, counted once already.
  writeFileAtomically(args.out, packPieces(db, a, hashes, signature, { labels: 0, cleared: 0, notes: 0, submissions: 0 }), opts.chunkChars);
  return { fileName: args.out, counts: { entries: Object.keys(hashes).length, ...counts } };
}
