import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../shared/agreement/prng.ts';
import type { DbAgreementReport } from '../shared/agreement/report.ts';
import { valuePaths } from '../shared/codebook/diff.ts';
import { idsOf, TREE_SEPARATOR, type LabelValue } from '../shared/codebook/index.ts';
import { compareIds } from '../shared/ids.ts';
import type { AgreementGroup, CodebookUsage, GoldAccuracy } from '../shared/types.ts';
import { appCall } from '../test/helpers/service.ts';
import { everyLabel } from '../test/helpers/every-label.ts';
import { agreementReport } from './agreement.ts';
import { codebookUsage } from './codebook-edit.ts';
import type { Db } from './database.ts';
import { fieldsOf, openStore } from './data/index.ts';
import { openProject } from './project.ts';
import { agreementGroups, goldAccuracy, roundEntries } from './rounds.ts';
import { contentHash, type Service } from './service.ts';

/**
 * The lead's Codebook and Rounds views answer from counts SQLite makes, from the label columns
 * agreement keeps, and from the figures a group shows only. The computations they replaced read
 * every label into an object each; they are kept here as they were, the reference, and every
 * figure must be the same on a study where they could differ: drafts, labels with no status, a
 * machine coder, the lead's own labels, a submission with no labels, gold answers on some entries only (a retired dimension's
 * too), decisions, rounds, and labels under three codebook versions, read again after writes.
 */

// ---------------------------------------------------------------------------------------------
// The previous computations, as they were.

function previousGoldAccuracy(db: Db, opts: { includeDrafts?: boolean; round?: string } = {}): GoldAccuracy {
  const store = openStore(db);
  const codebook = store.project.codebook();
  const inRound = opts.round === undefined ? null : roundEntries(db, opts.round);
  const gold = store.rounds.goldAll().filter((g) => codebook.dimensions.some((d) => d.id === g.dimension) && (!inRound || inRound.has(g.entry)));
  const rows = everyLabel(db);
  const finished = new Set<string>();
  const values = new Map<string, string>();
  const annotators = new Set<string>();
  const kinds = store.annotators.kinds();
  for (const r of rows) {
    if (r.role !== 'annotator' || kinds.get(r.annotator) === 'machine') continue;
    annotators.add(r.annotator);
    if (r.status === 'submitted' || (opts.includeDrafts && r.status === 'draft')) finished.add(`${r.entryRowId}\u0000${r.annotator}`);
    values.set(`${r.entryRowId}\u0000${r.annotator}\u0000${r.dimension}`, r.value);
  }
  const dims = codebook.dimensions.filter((d) => gold.some((g) => g.dimension === d.id));
  const out: GoldAccuracy = {
    goldEntries: new Set(gold.map((g) => g.entry_id)).size,
    dimensions: dims.map((d) => ({ id: d.id, label: d.label, items: gold.filter((g) => g.dimension === d.id).length })),
    annotators: [],
  };
  const rate = (correct: number, items: number) => (items ? correct / items : null);
  for (const name of [...annotators].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))) {
    const byDimension: GoldAccuracy['annotators'][number]['byDimension'] = {};
    let items = 0;
    let correct = 0;
    for (const d of dims) {
      let n = 0;
      let ok = 0;
      for (const g of gold) {
        if (g.dimension !== d.id || !finished.has(`${g.entry_id}\u0000${name}`)) continue;
        n++;
        if (values.get(`${g.entry_id}\u0000${name}\u0000${d.id}`) === g.value) ok++;
      }
      byDimension[d.id] = { items: n, correct: ok, accuracy: rate(ok, n) };
      items += n;
      correct += ok;
    }
    if (items) out.annotators.push({ annotator: name, items, correct, accuracy: rate(correct, items), byDimension });
  }
  return out;
}

function heldPaths(value: LabelValue): string[] {
  const ids = idsOf(value);
  if (ids) return [...new Set(ids.flatMap((p) => (p.includes(TREE_SEPARATOR) ? [p, p.split(TREE_SEPARATOR)[0]] : [p])))];
  return Object.entries(value)
    .filter(([, on]) => on)
    .map(([k]) => k);
}

