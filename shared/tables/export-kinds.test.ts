import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkExport, exportFormats, exportKinds, formatsOf } from './export-kinds.ts';

/** The README's table of export kinds and formats, as written: kind -> formats with a tick. */
function readmeTable(): Map<string, string[]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => /^\| Export \|/.test(l));
  if (start < 0) throw new Error('README.md has no "| Export | ..." table');
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  const header = cells(lines[start]).slice(1);
  const out = new Map<string, string[]>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [kind, ...ticks] = cells(line);
    out.set(kind.replace(/`/g, ''), header.filter((_, i) => ticks[i] === '✓'));
  }
  expect(header).toEqual([...exportFormats]);
  return out;
}

describe('the kinds and formats on offer', () => {
  it('are what the README table says, kind by kind and format by format', () => {
    const table = readmeTable();
    expect([...table.keys()]).toEqual([...exportKinds]);
    for (const k of exportKinds) expect({ kind: k, formats: table.get(k) }).toEqual({ kind: k, formats: [...formatsOf[k]] });
  });

  it('give dlbench its one format, txt, whether named or left out', () => {
    expect(checkExport('dlbench', undefined)).toEqual({ kind: 'dlbench', format: 'txt' });
    expect(checkExport('dlbench', 'txt')).toEqual({ kind: 'dlbench', format: 'txt' });
  });

  it('offer the paper tables (distributions, agreement, pass@1) in every table format', () => {
    for (const k of ['bug-distribution', 'category-distribution', 'agreement', 'pass-at-1'] as const)
      for (const f of ['csv', 'md', 'tex', 'json', 'xlsx'] as const) expect(formatsOf[k]).toContain(f);
  });
});
