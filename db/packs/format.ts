import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { LabelValue } from '../../shared/codebook/index.ts';
import { badInput } from '../../shared/errors.ts';
import { compareIds } from '../../shared/ids.ts';
import { hasLoneSurrogate } from '../../shared/names.ts';

/**
 * The annotation pack (formats section 7): one annotator's labels, notes and submissions with
 * their times and logical clocks, self-describing and deterministic (same data, same bytes), and
 * signed with the annotator's secret (db/packs/sign.ts).
 *
 * Version 2 (this one) adds a logical clock to every record, the content a label was made on when
 * it is not the entry's content in the pack, and the signature. Version 1 packs (no clocks, not
 * signed) are still read, and merged only when the lead says to trust them.
 */
export const PACK_FORMAT = 'concord-pack';
export const PACK_FORMAT_VERSION = 2;

/** The largest pack read (about 50 times a 520-entry pack), checked before the file is read. */
export const MAX_PACK_BYTES = 50_000_000;

/** A clock no honest annotator reaches (one write a millisecond for 8,900 years); keeps sums exact. */
export const MAX_CLOCK = 2 ** 48;

export interface PackLabel {
  entry: string;
  dimension: string;
  /** null: the label was cleared at `updatedAt` (a tombstone, so it cannot come back in a merge). */
  value: LabelValue | null;
  updatedAt: string;
  /** The logical clock of the write (db/labels.ts): what decides which write wins. */
  clock: number;
  codebookVersion: string;
  /** The entry's content hash the label was made on, when it is not the one in `entries` (an earlier version). */
  madeOn?: string;
}
export interface PackNote {
  entry: string;
  text: string;
  updatedAt: string;
  clock: number;
}
export interface PackSubmission {
  entry: string;
  status: 'draft' | 'submitted';
  updatedAt: string;
  clock: number;
}
/** HMAC-SHA256 with the annotator's secret over the pack's canonical bytes without this field. */
export interface PackSignature {
  algorithm: 'HMAC-SHA256';
  value: string;
}
/** A comment on an entry, written while labelling: kept whole; a deletion travels as its time. */
export interface PackComment {
  entry: string;
  text: string;
  createdAt: string;
  deletedAt: string | null;
}
export interface Pack {
  format: typeof PACK_FORMAT;
  formatVersion: typeof PACK_FORMAT_VERSION;
  project: { uid: string; name: string };
  annotator: string;
  codebook: { id: string; version: string };
  /** The entries the records refer to: ext id -> content hash, and a fingerprint over them. */
  entries: { fingerprint: string; contentHashes: Record<string, string> };
  labels: PackLabel[];
  notes: PackNote[];
  submissions: PackSubmission[];
  signature?: PackSignature;
  /** The annotator's comments (left out when there are none, so older packs read the same). */
  comments?: PackComment[];
}

/** A pack as read: in version 2's shape whatever its version (a version 1 pack's clocks come from its times). */
export interface ReadPack {
  pack: Pack;
  /** Version 1: written before packs were signed. */
  unsigned: boolean;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A stored time in the one form packs use (ISO UTC with milliseconds), so that comparing two
 * times as strings compares them as times. Importers may have stored other forms.
 */
export function canonicalTime(s: string): string {
  if (ISO_TIME.test(s)) return s;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw badInput(`unreadable time "${s}"`);
  return new Date(t).toISOString();
}

const time = z.string().regex(ISO_TIME, 'a time is written as YYYY-MM-DDTHH:MM:SS.sssZ');
const clock = z.number().int().min(0).max(MAX_CLOCK);
const text = z.string().min(1).max(1000);
const labelValue = z.union([z.string(), z.array(z.string()), z.record(z.string(), z.boolean())]).nullable();
const hash = z.string().max(200);

const head = {
  format: z.literal(PACK_FORMAT),
  project: z.strictObject({ uid: text, name: z.string().max(1000) }),
  annotator: z.string().trim().min(1).max(80),
  codebook: z.strictObject({ id: text, version: text }),
  entries: z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), contentHashes: z.record(text, hash) }),
};