function previousCodebookUsage(db: Db): CodebookUsage[] {
  const store = openStore(db);
  const codebook = store.project.codebook();
  const counts = new Map<string, CodebookUsage>();
  const bump = (dimension: string, value: string | null, field: 'labels' | 'decisions' | 'gold') => {
    const key = `${dimension}\u0000${value ?? ''}`;
    const u = counts.get(key) ?? { dimension, value, labels: 0, decisions: 0, gold: 0 };
    counts.set(key, u);
    u[field]++;
  };
  const count = (dimension: string, json: string, field: 'labels' | 'decisions' | 'gold') => {
    bump(dimension, null, field);
    for (const p of heldPaths(JSON.parse(json) as LabelValue)) bump(dimension, p, field);
  };
  for (const r of everyLabel(db)) count(r.dimension, r.value, 'labels');
  for (const r of store.decisions.all()) count(r.dimension, r.value, 'decisions');
  for (const r of store.rounds.goldAll()) count(r.dimension, r.value, 'gold');
  const order = new Map<string, number>();
  codebook.dimensions.forEach((d, i) => {
    order.set(`${d.id}\u0000`, i * 10_000);
    [...valuePaths(d).keys()].forEach((p, k) => order.set(`${d.id}\u0000${p}`, i * 10_000 + k + 1));
  });
  return [...counts.entries()].sort(([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || (a < b ? -1 : 1)).map(([, u]) => u);
}

function previousGroup(report: DbAgreementReport, name: string, detail: string, entries: number): AgreementGroup {
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

function previousGroups(db: Db, opts: { by: 'round' | 'version'; bootstrap?: number; seed?: number; includeDrafts?: boolean }): AgreementGroup[] {
  const store = openStore(db);
  const base = { bootstrap: opts.bootstrap ?? 500, seed: opts.seed, includeDrafts: opts.includeDrafts, cellUnits: false };
  if (opts.by === 'round')
    return store.rounds.all().map((r) => {
      const entries = new Set(store.rounds.entryIds(r.id));
      return previousGroup(agreementReport(db, { ...base, entries }), r.name, r.closed_at ? 'closed' : 'open', entries.size);
    });
  const order = store.codebookHistory.versionOrder();
  const versions = [...new Set(everyLabel(db).map((r) => r.version))].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0) || compareIds(a, b));
  return versions.map((v) => {
    const report = agreementReport(db, { ...base, codebookVersion: v });
    return previousGroup(report, v, order.has(v) ? `revision ${order.get(v)}` : 'before the history', report.dimensions.reduce((n, d) => Math.max(n, d.units), 0));
  });
}

// ---------------------------------------------------------------------------------------------
// The study.

const dir = mkdtempSync(join(tmpdir(), 'concord-study-figures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let s: Service;
const lead = { as: 'lead' };
const rand = mulberry32(11);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const ENTRIES = 60;
const PEOPLE = ['ana', 'Ben', 'cy', 'gpt', 'lead'];

/** A value of each dimension the Deep-Bench codebook has, drawn at random (a few agree by design: the values are few). */
function someValue(dimension: string): unknown {
  const cb = appCall(s, 'project.codebook', {});
  const dim = cb.dimensions.find((d) => d.id === dimension)!;
  if (dim.kind === 'single') return pick(dim.values.slice(0, 3)).id;
  if (dim.kind === 'tree') {
    const t = pick(dim.values.slice(0, 3));
    const paths = [t.id, ...(t.children ?? []).map((c) => `${t.id}${TREE_SEPARATOR}${c.id}`)];
    return rand() < 0.3 ? [pick(paths), pick(paths)] : [pick(paths)];
  }
  if (dim.kind === 'checklist') return Object.fromEntries(dim.values.map((v) => [v.id, rand() < 0.5]));
  return `rewrite ${Math.floor(rand() * 4)}`;
}

/** Everyone labels a share of the entries on the dimensions that apply; most submit, some leave a draft. */
function labelRound(from: number, to: number) {
  const cb = appCall(s, 'project.codebook', {});
  for (let i = from; i <= to; i++) {
    const entryId = `e${i}`;
    for (const who of PEOPLE) {
      if (rand() < (who === 'lead' ? 0.7 : 0.15)) continue;
      for (const d of cb.dimensions) {
        if (d.id === 'bug' && i % 2 === 0) continue; // the bug tree applies to failing entries only
        if (rand() < 0.1) continue;
        appCall(s, 'labels.set', { annotator: who, entryId, dimension: d.id, value: someValue(d.id) });
      }
      const r = rand();
      if (r < 0.75) appCall(s, 'labels.setStatus', { annotator: who, entryId, status: 'submitted' });
      else if (r < 0.85) appCall(s, 'labels.setStatus', { annotator: who, entryId, status: 'draft' });
    }
  }
}

/** A codebook change of meaning: a new version, under which the labels that follow are made. */
function newVersion(n: number) {
  const cb = structuredClone(appCall(s, 'project.codebook', {}));
  cb.dimensions[0].values[n].definition = `Reworded in change ${n}.`;
  appCall(s, 'codebook.publish', { ...lead, codebook: cb });
}

beforeAll(async () => {
  s = await openProject(join(dir, 'study.db'));
  for (let i = 1; i <= ENTRIES + 1; i++) {
    const t = new Date().toISOString();
    openStore(s.db).entries.insert(
      `e${i}`,
      {
        fields: fieldsOf({ prompt: `Write e${i}.`, groundTruth: 'gt', output: 'out', testLog: 'log' }),
        passed: i % 2 === 0 ? 1 : 0,
        failingTests: '[]',
        metadata: '{}',
        hash: contentHash('p', `e${i}`, 'o'),
      },
      t,
    );
  }
  for (const name of ['ana', 'Ben', 'cy', 'gpt']) appCall(s, 'project.addAnnotator', { name });
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
  const store = openStore(s.db);
  store.annotators.setKind(store.annotators.byName('gpt')!.id, 'machine');

  labelRound(1, 25);
  newVersion(1);
  labelRound(20, 45);
  newVersion(2);
  labelRound(40, ENTRIES);
  // Labels with no status at all, and labels cleared (and so removed) after they were counted once.
  appCall(s, 'labels.set', { annotator: 'cy', entryId: 'e59', dimension: 'stage', value: 'training' });
  store.db.prepare("DELETE FROM submission WHERE entry_id = (SELECT id FROM entry WHERE ext_id = 'e59') AND annotator_id = ?").run(store.annotators.byName('cy')!.id);

  appCall(s, 'rounds.create', { ...lead, name: 'pilot', entryIds: ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8'] });
  appCall(s, 'rounds.create', { ...lead, name: 'round 2', sample: { size: 20, seed: 3 } });
  appCall(s, 'rounds.create', { ...lead, name: 'empty-ish', entryIds: ['e60'] });
  appCall(s, 'rounds.close', { ...lead, name: 'pilot' });

  // Gold answers on some entries only, on single, tree and checklist dimensions.
  for (let i = 1; i <= ENTRIES; i += 3) {
    const values: Record<string, unknown> = { stage: someValue('stage') };
    if (i % 2 === 1) values.bug = someValue('bug');
    if (i % 4 === 1) values['prompt-review'] = someValue('prompt-review');
    appCall(s, 'gold.set', { ...lead, entryId: `e${i}`, values });
  }
  // A submission with no labels under it: the entry is not finished work.
  appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e61', status: 'submitted' });
  appCall(s, 'gold.set', { ...lead, entryId: 'e61', values: { stage: 'training' } });
  // A gold answer that is the lead's own labels, and one on a dimension the codebook no longer has.
  appCall(s, 'gold.set', { ...lead, entryId: 'e2', fromLabelsOf: 'ana' });
  store.rounds.putGold(store.entries.ref('e5')!.rowId, 'retired-dimension', '"x"', 'lead', new Date().toISOString());

  // Decisions: some entries decided by hand, then every open majority accepted.
  for (let i = 1; i <= 10; i++) appCall(s, 'adjudication.decide', { ...lead, entryId: `e${i}`, dimension: 'stage', value: someValue('stage'), decidedBy: 'lead', rationale: 'test' });
  appCall(s, 'adjudication.acceptMajorities', { ...lead, decidedBy: 'lead' });
});

afterAll(() => s.close());

/** The figures asked for through the door, each beside the previous computation. */
function expectSameFigures() {
  for (const includeDrafts of [false, true])
    for (const round of [undefined, 'pilot', 'round 2', 'empty-ish']) expect(appCall(s, 'gold.accuracy', { ...lead, includeDrafts, round })).toEqual(previousGoldAccuracy(s.db, { includeDrafts, round }));
  expect(appCall(s, 'codebook.usage', lead)).toEqual(previousCodebookUsage(s.db));
  for (const by of ['round', 'version'] as const)
    for (const includeDrafts of [false, true]) expect(appCall(s, 'agreement.groups', { ...lead, by, bootstrap: 30, seed: 5, includeDrafts })).toEqual(previousGroups(s.db, { by, bootstrap: 30, seed: 5, includeDrafts }));
}

describe("the lead's study figures, answered without reading every label", () => {
  it('are the figures the previous computations gave, on a study where they could differ', () => {
    // The study is what the test needs: each case it names is there.
    const acc = previousGoldAccuracy(s.db, { includeDrafts: true });
    expect(acc.annotators.map((a) => a.annotator)).toEqual(['ana', 'Ben', 'cy']);
    expect(acc.annotators.every((a) => a.correct > 0 && a.correct < a.items)).toBe(true);
    expect(previousGoldAccuracy(s.db).annotators.map((a) => a.items)).not.toEqual(acc.annotators.map((a) => a.items));
    expect(previousGroups(s.db, { by: 'version', bootstrap: 0 }).map((g) => g.group)).toEqual(['1.0.0', '2.0.0', '3.0.0']);
    expect(previousCodebookUsage(s.db).some((u) => u.decisions > 0 && u.gold > 0 && u.labels > 0)).toBe(true);
    expectSameFigures();
  });

  it('stay the same after labels, statuses, gold answers and decisions change (the kept label columns brought up to date)', () => {
    appCall(s, 'codebook.usage', lead);
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: null });
    appCall(s, 'labels.set', { annotator: 'Ben', entryId: 'e4', dimension: 'stage', value: 'evaluation-metrics' });
    appCall(s, 'labels.setStatus', { annotator: 'cy', entryId: 'e7', status: 'draft' });
    appCall(s, 'labels.setStatus', { annotator: 'lead', entryId: 'e10', status: 'submitted' });
    appCall(s, 'gold.set', { ...lead, entryId: 'e10', values: { stage: 'training', task: 'regression' } });
    appCall(s, 'adjudication.decide', { ...lead, entryId: 'e12', dimension: 'task', value: 'general', decidedBy: 'lead', rationale: 'test' });
    expectSameFigures();
    // A new version after the figures were read: the versions are read again too.
    newVersion(3);
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'stage', value: 'inference' });
    expectSameFigures();
    // A version whose only label is cleared: no group for it any more.
    newVersion(4);
    appCall(s, 'labels.set', { annotator: 'Ben', entryId: 'e9', dimension: 'task', value: 'general' });
    expect(appCall(s, 'agreement.groups', { ...lead, by: 'version', bootstrap: 0, includeDrafts: true }).map((g) => g.group)).toContain('5.0.0');
    appCall(s, 'labels.set', { annotator: 'Ben', entryId: 'e9', dimension: 'task', value: null });
    expectSameFigures();
    expect(appCall(s, 'agreement.groups', { ...lead, by: 'version', bootstrap: 0 }).map((g) => g.group)).not.toContain('5.0.0');
  });

  it('answer a study with no gold answers and no rounds', async () => {
    const empty = await openProject(join(dir, 'empty.db'));
    appCall(empty, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    try {
      expect(appCall(empty, 'gold.accuracy', lead)).toEqual(previousGoldAccuracy(empty.db));
      expect(appCall(empty, 'codebook.usage', lead)).toEqual(previousCodebookUsage(empty.db));
      expect(appCall(empty, 'agreement.groups', { ...lead, by: 'round' })).toEqual([]);
      expect(appCall(empty, 'agreement.groups', { ...lead, by: 'version' })).toEqual([]);
      expect(() => appCall(empty, 'gold.accuracy', { ...lead, round: 'nope' })).toThrow(/no round "nope"/);
    } finally {
      empty.close();
    }
  });

  it('keep each group as the direct computation made it, whatever the bootstrap (the point figures come first)', () => {
    for (const by of ['round', 'version'] as const) {
      const point = agreementGroups(s.db, { by, bootstrap: 0 });
      const full = agreementGroups(s.db, { by, bootstrap: 40 });
      const strip = (gs: AgreementGroup[]) =>
        gs.map((g) => ({ ...g, pooled: g.pooled && { ...g.pooled, low: null, high: null }, dimensions: g.dimensions.map((d) => ({ ...d, low: null, high: null })) }));
      expect(strip(full)).toEqual(point);
      expect(full.some((g) => g.pooled?.low !== null)).toBe(true);
    }
    expect(codebookUsage(s.db)).toEqual(previousCodebookUsage(s.db));
    expect(goldAccuracy(s.db)).toEqual(previousGoldAccuracy(s.db));
  });
});
