import { cpus, loadavg, totalmem } from 'node:os';

/**
 * How the bench measures: wall time of the very call a user's action makes, and of its peer on
 * the same data, taken in turns (A, B, A, B...) after the same warm-up, so that the load of a
 * shared machine falls on both alike. Medians unless a figure says p95.
 */

export interface BenchFigure {
  value: number;
  unit: string;
  /** What the figure is compared with, measured in the same run on the same data. */
  peer: string;
  peer_value: number;
  /** The goal for the figure, in words ("<= 200 ms"), when it has one. */
  goal?: string;
  /** Whether the figure meets its goal on this run. */
  meets?: boolean;
  /** Anything a reader needs to read the figure right (what was timed, an extrapolation). */
  note?: string;
}

export interface BenchResult {
  machine: Record<string, string | number | number[]>;
  figures: Record<string, BenchFigure>;
  /** Figures this run could not measure, each with the reason (never a number in their place). */
  unmeasured?: Record<string, string>;
}

export function describeMachine(): Record<string, string | number | number[]> {
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    load_average_start: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function loadAverage(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

export function quantile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
}
export const median = (xs: number[]) => quantile(xs, 0.5);

export async function timed<T>(f: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

/**
 * Times `ours` and `peer` in turns, `runs` times each after `warmup` untimed turns each; `arg` is
 * the turn's number, so both can be given the same varying input (the next entry, say).
 */
export async function sideBySide(
  ours: (turn: number) => unknown,
  peer: (turn: number) => unknown,
  opts: { runs: number; warmup?: number },
): Promise<{ ours: number[]; peer: number[] }> {
  const warmup = opts.warmup ?? 1;
  const out = { ours: [] as number[], peer: [] as number[] };
  for (let i = 0; i < warmup + opts.runs; i++) {
    const a = await timed(() => ours(i));
    const b = await timed(() => peer(i));
    if (i >= warmup) {
      out.ours.push(a.ms);
      out.peer.push(b.ms);
    }
  }
  return out;
}

/** A scale as figure names spell it: 520, 1k, 10k, 100k. */
export function scaleName(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** A figure against a goal: `at most` or `at least` a bound. */
export function figure(f: Omit<BenchFigure, 'meets'>, bound?: { atMost?: number; atLeast?: number }): BenchFigure {
  if (!bound) return f;
  const meets = bound.atMost !== undefined ? f.value <= bound.atMost : f.value >= bound.atLeast!;
  return { ...f, meets };
}
