import { changesMeaning, diffCodebooks, nextVersion, valuePaths, type CodebookChange, type Remap, type Split } from '../shared/codebook/diff.ts';
import { idsOf, parseCodebook, TREE_SEPARATOR, type Codebook, type Dimension, type LabelValue, type RetiredItem } from '../shared/codebook/index.ts';
import { remapLabelValue } from '../shared/codebook/remap.ts';
import { ConcordError, badInput } from '../shared/errors.ts';
import type { CodebookPreview, CodebookPublishResult, CodebookRevisionInfo, CodebookUsage, NeedsDestination } from '../shared/types.ts';
import { now, type Db } from './database.ts';
import { labelValueCounts } from './data/agreement-rows.ts';
import { openStore, type RevisionRow, type Store } from './data/index.ts';
import { remapLabel } from './labels.ts';

/**
 * The codebook editor's side of the service: the lead edits a draft of the codebook and publishes
 * it. Publishing compares the draft with the codebook in use (shared/codebook/diff.ts says which
 * changes change meaning), numbers the version, moves the labels, decisions and gold answers that
 * held a value leaving the codebook to where the lead said, lists the labels a change of meaning
 * touched for re-review, and records the revision and every move in the event log. One transaction.
 */

export interface PublishArgs {
  /** The draft: the whole codebook as it should be (its version is the project's to number). */
  codebook: unknown;
  remap?: Remap[];
  splits?: Split[];
  wordingOnly?: string[];
  note?: string;
  /** The calibration round this change follows. */
  round?: string;
}

