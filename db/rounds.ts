import { mulberry32 } from '../shared/agreement/prng.ts';
import { bootstrapAlpha, DEFAULT_SEED } from '../shared/agreement/bootstrap.ts';
import type { CodedRatings } from '../shared/agreement/ratings.ts';
import { figureKey, Stopped, type DbAgreementReport } from '../shared/agreement/report.ts';
import type { AlphaInterval } from '../shared/agreement/types.ts';
import { canonicalLabelValue, isEmptyValue, type LabelValue } from '../shared/codebook/index.ts';
import { ConcordError, badInput } from '../shared/errors.ts';
import { compareIds } from '../shared/ids.ts';
import type { AgreementGroup, GoldAccuracy, GoldAnswer, RoundInfo } from '../shared/types.ts';
import { agreementReport, type AgreementQuery } from './agreement.ts';
import { finalValues, readStudy } from './adjudication.ts';
import { now, type Db } from './database.ts';
import { labelVersions } from './data/agreement-rows.ts';
import { openStore, type GoldRow, type RoundRow, type Store } from './data/index.ts';

/**
 * Calibration rounds and gold answers. A round is a named set of entries (a pilot of 30) that the
 * team labels, measures, discusses and follows with a codebook change; a gold answer is the known
 * value of an entry on a dimension, against which each annotator's accuracy is counted.
 */

function roundInfo(store: Store, r: RoundRow): RoundInfo {
  const followedBy = store.codebookHistory
    .all()
    .filter((x) => x.round_id === r.id)
    .map((x) => ({ revision: x.revision, version: x.version }));
  return { name: r.name, note: r.note, createdBy: r.created_by, createdAt: r.created_at, closedBy: r.closed_by, closedAt: r.closed_at, entries: r.entries, followedBy };
}

export function listRounds(db: Db): RoundInfo[] {
  const store = openStore(db);
  return store.rounds.all().map((r) => roundInfo(store, r));
}

export function roundNamed(store: Store, name: string): RoundRow {
  const r = store.rounds.byName(name.trim());
  if (!r) {
    const known = store.rounds.all().map((x) => x.name);
    throw new ConcordError('not-found', `no round "${name}" (${known.length ? `rounds: ${known.join(', ')}` : 'this project has no rounds yet'})`, { field: 'round' });
  }
  return r;
}

/** The entries of a round, by external id. */
export function roundEntries(db: Db, name: string): Set<string> {
  const store = openStore(db);
  return new Set(store.rounds.entryIds(roundNamed(store, name).id));
}

export interface CreateRoundArgs {
  as: string;
  name: string;
  note?: string;
  /** These entries, by id. */
  entryIds?: string[];
  /** Or a seeded random sample of this many entries, from those in no round yet (or from all). */
  sample?: { size: number; seed?: number; fromAll?: boolean };
}

/**
 * Makes a round from entries named, or from a random sample: the same seed picks the same
 * entries, so a pilot can be drawn again from its description.
 */
export function createRound(db: Db, args: CreateRoundArgs): RoundInfo {
  const store = openStore(db);
  const name = args.name.trim();
  if (!name) throw badInput('a round needs a name', { field: 'name' });
  if (store.rounds.byName(name)) throw badInput(`there is already a round "${name}"`, { field: 'name' });
  if (!args.entryIds?.length === !args.sample) throw badInput('name the entries of the round, or ask for a sample of them (not both)', { field: 'entryIds' });
  const refs = store.entries.refs();
  let chosen: { rowId: number; id: string }[];
  if (args.entryIds?.length) {
    const byId = new Map(refs.map((r) => [r.id, r]));
    const missing = args.entryIds.filter((id) => !byId.has(id));
    if (missing.length) throw badInput(`unknown entries: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`, { field: 'entryIds' });
    chosen = [...new Set(args.entryIds)].map((id) => byId.get(id)!);
  } else {
    const inRound = store.rounds.membership();
    const pool = args.sample!.fromAll ? refs : refs.filter((r) => !inRound.has(r.rowId));
    const size = args.sample!.size;
    if (size > pool.length)
      throw badInput(`a sample of ${size} needs ${size} entries; ${pool.length} ${args.sample!.fromAll ? 'are in the project' : 'are in no round yet'}`, { field: 'sample.size' });
    // A partial Fisher-Yates shuffle of the entries in their natural order.
    const rand = mulberry32(args.sample!.seed ?? 1);
    const items = [...pool];
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(rand() * (items.length - i));
      [items[i], items[j]] = [items[j], items[i]];
    }
    chosen = items.slice(0, size);
  }
  chosen.sort((a, b) => compareIds(a.id, b.id));
  return store.transaction(() => {
    const at = now();
    const id = store.rounds.insert(name, args.note?.trim() ?? '', args.as, at);
    for (const e of chosen) store.rounds.addEntry(id, e.rowId);
    store.events.append({ actor: args.as, kind: 'round.create', after: { name, entries: chosen.map((e) => e.id), sample: args.sample ?? null }, at });
    return roundInfo(store, store.rounds.byId(id)!);
  });
}

