import { describe, expect, it } from 'vitest';
import { alphaOfMatrix } from '../../shared/agreement/alpha.ts';
import { buildAgreementReport } from '../../shared/agreement/report.ts';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import { reportError } from '../command.ts';
import bench from '../commands/bench.ts';
import { agreeingMatrix, deepBenchStudy, runBench } from './figures.ts';

// Timings are measured and printed, never asserted: only the shape and the agreement of values.
describe('bench', () => {
  it('reports every figure with a unit and a peer, our value matching the package', () => {
    const r = runBench({ quick: false, units: 2000, bootstrapUnits: 60, resamples: 20 });
    expect(Object.keys(r.figures)).toEqual([
      'alpha_2k_nominal_ms',
      'alpha_2k_speedup_vs_krippendorff',
      'alpha_2k_abs_difference_vs_krippendorff',
      'bootstrap_20x60_ms',
      'alpha_2k_ordinal_ms',
      'report_60_entries_ms',
    ]);
    for (const f of Object.values(r.figures)) {
      expect(Number.isFinite(f.value)).toBe(true);
      expect(Number.isFinite(f.peer_value)).toBe(true);
      expect(f.unit).toMatch(/\w/);
      expect(f.peer).toMatch(/\w/);
    }
    expect(r.figures.alpha_2k_abs_difference_vs_krippendorff.value).toBeLessThan(1e-12);
    expect(r.machine).toMatchObject({ node: process.version });
  });

  it('benchmarks on data where raters agree, so alpha is far from chance', () => {
    expect(alphaOfMatrix(agreeingMatrix(3000, 3, 7, 1), 'nominal').alpha).toBeGreaterThan(0.5);
    const report = buildAgreementReport(deepBenchCodebook, deepBenchStudy(100, 3), { bootstrap: 0 });
    expect(report.pooled!.figure.alpha).toBeGreaterThan(0.5);
    expect(report.crossCheck.agree).toBe(true);
  });

  it('rejects unknown flags with exit status 1', async () => {
    let err = '';
    const io = { stdout: () => {}, stderr: (t: string) => void (err += t) };
    let code: number;
    try {
      code = await bench.run(['--slow'], io);
    } catch (e) {
      code = reportError(e, io, bench.usage);
    }
    expect(code).toBe(1);
    expect(err).toMatch(/usage: concord bench/);
  });
});
