import { cpus, totalmem } from 'node:os';
import { alpha as packageAlpha } from 'krippendorff';
import { alphaOfMatrix } from '../../shared/agreement/alpha.ts';
import { bootstrapAlpha } from '../../shared/agreement/bootstrap.ts';
import { CROSS_CHECK_PACKAGE } from '../../shared/agreement/cross-check.ts';
import { mulberry32 } from '../../shared/agreement/prng.ts';
import { codeRatingMatrix } from '../../shared/agreement/ratings.ts';
import { buildAgreementReport, type AgreementLabel } from '../../shared/agreement/report.ts';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';

export interface BenchFigure {
  value: number;
  unit: string;
  peer: string;
  peer_value: number;
}

export interface BenchResult {
  machine: Record<string, string | number>;
  figures: Record<string, BenchFigure>;
}

export interface BenchOptions {
  quick: boolean;
  /** Sizes, overridable so tests can run the whole bench in milliseconds. */
  units?: number;
  bootstrapUnits?: number;
  resamples?: number;
  progress?: (message: string) => void;
}

export function describeMachine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** Median wall time of `runs` calls after `warmup` untimed ones, so the JIT has settled for both sides. */
export function timeMedian(f: () => unknown, runs: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** units x raters matrix over `values` categories; raters agree with a hidden truth most of the time. */
export function agreeingMatrix(units: number, raters: number, values: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  const truth = Array.from({ length: units }, () => Math.floor(rand() * values));
  return Array.from({ length: raters }, () => truth.map((t) => (rand() < 0.75 ? t : Math.floor(rand() * values))));
}

/** A study shaped like Deep-Bench: 520 entries, 3 annotators, every dimension labelled. */
export function deepBenchStudy(entries: number, seed: number): AgreementLabel[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const labels: AgreementLabel[] = [];
  // Free text (the prompt rewrite) has no alpha and no values to draw.
  const dims = deepBenchCodebook.dimensions.filter((d) => d.kind !== 'text');
  for (let e = 0; e < entries; e++) {
    const passed = rand() < 0.19;
    const truth = dims.map((d) => {
      if (d.kind === 'tree') {
        const t = pick(d.values);
        return [t.children?.length ? `${t.id}::${pick(t.children).id}` : t.id];
      }
      if (d.kind === 'checklist') return Object.fromEntries(d.values.map((v) => [v.id, rand() < 0.5]));
      return pick(d.values).id;
    });
    for (const annotator of ['a1', 'a2', 'a3'])
      dims.forEach((d, i) => {
        if (d.appliesWhen && d.appliesWhen.passed !== passed) return;
        const value = rand() < 0.8 ? truth[i] : d.kind === 'tree' ? [pick(d.values).id] : d.kind === 'checklist' ? truth[i] : pick(d.values).id;
        labels.push({ entryId: `e${e}`, annotator, dimension: d.id, value, passed });
      });
  }
  return labels;
}

/** Runs every measurement side by side in this process and returns the figures. */
export function runBench(opts: BenchOptions): BenchResult {
  const say = opts.progress ?? (() => {});
  const units = opts.units ?? 100_000;
  const bUnits = opts.bootstrapUnits ?? 520;
  const resamples = opts.resamples ?? 1000;
  const peer = CROSS_CHECK_PACKAGE;
  const figures: Record<string, BenchFigure> = {};
  const k = units >= 1000 ? `${units / 1000}k` : String(units);

  say(`nominal alpha, ${units} units x 3 raters x 7 values: concord vs ${peer}`);
  const rows = agreeingMatrix(units, 3, 7, 1);
  const peerRows = rows.map((r) => r.slice());
  let ours = 0;
  let theirs = 0;
  const oursMs = timeMedian(() => (ours = alphaOfMatrix(rows, 'nominal').alpha!), opts.quick ? 41 : 101, 5);
  const theirsMs = timeMedian(() => (theirs = packageAlpha(peerRows)), opts.quick ? 5 : 9, 1);
  figures[`alpha_${k}_nominal_ms`] = { value: oursMs, unit: 'ms', peer, peer_value: theirsMs };
  figures[`alpha_${k}_speedup_vs_krippendorff`] = { value: theirsMs / oursMs, unit: 'x', peer: 'goal (at least)', peer_value: 50 };
  figures[`alpha_${k}_abs_difference_vs_krippendorff`] = { value: Math.abs(ours - theirs), unit: 'alpha', peer: 'goal (at most)', peer_value: 1e-12 };

  say(`bootstrap, ${resamples} resamples of ${bUnits} units x 3 raters: concord vs ${peer} recomputed on each resample`);
  const small = agreeingMatrix(bUnits, 3, 7, 2);
  const coded = codeRatingMatrix(small, 'nominal');
  const bootMs = timeMedian(() => bootstrapAlpha(coded, { resamples, seed: 1 }), opts.quick ? 5 : 11, 1);
  // The peer's bootstrap: the same resampling done naively, alpha recomputed by the package each time.
  const peerBootMs = timeMedian(
    () => {
      const rand = mulberry32(1);
      for (let b = 0; b < resamples; b++) {
        const pick = Array.from({ length: bUnits }, () => Math.floor(rand() * bUnits));
        packageAlpha(small.map((row) => pick.map((u) => row[u])));
      }
    },
    1,
    0,
  );
  figures[`bootstrap_${resamples}x${bUnits}_ms`] = { value: bootMs, unit: 'ms', peer: `${peer}, alpha recomputed per resample`, peer_value: peerBootMs };

  if (!opts.quick) {
    say('ordinal alpha on the same matrix, the package given the ordinal metric');
    const data = codeRatingMatrix(rows, 'ordinal');
    const nc = new Float64Array(7);
    for (let u = 0; u < units; u++) for (let r = 0; r < 3; r++) nc[data.codes[u * 3 + r]]++;
    const prefix = [0];
    for (let g = 0; g < 7; g++) prefix.push(prefix[g] + nc[g]);
    const ordinal = (a: number, b: number) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      return (prefix[hi + 1] - prefix[lo] - (nc[lo] + nc[hi]) / 2) ** 2;
    };
    const oMs = timeMedian(() => alphaOfMatrix(rows, 'ordinal'), 21, 3);
    const poMs = timeMedian(() => packageAlpha(peerRows, ordinal), 3, 1);
    figures[`alpha_${k}_ordinal_ms`] = { value: oMs, unit: 'ms', peer, peer_value: poMs };

    say('full Deep-Bench-sized report (520 entries x 3 annotators, every dimension and value, 1,000 resamples each)');
    const study = deepBenchStudy(bUnits, 3);
    const withBoot = timeMedian(() => buildAgreementReport(deepBenchCodebook, study, { bootstrap: resamples, seed: 1 }), 3, 1);
    const without = timeMedian(() => buildAgreementReport(deepBenchCodebook, study, { bootstrap: 0 }), 3, 1);
    figures[`report_${bUnits}_entries_ms`] = { value: withBoot, unit: 'ms', peer: 'same report without bootstrap', peer_value: without };
  }
  return { machine: describeMachine(), figures };
}
