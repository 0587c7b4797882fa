import { canonicalLabelValue, dimensionApplies, isEmptyValue, type Codebook, type LabelValue } from '../../shared/codebook/index.ts';
import { conflictReason } from '../../shared/consensus/consensus.ts';
import { badInput } from '../../shared/errors.ts';
import { backupDatabase, type BackupInfo } from '../backup.ts';
import { now, type Db } from '../database.ts';
import { appendEvent } from '../events.ts';
import { readCodebook } from '../service.ts';
import { canonicalTime, codebookMismatch, compareText, parsePack, stableJson, type Pack } from './format.ts';
import { projectIdentity } from './schema.ts';
import type { PackImportSummary } from '../../shared/types.ts';
export type { PackImportSummary };


/**
 * Merging packs. Each (entry, annotator, dimension) label, each note and each submission is a
 * register that keeps the greatest (time, payload) it has seen: the newer write wins, a tie on
 * time goes to the greater payload JSON, and a cleared label is a payload like any other. Taking
 * a maximum is idempotent, commutative and associative, so packs merged in any order, any number
 * of times, leave the same tables.
 */
export interface PackSource {
  /** The pack's text. */
  text: string;
  /** Its file name, for messages. */
  name: string;
}

interface Register<P> {
  at: string;
  payload: P;
  /** Total order on payloads for ties on time. */
  rank: string;
}

function wins<P>(a: Register<P>, b: Register<P> | undefined): boolean {
  if (!b) return true;
  return (compareText(a.at, b.at) || compareText(a.rank, b.rank)) > 0;
}

function same<P>(a: Register<P> | undefined, b: Register<P> | undefined): boolean {
  return !!a && !!b && a.at === b.at && a.rank === b.rank;
}

type LabelPayload = { value: LabelValue | null; codebookVersion: string };
const labelRegister = (at: string, value: LabelValue | null, codebookVersion: string): Register<LabelPayload> => ({
  at,
  payload: { value, codebookVersion },
  rank: stableJson([value, codebookVersion]),
});

interface EntryInfo {
  id: number;
  hash: string;
  passed: boolean | null;
}

function listSome(xs: string[], max = 8): string {
  const shown = xs.slice(0, max).map((x) => `"${x}"`).join(', ');
  return xs.length > max ? `${shown} and ${xs.length - max} more` : shown;
}

/** Everything that keeps a pack out of this project, in one message; nothing is written. */
function checkPack(pack: Pack, name: string, project: { uid: string; name: string }, codebook: Codebook, entries: Map<string, EntryInfo>): void {
  const problems: string[] = [];
  if (pack.project.uid !== project.uid)
    problems.push(`it belongs to another project ("${pack.project.name}", id ${pack.project.uid}); this database holds "${project.name}" (id ${project.uid})`);
  const cb = codebookMismatch(pack.codebook, codebook);
  if (cb) problems.push(cb);
  const unknown: string[] = [];
  const changed: string[] = [];
  for (const id of Object.keys(pack.entries.contentHashes).sort(compareText)) {
    const e = entries.get(id);
    if (!e) unknown.push(id);
    else if (e.hash !== pack.entries.contentHashes[id]) changed.push(id);
  }
  const entries_ = (k: number) => `${k} ${k === 1 ? 'entry' : 'entries'}`;
  if (unknown.length) problems.push(`it refers to ${entries_(unknown.length)} this project does not have: ${listSome(unknown)}`);
  if (changed.length) problems.push(`the content of ${entries_(changed.length)} differs here (prompt, ground truth or output changed): ${listSome(changed)}`);
  if (problems.length) throw badInput(`pack refused, nothing was changed: ${problems.join('; ')}`, { file: name });
}

