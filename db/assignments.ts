import { badInput } from '../shared/errors.ts';
import { compareIds } from '../shared/ids.ts';
import { now, type Db } from './database.ts';
import { admitAnnotatorName } from './labels.ts';
import { readEntryMarks } from './data/agreement-rows.ts';
import { openStore, type AnnotatorRow } from './data/index.ts';
import type { AnnotatorRole, AutoAssignResult, AnnotatorProgress, EntryAssignment, RaterStanding } from '../shared/types.ts';
export type { AutoAssignResult, AnnotatorProgress, EntryAssignment, RaterStanding };


/**
 * Who labels which entry. An annotator with assignments sees only those entries; one without
 * any sees every entry (a project that never assigns works as before).
 */

export interface AutoAssignArgs {
  /** Annotators per entry (default 3). */
  perEntry?: number;
  /** Who to assign (default: every annotator of role "annotator"); unknown names are added. */
  annotators?: string[];
}

const byName = (a: string, b: string) => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

function annotatorsByName(db: Db): Map<string, AnnotatorRow> {
  const out = new Map<string, AnnotatorRow>();
  for (const r of openStore(db).annotators.all()) out.set(r.name.toLowerCase(), r);
  return out;
}

/** Checks a list of names: no blanks, no repeats, no reference annotators. */
function checkNames(db: Db, names: string[], field: string): { known: Map<string, AnnotatorRow>; missing: string[] } {
  const known = annotatorsByName(db);
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!name) throw badInput('an annotator name is empty', { field });
    if (seen.has(name.toLowerCase())) throw badInput(`annotator "${name}" is listed twice`, { field });
    seen.add(name.toLowerCase());
    const a = known.get(name.toLowerCase());
    if (!a) missing.push(name);
    else if (a.role === 'reference') throw badInput(`"${a.name}" holds imported reference labels and cannot be assigned entries`, { field });
  }
  return { known, missing };
}

/**
 * Balanced, deterministic assignment. Entries in id order (natural: e2 before e10) each get annotators until they have
 * `perEntry` of the chosen ones, taking the least loaded first (ties by name). From no assignments
 * this is round-robin: every entry gets `perEntry` distinct annotators and loads differ by at
 * most one. Existing assignments are kept (work already started is never taken away), so running
 * it again, or after adding entries, only fills the gaps.
 */
export function autoAssign(db: Db, args: AutoAssignArgs = {}): AutoAssignResult {
  const store = openStore(db);
  const perEntry = args.perEntry ?? 3;
  if (!Number.isInteger(perEntry) || perEntry < 1) throw badInput(`annotators per entry must be a whole number from 1, not ${perEntry}`, { field: 'perEntry' });
  // Machine coders label nothing in the app: they are assigned only when named.
  const machines = new Set(store.annotators.machines());
  const requested = args.annotators ?? store.annotators.namesWithRole('annotator').filter((n) => !machines.has(n));
  const { known, missing } = checkNames(db, requested, 'annotators');
  const chosen = requested.map((n) => n.trim()).sort(byName);
  if (chosen.length < perEntry)
    throw badInput(
      `${perEntry} annotators per entry need at least ${perEntry} annotators; ${chosen.length ? `there ${chosen.length === 1 ? 'is' : 'are'} only ${chosen.length} (${chosen.join(', ')})` : 'this project has none (pass --annotators a,b,c)'}`,
      { field: 'annotators' },
    );
  const entries = store.entries.refs();
  if (!entries.length) throw badInput('this project has no entries to assign; import entries first');

  return store.transaction(() => {
    const at = now();
    for (const [k, name] of missing.entries()) {
      admitAnnotatorName(store, name, { field: 'annotators' }, missing.slice(0, k));
      known.set(name.toLowerCase(), { id: store.annotators.insert(name, 'annotator', at), name, role: 'annotator' });
      store.events.append({ actor: 'lead', kind: 'annotator.create', after: { name, role: 'annotator' }, at });
    }
    const people = chosen.map((n) => known.get(n.toLowerCase())!);
    const mine = new Set(people.map((p) => p.id));
    const current = new Map<number, Set<number>>();
    for (const r of store.assignments.pairs()) {
      if (!mine.has(r.annotator_id)) continue;
      const s = current.get(r.entry_id) ?? new Set<number>();
      s.add(r.annotator_id);
      current.set(r.entry_id, s);
    }
    const load = new Map(people.map((p) => [p.id, 0]));
    for (const s of current.values()) for (const a of s) load.set(a, load.get(a)! + 1);
    let added = 0;
    let covered = 0;
    for (const e of entries) {
      const have = current.get(e.rowId) ?? new Set<number>();
      if (have.size >= perEntry) {
        covered++;
        continue;
      }
      // Stable sort keeps name order among equal loads.
      const pick = people.filter((p) => !have.has(p.id)).sort((a, b) => load.get(a.id)! - load.get(b.id)!).slice(0, perEntry - have.size);
      for (const p of pick) {
        store.assignments.insert(e.rowId, p.id);
        load.set(p.id, load.get(p.id)! + 1);
        added++;
      }
    }
    store.events.append({ actor: 'lead', kind: 'assignment.auto', after: { perEntry, annotators: people.map((p) => p.name), added }, at });
    return {
      perEntry,
      annotators: people.map((p) => p.name),
      annotatorsCreated: missing,
      added,
      entriesAlreadyCovered: covered,
      progress: assignmentProgress(db),
    };
  });
}

