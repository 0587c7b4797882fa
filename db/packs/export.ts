import type { LabelValue } from '../../shared/codebook/index.ts';
import { badInput } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { readCodebook } from '../service.ts';
import { canonicalTime, entriesFingerprint, PACK_FORMAT, PACK_FORMAT_VERSION, serializePack, type Pack } from './format.ts';
import { projectIdentity } from './schema.ts';
import type { PackExport } from '../../shared/types.ts';
export type { PackExport };


function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Resolves an annotator by name as the database does (case-insensitive). */
export function findAnnotator(db: Db, name: string): { id: number; name: string; role: string } | undefined {
  return db.prepare('SELECT id, name, role FROM annotator WHERE name = ?').get(name) as { id: number; name: string; role: string } | undefined;
}

/** One annotator's work as a pack: labels, cleared labels, notes and submissions, with times. */
export function buildPack(db: Db, annotatorName: string): Pack {
  const a = findAnnotator(db, annotatorName);
  if (!a) throw badInput(`unknown annotator "${annotatorName}" in this project`, { field: 'annotator' });
  const project = projectIdentity(db);
  const codebook = readCodebook(db);
  const hashes: Record<string, string> = {};
  const ref = (extId: string, hash: string) => {
    hashes[extId] = hash;
    return extId;
  };
  type Row = { ext_id: string; content_hash: string };
  const labels = (
    db
      .prepare(
        `SELECT e.ext_id, e.content_hash, l.dimension, l.value, l.updated_at AS at, l.codebook_version AS cv
         FROM label l JOIN entry e ON e.id = l.entry_id WHERE l.annotator_id = ?
         UNION ALL
         SELECT e.ext_id, e.content_hash, c.dimension, NULL, c.cleared_at, c.codebook_version
         FROM label_clear c JOIN entry e ON e.id = c.entry_id WHERE c.annotator_id = ?`,
      )
      .all(a.id, a.id) as (Row & { dimension: string; value: string | null; at: string; cv: string })[]
  ).map((r) => ({
    entry: ref(r.ext_id, r.content_hash),
    dimension: r.dimension,
    value: r.value === null ? null : (JSON.parse(r.value) as LabelValue),
    updatedAt: canonicalTime(r.at),
    codebookVersion: r.cv,
  }));
  const notes = (
    db.prepare('SELECT e.ext_id, e.content_hash, n.text, n.updated_at AS at FROM note n JOIN entry e ON e.id = n.entry_id WHERE n.annotator_id = ?').all(a.id) as (Row & {
      text: string;
      at: string;
    })[]
  ).map((r) => ({ entry: ref(r.ext_id, r.content_hash), text: r.text, updatedAt: canonicalTime(r.at) }));
  const submissions = (
    db
      .prepare('SELECT e.ext_id, e.content_hash, s.status, s.updated_at AS at FROM submission s JOIN entry e ON e.id = s.entry_id WHERE s.annotator_id = ?')
      .all(a.id) as (Row & { status: 'draft' | 'submitted'; at: string })[]
  ).map((r) => ({ entry: ref(r.ext_id, r.content_hash), status: r.status, updatedAt: canonicalTime(r.at) }));
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
