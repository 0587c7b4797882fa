import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, parseCsv, readFindings, type Allowed } from '../../.ci/electronegativity/judge.mjs';
import { repoRoot } from '../helpers/concord-server.ts';

// The gate scripts/electronegativity.mjs applies to the scanner's report (the scan itself runs in
// CI through that script: it needs the scanner installed in .ci/electronegativity).

const header = 'issue, severity, confidence, filename, location, sample, description, url\n';
const row = (check: string, severity: string, file: string, sample: string) =>
  `${check},"${severity}","FIRM","${file}","10:2","${sample.replace(/"/g, '""')}","text, with a comma",https://example.invalid/${check}\n`;

const allowlist = JSON.parse(readFileSync(join(repoRoot, '.ci', 'electronegativity', 'allowlist.json'), 'utf8')).allowed as Allowed[];

describe('electronegativity gate', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b, c","say ""hi""\nthere"\r\nd,e,f\n')).toEqual([
      ['a', 'b, c', 'say "hi"\nthere'],
      ['d', 'e', 'f'],
    ]);
    const [f] = readFindings(header + row('NODE_INTEGRATION_JS_CHECK', 'HIGH', 'main.js', 'new BrowserWindow({ webPreferences: { nodeIntegration: true } })'));
    expect(f).toMatchObject({ check: 'NODE_INTEGRATION_JS_CHECK', severity: 'HIGH', file: 'main.js', description: 'text, with a comma' });
    expect(f.sample).toContain('nodeIntegration: true');
  });

  it('fails an unexplained HIGH or MEDIUM finding, and lets LOW ones through', () => {
    const findings = readFindings(
      header +
        row('NODE_INTEGRATION_JS_CHECK', 'HIGH', 'main.js', 'new BrowserWindow({ webPreferences: { nodeIntegration: true } })') +
        row('PRELOAD_JS_CHECK', 'MEDIUM', 'main.js', 'preload: x') +
        row('CSP_GLOBAL_CHECK', 'LOW', 'index.html', "default-src 'self'"),
    );
    const r = judge(findings, allowlist);
    expect(r.failing.map((f) => f.check)).toEqual(['NODE_INTEGRATION_JS_CHECK', 'PRELOAD_JS_CHECK']);
    expect(r.other.map((f) => f.check)).toEqual(['CSP_GLOBAL_CHECK']);
  });

  it('accepts only the explained findings on the line they were explained for, and reports explanations that outlived their finding', () => {
    const ours = 'const win = new BrowserWindow(mainWindowOptions(opts.preload, opts.platform));';
    const findings = readFindings(
      header + row('CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'main.js', ours) + row('CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'main.js', 'new BrowserWindow({ webPreferences: {} })'),
    );
    const r = judge(findings, allowlist);
    expect(r.allowed.map((f) => f.sample)).toEqual([ours]);
    expect(r.failing.map((f) => f.sample)).toEqual(['new BrowserWindow({ webPreferences: {} })']);
    expect(r.stale.map((a) => a.check).sort()).toEqual(['AUXCLICK_JS_CHECK', 'SANDBOX_JS_CHECK']);
  });

  it('explains every allowed finding and names the test that shows it', () => {
    expect(allowlist.length).toBeGreaterThan(0);
    for (const a of allowlist) {
      expect(a.why.length, a.check).toBeGreaterThan(40);
      expect(a.shownBy, a.check).toMatch(/\.test\.ts/);
    }
  });
});
