import { alpha as packageAlpha } from 'krippendorff';
import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/deep-bench.ts';
import { buildDrift, buildDriftFrom, entryTimes, isoWeek, type EntryTimes } from './drift.ts';
import { mulberry32 } from './prng.ts';
import { sortIds } from '../ids.ts';
import { buildAgreementReport, labelCells, type AgreementLabel } from './report.ts';

const stageIds = deepBenchCodebook.dimensions.find((d) => d.id === 'stage')!.values.map((v) => v.id);
const raters = ['ana', 'ben', 'cai'];
const DAY = 86_400_000;

/**
 * 130 entries over five weeks from Monday 2 March 2026, one rater a few hours after another;
 * agreement improves week by week (a team that converges). Two entries carry no time.
 */
function study(): AgreementLabel[] {
  const rand = mulberry32(5);
  const start = Date.UTC(2026, 2, 2, 9);
  const labels: AgreementLabel[] = [];
  for (let e = 0; e < 130; e++) {
    const at = start + Math.floor((e / 130) * 35 * DAY);
    const truth = stageIds[Math.floor(rand() * stageIds.length)];
    const care = 0.5 + (0.45 * e) / 130;
    raters.forEach((annotator, i) => {
      if (rand() < 0.1) return;
      const value = rand() < care ? truth : stageIds[Math.floor(rand() * stageIds.length)];
      const time = e >= 128 ? 'not a time' : new Date(at + i * 3 * 3_600_000).toISOString();
      labels.push({ entryId: `e${e}`, annotator, dimension: 'stage', value, passed: false, time });
    });
  }
  return labels;
}

/** Nominal alpha of the stage labels of some entries, by the krippendorff package (raters x units). */
function packageStageAlpha(labels: AgreementLabel[], entries: Set<string>): number {
  const units = [...entries];
  const rows = raters.map((r) => units.map((u) => {
    const v = labels.find((l) => l.annotator === r && l.entryId === u)?.value as string | undefined;
    return v === undefined ? undefined : stageIds.indexOf(v);
  }));
  return packageAlpha(rows);
}

