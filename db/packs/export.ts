import type { LabelValue } from '../../shared/codebook/index.ts';
import { badInput } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { openStore, type AnnotatorRow } from '../data/index.ts';
import { canonicalTime, entriesFingerprint, PACK_FORMAT, PACK_FORMAT_VERSION, serializePack, type Pack } from './format.ts';
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

/** One annotator's work as a pack: labels, cleared labels, notes and submissions, with times. */
export function buildPack(db: Db, annotatorName: string): Pack {
  const a = findAnnotator(db, annotatorName);
  if (!a) throw badInput(`unknown annotator "${annotatorName}" in this project`, { field: 'annotator' });
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
    codebookVersion: r.cv,
  }));
  const notes = store.labels.packNotes(a.id).map((r) => ({ entry: ref(r.ext_id, r.content_hash), text: r.text, updatedAt: canonicalTime(r.at) }));
  const submissions = store.labels.packSubmissions(a.id).map((r) => ({ entry: ref(r.ext_id, r.content_hash), status: r.status, updatedAt: canonicalTime(r.at) }));
  const comments = store.comments.packComments(a.id).map((r) => ({
    entry: ref(r.ext_id, r.content_hash),
    text: r.text,
    createdAt: canonicalTime(r.created_at),
    deletedAt: r.deleted_at === null ? null : canonicalTime(r.deleted_at),
  }));
  return {
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
