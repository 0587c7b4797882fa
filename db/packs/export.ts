import type { LabelValue } from '../../shared/codebook/index.ts';
import { badInput } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { openStore, type AnnotatorRow } from '../data/index.ts';
import { canonicalTime, entriesFingerprint, PACK_FORMAT, PACK_FORMAT_VERSION, serializePack, type Pack } from './format.ts';
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

/**
 * One annotator's work as a pack: labels, cleared labels, notes and submissions, with their times
 * and clocks, signed with the annotator's secret (made now if this project has none for them yet).
 */
export function buildPack(db: Db, annotatorName: string): Pack {
  const a = findAnnotator(db, annotatorName);
  if (!a) throw badInput(`unknown annotator "${annotatorName}" in this project`, { field: 'annotator' });
  if (a.role === 'reference') throw badInput(`"${a.name}" holds imported reference labels; they travel with the release, not in a pack`, { field: 'annotator' });
  const store = openStore(db);
  const project = projectIdentity(db);
  const codebook = store.project.codebook();
  const hashes: Record<string, string> = {};
  const ref = (extId: string, hash: string) => {
    hashes[extId] = hash;
    return extId;
  };
  const labels = store.labels.packLabels(a.id).map((r) => ({
    entry: ref(r.ext_id, r.content_hash),
    dimension: r.dimension,
    value: r.value === null ? null : (JSON.parse(r.value) as LabelValue),
    updatedAt: canonicalTime(r.at),
    clock: r.clock,
    codebookVersion: r.cv,
    // A label made on an earlier version of the entry says so; it is flagged for review where it lands.
    ...(r.value !== null && r.made_on !== r.content_hash ? { madeOn: r.made_on } : {}),
  }));
  const notes = store.labels.packNotes(a.id).map((r) => ({ entry: ref(r.ext_id, r.content_hash), text: r.text, updatedAt: canonicalTime(r.at), clock: r.clock }));
  const submissions = store.labels
    .packSubmissions(a.id)
    .map((r) => ({ entry: ref(r.ext_id, r.content_hash), status: r.status, updatedAt: canonicalTime(r.at), clock: r.clock }));
  const comments = store.comments.packComments(a.id).map((r) => ({
    entry: ref(r.ext_id, r.content_hash),
    text: r.text,
    createdAt: canonicalTime(r.created_at),
    deletedAt: r.deleted_at === null ? null : canonicalTime(r.deleted_at),
  }));
  const pack: Pack = {
    format: PACK_FORMAT,
    formatVersion: PACK_FORMAT_VERSION,
    project: { uid: project.uid, name: project.name },
    annotator: a.name,
    codebook: { id: codebook.id, version: codebook.version },
    entries: { fingerprint: entriesFingerprint(hashes), contentHashes: hashes },
    labels,
    notes,
    submissions,
    ...(comments.length ? { comments } : {}),
  };
  return sign(pack, store.transaction(() => secretFor(store, a.id)));
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
