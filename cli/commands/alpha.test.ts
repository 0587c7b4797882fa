import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, now } from '../../db/database.ts';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import { mulberry32 } from '../../shared/agreement/prng.ts';
import { runCommand } from '../testing.ts';
import alpha from './alpha.ts';

const run = (...argv: string[]) => runCommand(alpha, argv);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-cli-alpha-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Wikipedia's example: alpha (nominal) = 0.691358..., (interval) = 0.810844...
const wikipedia = [
  'rater,u1,u2,u3,u4,u5,u6,u7,u8,u9,u10,u11,u12,u13,u14,u15',
  'A,,,,,,3,4,1,2,1,1,3,3,,3',
  'B,1,,2,1,3,3,4,3,,,,,,,',
  'C,,,2,1,3,4,4,,2,1,1,3,3,,4',
].join('\n');

describe('concord alpha --matrix', () => {
  it('prints one JSON object with alpha, level, units, values and raters', async () => {
    const file = join(dir, 'w.csv');
    writeFileSync(file, wikipedia);
    const r = await run('--matrix', file, '--level', 'nominal', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.alpha).toBeCloseTo(0.691358024691358, 12);
    expect(out).toMatchObject({ level: 'nominal', units: 12, values: 26, raters: 3, crossCheck: { agree: true } });
    expect(out.interval.resamples).toBe(1000);
    const interval = JSON.parse((await run('--matrix', file, '--level', 'interval', '--json', '--bootstrap', '0')).stdout);
    expect(interval.alpha).toBeCloseTo(0.8108448928121059, 12);
    expect(interval.interval).toBeNull();
  });

  it('prints the same interval for the same seed', async () => {
    const file = join(dir, 'w.csv');
    writeFileSync(file, wikipedia);
    const a = await run('--matrix', file, '--level', 'ordinal', '--json', '--seed', '77');
    const b = await run('--matrix', file, '--level', 'ordinal', '--json', '--seed', '77');
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).interval.seed).toBe(77);
  });

  it('says null, with the reason, when alpha is undefined', async () => {
    const file = join(dir, 'same.csv');
    writeFileSync(file, 'rater,a,b\nx,1,1\ny,1,1\n');
    const out = JSON.parse((await run('--matrix', file, '--level', 'nominal', '--json')).stdout);
    expect(out.alpha).toBeNull();
    expect(out.undefinedReason).toMatch(/expected disagreement is 0/);
    expect(out.crossCheck.agree).toBe(true);
  });

  it('reads sets for masi and jaccard', async () => {
    const file = join(dir, 's.csv');
    writeFileSync(file, 'rater,a,b,c\nx,p|q,r,p\ny,p,r,q\n');
    const r = await run('--matrix', file, '--level', 'masi');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^masi alpha/);
  });

  it('exits 2 on a malformed file, naming file, line and field', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'rater,u1,u2\nA,1,2\nB,1,x\n');
    const r = await run('--matrix', file, '--level', 'ratio', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('line 3');
    expect(r.stderr).toContain('u2');
    expect((await run('--matrix', join(dir, 'missing.csv'), '--level', 'nominal')).code).toBe(2);
  });

  it('exits 1 on usage errors', async () => {
    const file = join(dir, 'w.csv');
    writeFileSync(file, wikipedia);
    expect((await run('--matrix', file)).code).toBe(1);
    expect((await run('--matrix', file, '--level', 'fuzzy')).code).toBe(1);
    expect((await run('--matrix', file, '--level', 'nominal', '--wat')).code).toBe(1);
    expect((await run('--matrix', file, '--level', 'nominal', '--drafts')).code).toBe(1);
    expect((await run('--matrix', file, '--level', 'nominal', '--bootstrap', '-3')).code).toBe(1);
    expect((await run()).code).toBe(1);
  });
});

function makeProject(file: string) {
  const db = openDatabase(file);
  const t = now();
  const rand = mulberry32(4);
  db.prepare('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run('p', JSON.stringify(deepBenchCodebook), t);
  const people = ['ann', 'bob', 'cat'].map((n) => Number(db.prepare("INSERT INTO annotator (name, role, created_at) VALUES (?, 'annotator', ?)").run(n, t).lastInsertRowid));
  const stages = deepBenchCodebook.dimensions[0].values.map((v) => v.id);
  for (let e = 0; e < 40; e++) {
    const id = Number(db.prepare('INSERT INTO entry (ext_id, passed, created_at, updated_at) VALUES (?, ?, ?, ?)').run(`e${e}`, e % 3 === 0 ? 1 : 0, t, t).lastInsertRowid);
    const truth = stages[Math.floor(rand() * stages.length)];
    for (const p of people) {
      const v = rand() < 0.8 ? truth : stages[Math.floor(rand() * stages.length)];
      db.prepare('INSERT INTO label VALUES (?, ?, ?, ?, ?, ?)').run(id, p, 'stage', JSON.stringify(v), '1.0.0', t);
      if (e % 3 !== 0) db.prepare('INSERT INTO label VALUES (?, ?, ?, ?, ?, ?)').run(id, p, 'bug', JSON.stringify([rand() < 0.7 ? 'misinterpretation' : 'syntax-error']), '1.0.0', t);
      db.prepare("INSERT INTO submission VALUES (?, ?, 'submitted', ?)").run(id, p, t);
    }
  }
  db.close();
}

describe('concord alpha --db', () => {
  it('prints the pooled figure at top level with per-dimension details', async () => {
    const file = join(dir, 'p.db');
    makeProject(file);
    const r = await run('--db', file, '--json', '--bootstrap', '200', '--seed', '3');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(typeof out.alpha).toBe('number');
    expect(out).toMatchObject({ level: 'masi', figure: 'pooled', raters: 3, annotators: ['ann', 'bob', 'cat'] });
    expect(out.units).toBe(40 + 26);
    expect(out.alpha).toBe(out.pooled.figure.alpha);
    expect(out.dimensions.map((d: { id: string }) => d.id)).toEqual(deepBenchCodebook.dimensions.map((d) => d.id));
    expect(out.crossCheck.agree).toBe(true);
    expect((await run('--db', file, '--json', '--bootstrap', '200', '--seed', '3')).stdout).toBe(r.stdout);
  });

  it('puts one dimension at top level with --dimension', async () => {
    const file = join(dir, 'p.db');
    makeProject(file);
    const out = JSON.parse((await run('--db', file, '--json', '--dimension', 'stage', '--bootstrap', '0')).stdout);
    expect(out).toMatchObject({ level: 'nominal', figure: 'stage nominal', units: 40, values: 120, pooled: null });
    expect(out.alpha).toBe(out.dimensions[0].measures[0].figure.alpha);
    const human = await run('--db', file, '--dimension', 'bug', '--bootstrap', '50');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/masi-type \*/);
  });

  it('exits 2 on a missing file or unknown names, 1 on flags that do not fit', async () => {
    const file = join(dir, 'p.db');
    makeProject(file);
    expect((await run('--db', join(dir, 'none.db'))).code).toBe(2);
    expect((await run('--db', file, '--dimension', 'mood')).code).toBe(2);
    expect((await run('--db', file, '--annotators', 'ann,zed')).code).toBe(2);
    expect((await run('--db', file, '--level', 'nominal')).code).toBe(1);
    expect((await run('--db', file, '--annotators', 'ann')).code).toBe(1);
    expect((await run('--db', file, '--seed', 'abc')).code).toBe(1);
  });
});