/** How many labels, decisions and gold answers hold each value of each dimension (and each dimension). */
export function codebookUsage(db: Db): CodebookUsage[] {
  const store = openStore(db);
  const codebook = store.project.codebook();
  const counts = new Map<string, CodebookUsage>();
  const bump = (dimension: string, value: string | null, field: 'labels' | 'decisions' | 'gold', n: number) => {
    const key = `${dimension}\u0000${value ?? ''}`;
    const u = counts.get(key) ?? { dimension, value, labels: 0, decisions: 0, gold: 0 };
    counts.set(key, u);
    u[field] += n;
  };
  // Counted per distinct stored value, each parsed once: a million labels hold a few hundred (and the free texts).
  const count = (field: 'labels' | 'decisions' | 'gold', [dimension, json, n]: [string, string, number]) => {
    bump(dimension, null, field, n);
    for (const p of heldPaths(JSON.parse(json) as LabelValue)) bump(dimension, p, field, n);
  };
  for (const c of labelValueCounts(db)) count('labels', c);
  for (const c of store.decisions.valueCounts()) count('decisions', c);
  for (const c of store.rounds.goldValueCounts()) count('gold', c);
  const order = new Map<string, number>();
  codebook.dimensions.forEach((d, i) => {
    order.set(`${d.id}\u0000`, i * 10_000);
    [...valuePaths(d).keys()].forEach((p, k) => order.set(`${d.id}\u0000${p}`, i * 10_000 + k + 1));
  });
  return [...counts.entries()].sort(([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || (a < b ? -1 : 1)).map(([, u]) => u);
}

/** The value paths a stored value holds: ids, tree paths (and their types), ticked checklist items. */
function heldPaths(value: LabelValue): string[] {
  const ids = idsOf(value);
  if (ids) return [...new Set(ids.flatMap((p) => (p.includes(TREE_SEPARATOR) ? [p, p.split(TREE_SEPARATOR)[0]] : [p])))];
  return Object.entries(value)
    .filter(([, on]) => on)
    .map(([k]) => k);
}

/** Whether a stored value holds a path: the path itself, or (for a type) any of its subtypes. */
function holds(value: LabelValue, path: string): boolean {
  return heldPaths(value).includes(path);
}

interface Plan {
  before: Codebook;
  after: Codebook;
  changes: CodebookChange[];
  needs: NeedsDestination[];
  mappings: Map<string, Map<string, string | null>>;
  problems: string[];
}

/** Everything publishing would do, worked out without writing; `problems` say why it cannot. */
function plan(store: Store, args: PublishArgs): Plan {
  const before = store.project.codebook();
  const problems: string[] = [];
  if (!args.codebook || typeof args.codebook !== 'object') throw badInput('the draft is not a codebook', { field: 'codebook' });
  // The project numbers its versions and keeps the memory of retired ids, whatever the draft says.
  const draft = parseCodebook({ ...(args.codebook as object), version: before.version, retired: before.retired }, 'draft');
  if (draft.id !== before.id) problems.push(`the draft is codebook "${draft.id}", this project's is "${before.id}": a codebook keeps its id (packs are matched by it)`);

  const usage = codebookUsage(store.db);
  const used = (dimension: string, value: string | null) => usage.find((u) => u.dimension === dimension && u.value === value);
  const remap = args.remap ?? [];
  const mappings = new Map<string, Map<string, string | null>>();
  const needs: NeedsDestination[] = [];
  const retired: RetiredItem[] = [...(before.retired ?? [])];
  for (const r of remap) {
    const a = before.dimensions.find((d) => d.id === r.dimension);
    const b = draft.dimensions.find((d) => d.id === r.dimension);
    if (!a || !b) {
      problems.push(`a destination names dimension "${r.dimension}", which is not in both codebooks`);
      continue;
    }
    const oldPaths = valuePaths(a);
    const newPaths = valuePaths(b);
    if (!oldPaths.has(r.from)) problems.push(`${a.label} has no value "${r.from}" to move labels from`);
    else if (newPaths.has(r.from)) problems.push(`${a.label}: "${r.from}" stays in the codebook, so its labels stay where they are`);
    if (r.to !== null && !newPaths.has(r.to)) problems.push(`${b.label}: labels of "${r.from}" cannot go to "${r.to}", which the new codebook does not have`);
    const m = mappings.get(r.dimension) ?? new Map<string, string | null>();
    mappings.set(r.dimension, m);
    m.set(r.from, r.to);
  }

  for (const a of before.dimensions) {
    const b = draft.dimensions.find((d) => d.id === a.id);
    const whole = used(a.id, null);
    if (!b) {
      retired.push({ dimension: a.id, label: a.label, definition: a.definition, version: before.version });
      continue;
    }
    if (a.kind !== b.kind && whole && (whole.labels || whole.decisions || whole.gold))
      problems.push(`${a.label} holds ${whole.labels} labels: its kind (${a.kind}) cannot change; add a new dimension instead`);
    const newPaths = valuePaths(b);
    const m = mappings.get(a.id);
    for (const [path, v] of valuePaths(a)) {
      if (newPaths.has(path)) continue;
      const type = path.split(TREE_SEPARATOR)[0];
      const to = m?.has(path) ? m.get(path)! : path !== type && m?.has(type) ? m.get(type)! : undefined;
      retired.push({ dimension: a.id, value: path, label: v.label, definition: v.definition, version: before.version, ...(to !== undefined ? { into: to } : {}) });
      const u = used(a.id, path);
      if (!u || !(u.labels || u.decisions || u.gold)) continue;
      needs.push({ dimension: a.id, value: path, label: v.label, labels: u.labels, decisions: u.decisions, gold: u.gold, ...(to !== undefined ? { to } : {}) });
      if (to === undefined)
        problems.push(`${a.label} › ${v.label} leaves the codebook and ${u.labels} labels, ${u.decisions} decisions and ${u.gold} gold answers hold it: say where they go`);
    }
  }

  const changes = diffCodebooks(before, draft, { remap, splits: args.splits, wordingOnly: args.wordingOnly });
  if (!changes.length) problems.push('the draft is the codebook in use: nothing to publish');
  const version = changesMeaning(changes) ? nextVersion(before.version) : before.version;
  let after = draft;
  try {
    after = parseCodebook({ ...draft, version, retired: retired.length ? retired : undefined }, 'draft');
  } catch (e) {
    problems.push((e as Error).message);
  }
  return { before, after, changes, needs, mappings, problems };
}

/**
 * Why a label is listed for re-review when the codebook takes a new version, or null: a change
 * of meaning on its dimension or its value, or its value moved (`next`, where the lead's mapping
 * takes it).
 */
function reviewReason(p: Plan, dimension: string, value: LabelValue, next: LabelValue | null | undefined): string | null {
  const cs = p.changes.filter((c) => c.meaning && c.dimension === dimension && (c.value === undefined || holds(value, c.value) || c.kind.startsWith('dimension')));
  if (cs.length) return cs.map((c) => c.text).join('; ');
  return next !== undefined ? `its value left the codebook in version ${p.after.version}` : null;
}

/** Who is asked to look at a label again: not a published reference, not a machine coder (neither labels again), by annotator id. */
function askedAgain(store: Store): Set<number> {
  const kinds = store.annotators.kinds();
  return new Set(store.annotators.all().filter((a) => a.role !== 'reference' && kinds.get(a.name) !== 'machine').map((a) => a.id));
}

/**
 * How many labels publishing would list for re-review (`reviewReason`, of those `askedAgain`).
 * Worked out once per stored value of a dimension and counted: the publish dialog asks at every
 * edit, and 100,000 entries hold a million labels.
 */
function reviewCount(db: Db, store: Store, p: Plan): number {
  if (p.after.version === p.before.version) return 0;
  const asked = askedAgain(store);
  let n = 0;
  for (const [dimension, stored, count] of labelValueCounts(db, (id) => asked.has(id))) {
    const dim = p.after.dimensions.find((d) => d.id === dimension);
    if (!dim) continue;
    const value = JSON.parse(stored) as LabelValue;
    const m = p.mappings.get(dimension);
    if (reviewReason(p, dimension, value, m ? remapLabelValue(dim, value, m) : undefined)) n += count;
  }
  return n;
}

export function previewCodebook(db: Db, args: PublishArgs): CodebookPreview {
  const store = openStore(db);
  const p = plan(store, args);
  return {
    version: p.after.version,
    newVersion: p.after.version !== p.before.version,
    changes: p.changes,
    needsDestination: p.needs,
    reviews: reviewCount(db, store, p),
    problems: p.problems,
  };
}

export function publishCodebook(db: Db, args: PublishArgs & { as: string }): CodebookPublishResult {
  const store = openStore(db);
  return store.transaction(() => {
    const p = plan(store, args);
    if (p.problems.length) throw badInput(`the codebook was not published: ${p.problems.join('; ')}`, { field: 'codebook' });
    const round = args.round === undefined ? null : store.rounds.byName(args.round);
    if (args.round !== undefined && !round) throw badInput(`no round "${args.round}"`, { field: 'round' });
    const at = now();
    const version = p.after.version;
    const newVersion = version !== p.before.version;
    // Labels, decisions and gold answers move off the values that left, as the lead said; labels
    // whose meaning changed are listed for review. Worked out once per stored value, as the dialog
    // counts them (reviewCount), from the labels as read under the codebook being replaced (so that
    // they are not read again): only the labels that hold a value it touches are read one by one.
    const touched = new Map<string, { value: LabelValue; next: LabelValue | null | undefined; reason: string | null }>();
    const touchedValues: [dimension: string, valueJson: string][] = [];
    const touchedKey = (dimension: string, stored: string) => `${dimension}\u0000${stored}`;
    for (const [dimension, stored] of labelValueCounts(db)) {
      const dim = p.after.dimensions.find((d) => d.id === dimension);
      if (!dim) continue;
      const value = JSON.parse(stored) as LabelValue;
      const m = p.mappings.get(dimension);
      const next = m ? remapLabelValue(dim, value, m) : undefined;
      const reason = newVersion ? reviewReason(p, dimension, value, next) : null;
      if (next === undefined && !reason) continue;
      touched.set(touchedKey(dimension, stored), { value, next, reason });
      touchedValues.push([dimension, stored]);
    }
    const json = JSON.stringify(p.after);
    store.project.replaceCodebook(json);
    const revision = store.codebookHistory.append({
      version,
      codebook_json: json,
      changes_json: JSON.stringify(p.changes),
      note: args.note?.trim() ?? '',
      round_id: round?.id ?? null,
      created_by: args.as,
      created_at: at,
    });

    const moved = { labels: 0, decisions: 0, gold: 0 };
    let reviews = 0;
    const asked = askedAgain(store);
    const annotators = new Map(store.annotators.all().map((a) => [a.id, a]));
    for (const r of store.labels.holding(touchedValues)) {
      const { value, next, reason } = touched.get(touchedKey(r.dimension, r.value))!;
      const annotator = annotators.get(r.annotatorId)!;
      if (next !== undefined) {
        remapLabel(store, { entry: { rowId: r.entryRowId, id: r.entryId }, annotator, dimension: r.dimension, before: value, value: next, codebookVersion: r.version, actor: args.as, at });
        moved.labels++;
      }
      if (reason && asked.has(annotator.id)) {
        store.reviews.put(r.entryRowId, annotator.id, r.dimension, version, reason, at);
        reviews++;
      }
    }
    const extIds = new Map(store.entries.refs().map((e) => [e.rowId, e.id]));
    for (const d of store.decisions.all()) {
      const m = p.mappings.get(d.dimension);
      const dim = p.after.dimensions.find((x) => x.id === d.dimension);
      if (!m || !dim) continue;
      const value = JSON.parse(d.value) as LabelValue;
      const next = remapLabelValue(dim, value, m);
      if (next === undefined) continue;
      if (next === null) store.decisions.delete(d.entry_id, d.dimension);
      else store.decisions.upsert({ ...d, value: JSON.stringify(next) });
      store.events.append({ actor: args.as, kind: 'decision.remap', entryId: extIds.get(d.entry_id), dimension: d.dimension, before: { value }, after: { value: next }, at });
      moved.decisions++;
    }
    for (const g of store.rounds.goldAll()) {
      const m = p.mappings.get(g.dimension);
      const dim = p.after.dimensions.find((x) => x.id === g.dimension);
      if (!m || !dim) continue;
      const value = JSON.parse(g.value) as LabelValue;
      const next = remapLabelValue(dim, value, m);
      if (next === undefined) continue;
      if (next === null) store.rounds.deleteGold(g.entry_id, g.dimension);
      else store.rounds.putGold(g.entry_id, g.dimension, JSON.stringify(next), args.as, at);
      store.events.append({ actor: args.as, kind: 'gold.remap', entryId: g.entry, dimension: g.dimension, before: { value }, after: { value: next }, at });
      moved.gold++;
    }

    store.events.append({
      actor: args.as,
      kind: 'codebook.publish',
      before: { version: p.before.version },
      after: {
        version,
        revision,
        round: round?.name ?? null,
        changes: p.changes.map((c) => c.text),
        destinations: [...p.mappings].flatMap(([dimension, m]) => [...m].map(([from, to]) => ({ dimension, from, to }))),
        moved,
        reviews,
      },
      at,
    });
    return { revision: revisionInfo(store.codebookHistory.get(revision)!, store), moved, reviews };
  });
}

function revisionInfo(r: RevisionRow, store: Store, order = store.codebookHistory.versionOrder()): CodebookRevisionInfo {
  return {
    revision: r.revision,
    version: r.version,
    newVersion: order.get(r.version) === r.revision,
    at: r.created_at,
    by: r.created_by,
    note: r.note,
    round: r.round_id === null ? null : (store.rounds.byId(r.round_id)?.name ?? null),
    changes: JSON.parse(r.changes_json) as CodebookChange[],
  };
}

/** Every revision of the codebook, oldest first. */
export function codebookHistory(db: Db): CodebookRevisionInfo[] {
  const store = openStore(db);
  const order = store.codebookHistory.versionOrder();
  return store.codebookHistory.all().map((r) => revisionInfo(r, store, order));
}

/**
 * A codebook of the project's history: by revision number, or by version (its last revision, so
 * "2.0.0" reads as the lead last worded it). Without either, the one in use.
 */
export function codebookAt(db: Db, ref: { revision?: number; version?: string } = {}): Codebook {
  const store = openStore(db);
  if (ref.revision === undefined && ref.version === undefined) return store.project.codebook();
  const row = ref.revision !== undefined ? store.codebookHistory.get(ref.revision) : store.codebookHistory.lastOf(ref.version!);
  if (!row) {
    const known = [...store.codebookHistory.versionOrder().keys()].join(', ');
    throw new ConcordError('not-found', ref.revision !== undefined ? `no codebook revision ${ref.revision}` : `no codebook version "${ref.version}" (this project has had ${known})`, {
      field: ref.revision !== undefined ? 'revision' : 'version',
    });
  }
  return parseCodebook(JSON.parse(row.codebook_json), `codebook revision ${row.revision}`);
}

/** What changed between two codebooks of the history (by revision or version), as the diff says it. */
export function diffHistory(db: Db, from: { revision?: number; version?: string }, to: { revision?: number; version?: string }): CodebookChange[] {
  const a = codebookAt(db, from);
  const b = codebookAt(db, to);
  // Where labels went is remembered in the retired list of the later codebook; which values were
  // split, in the changes recorded by the revisions in between.
  const remap: Remap[] = (b.retired ?? []).filter((r) => r.value !== undefined && r.into !== undefined).map((r) => ({ dimension: r.dimension, from: r.value!, to: r.into ?? null }));
  const store = openStore(db);
  const at = (ref: { revision?: number; version?: string }) => ref.revision ?? store.codebookHistory.lastOf(ref.version!)!.revision;
  const [lo, hi] = [at(from), at(to)].sort((x, y) => x - y);
  const splits: Split[] = store.codebookHistory
    .all()
    .filter((r) => r.revision > lo && r.revision <= hi)
    .flatMap((r) => (JSON.parse(r.changes_json) as CodebookChange[]).filter((c) => c.kind === 'value-split' && c.parts && c.dimension && c.value))
    .map((c) => ({ dimension: c.dimension!, value: c.value!, into: c.parts! }));
  return diffCodebooks(a, b, { remap, splits });
}