/** By hand: makes `annotators` exactly the assignees of each listed entry. */
export function setAssignments(db: Db, args: { entryIds: string[]; annotators: string[] }): EntryAssignment[] {
  const store = openStore(db);
  const { known, missing } = checkNames(db, args.annotators, 'annotators');
  if (missing.length) throw badInput(`unknown annotator${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}; add them first`, { field: 'annotators' });
  const people = args.annotators.map((n) => known.get(n.trim().toLowerCase())!);
  const rows = args.entryIds.map((id) => {
    const e = store.entries.ref(id);
    if (!e) throw badInput(`unknown entry "${id}"`, { field: 'entryIds' });
    return e;
  });
  const namesOf = (entryRowId: number) => store.assignments.namesOn(entryRowId).sort(byName);
  store.transaction(() => {
    const at = now();
    for (const e of rows) {
      const before = namesOf(e.rowId);
      const after = people.map((p) => p.name).sort(byName);
      if (before.join('\n') === after.join('\n')) continue;
      store.assignments.clearEntry(e.rowId);
      for (const p of people) store.assignments.insert(e.rowId, p.id);
      store.events.append({ actor: 'lead', kind: 'assignment.set', entryId: e.id, before, after, at });
    }
  });
  return rows.map((e) => ({ entryId: e.id, annotators: namesOf(e.rowId) }));
}

/** Every entry with its assignees, in the natural order of ids. */
export function listAssignments(db: Db): EntryAssignment[] {
  const out = new Map<string, string[]>();
  for (const r of openStore(db).assignments.byEntry()) {
    const list = out.get(r.ext_id) ?? [];
    if (r.name !== null) list.push(r.name);
    out.set(r.ext_id, list);
  }
  return [...out].sort(([a], [b]) => compareIds(a, b)).map(([entryId, annotators]) => ({ entryId, annotators: annotators.sort(byName) }));
}

/** The entries an annotator is to label, or null when the annotator has no assignments (all). */
export function assignedEntryIds(db: Db, annotatorName: string): Set<string> | null {
  const ids = openStore(db).assignments.entriesOf(annotatorName);
  return ids.length ? new Set(ids) : null;
}

/** Progress of every annotator over their own queue: what the lead watches. */
export function assignmentProgress(db: Db, args: { annotator?: string } = {}): AnnotatorProgress[] {
  const store = openStore(db);
  const total = store.entries.count();
  const rows = store.assignments.progress(args.annotator ?? null);
  if (args.annotator !== undefined && !rows.length) throw badInput(`unknown annotator "${args.annotator}"`, { field: 'annotator' });
  return rows
    .map((r) => {
      const queue = r.assigned || total;
      return { annotator: r.name, role: r.role, assigned: r.assigned, queue, draft: r.draft, submitted: r.submitted, todo: queue - r.draft - r.submitted };
    })
    .sort((a, b) => byName(a.annotator, b.annotator));
}