/** Closes a round (its figures are final for the discussion) or opens it again. */
export function closeRound(db: Db, args: { as: string; name: string; open?: boolean }): RoundInfo {
  const store = openStore(db);
  const r = roundNamed(store, args.name);
  return store.transaction(() => {
    const at = now();
    if (args.open) store.rounds.setClosed(r.id, null, null);
    else store.rounds.setClosed(r.id, args.as, at);
    store.events.append({ actor: args.as, kind: args.open ? 'round.open' : 'round.close', after: { name: r.name }, at });
    return roundInfo(store, store.rounds.byId(r.id)!);
  });
}

// ---------------------------------------------------------------------------------------------
// Gold answers

export function listGold(db: Db): GoldAnswer[] {
  return openStore(db)
    .rounds.goldAll()
    .map(goldAnswer)
    .sort((a, b) => compareIds(a.entryId, b.entryId) || (a.dimension < b.dimension ? -1 : 1));
}

/** One entry's gold answers, by dimension: read through the entry's index, not the whole list. */
export function goldOf(db: Db, entryRowId: number): GoldAnswer[] {
  return openStore(db).rounds.goldOf(entryRowId).map(goldAnswer);
}

const goldAnswer = (g: GoldRow): GoldAnswer => ({ entryId: g.entry, dimension: g.dimension, value: JSON.parse(g.value) as LabelValue, setBy: g.set_by, setAt: g.set_at });

/**
 * Marks an entry as gold: the known value per dimension, given (ids, as labels.set takes them; null
 * removes that dimension's answer), taken from the entry's final values (decisions and agreed
 * values) with `fromFinal`, or from one person's labels on it (the lead's own) with `fromLabelsOf`.
 */
export function setGold(db: Db, args: { as: string; entryId: string; values?: Record<string, unknown>; fromFinal?: boolean; fromLabelsOf?: string }): GoldAnswer[] {
  const store = openStore(db);
  const entry = store.entries.ref(args.entryId);
  if (!entry) throw new ConcordError('not-found', `unknown entry "${args.entryId}"`, { field: 'entryId' });
  const codebook = store.project.codebook();
  const values = new Map<string, LabelValue | null>();
  if (args.fromFinal) {
    const finals = finalValues(readStudy(db, {}, entry.rowId)).get(entry.id) ?? new Map();
    for (const [dimension, c] of finals) if (c.final !== null && !isEmptyValue(c.final)) values.set(dimension, c.final);
    if (!values.size) throw badInput(`${entry.id} has no final values yet (agreed or decided) to take as its gold answer`, { field: 'fromFinal' });
  }
  if (args.fromLabelsOf !== undefined) {
    const who = store.annotators.byName(args.fromLabelsOf);
    if (!who) throw new ConcordError('not-found', `unknown annotator "${args.fromLabelsOf}"`, { field: 'fromLabelsOf' });
    for (const r of store.labels.ofEntry(entry.rowId, who.id))
      if (codebook.dimensions.some((d) => d.id === r.dimension && d.kind !== 'text')) values.set(r.dimension, JSON.parse(r.value) as LabelValue);
    if (!values.size) throw badInput(`${who.name} has no labels on ${entry.id} to take as its gold answer`, { field: 'fromLabelsOf' });
  }
  for (const [dimension, raw] of Object.entries(args.values ?? {})) {
    const dim = codebook.dimensions.find((d) => d.id === dimension);
    if (!dim) throw badInput(`unknown dimension "${dimension}"`, { field: `values.${dimension}` });
    if (dim.kind === 'text') throw badInput(`${dim.label} is free text: it has no gold answer`, { field: `values.${dimension}` });
    values.set(dim.id, raw === null ? null : canonicalLabelValue(dim, raw));
  }
  store.transaction(() => {
    const at = now();
    for (const [dimension, value] of values) {
      if (value === null) store.rounds.deleteGold(entry.rowId, dimension);
      else store.rounds.putGold(entry.rowId, dimension, JSON.stringify(value), args.as, at);
    }
    store.events.append({ actor: args.as, kind: 'gold.set', entryId: entry.id, after: Object.fromEntries(values), at });
  });
  return goldOf(db, entry.rowId);
}