/** The pack's labels in this codebook's canonical form; a value the codebook does not know is refused. */
function canonicalLabels(pack: Pack, name: string, codebook: Codebook): Register<LabelPayload>[] {
  return pack.labels.map((l, i) => {
    const dim = codebook.dimensions.find((d) => d.id === l.dimension);
    const where = { file: name, field: `labels.${i}` };
    if (!dim) throw badInput(`entry "${l.entry}": unknown dimension "${l.dimension}" (this codebook has ${codebook.dimensions.map((d) => d.id).join(', ')})`, where);
    if (l.value === null) return labelRegister(l.updatedAt, null, l.codebookVersion);
    let value: LabelValue;
    try {
      value = canonicalLabelValue(dim, l.value);
    } catch (e) {
      throw badInput(`entry "${l.entry}": ${(e as Error).message}`, { ...where, field: `labels.${i}.value` });
    }
    if (isEmptyValue(value)) throw badInput(`entry "${l.entry}": empty value for ${dim.id} (a cleared label is written as null)`, { ...where, field: `labels.${i}.value` });
    return labelRegister(l.updatedAt, value, l.codebookVersion);
  });
}

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * A pack may not bring a new label on a dimension that does not apply to its entry (a bug on an
 * output that passed), as the label panel may not. One already here (imported by the lead, or
 * made before a result flipped the entry) travels back unchanged: it is a conflict to resolve.
 */
function refuseNewConflicts(
  changes: { key: { annotator: string; entry: string; dimension?: string }; current?: Register<LabelPayload>; best?: Register<LabelPayload>; from?: string }[],
  codebook: Codebook,
  entries: Map<string, EntryInfo>,
): void {
  for (const s of changes) {
    const value = s.best?.payload.value ?? null;
    if (value === null || stableJson(value) === stableJson(s.current?.payload.value ?? null)) continue;
    const dim = codebook.dimensions.find((d) => d.id === s.key.dimension)!;
    const entry = entries.get(s.key.entry)!;
    if (dimensionApplies(dim, entry)) continue;
    throw badInput(
      `pack refused, nothing was changed: it gives ${s.key.annotator} a new ${dim.label} label on entry "${s.key.entry}", and ${conflictReason(dim, entry.passed)}. Clear that label in the pack's project (or ask the lead to import it from a file, where it is listed as a conflict)`,
      { file: s.from, field: 'labels' },
    );
  }
}

/**
 * `packs.import`: checks every pack, then merges them all in one transaction, after backing the
 * database up. A refused pack refuses the whole import; a pack already merged changes nothing.
 */