describe('drift', () => {
  const labels = study();

  it('numbers weeks as ISO 8601 does, in UTC', () => {
    expect(isoWeek(new Date('2026-03-02T09:00:00Z'))).toMatchObject({ year: 2026, week: 10 });
    expect(isoWeek(new Date('2026-03-08T23:59:59Z'))).toMatchObject({ year: 2026, week: 10 });
    expect(isoWeek(new Date('2026-03-09T00:00:00Z'))).toMatchObject({ year: 2026, week: 11 });
    expect(isoWeek(new Date('2024-12-31T12:00:00Z'))).toMatchObject({ year: 2025, week: 1 });
    expect(isoWeek(new Date('2021-01-01T12:00:00Z'))).toMatchObject({ year: 2020, week: 53 });
    expect(isoWeek(new Date('2026-01-01T00:00:00Z')).monday.toISOString()).toBe('2025-12-29T00:00:00.000Z');
  });

  it('dates an entry by its last rater, and counts the entries that carry no time', () => {
    const { times, undated } = entryTimes(labels);
    const e0 = labels.filter((l) => l.entryId === 'e0').map((l) => Date.parse(l.time!));
    expect(times.get('e0')).toBe(Math.max(...e0));
    expect([...undated].sort()).toEqual(['e128', 'e129']);
  });

  it('dates entries as the latest of their labels one by one would, listing them in natural order', () => {
    // Labels in no order, on ids that sort naturally otherwise than by code point; times repeated,
    // missing, unparsable, or dated on some labels of an entry only.
    const rand = mulberry32(9);
    const texts = ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-09 10:00', 'not a time', '', '2026-02-30T00:00:00Z', '1969-12-31T23:59:59.999Z'];
    const mixed: AgreementLabel[] = Array.from({ length: 400 }, () => {
      const e = Math.floor(rand() * 64);
      const time = rand() < 0.1 || e >= 60 ? (rand() < 0.5 ? undefined : 'not a time') : e % 4 === 0 ? texts[Math.floor(rand() * texts.length)] : new Date(Date.UTC(2026, 2, 1) + Math.floor(rand() * 5e9)).toISOString();
      return { entryId: e % 7 === 0 ? `e0${e}` : `e${e}`, annotator: raters[Math.floor(rand() * 3)], dimension: 'stage', value: 'x', passed: null, time };
    });
    // Each label in turn, as drift dated entries at first.
    const latest = new Map<string, number>();
    const none = new Set<string>();
    for (const l of mixed) {
      const t = l.time === undefined ? NaN : Date.parse(l.time);
      if (!Number.isFinite(t)) none.add(l.entryId);
      else if (!(latest.get(l.entryId)! >= t)) latest.set(l.entryId, t);
    }
    const { times, undated } = entryTimes(mixed);
    expect(new Map([...times].sort())).toEqual(new Map([...latest].sort()));
    expect([...undated].sort()).toEqual([...none].filter((e) => !latest.has(e)).sort());
    expect(undated.size).toBeGreaterThan(0);
    expect([...times.keys()]).toEqual(sortIds([...latest.keys()]));
    expect([...times.keys()].slice(0, 3)).toEqual(['e00', 'e1', 'e2']);
  });

  it('follows alpha week by week: each week the figure of its own entries, equal to the krippendorff package', () => {
    const r = buildDrift(deepBenchCodebook, labels, { by: 'week', dimension: 'stage', bootstrap: 200, seed: 3 });
    expect(r.figure).toMatchObject({ scope: 'stage', measure: 'nominal' });
    expect(r.groups.map((g) => g.key)).toEqual(['2026-W10', '2026-W11', '2026-W12', '2026-W13', '2026-W14']);
    expect(r.groups[0].label).toBe('2026-W10 (2 Mar – 8 Mar)');
    expect(r.undated).toBe(2);
    expect(r.groups.reduce((n, g) => n + g.entries, 0)).toBe(128);
    const { times } = entryTimes(labels);
    for (const g of r.groups) {
      const inWeek = new Set([...times].filter(([, t]) => {
        const w = isoWeek(new Date(t));
        return `${w.year}-W${String(w.week).padStart(2, '0')}` === g.key;
      }).map(([id]) => id));
      expect(g.entries).toBe(inWeek.size);
      expect(Math.abs(g.figure.alpha! - packageStageAlpha(labels, inWeek)), g.key).toBeLessThan(1e-9);
      expect(g.figure.interval!.low!).toBeLessThanOrEqual(g.figure.alpha!);
      expect(g.figure.interval!.high!).toBeGreaterThanOrEqual(g.figure.alpha!);
      expect(Date.parse(g.from)).toBeLessThanOrEqual(Date.parse(g.to));
    }
    // The team converges: the last week agrees more than the first.
    expect(r.groups[4].figure.alpha!).toBeGreaterThan(r.groups[0].figure.alpha!);
    expect(r.time).toMatch(/annotator's machine recorded/);
    expect(r.time).toMatch(/orders nothing in the data/);
  });

  it('gives a week that holds every entry the figure of all of them, and one that leaves undated entries out the figure of its own', () => {
    const oneWeek = (l: AgreementLabel) => ({ ...l, time: l.time === 'not a time' ? l.time : `2026-03-0${2 + (Number(l.entryId.slice(1)) % 5)}T10:00:00.000Z` });
    const dated = labels.filter((l) => l.time !== 'not a time').map(oneWeek);
    const whole = buildDrift(deepBenchCodebook, dated, { by: 'week', dimension: 'stage', bootstrap: 100, seed: 4 });
    expect(whole.groups).toHaveLength(1);
    expect(whole.groups[0].figure).toEqual(buildAgreementReport(deepBenchCodebook, dated, { dimension: 'stage', bootstrap: 100, seed: 4 }).dimensions[0].measures[0].figure);
    expect(whole.groups[0].figure.interval).not.toBeNull();
    // The two entries without a time count in the overall figure, not in the week's.
    const some = buildDrift(deepBenchCodebook, labels.map(oneWeek), { by: 'week', dimension: 'stage', bootstrap: 0 });
    expect(some.groups).toHaveLength(1);
    expect(some.groups[0].figure.alpha).not.toBe(some.overall.alpha);
    expect(Math.abs(some.groups[0].figure.alpha! - packageStageAlpha(labels, new Set(dated.map((l) => l.entryId))))).toBeLessThan(1e-9);
  });

  it('computes its figures without the pairwise tables it does not show, to the same numbers', () => {
    const options = { bootstrap: 50, seed: 2, primaryOnly: true, pooledAlone: true, cellUnits: false } as const;
    const full = buildAgreementReport(deepBenchCodebook, labels, options);
    const lean = buildAgreementReport(deepBenchCodebook, labels, { ...options, pairwise: false });
    expect(full.pooled!.pairwise.length).toBe(3);
    expect(lean.pooled!.pairwise).toEqual([]);
    expect(lean).toEqual({ ...full, pooled: { ...full.pooled!, pairwise: [] } });
  });

  it('cuts batches of 50 entries in the order they were finished, the last one shorter', () => {
    const r = buildDrift(deepBenchCodebook, labels, { by: 'batch', dimension: 'stage', bootstrap: 0 });
    expect(r.groups.map((g) => g.entries)).toEqual([50, 50, 28]);
    expect(r.groups[2].label).toMatch(/^entries 101–128 \(/);
    const { times } = entryTimes(labels);
    const order = [...times].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    r.groups.forEach((g, i) => {
      const ids = new Set(order.slice(i * 50, i * 50 + 50));
      expect(Math.abs(g.figure.alpha! - packageStageAlpha(labels, ids))).toBeLessThan(1e-9);
    });
    expect(r.groups[0].figure.interval).toBeNull();
  });

  it('follows the pooled figure when no dimension is named, and says why a group has none', () => {
    const few = labels.filter((l) => l.entryId === 'e0' || (l.entryId === 'e60' && l.annotator === 'ana'));
    const r = buildDrift(deepBenchCodebook, few, { by: 'week', bootstrap: 0 });
    expect(r.figure.scope).toBe('pooled');
    const lonely = r.groups.find((g) => g.entries === 1 && g.figure.units === 0)!;
    expect(lonely.figure.alpha).toBeNull();
    expect(lonely.figure.undefinedReason).toMatch(/\w/);
    expect(() => buildDrift(deepBenchCodebook, labels, { by: 'week', dimension: 'prompt-review', bootstrap: 0 })).not.toThrow();
  });

  it('finds each unit’s group whatever order the entries’ times are listed in, and leaves out the units with none', () => {
    // Every entry a time of its own (no ties, which the order of the list would break), some none.
    const own = labels.map((l, i) => ({ ...l, time: l.entryId.endsWith('7') ? 'not a time' : new Date(Date.UTC(2026, 2, 2) + (i % 97) * 5 * DAY + i * 1000).toISOString() }));
    const times = entryTimes(own);
    expect(times.undated.size).toBeGreaterThan(5);
    // The entries with a time from the last to the first: no unit is where the natural order would put it.
    const reversed: EntryTimes = { times: times.times, ids: [...times.ids].reverse(), at: times.at.slice().reverse(), undated: times.undated };
    for (const by of ['week', 'batch'] as const) {
      const options = { by, bootstrap: 0, batchSize: 10 };
      const inOrder = buildDriftFrom(deepBenchCodebook, labelCells(own), times, options);
      expect(inOrder.groups.length).toBeGreaterThan(4);
      expect(inOrder.groups.reduce((n, g) => n + g.entries, 0)).toBe(times.ids.length);
      expect(buildDriftFrom(deepBenchCodebook, labelCells(own), reversed, options)).toEqual(inOrder);
      expect(buildDrift(deepBenchCodebook, own, options)).toEqual(inOrder);
    }
  });
});