const packSchemaV2 = z.strictObject({
  ...head,
  formatVersion: z.literal(2),
  labels: z.array(z.strictObject({ entry: text, dimension: z.string().min(1).max(100), value: labelValue, updatedAt: time, clock, codebookVersion: text, madeOn: hash.optional() })),
  notes: z.array(z.strictObject({ entry: text, text: z.string().max(100_000), updatedAt: time, clock })),
  submissions: z.array(z.strictObject({ entry: text, status: z.enum(['draft', 'submitted']), updatedAt: time, clock })),
  comments: z.array(z.strictObject({ entry: text, text: z.string().min(1).max(10_000), createdAt: time, deletedAt: time.nullable() })).optional(),
  signature: z.strictObject({ algorithm: z.literal('HMAC-SHA256'), value: z.string().regex(/^[0-9a-f]{64}$/, 'a signature is 64 hex digits') }),
});

const packSchemaV1 = z.strictObject({
  ...head,
  formatVersion: z.literal(1),
  labels: z.array(z.strictObject({ entry: text, dimension: z.string().min(1).max(100), value: labelValue, updatedAt: time, codebookVersion: text })),
  notes: z.array(z.strictObject({ entry: text, text: z.string().max(100_000), updatedAt: time })),
  submissions: z.array(z.strictObject({ entry: text, status: z.enum(['draft', 'submitted']), updatedAt: time })),
  comments: z.array(z.strictObject({ entry: text, text: z.string().min(1).max(10_000), createdAt: time, deletedAt: time.nullable() })).optional(),
});

/**
 * A version 1 record's clock: its time in milliseconds, as migration 004 gave every row written
 * before clocks existed, so an old pack meets an upgraded project in the order the old rule gave.
 */
export const clockOfTime = (t: string): number => Date.parse(t);

/** sha256 over the sorted (ext id, content hash) pairs; JSON keeps odd ids unambiguous. */
export function entriesFingerprint(contentHashes: Record<string, string>): string {
  const pairs = Object.keys(contentHashes)
    .sort(compareText)
    .map((id) => [id, contentHashes[id]]);
  return createHash('sha256').update(JSON.stringify(pairs)).digest('hex');
}

/** Code-unit order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted at every depth: equal data, equal text. */
export function stableJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort(compareText)) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The pack's bytes: records sorted by entry (natural order of ids) then dimension, keys sorted, two-space indent. */
export function serializePack(pack: Pack): string {
  const byEntry = <T extends { entry: string }>(xs: T[], more: (x: T) => string = () => '') =>
    [...xs].sort((a, b) => compareIds(a.entry, b.entry) || compareText(more(a), more(b)));
  const sorted: Pack = {
    ...pack,
    labels: byEntry(pack.labels, (l) => l.dimension),
    notes: byEntry(pack.notes),
    submissions: byEntry(pack.submissions),
    ...(pack.comments?.length ? { comments: byEntry(pack.comments, (c) => `${c.createdAt}\u0000${c.text}`) } : {}),
  };
  if (!pack.comments?.length) delete sorted.comments;
  return `${stableJson(sorted, 2)}\n`;
}

/**
 * Reads a pack's text and checks that it is whole: the format, every field, the fingerprint,
 * and that each record refers to a listed entry at most once. Says which file and field is wrong.
 * The signature is checked against the project's keys when the pack is merged (db/packs/sign.ts).
 */