export function importPacks(db: Db, sources: PackSource[], opts: { backup?: boolean } = {}): PackImportSummary {
  if (!sources.length) throw badInput('no pack to import');
  const project = projectIdentity(db);
  const codebook = readCodebook(db);
  const entries = new Map<string, EntryInfo>();
  for (const r of db.prepare('SELECT id, ext_id, content_hash, passed FROM entry').all() as { id: number; ext_id: string; content_hash: string; passed: number | null }[])
    entries.set(r.ext_id, { id: r.id, hash: r.content_hash, passed: r.passed === null ? null : r.passed === 1 });

  const packs = sources.map((s) => {
    const pack = parsePack(s.text, s.name);
    checkPack(pack, s.name, project, codebook, entries);
    return { source: s, pack, labels: canonicalLabels(pack, s.name, codebook) };
  });

  // Annotators: the database's spelling when it knows the name (case-insensitive, as SQLite's
  // NOCASE), else the smallest spelling among the packs, so the order of packs cannot matter.
  const knownAnnotators = new Map<string, { id: number; name: string }>();
  for (const r of db.prepare('SELECT id, name FROM annotator').all() as { id: number; name: string }[]) knownAnnotators.set(asciiLower(r.name), r);
  const newAnnotators = new Map<string, string>();
  for (const { pack } of packs) {
    const k = asciiLower(pack.annotator);
    if (knownAnnotators.has(k)) continue;
    const prev = newAnnotators.get(k);
    if (prev === undefined || compareText(pack.annotator, prev) < 0) newAnnotators.set(k, pack.annotator);
  }
  const annotatorName = (raw: string) => knownAnnotators.get(asciiLower(raw))?.name ?? newAnnotators.get(asciiLower(raw))!;

  // Current state of every register a pack touches, then the greatest of all.
  const q = {
    label: db.prepare('SELECT value, codebook_version AS cv, updated_at AS at FROM label WHERE entry_id = ? AND annotator_id = ? AND dimension = ?'),
    cleared: db.prepare('SELECT codebook_version AS cv, cleared_at AS at FROM label_clear WHERE entry_id = ? AND annotator_id = ? AND dimension = ?'),
    note: db.prepare('SELECT text, updated_at AS at FROM note WHERE entry_id = ? AND annotator_id = ?'),
    submission: db.prepare('SELECT status, updated_at AS at FROM submission WHERE entry_id = ? AND annotator_id = ?'),
  };
  const annotatorId = (name: string) => knownAnnotators.get(asciiLower(name))?.id;
  type Key = { annotator: string; entry: string; dimension?: string };
  const labelPlan = new Map<string, { key: Key; current?: Register<LabelPayload>; best?: Register<LabelPayload>; from?: string }>();
  const notePlan = new Map<string, { key: Key; current?: Register<string>; best?: Register<string> }>();
  const subPlan = new Map<string, { key: Key; current?: Register<string>; best?: Register<string> }>();

  const slot = <T extends { key: Key; current?: Register<P>; best?: Register<P> }, P>(plan: Map<string, T>, key: Key, load: (eid: number, aid: number) => Register<P> | undefined) => {
    const k = JSON.stringify([asciiLower(key.annotator), key.entry, key.dimension ?? null]);
    let s = plan.get(k);
    if (!s) {
      const aid = annotatorId(key.annotator);
      const current = aid === undefined ? undefined : load(entries.get(key.entry)!.id, aid);
      s = { key, current, best: current } as T;
      plan.set(k, s);
    }
    return s;
  };
  for (const { source, pack, labels } of packs) {
    const annotator = annotatorName(pack.annotator);
    pack.labels.forEach((l, i) => {
      const s = slot(labelPlan, { annotator, entry: l.entry, dimension: l.dimension }, (eid, aid) => {
        const row = q.label.get(eid, aid, l.dimension) as { value: string; cv: string; at: string } | undefined;
        if (row) return labelRegister(canonicalTime(row.at), JSON.parse(row.value) as LabelValue, row.cv);
        const gone = q.cleared.get(eid, aid, l.dimension) as { cv: string; at: string } | undefined;
        return gone ? labelRegister(canonicalTime(gone.at), null, gone.cv) : undefined;
      });
      if (wins(labels[i], s.best)) {
        s.best = labels[i];
        s.from = source.name;
      }
    });
    for (const n of pack.notes) {
      const s = slot(notePlan, { annotator, entry: n.entry }, (eid, aid) => {
        const row = q.note.get(eid, aid) as { text: string; at: string } | undefined;
        return row ? { at: canonicalTime(row.at), payload: row.text, rank: row.text } : undefined;
      });
      const r = { at: n.updatedAt, payload: n.text, rank: n.text };
      if (wins(r, s.best)) s.best = r;
    }
    for (const sub of pack.submissions) {
      const s = slot(subPlan, { annotator, entry: sub.entry }, (eid, aid) => {
        const row = q.submission.get(eid, aid) as { status: string; at: string } | undefined;
        return row ? { at: canonicalTime(row.at), payload: row.status, rank: row.status } : undefined;
      });
      const r = { at: sub.updatedAt, payload: sub.status, rank: sub.status };
      if (wins(r, s.best)) s.best = r;
    }
  }

  const changes = <T extends { current?: Register<unknown>; best?: Register<unknown> }>(plan: Map<string, T>) =>
    [...plan.values()].filter((s) => !same(s.best, s.current));
  const labelChanges = changes(labelPlan);
  const noteChanges = changes(notePlan);
  const subChanges = changes(subPlan);
  refuseNewConflicts(labelChanges, codebook, entries);

  const summary: PackImportSummary = {
    packs: packs.map(({ source, pack }) => ({
      name: source.name,
      annotator: annotatorName(pack.annotator),
      entries: Object.keys(pack.entries.contentHashes).length,
      labels: pack.labels.length,
      notes: pack.notes.length,
      submissions: pack.submissions.length,
    })),
    labelsSet: 0,
    labelsCleared: 0,
    notesSet: 0,
    submissionsSet: 0,
    retimed: 0,
    annotatorsCreated: [...newAnnotators.values()].sort(compareText),
    // A pack from an annotator new to this project adds the annotator, even with nothing in it.
    changed: labelChanges.length + noteChanges.length + subChanges.length + newAnnotators.size > 0,
    backup: null,
  };
  if (!summary.changed) return summary;

  if (opts.backup !== false && !db.memory) summary.backup = backupDatabase(db, 'pack-import');

  db.transaction(() => {
    const at = now();
    for (const name of summary.annotatorsCreated) {
      const r = db.prepare("INSERT INTO annotator (name, role, created_at) VALUES (?, 'annotator', ?)").run(name, at);
      knownAnnotators.set(asciiLower(name), { id: Number(r.lastInsertRowid), name });
      appendEvent(db, { actor: name, kind: 'annotator.create', after: { name, role: 'annotator' }, at });
    }
    const ids = (k: Key) => ({ eid: entries.get(k.entry)!.id, aid: annotatorId(k.annotator)! });
    const upsertLabel = db.prepare(
      `INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (entry_id, annotator_id, dimension) DO UPDATE SET value = excluded.value, codebook_version = excluded.codebook_version, updated_at = excluded.updated_at`,
    );
    const deleteLabel = db.prepare('DELETE FROM label WHERE entry_id = ? AND annotator_id = ? AND dimension = ?');
    // The delete trigger stamps the tombstone with the merge time; the pack's time replaces it.
    const putTombstone = db.prepare('INSERT OR REPLACE INTO label_clear (entry_id, annotator_id, dimension, codebook_version, cleared_at) VALUES (?, ?, ?, ?, ?)');
    for (const s of labelChanges) {
      const { eid, aid } = ids(s.key);
      const best = s.best!;
      const before = s.current?.payload.value ?? null;
      const after = best.payload.value;
      if (after === null) {
        deleteLabel.run(eid, aid, s.key.dimension);
        putTombstone.run(eid, aid, s.key.dimension, best.payload.codebookVersion, best.at);
      } else upsertLabel.run(eid, aid, s.key.dimension, JSON.stringify(after), best.payload.codebookVersion, best.at);
      if (stableJson(before) === stableJson(after)) summary.retimed++;
      else {
        if (after === null) summary.labelsCleared++;
        else summary.labelsSet++;
        appendEvent(db, { actor: s.key.annotator, kind: 'label.set', entryId: s.key.entry, dimension: s.key.dimension, before, after, at });
      }
    }
    // Notes and submission statuses merge alike: one text per entry and annotator, newest wins.
    const records = [
      { changes: noteChanges, table: 'note', column: 'text', kind: 'note.set', empty: '', counter: 'notesSet' },
      { changes: subChanges, table: 'submission', column: 'status', kind: 'submission.set', empty: 'todo', counter: 'submissionsSet' },
    ] as const;
    for (const { changes, table, column, kind, empty, counter } of records) {
      const upsert = db.prepare(
        `INSERT INTO ${table} (entry_id, annotator_id, ${column}, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (entry_id, annotator_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at`,
      );
      for (const s of changes) {
        const { eid, aid } = ids(s.key);
        upsert.run(eid, aid, s.best!.payload, s.best!.at);
        if (s.current?.payload === s.best!.payload) summary.retimed++;
        else {
          summary[counter]++;
          appendEvent(db, { actor: s.key.annotator, kind, entryId: s.key.entry, before: s.current?.payload ?? empty, after: s.best!.payload, at });
        }
      }
    }
    for (const p of summary.packs)
      appendEvent(db, {
        actor: p.annotator,
        kind: 'pack.merge',
        after: { pack: p.name, labels: p.labels, notes: p.notes, submissions: p.submissions, backup: summary.backup?.name ?? null },
        at,
      });
  })();
  return summary;
}
