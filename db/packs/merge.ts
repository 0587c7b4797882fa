import { canonicalLabelValue, dimensionApplies, isEmptyValue, type Codebook, type LabelValue } from '../../shared/codebook/index.ts';
import { conflictReason } from '../../shared/consensus/consensus.ts';
import { badInput } from '../../shared/errors.ts';
import { compareIds } from '../../shared/ids.ts';
import { howTheyDiffer, lookalikeOf, nameProblem, normalizeName, printable } from '../../shared/names.ts';
import { backupDatabase } from '../backup.ts';
import { now, type Db } from '../database.ts';
import { openStore, type Store } from '../data/index.ts';
import { labelRegister, mergeLabel, mergeOwnRecord, ownRegister, sameRegister, storedLabel, storedOwn, wins, type LabelPayload, type Register } from '../labels.ts';
import { codebookMismatch, compareText, parsePack, stableJson, type Pack } from './format.ts';
import { projectIdentity } from './schema.ts';
import { signedWith } from './sign.ts';
import type { PackImportSummary } from '../../shared/types.ts';
export type { PackImportSummary };

/**
 * Merging packs. Each (entry, annotator, dimension) label, each note and each submission is a
 * register (db/labels.ts) that keeps the greatest (clock, payload, time) it has seen: the later
 * write by the logical clock wins, whatever the machines' clocks said, and a cleared label is a
 * payload like any other. Packs merged in any order, any number of times, leave the same tables.
 *
 * A pack speaks for one annotator only if it is signed with that annotator's secret (db/packs/
 * sign.ts): a pack that names someone else, the lead or the published reference, or whose content
 * was edited, is refused. A version 1 pack (before signing) merges only when the lead trusts it.
 */
export interface PackSource {
  /** The pack's text. */
  text: string;
  /** Its file name, for messages. */
  name: string;
}

export interface ImportPacksOptions {
  /** Take a backup before writing (the default, for a database in a file). */
  backup?: boolean;
  /** Merge version 1 packs, which are not signed: the lead vouches for them, and the event log says so. */
  trustUnsigned?: boolean;
  /** Who merges, for the event log. */
  actor?: string;
}

interface EntryInfo {
  id: number;
  hash: string;
  passed: boolean | null;
  /** Content hashes the entry has had (recorded versions): a pack made on one still merges, flagged if it is an earlier version. */
  earlier: Set<string>;
}

function listSome(xs: string[], max = 8): string {
  const shown = xs.slice(0, max).map((x) => `"${x}"`).join(', ');
  return xs.length > max ? `${shown} and ${xs.length - max} more` : shown;
}

const refused = (message: string, file: string, field?: string) => badInput(`pack refused, nothing was changed: ${message}`, { file, ...(field ? { field } : {}) });

/** Everything that keeps a pack out of this project, in one message; nothing is written. */
function checkPack(pack: Pack, name: string, project: { uid: string; name: string }, codebook: Codebook, entries: Map<string, EntryInfo>): void {
  const problems: string[] = [];
  if (pack.project.uid !== project.uid)
    problems.push(`it belongs to another project ("${pack.project.name}", id ${pack.project.uid}); this database holds "${project.name}" (id ${project.uid})`);
  const cb = codebookMismatch(pack.codebook, codebook);
  if (cb) problems.push(cb);
  const unknown: string[] = [];
  const changed: string[] = [];
  for (const id of Object.keys(pack.entries.contentHashes).sort(compareIds)) {
    const e = entries.get(id);
    const hash = pack.entries.contentHashes[id];
    if (!e) unknown.push(id);
    else if (e.hash !== hash && !e.earlier.has(hash)) changed.push(id);
  }
  const entries_ = (k: number) => `${k} ${k === 1 ? 'entry' : 'entries'}`;
  if (unknown.length) problems.push(`it refers to ${entries_(unknown.length)} this project does not have: ${listSome(unknown)}`);
  if (changed.length) problems.push(`the content of ${entries_(changed.length)} differs here (prompt, ground truth or output changed): ${listSome(changed)}`);
  if (problems.length) throw refused(problems.join('; '), name);
}

/**
 * The pack's labels as registers, in this codebook's canonical form, each with the content it was
 * made on; a value the codebook does not know is refused.
 */