/**
 * Each annotator's accuracy on the gold answers: an item is a gold answer on an entry the
 * annotator finished (submitted; drafts too on request), and it is correct when their value is
 * exactly the known one (a set must hold the same members; no label where gold has a value is wrong).
 */
export function goldAccuracy(db: Db, opts: { includeDrafts?: boolean; round?: string } = {}): GoldAccuracy {
  const store = openStore(db);
  const codebook = store.project.codebook();
  const roundId = opts.round === undefined ? null : roundNamed(store, opts.round).id;
  const ids = codebook.dimensions.map((d) => d.id);
  // Counted in SQLite from the gold rows: a study of a million labels and few gold answers reads few labels.
  const gold = store.rounds.goldCounts(ids, roundId);
  const scores = store.rounds.goldScores(ids, roundId, opts.includeDrafts ?? false);
  const dims = codebook.dimensions.filter((d) => gold.byDimension.has(d.id));
  const out: GoldAccuracy = {
    goldEntries: gold.entries,
    dimensions: dims.map((d) => ({ id: d.id, label: d.label, items: gold.byDimension.get(d.id)! })),
    annotators: [],
  };
  const rate = (correct: number, items: number) => (items ? correct / items : null);
  const names = [...new Set(scores.map((x) => x.annotator))].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  for (const name of names) {
    const byDimension: GoldAccuracy['annotators'][number]['byDimension'] = {};
    let items = 0;
    let correct = 0;
    for (const d of dims) {
      const x = scores.find((r) => r.annotator === name && r.dimension === d.id);
      const n = x?.items ?? 0;
      const ok = x?.correct ?? 0;
      byDimension[d.id] = { items: n, correct: ok, accuracy: rate(ok, n) };
      items += n;
      correct += ok;
    }
    if (items) out.annotators.push({ annotator: name, items, correct, accuracy: rate(correct, items), byDimension });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Agreement per round and per version

function group(report: DbAgreementReport, name: string, detail: string, entries: number): AgreementGroup {
  const fig = report.pooled?.figure;
  return {
    group: name,
    detail,
    entries,
    labels: report.selection.labels,
    pooled: fig ? { alpha: fig.alpha, low: fig.interval?.low ?? null, high: fig.interval?.high ?? null, units: fig.units } : null,
    dimensions: report.dimensions
      .filter((d) => d.primary !== null)
      .map((d) => {
        const m = d.measures.find((x) => x.id === d.primary)!;
        return { id: d.id, label: d.label, measure: m.id, alpha: m.figure.alpha, low: m.figure.interval?.low ?? null, high: m.figure.interval?.high ?? null, units: m.figure.units };
      }),
  };
}

/** Alpha per round or per version: what is asked. */
export interface GroupsQuery {
  by: 'round' | 'version';
  bootstrap?: number;
  seed?: number;
  includeDrafts?: boolean;
}

/** The groups' figures without their intervals, and the coded ratings of each figure they show, for its bootstrap. */
export interface GroupFigures {
  groups: AgreementGroup[];
  figures: { group: number; key: string; data: CodedRatings }[];
}

const POOLED = figureKey({ scope: 'pooled', measure: 'masi' });
const shownKeys = (g: AgreementGroup) => [...(g.pooled ? [POOLED] : []), ...g.dimensions.map((d) => figureKey({ scope: 'dimension', dimension: d.id, measure: d.measure }))];

/**
 * Alpha per calibration round (on each round's entries), or per codebook version (on the labels
 * made under it), in the order rounds were made or versions came: the trend across rounds. Only
 * the figures a group shows are made (the pooled one and each dimension's primary measure); their
 * intervals are left to `groupIntervals`, which a job can run off the request thread.
 */
export function groupFigures(db: Db, opts: GroupsQuery): GroupFigures {
  const store = openStore(db);
  const base = { bootstrap: 0, includeDrafts: opts.includeDrafts, cellUnits: false, primaryOnly: true };
  const order = store.codebookHistory.versionOrder();
  const plan: { name: string; detail: string; query: AgreementQuery; entries?: number }[] =
    opts.by === 'round'
      ? store.rounds.all().map((r) => {
          const entries = new Set(store.rounds.entryIds(r.id));
          return { name: r.name, detail: r.closed_at ? 'closed' : 'open', query: { ...base, entries }, entries: entries.size };
        })
      : labelVersions(db)
          .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0) || compareIds(a, b))
          .map((v) => ({ name: v, detail: order.has(v) ? `revision ${order.get(v)}` : 'before the history', query: { ...base, codebookVersion: v } }));
  const figures: GroupFigures['figures'] = [];
  const groups = plan.map((g, k) => {
    const data = new Map<string, CodedRatings>();
    const report = agreementReport(db, g.query, { onFigureData: (key, d) => data.set(key, d) });
    const out = group(report, g.name, g.detail, g.entries ?? report.dimensions.reduce((n, d) => Math.max(n, d.units), 0));
    for (const key of shownKeys(out)) figures.push({ group: k, key, data: data.get(key)! });
    return out;
  });
  return { groups, figures };
}