export function parsePack(textIn: string, file: string): ReadPack {
  let json: unknown;
  try {
    json = JSON.parse(textIn);
  } catch (e) {
    throw badInput(`not a Concord pack: the file is not JSON (${(e as Error).message})`, { file });
  }
  const head = json as { format?: unknown; formatVersion?: unknown } | null;
  if (!head || typeof head !== 'object' || head.format !== PACK_FORMAT)
    throw badInput(`not a Concord pack (expected "format": "${PACK_FORMAT}")`, { file, field: 'format' });
  if (typeof head.formatVersion === 'number' && head.formatVersion > PACK_FORMAT_VERSION)
    throw badInput(`pack format version ${head.formatVersion} was written by a newer Concord (this one reads version ${PACK_FORMAT_VERSION}); update Concord`, {
      file,
      field: 'formatVersion',
    });
  const unsigned = head.formatVersion === 1;
  const r = (unsigned ? packSchemaV1 : packSchemaV2).safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw badInput(`damaged pack: ${issue.message}`, { file, field: issue.path.join('.') });
  }
  const pack: Pack = unsigned ? fromVersion1(r.data as z.infer<typeof packSchemaV1>) : (r.data as Pack);
  const broken = pathToLoneSurrogate(pack);
  if (broken) throw badInput('damaged pack: a text holds half of a UTF-16 surrogate pair, which is not text', { file, field: broken });
  if (entriesFingerprint(pack.entries.contentHashes) !== pack.entries.fingerprint)
    throw badInput('damaged pack: the entries fingerprint does not match the entries it lists (was the file edited by hand?)', {
      file,
      field: 'entries.fingerprint',
    });
  const checkRecords = (kind: 'labels' | 'notes' | 'submissions', records: { entry: string; dimension?: string }[]) => {
    const seen = new Set<string>();
    records.forEach((r, i) => {
      if (!Object.prototype.hasOwnProperty.call(pack.entries.contentHashes, r.entry))
        throw badInput(`damaged pack: entry "${r.entry}" is not among the pack's entries`, { file, field: `${kind}.${i}.entry` });
      const key = `${r.entry}\u0000${r.dimension ?? ''}`;
      if (seen.has(key)) throw badInput(`damaged pack: entry "${r.entry}"${r.dimension ? ` dimension "${r.dimension}"` : ''} appears twice`, { file, field: `${kind}.${i}` });
      seen.add(key);
    });
  };
  checkRecords('labels', pack.labels);
  checkRecords('notes', pack.notes);
  checkRecords('submissions', pack.submissions);
  (pack.comments ?? []).forEach((c, i) => {
    if (!Object.prototype.hasOwnProperty.call(pack.entries.contentHashes, c.entry))
      throw badInput(`damaged pack: entry "${c.entry}" is not among the pack's entries`, { file, field: `comments.${i}.entry` });
  });
  return { pack, unsigned };
}

/** The field of the first string (or key) in a value that holds half a surrogate pair, or null; without recursion. */
function pathToLoneSurrogate(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return path;
    } else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        if (hasLoneSurrogate(k)) return at;
        stack.push([x, at]);
      }
  }
  return null;
}

/** A version 1 pack in version 2's shape, its clocks taken from its times, with no signature. */
function fromVersion1(p: z.infer<typeof packSchemaV1>): Pack {
  return {
    ...p,
    formatVersion: PACK_FORMAT_VERSION,
    labels: p.labels.map((l) => ({ ...l, clock: clockOfTime(l.updatedAt) })),
    notes: p.notes.map((n) => ({ ...n, clock: clockOfTime(n.updatedAt) })),
    submissions: p.submissions.map((s) => ({ ...s, clock: clockOfTime(s.updatedAt) })),
  };
}

/** Leading number of a version ("1.2.0" -> 1); null when the version is not numbered. */
function majorOf(version: string): number | null {
  const m = /^v?(\d+)(?:\.|$)/.exec(version.trim());
  return m ? Number(m[1]) : null;
}

/**
 * Why a pack's codebook cannot be merged into a project's, or null when it can: same id and the
 * same major version (versions that are not numbered must match exactly).
 */
export function codebookMismatch(pack: { id: string; version: string }, project: { id: string; version: string }): string | null {
  const both = `the pack was labelled with codebook ${pack.id} ${pack.version}, this project uses ${project.id} ${project.version}`;
  if (pack.id !== project.id) return `${both} (different codebooks)`;
  const a = majorOf(pack.version);
  const b = majorOf(project.version);
  if (a === null || b === null) return pack.version === project.version ? null : `${both} (versions differ)`;
  return a === b ? null : `${both} (major versions differ)`;
}