function canonicalLabels(pack: Pack, name: string, codebook: Codebook): Register<LabelPayload>[] {
  return pack.labels.map((l, i) => {
    const dim = codebook.dimensions.find((d) => d.id === l.dimension);
    const where = { file: name, field: `labels.${i}` };
    if (!dim) throw badInput(`entry "${l.entry}": unknown dimension "${l.dimension}" (this codebook has ${codebook.dimensions.map((d) => d.id).join(', ')})`, where);
    const madeOn = l.madeOn ?? pack.entries.contentHashes[l.entry];
    if (l.value === null) return labelRegister(l.clock, l.updatedAt, null, l.codebookVersion, madeOn);
    let value: LabelValue;
    try {
      value = canonicalLabelValue(dim, l.value);
    } catch (e) {
      throw badInput(`entry "${l.entry}": ${(e as Error).message}`, { ...where, field: `labels.${i}.value` });
    }
    if (isEmptyValue(value)) throw badInput(`entry "${l.entry}": empty value for ${dim.id} (a cleared label is written as null)`, { ...where, field: `labels.${i}.value` });
    return labelRegister(l.clock, l.updatedAt, value, l.codebookVersion, madeOn);
  });
}

/** Who a pack speaks for: an annotator of this project, or (an unsigned pack the lead trusts) a new one. */
type Speaker = { known: { id: number; name: string }; signed: boolean } | { newName: string };

/**
 * Checks that a pack may speak for the annotator it names: a name that shows what it says, not a
 * lookalike of someone else's, not the published reference, and a signature made with that
 * annotator's secret over exactly this content. Says what is wrong and what to do.
 */
