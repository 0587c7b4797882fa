import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../test/helpers/cli.ts';
import agreement from './agreement.ts';
import alpha from './alpha.ts';

const run = (...argv: string[]) => runCommand(agreement, argv);

/** Gwet's cac.raw4raters (Handbook of Inter-Rater Reliability, 4th ed., p. 120), as a reliability matrix CSV. */
const raw4raters = new URL('../../fixtures/reference/cac-raw4raters.csv', import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-cli-agreement-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('concord agreement --matrix', () => {
  it('prints every coefficient of the contract with its interval, equal to the published figures', async () => {
    const r = await run('--matrix', raw4raters, '--level', 'nominal', '--json', '--bootstrap', '200');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['percent', 'cohen', 'fleiss', 'conger', 'gwet_ac1', 'brennan_prediger', 'alpha']) {
      expect(out[key], key).toBeDefined();
      expect(typeof out[key].value, key).toBe('number');
      expect(out[key].ci, key).toHaveLength(2);
      expect(out[key].ci[0], key).toBeLessThanOrEqual(out[key].value);
      expect(out[key].ci[1], key).toBeGreaterThanOrEqual(out[key].value);
    }
    expect(out.gwet_ac2).toBeUndefined();
    // irrCAC's README (github.com/kgwet/irrCAC) for cac.raw4raters.
    expect(out.percent.value).toBeCloseTo(0.8181818, 7);
    expect(out.gwet_ac1.value).toBeCloseTo(0.77544, 5);
    expect(out.gwet_ac1.analytic.se).toBeCloseTo(0.14295, 5);
    expect(out.fleiss.value).toBeCloseTo(0.76117, 5);
    expect(out.conger.value).toBeCloseTo(0.76282, 5);
    expect(out.brennan_prediger.value).toBeCloseTo(0.77273, 5);
    expect(out.alpha.value).toBeCloseTo(0.74342, 5);
    expect(out.fleiss.ci[0]).toBeCloseTo(0.424, 3);
    expect(out.fleiss.ci[1]).toBe(1);
    // One Cohen's kappa per pair, and their mean at the top.
    expect(out.cohen.pairs.map((p: { raters: string[] }) => p.raters.join('/'))).toEqual([
      'Rater1/Rater2',
      'Rater1/Rater3',
      'Rater1/Rater4',
      'Rater2/Rater3',
      'Rater2/Rater4',
      'Rater3/Rater4',
    ]);
    const mean = out.cohen.pairs.reduce((s: number, p: { value: number }) => s + p.value, 0) / 6;
    expect(out.cohen.value).toBeCloseTo(mean, 12);
    expect(out.cohen.ciMethod).toBe('bootstrap');
    expect(out).toMatchObject({ level: 'nominal', weights: 'identity', units: 12, pairable: 11, raters: ['Rater1', 'Rater2', 'Rater3', 'Rater4'] });
    expect(out.perCategory.map((c: { category: string }) => c.category)).toEqual(['1', '2', '3', '4', '5']);
    expect(out.perCategory[0].gwet_ac1.value).toEqual(expect.any(Number));
    expect(out.notes.join(' ')).toMatch(/irrCAC/);
  });

  it('gives alpha the same bootstrap interval `concord alpha` prints for the same seed', async () => {
    const ours = JSON.parse((await run('--matrix', raw4raters, '--level', 'nominal', '--json', '--seed', '9', '--bootstrap', '300')).stdout);
    const theirs = JSON.parse((await runCommand(alpha, ['--matrix', raw4raters, '--level', 'nominal', '--json', '--seed', '9', '--bootstrap', '300'])).stdout);
    expect(ours.alpha.value).toBe(theirs.alpha);
    expect(ours.alpha.bootstrap.ci).toEqual([theirs.interval.low, theirs.interval.high]);
  });

  it('weights an ordinal matrix and says which weights (AC2)', async () => {
    const out = JSON.parse((await run('--matrix', raw4raters, '--level', 'ordinal', '--json', '--bootstrap', '0')).stdout);
    expect(out.weights).toBe('ordinal');
    expect(out.gwet_ac1).toBeUndefined();
    // irrCAC's ordinal weights on cac.raw4raters: AC2 0.899 (se 0.107), Fleiss 0.850 (Python port's tests).
    expect(out.gwet_ac2.value).toBeCloseTo(0.899, 3);
    expect(out.fleiss.value).toBeCloseTo(0.85, 3);
    expect(out.notes.join(' ')).toMatch(/ordinal weights/);
    const quadratic = JSON.parse((await run('--matrix', raw4raters, '--level', 'ordinal', '--weights', 'quadratic', '--json', '--bootstrap', '0')).stdout);
    expect(quadratic.gwet_ac2.value).toBeCloseTo(0.914, 3);
    expect(quadratic.gwet_ac2.analytic.se).toBeCloseTo(0.10396, 5);
    // With the bootstrap off, the mean of pairs has no interval, and says why.
    expect(quadratic.cohen.ci).toBeNull();
    expect(quadratic.cohen.ciReason).toMatch(/bootstrap was off/);
  });

  it('prints an aligned table in text', async () => {
    const r = await run('--matrix', raw4raters, '--level', 'nominal', '--bootstrap', '100');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('coefficient '));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header, lines.indexOf('', header));
    expect(rows.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
      'coefficient',
      'percent agreement',
      "Cohen's kappa, mean of pairs",
      'Rater1 / Rater2',
      'Rater1 / Rater3',
      'Rater1 / Rater4',
      'Rater2 / Rater3',
      'Rater2 / Rater4',
      'Rater3 / Rater4',
      "Fleiss' kappa",
      "Conger's kappa",
      "Gwet's AC1",
      'Brennan-Prediger',
      "Krippendorff's alpha",
    ]);
    // Every column starts where its header does.
    for (const name of ['value', '95% CI', 'interval', 'se', 'units']) {
      const at = rows[0].indexOf(name);
      for (const row of rows.slice(1)) expect(row[at - 1], `${name} in "${row}"`).toBe(' ');
      for (const row of rows.slice(1)) expect(row[at], `${name} in "${row}"`).not.toBe(' ');
    }
    expect(r.stdout).toMatch(/Fleiss' kappa +0\.761 +\[0\.424, 1\.000\] +t, df 11 +0\.1530/);
    expect(r.stdout).toMatch(/Per category, one against the rest/);
    expect(r.stdout).toMatch(/Missing ratings are handled as irrCAC does/);
  });

  it('says undefined, with the reason, never NaN or 0', async () => {
    const file = join(dir, 'same.csv');
    writeFileSync(file, 'rater,a,b,c\nx,yes,yes,yes\ny,yes,yes,\n');
    const r = await run('--matrix', file, '--level', 'nominal', '--json', '--bootstrap', '50');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    const out = JSON.parse(r.stdout);
    for (const key of ['cohen', 'fleiss', 'conger', 'gwet_ac1', 'brennan_prediger', 'alpha']) {
      expect(out[key].value, key).toBeNull();
      expect(out[key].ci, key).toBeNull();
      expect(out[key].reason.length, key).toBeGreaterThan(20);
    }
    expect(out.percent.value).toBe(1);
    const text = (await run('--matrix', file, '--level', 'nominal', '--bootstrap', '0')).stdout;
    expect(text).toMatch(/Fleiss' kappa +undefined: every rating is the same category/);
  });

  it('prints the same numbers for the same seed', async () => {
    const a = await run('--matrix', raw4raters, '--level', 'nominal', '--json', '--seed', '77', '--bootstrap', '150');
    const b = await run('--matrix', raw4raters, '--level', 'nominal', '--json', '--seed', '77', '--bootstrap', '150');
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).bootstrap).toEqual({ resamples: 150, seed: 77 });
  });

  it('exits 2 on a bad matrix, naming the file, line and field, and prints nothing on stdout', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'rater,u1,u2,u3\nA,1,2,3\nB,1,two,3\n');
    const r = await run('--matrix', bad, '--level', 'ordinal', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain('line 3');
    expect(r.stderr).toContain('u2');
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'rater,u1,u2\nA,1,2\nB,1\n');
    const s = await run('--matrix', short, '--level', 'nominal');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/line 3/);
    expect((await run('--matrix', join(dir, 'missing.csv'), '--level', 'nominal')).code).toBe(2);
  });

  it('reads the matrix the way alpha --matrix does: BOM, CRLF, quoted cells, and refuses what it cannot read', async () => {
    const ok = join(dir, 'bom.csv');
    writeFileSync(ok, '\ufeffrater,u1,"u,2",u3\r\nann,"Inference, training",Evaluation,\r\nben,"Inference, training",Evaluation,Evaluation\r\n');
    const out = JSON.parse((await run('--matrix', ok, '--level', 'nominal', '--json', '--bootstrap', '0')).stdout);
    expect(out).toMatchObject({ raters: ['ann', 'ben'], units: 3, pairable: 2, categories: ['Inference, training', 'Evaluation'] });
    expect(out.percent.value).toBe(1);
    for (const [name, text, where] of [
      ['dup.csv', 'rater,u1\nann,a\nann,b\n', /line 3.*rater "ann" has two rows/],
      ['empty.csv', '', /line 1.*empty/],
      ['header.csv', 'coder,u1\nann,a\n', /line 1.*must start with "rater"/],
      ['quote.csv', 'rater,u1\nann,"a\n', /never closed/],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = await run('--matrix', file, '--level', 'nominal', '--json');
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe('');
      expect(r.stderr, name).toContain(file);
      expect(r.stderr, name).toMatch(where);
    }
  });

  it('refuses, before computing, a matrix too large for the resamples asked, and says which flag to lower', async () => {
    const file = join(dir, 'big.csv');
    const units = 20000;
    const row = (g: number) => `r${g},${Array.from({ length: units }, (_, u) => ((u * 7 + g) % 5) + 1).join(',')}`;
    writeFileSync(file, [`rater,${Array.from({ length: units }, (_, u) => `u${u}`).join(',')}`, ...[0, 1, 2, 3, 4, 5].map(row)].join('\n'));
    const r = await run('--matrix', file, '--level', 'nominal', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/too much for 1000 resamples; use --bootstrap \d+ or fewer/);
  });

  it('exits 1 on usage errors', async () => {
    expect((await run('--matrix', raw4raters)).code).toBe(1);
    expect((await run('--matrix', raw4raters, '--level', 'interval')).code).toBe(1);
    expect((await run('--matrix', raw4raters, '--level', 'nominal', '--weights', 'quadratic')).code).toBe(1);
    expect((await run('--matrix', raw4raters, '--level', 'ordinal', '--weights', 'cubic')).code).toBe(1);
    expect((await run('--matrix', raw4raters, '--level', 'nominal', '--bootstrap', '-1')).code).toBe(1);
    expect((await run('--level', 'nominal')).code).toBe(1);
  });
});