/**
 * The 95% interval of each figure: the bootstrap the agreement report runs on it (as many
 * resamples, the same seed, so the same interval), told how far it got of all the figures'
 * resamples, and stopped when asked.
 */
export function groupIntervals(
  figures: CodedRatings[],
  opts: { resamples: number; seed?: number; onProgress?: (done: number, total: number) => void; shouldStop?: () => boolean },
): AlphaInterval[] {
  const total = figures.length * opts.resamples;
  let done = 0;
  opts.onProgress?.(0, total);
  return figures.map((data) => {
    const base = done;
    const interval = bootstrapAlpha(data, {
      resamples: opts.resamples,
      seed: opts.seed ?? DEFAULT_SEED,
      progress: (k) => {
        if (opts.shouldStop?.()) throw new Stopped();
        opts.onProgress?.(base + k, total);
      },
    });
    done += opts.resamples;
    opts.onProgress?.(done, total);
    return interval;
  });
}

/** The groups with the intervals of their figures (in the order of `figures`). */
export function withIntervals({ groups, figures }: GroupFigures, intervals: AlphaInterval[]): AgreementGroup[] {
  const at = new Map(figures.map((f, i) => [`${f.group}\u0000${f.key}`, intervals[i]]));
  return groups.map((g, k) => {
    const of = (key: string) => at.get(`${k}\u0000${key}`);
    return {
      ...g,
      pooled: g.pooled && { ...g.pooled, low: of(POOLED)?.low ?? null, high: of(POOLED)?.high ?? null },
      dimensions: g.dimensions.map((d) => {
        const i = of(figureKey({ scope: 'dimension', dimension: d.id, measure: d.measure }));
        return { ...d, low: i?.low ?? null, high: i?.high ?? null };
      }),
    };
  });
}

/** The groups with their intervals, computed here (`bootstrap` resamples per figure; default 500). */
export function agreementGroups(db: Db, opts: GroupsQuery): AgreementGroup[] {
  const made = groupFigures(db, opts);
  const resamples = opts.bootstrap ?? 500;
  if (resamples === 0) return made.groups;
  return withIntervals(made, groupIntervals(made.figures.map((f) => f.data), { resamples, seed: opts.seed }));
}
