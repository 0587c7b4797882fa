import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/deep-bench.ts';
import { buildCoefficientReport } from '../agreement/coefficient-report.ts';
import { buildDrift } from '../agreement/drift.ts';
import type { AgreementLabel } from '../agreement/report.ts';
import { driftChartSvg, intervalChartSvg, wrapText } from './charts.ts';

const stage = ['pre-post-processing', 'training', 'inference'];
/** Two weeks of stage labels by three people (one named like markup), and an entry alone in a third week. */
function labels(): AgreementLabel[] {
  const out: AgreementLabel[] = [];
  const raters = ['ana', 'b<script>&"en', 'cai'];
  for (let e = 0; e < 20; e++)
    raters.forEach((annotator, r) =>
      out.push({ entryId: `e${e}`, annotator, dimension: 'stage', value: stage[(e + (r === 2 && e % 3 === 0 ? 1 : 0)) % 3], passed: false, time: new Date(Date.UTC(2026, 2, 2 + Math.floor(e / 2), 9 + r)).toISOString() }),
    );
  out.push({ entryId: 'late', annotator: 'ana', dimension: 'stage', value: 'training', passed: false, time: '2026-04-20T10:00:00.000Z' });
  return out;
}

/** The text a person reads in an SVG: tags dropped, entities decoded, white space collapsed. */
const words = (svg: string) =>
  svg
    .replace(/<desc>.*?<\/desc>|<style>.*?<\/style>|<title>.*?<\/title>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the agreement charts', () => {
  const drift = buildDrift(deepBenchCodebook, labels(), { by: 'week', dimension: 'stage', bootstrap: 100, seed: 2 });
  const svg = driftChartSvg(drift, 'Concord test');

  it('draw a point and an interval per week with a figure, and say so where a week has none', () => {
    const defined = drift.groups.filter((g) => g.figure.alpha !== null);
    expect(defined.length).toBeGreaterThan(1);
    expect(drift.groups.some((g) => g.figure.alpha === null)).toBe(true);
    expect(svg.match(/class="point"/g)?.length).toBe(defined.length);
    expect(svg.match(/class="none"/g)?.length).toBe(drift.groups.length - defined.length);
    for (const g of defined) expect(words(svg)).toContain(`α ${g.figure.alpha!.toFixed(3)}`);
    expect(words(svg)).toContain(`all entries: α ${drift.overall.alpha!.toFixed(3)}`);
    expect(words(svg)).toMatch(/Time: when the annotator's machine recorded their last label/);
  });

  it('escape every name, stay well formed, and give the same bytes for the same figures', () => {
    expect(svg).not.toContain('<script>');
    expect(words(svg)).toContain('b<script>&"en');
    // Every element opened is closed (the few that close themselves aside).
    const open = (svg.match(/<(text|g|svg|circle|title|desc|style)(\s[^>]*)?>/g) ?? []).filter((t) => !t.endsWith('/>')).length;
    const close = svg.match(/<\/(text|g|svg|circle|title|desc|style)>/g)?.length ?? 0;
    expect(open).toBe(close);
    expect(driftChartSvg(buildDrift(deepBenchCodebook, labels(), { by: 'week', dimension: 'stage', bootstrap: 100, seed: 2 }), 'Concord test')).toBe(svg);
    expect(svg).toContain('<desc>Concord test</desc>');
  });

  it('draw every coefficient of every scope in the interval chart, with its interval or "undefined"', () => {
    const report = buildCoefficientReport(deepBenchCodebook, labels(), { bootstrap: 50, dimension: 'stage' });
    const chart = intervalChartSvg(report);
    const set = report.dimensions[0].table!.coefficients;
    for (const c of [set.percent, set.fleiss, set.conger, set.gwet, set.brennanPrediger, set.alpha]) {
      expect(words(chart)).toContain(c.value === null ? 'undefined' : `${c.value.toFixed(3)} [${c.ci![0].toFixed(3)}, ${c.ci![1].toFixed(3)}]`);
    }
    expect(words(chart)).toContain(`${set.cohen.value!.toFixed(3)} [${set.cohen.ci![0].toFixed(3)}, ${set.cohen.ci![1].toFixed(3)}] b`);
  });

  it('wrap notes at word boundaries', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('unbreakable-word', 4)).toEqual(['unbreakable-word']);
  });
});
