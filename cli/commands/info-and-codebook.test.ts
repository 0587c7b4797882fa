import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../db/project.ts';
import { main } from '../main.ts';

const concord = fileURLToPath(new URL('../concord.js', import.meta.url));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('concord info', () => {
  it('prints the counts and codebook of the demo project as one JSON object', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-info-')), 'demo.db');
    const s = await openProject(file, { seedDemo: true });
    const expected = {
      entries: (s.db.prepare('SELECT COUNT(*) n FROM entry').get() as { n: number }).n,
      failing: (s.db.prepare('SELECT COUNT(*) n FROM entry WHERE passed = 0').get() as { n: number }).n,
      labels: (s.db.prepare('SELECT COUNT(*) n FROM label').get() as { n: number }).n,
    };
    s.close();
    const r = await run('info', '--db', file, '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.codebook).toEqual({ id: 'deep-bench', version: '1.0.0', name: 'Deep-Bench' });
    expect(info.counts).toEqual({ entries: expected.entries, failingEntries: expected.failing, annotators: 4, labels: expected.labels, decisions: 0 });
    expect(expected.entries).toBeGreaterThanOrEqual(30);
    const text = await run('info', '--db', file);
    expect(text.stdout).toMatch(new RegExp(`entries\\s+${expected.entries} \\(${expected.failing} failing\\)`));
  });

  it('refuses a missing file (exit 2) and a missing --db (exit 1)', async () => {
    expect((await run('info', '--db', '/nonexistent/x.db')).code).toBe(2);
    const usage = await run('info');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('missing --db');
  });

  it('npx concord --help works from the bin without a build step', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [concord, '--help']);
    for (const name of ['import', 'info', 'alpha', 'export', 'pack', 'serve', 'bench']) expect(stdout).toContain(`  ${name}`);
  });
});

describe('choosing a codebook for a new project', () => {
  it('imports into a new project under the Tambon codebook, and refuses to switch an existing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-codebook-'));
    const file = join(dir, 'general.db');
    const entries = join(dir, 'entries.jsonl');
    writeFileSync(entries, '{"id":"g1","prompt":"add two numbers","output":"def add(a, b): return a - b","passed":false}\n');
    expect((await run('import', entries, '--db', file, '--codebook', 'tambon-general')).code).toBe(0);
    const info = JSON.parse((await run('info', '--db', file, '--json')).stdout);
    expect(info.codebook.id).toBe('tambon-general');
    const clash = await run('import', entries, '--db', file, '--codebook', 'deep-bench');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('already uses the codebook "tambon-general"');
    const unknown = await run('import', entries, '--db', join(dir, 'x.db'), '--codebook', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown codebook "nope"');
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });

  it('reads a codebook from a JSON file, naming the file and field of a mistake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-codebook-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ id: 'x', version: '1', name: 'x', description: '', dimensions: [{ id: 'Bad Id', label: 'x', kind: 'single', definition: 'x', values: [] }] }));
    const r = await run('import', join(dir, 'none.jsonl'), '--db', join(dir, 'y.db'), '--codebook', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain('dimensions.0.id');
  });
});