function speakerOf(store: Store, pack: Pack, unsigned: boolean, name: string, trustUnsigned: boolean): Speaker {
  const claimed = normalizeName(pack.annotator);
  const shown = printable(claimed);
  const problem = nameProblem(claimed);
  if (problem) throw refused(`its annotator name "${shown}" ${problem}`, name, 'annotator');
  const unsignedMessage = `it is an unsigned pack (format version 1, from a Concord before packs were signed), so anyone could have written it for "${shown}". If you know it comes from ${shown}'s own starter file, import it with --trust-unsigned (the event log records that you did)`;
  const row = store.annotators.byName(claimed);
  if (row) {
    if (row.role === 'reference') throw refused(`it claims the labels of "${row.name}", the published reference labels; those come only from the release's files, never from a pack`, name, 'annotator');
    if (unsigned) {
      if (!trustUnsigned) throw refused(unsignedMessage, name, 'formatVersion');
      return { known: { id: row.id, name: row.name }, signed: false };
    }
    // A pack whose only change is the name it gives: signed by another annotator for their own name.
    const others = store.annotators.all().filter((a) => a.id !== row.id);
    const signer = others.find((a) => {
      const secret = store.keys.secretOf(a.id);
      return secret !== undefined && signedWith({ ...pack, annotator: a.name }, secret);
    });
    if (signer)
      throw refused(`it names ${row.name} but is signed with ${signer.name}'s key: it was edited to speak for someone else. Ask ${row.name} for their own pack`, name, 'annotator');
    const secret = store.keys.secretOf(row.id);
    if (secret === undefined)
      throw refused(
        `this project holds no pack key for ${row.name}, so no pack can speak for them: a key is made with their starter file (concord pack starter --annotator ${row.name}), and their packs come from that file`,
        name,
        'signature',
      );
    if (!signedWith(pack, secret))
      throw refused(
        `its signature does not match its content: the pack was changed after ${row.name}'s file exported it, or was not made from ${row.name}'s starter file for this project. Ask ${row.name} to export it again`,
        name,
        'signature',
      );
    return { known: { id: row.id, name: row.name }, signed: true };
  }
  const like = lookalikeOf(claimed, store.annotators.names());
  if (like) throw refused(`it names "${shown}", who is not an annotator here but looks like "${like}" (they differ ${howTheyDiffer(claimed, like)})`, name, 'annotator');
  if (!unsigned) throw refused(`"${shown}" is not an annotator of this project: a signed pack comes from a starter file made here`, name, 'annotator');
  if (!trustUnsigned) throw refused(unsignedMessage, name, 'formatVersion');
  return { newName: claimed };
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
 * `packs.import`: checks every pack (whole, for this project, signed by the annotator it names),
 * then merges them all in one transaction, after backing the database up. A refused pack refuses
 * the whole import; a pack already merged changes nothing.
 */
export function importPacks(db: Db, sources: PackSource[], opts: ImportPacksOptions = {}): PackImportSummary {
  if (!sources.length) throw badInput('no pack to import');
  const store = openStore(db);
  const project = projectIdentity(db);
  const codebook = store.project.codebook();
  const earlier = store.entryVersions.knownHashes();
  const entries = new Map<string, EntryInfo>();
  for (const r of store.entries.hashes()) entries.set(r.id, { id: r.rowId, hash: r.hash, passed: r.passed, earlier: earlier.get(r.id) ?? new Set() });

  const packs = sources.map((s) => {
    const { pack, unsigned } = parsePack(s.text, s.name);
    checkPack(pack, s.name, project, codebook, entries);
    const labels = canonicalLabels(pack, s.name, codebook);
    return { source: s, pack, unsigned, labels, speaker: speakerOf(store, pack, unsigned, s.name, opts.trustUnsigned === true) };
  });

  // Annotators: the database's row for a known one; an annotator new to the project (only from a
  // trusted unsigned pack) under the smallest spelling among the packs (case-insensitive, as
  // SQLite's NOCASE), so the order of packs cannot matter; two new lookalikes are refused.
  const knownAnnotators = new Map<string, { id: number; name: string }>();
  for (const r of store.annotators.all()) knownAnnotators.set(asciiLower(r.name), { id: r.id, name: r.name });
  const newAnnotators = new Map<string, string>();
  for (const { speaker } of packs) {
    if (!('newName' in speaker)) continue;
    const k = asciiLower(speaker.newName);
    const prev = newAnnotators.get(k);
    if (prev === undefined || compareText(speaker.newName, prev) < 0) newAnnotators.set(k, speaker.newName);
  }
  for (const { speaker, source } of packs) {
    if (!('newName' in speaker)) continue;
    const like = lookalikeOf(speaker.newName, [...newAnnotators.values()].filter((n) => asciiLower(n) !== asciiLower(speaker.newName)));
    if (like) throw refused(`it names "${printable(speaker.newName)}", and another pack names "${printable(like)}": they look alike (${howTheyDiffer(speaker.newName, like)}); merge one of them`, source.name, 'annotator');
  }
  const annotatorName = (speaker: Speaker) => ('known' in speaker ? speaker.known.name : newAnnotators.get(asciiLower(speaker.newName))!);

  // Current state of every register a pack touches, then the greatest of all.
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
  for (const { source, pack, labels, speaker } of packs) {
    const annotator = annotatorName(speaker);
    pack.labels.forEach((l, i) => {
      const s = slot(labelPlan, { annotator, entry: l.entry, dimension: l.dimension }, (eid, aid) => storedLabel(store, eid, aid, l.dimension));
      if (wins(labels[i], s.best)) {
        s.best = labels[i];
        s.from = source.name;
      }
    });
    for (const n of pack.notes) {
      const s = slot(notePlan, { annotator, entry: n.entry }, (eid, aid) => storedOwn(store, 'note', eid, aid));
      const r = ownRegister(n.clock, n.updatedAt, n.text);
      if (wins(r, s.best)) s.best = r;
    }
    for (const sub of pack.submissions) {
      const s = slot(subPlan, { annotator, entry: sub.entry }, (eid, aid) => storedOwn(store, 'submission', eid, aid));
      const r = ownRegister(sub.clock, sub.updatedAt, sub.status);
      if (wins(r, s.best)) s.best = r;
    }
  }

  const changes = <T extends { current?: Register<unknown>; best?: Register<unknown> }>(plan: Map<string, T>) =>
    [...plan.values()].filter((s) => !sameRegister(s.best, s.current));
  const labelChanges = changes(labelPlan);
  const noteChanges = changes(notePlan);
  const subChanges = changes(subPlan);
  // Comments are kept whole: one not here yet is added; one deleted in a pack is deleted here too.
  const commentPlan = new Map<string, { annotator: string; entry: string; text: string; createdAt: string; deletedAt: string | null; existing?: number }>();
  for (const { pack, speaker } of packs)
    for (const c of pack.comments ?? []) {
      const annotator = annotatorName(speaker);
      const k = JSON.stringify([asciiLower(annotator), c.entry, c.createdAt, c.text]);
      const aid = annotatorId(annotator);
      const here = aid === undefined ? undefined : store.comments.find(entries.get(c.entry)!.id, aid, c.createdAt, c.text);
      const prev = commentPlan.get(k);
      const deletedAt = [prev?.deletedAt ?? null, here?.deleted_at ?? null, c.deletedAt].filter((x): x is string => x !== null).sort(compareText)[0] ?? null;
      commentPlan.set(k, { annotator, entry: c.entry, text: c.text, createdAt: c.createdAt, deletedAt, existing: here?.id });
      if (here && here.deleted_at === deletedAt) commentPlan.delete(k);
    }
  const commentChanges = [...commentPlan.values()];
  refuseNewConflicts(labelChanges, codebook, entries);

  const summary: PackImportSummary = {
    packs: packs.map(({ source, pack, speaker, unsigned }) => ({
      name: source.name,
      annotator: annotatorName(speaker),
      signed: !unsigned,
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
    changed: labelChanges.length + noteChanges.length + subChanges.length + commentChanges.length + newAnnotators.size > 0,
    backup: null,
    // Labels that land on content the entry no longer has: made on an earlier version, flagged for review.
    flagged: labelChanges.filter((s) => s.best!.payload.value !== null && store.entryVersions.isEarlier(entries.get(s.key.entry)!.id, s.best!.payload.madeOn)).length,
  };
  if (!summary.changed) return summary;

  if (opts.backup !== false && !db.memory) summary.backup = backupDatabase(db, 'pack-import');

  store.transaction(() => {
    const at = now();
    for (const name of summary.annotatorsCreated) {
      knownAnnotators.set(asciiLower(name), { id: store.annotators.insert(name, 'annotator', at), name });
      store.events.append({ actor: name, kind: 'annotator.create', after: { name, role: 'annotator' }, at });
    }
    const target = (k: Key) => ({ entry: { rowId: entries.get(k.entry)!.id, id: k.entry }, annotator: { id: annotatorId(k.annotator)!, name: k.annotator }, at });
    for (const s of labelChanges) {
      const outcome = mergeLabel(store, { ...target(s.key), dimension: s.key.dimension!, current: s.current, best: s.best! });
      if (outcome === 'retimed') summary.retimed++;
      else if (outcome === 'cleared') summary.labelsCleared++;
      else summary.labelsSet++;
    }
    // Notes and submission statuses merge alike: one text per entry and annotator, newest wins.
    const records = [
      { changes: noteChanges, table: 'note', counter: 'notesSet' },
      { changes: subChanges, table: 'submission', counter: 'submissionsSet' },
    ] as const;
    for (const { changes, table, counter } of records)
      for (const s of changes) {
        if (mergeOwnRecord(store, table, { ...target(s.key), current: s.current, best: s.best! }) === 'retimed') summary.retimed++;
        else summary[counter]++;
      }
    for (const c of commentChanges) {
      const t = target({ annotator: c.annotator, entry: c.entry });
      if (c.existing === undefined) {
        const id = store.comments.insertCopy(t.entry.rowId, t.annotator.id, c.text, c.createdAt, c.deletedAt);
        store.events.append({ actor: c.annotator, kind: 'comment.add', entryId: c.entry, after: { id, text: c.text, createdAt: c.createdAt }, at });
      } else {
        store.comments.markDeleted(c.existing, c.deletedAt!);
        store.events.append({ actor: c.annotator, kind: 'comment.delete', entryId: c.entry, before: { id: c.existing, text: c.text }, at });
      }
    }
    for (const p of summary.packs)
      store.events.append({
        actor: p.annotator,
        kind: 'pack.merge',
        after: {
          pack: p.name,
          labels: p.labels,
          notes: p.notes,
          submissions: p.submissions,
          backup: summary.backup?.name ?? null,
          // An unsigned pack is merged on the word of whoever merged it: the log keeps who that was.
          ...(p.signed ? {} : { signed: false, trustedBy: opts.actor ?? 'cli' }),
        },
        at,
      });
  });
  return summary;
}
