import type { LabelValue } from '../../shared/codebook/index.ts';
import { badInput } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { openStore, type AnnotatorRow } from '../data/index.ts';
import type { PackCommentRow, PackLabelRow, PackNoteRow, PackSubmissionRow } from '../data/streams.ts';
import {
  canonicalTime,
  entriesFingerprint,
  PACK_FORMAT,
  PACK_FORMAT_VERSION,
  serializePack,
  type Pack,
  type PackComment,
  type PackLabel,
  type PackNote,
  type PackSubmission,
} from './format.ts';
import { secretFor, sign } from './sign.ts';
import { projectIdentity } from './schema.ts';
import type { PackExport } from '../../shared/types.ts';
export type { PackExport };


function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Resolves an annotator by name as the database does (case-insensitive). */
export function findAnnotator(db: Db, name: string): AnnotatorRow | undefined {
  return openStore(db).annotators.byName(name);
}

/** The annotator a pack speaks for, by name; refused when unknown or holding imported reference labels. */
export function packAnnotator(db: Db, annotatorName: string): AnnotatorRow {
  const a = findAnnotator(db, annotatorName);
  if (!a) throw badInput(`unknown annotator "${annotatorName}" in this project`, { field: 'annotator' });
  if (a.role === 'reference') throw badInput(`"${a.name}" holds imported reference labels; they travel with the release, not in a pack`, { field: 'annotator' });
  return a;
}

// A pack's records from their rows (db/data: packLabels and the rest), one place for both writers.
export const labelRecord = (r: PackLabelRow): PackLabel => ({
  entry: r.ext_id,
  dimension: r.dimension,
  value: r.value === null ? null : (JSON.parse(r.value) as LabelValue),
  updatedAt: canonicalTime(r.at),
  clock: r.clock,
  codebookVersion: r.cv,
  // A label made on an earlier version of the entry says so; it is flagged for review where it lands.
  ...(r.value !== null && r.made_on !== r.content_hash ? { madeOn: r.made_on } : {}),
});
export const noteRecord = (r: PackNoteRow): PackNote => ({ entry: r.ext_id, text: r.text, updatedAt: canonicalTime(r.at), clock: r.clock });
export const submissionRecord = (r: PackSubmissionRow): PackSubmission => ({ entry: r.ext_id, status: r.status, updatedAt: canonicalTime(r.at), clock: r.clock });
export const commentRecord = (r: PackCommentRow): PackComment => ({
  entry: r.ext_id,
  text: r.text,
  createdAt: canonicalTime(r.created_at),
  deletedAt: r.deleted_at === null ? null : canonicalTime(r.deleted_at),
});

/** What a pack says before its records: the format, the project, the annotator and the codebook. */
export function packHead(db: Db, a: AnnotatorRow): Pick<Pack, 'format' | 'formatVersion' | 'project' | 'annotator' | 'codebook'> {
  const project = projectIdentity(db);
  const codebook = openStore(db).project.codebook();
  return {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    project: { uid: project.uid, name: project.name },
    annotator: a.name,
    codebook: { id: codebook.id, version: codebook.version },
  };
}

/** The annotator's secret, made now if this project has none for them yet (the pack is about to be signed with it). */
export function packSecret(db: Db, a: AnnotatorRow): string {
  const store = openStore(db);
  return store.transaction(() => secretFor(store, a.id));
}

/**
 * One annotator's work as a pack: labels, cleared labels, notes and submissions, with their times
 * and clocks, signed with the annotator's secret (made now if this project has none for them yet).
 * Held whole in memory: the command line writes large packs through db/packs/stream.ts instead.
 */
export function buildPack(db: Db, annotatorName: string): Pack {
  const a = packAnnotator(db, annotatorName);
  const store = openStore(db);
  const hashes: Record<string, string> = {};
  const seen = <R extends { ext_id: string; content_hash: string }>(r: R) => {
    hashes[r.ext_id] = r.content_hash;
    return r;
  };
  const labels = store.labels.packLabels(a.id).map((r) => labelRecord(seen(r)));
  const notes = store.labels.packNotes(a.id).map((r) => noteRecord(seen(r)));
  const submissions = store.labels.packSubmissions(a.id).map((r) => submissionRecord(seen(r)));
  const comments = store.comments.packComments(a.id).map((r) => commentRecord(seen(r)));
  const pack: Pack = {
    ...packHead(db, a),
    entries: { fingerprint: entriesFingerprint(hashes), contentHashes: hashes },
    labels,
    notes,
    submissions,
    ...(comments.length ? { comments } : {}),
  };
  return sign(pack, packSecret(db, a));
}

/** `packs.export`: the pack text and a file name to suggest (so browser mode can download it). */
export function exportPack(db: Db, args: { annotator: string }): PackExport {
  const pack = buildPack(db, args.annotator);
  const name = slug(pack.project.name) || 'project';
  const who = slug(pack.annotator) || 'annotator';
  return {
    text: serializePack(pack),
    fileName: `${name}-${who}.concord-pack.json`,
    counts: {
      entries: Object.keys(pack.entries.contentHashes).length,
      labels: pack.labels.filter((l) => l.value !== null).length,
      cleared: pack.labels.filter((l) => l.value === null).length,
      notes: pack.notes.length,
      submissions: pack.submissions.length,
    },
  };
}