/** Who counts as a rater on which entry: the one rule agreement, consensus and stale decisions read. */
export interface RaterRule {
  /** The project assigns entries; then an annotator counts only on the entries assigned to them. */
  readonly byAssignment: boolean;
  /** Why `annotator`'s labels on the entry (row id) count, or why not. */
  standing(entryRowId: number, annotator: string): RaterStanding;
  /** Whether `annotator`'s labels on the entry (row id) count. */
  counts(entryRowId: number, annotator: string): boolean;
}

/**
 * `raterRule`'s standing of one annotator on one entry, read from that entry alone (the rule
 * itself reads every assignment of the project, which is what whole-study work wants).
 */
export function raterStanding(db: Db, entryRowId: number, annotator: string): RaterStanding {
  const store = openStore(db);
  if (store.annotators.byName(annotator)?.role !== 'annotator') return 'not-a-rater';
  if (!store.assignments.any()) return 'no-assignments';
  return store.assignments.namesOn(entryRowId).includes(annotator) ? 'assigned' : 'not-assigned';
}

/** The rule itself, from what it depends on: the annotator's role, whether the project assigns entries, whether this entry is theirs, whether the lead counts them anyway. */
export function standingOf(role: AnnotatorRole | undefined, byAssignment: boolean, assigned: boolean, included: boolean, machine = false): RaterStanding {
  if (role !== 'annotator' || machine) return included ? 'included' : 'not-a-rater';
  if (!byAssignment) return 'no-assignments';
  if (assigned) return 'assigned';
  return included ? 'included' : 'not-assigned';
}

/** Whether labels of this standing count. */
export const countsAs = (s: RaterStanding) => COUNTED.has(s);

const COUNTED: ReadonlySet<RaterStanding> = new Set(['assigned', 'no-assignments', 'included']);

/**
 * The rule: an annotator of role `annotator` counts on every entry while the project assigns
 * none; once it assigns entries, only on the entries assigned to them. Anyone can say who they
 * are and label, and that alone must not make them a rater or reopen an adjudicated entry.
 * Leads, reference labels and machine coders never count. `include` names people (or machine
 * coders) the lead counts anyway, on every entry they labelled (agreement's explicit choice;
 * consensus never includes anyone).
 */
export function raterRule(db: Db, opts: { include?: Iterable<string>; entry?: number } = {}): RaterRule {
  const store = openStore(db);
  const people = store.annotators.all();
  const roles = new Map(people.map((r) => [r.name, r.role]));
  const idOf = new Map(people.map((r) => [r.name, r.id]));
  // Whether an entry is assigned to an annotator: of every entry, as bytes per annotator (read in
  // one statement: an export or consensus at 100,000 entries asks it of every label); with
  // `entry`, of that entry alone.
  let isAssigned: (entryRowId: number, annotator: string) => boolean;
  let byAssignment: boolean;
  if (opts.entry === undefined) {
    const marks = readEntryMarks(db, 'assigned');
    byAssignment = marks.size > 0;
    isAssigned = (entryRowId, annotator) => marks.get(idOf.get(annotator) ?? -1)?.[entryRowId] === 1;
  } else {
    const only = opts.entry;
    const names = new Set(store.assignments.namesOn(only));
    byAssignment = store.assignments.any();
    isAssigned = (entryRowId, annotator) => entryRowId === only && names.has(annotator);
  }
  const include = new Set(opts.include ?? []);
  const machines = new Set(store.annotators.machines());
  const standing = (entryRowId: number, annotator: string): RaterStanding =>
    standingOf(roles.get(annotator), byAssignment, isAssigned(entryRowId, annotator), include.has(annotator), machines.has(annotator));
  return { byAssignment, standing, counts: (entryRowId, annotator) => COUNTED.has(standing(entryRowId, annotator)) };
}
