import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, now } from '../../db/database.ts';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import { alphaOfMatrix } from '../../shared/agreement/alpha.ts';
import { mulberry32 } from '../../shared/agreement/prng.ts';
import { runCommand } from '../../test/helpers/cli.ts';
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
      db.prepare('INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, p, 'stage', JSON.stringify(v), '1.0.0', t);
      if (e % 3 !== 0) db.prepare('INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, p, 'bug', JSON.stringify([rand() < 0.7 ? 'misinterpretation' : 'syntax-error']), '1.0.0', t);
      db.prepare("INSERT INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, 'submitted', ?)").run(id, p, t);
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

/** Four failing entries; ann and bob are assigned all of them, cat e1 and e2; eve, never assigned, labels e1. */
function makeAssignedProject(file: string) {
  const db = openDatabase(file);
  const t = now();
  db.prepare('INSERT INTO project (id, name, codebook_json, created_at) VALUES (1, ?, ?, ?)').run('p', JSON.stringify(deepBenchCodebook), t);
  const person = (n: string) => Number(db.prepare("INSERT INTO annotator (name, role, created_at) VALUES (?, 'annotator', ?)").run(n, t).lastInsertRowid);
  const [ann, bob, cat, eve] = ['ann', 'bob', 'cat', 'eve'].map(person);
  const stages: Record<string, [number, string][]> = {
    e1: [[ann, 'training'], [bob, 'training'], [cat, 'inference'], [eve, 'inference']],
    e2: [[ann, 'inference'], [bob, 'inference'], [cat, 'inference']],
    e3: [[ann, 'training'], [bob, 'model-construction'], [cat, 'training']],
    e4: [[ann, 'evaluation-metrics'], [bob, 'evaluation-metrics']],
  };
  for (const [ext, labels] of Object.entries(stages)) {
    const id = Number(db.prepare('INSERT INTO entry (ext_id, passed, created_at, updated_at) VALUES (?, 0, ?, ?)').run(ext, t, t).lastInsertRowid);
    for (const who of [ann, bob]) db.prepare('INSERT INTO assignment VALUES (?, ?)').run(id, who);
    if (ext === 'e1' || ext === 'e2') db.prepare('INSERT INTO assignment VALUES (?, ?)').run(id, cat);
    for (const [who, v] of labels) {
      db.prepare('INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, who, 'stage', JSON.stringify(v), '1.0.0', t);
      db.prepare("INSERT INTO submission (entry_id, annotator_id, status, updated_at) VALUES (?, ?, 'submitted', ?)").run(id, who, t);
    }
  }
  db.close();
}

describe('concord alpha --db, as text', () => {
  it('prints aligned tables: the figure, then each pair, with the assignment rule said once', async () => {
    const file = join(dir, 'a.db');
    makeAssignedProject(file);
    const r = await run('--db', file, '--dimension', 'stage', '--bootstrap', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Agreement of ann, bob, cat on 10 submitted labels',
        'Codebook deep-bench 1.0.0; bootstrap: 0 resamples, seed 1',
        'A measure marked * stands for its dimension.',
        'Each annotator counts on the entries assigned to them.',
        '',
        'Stage (stage, single, 4 entries)',
        '  measure    alpha  95% CI  P(α<.800)  P(α<.667)  units  values  raters',
        '  nominal *  0.486  —               —          —      4      10       3',
        '',
        '  pair       alpha  agreement  units',
        '  ann / bob  0.696      75.0%      4',
        '  ann / cat  0.000      50.0%      2',
        '  bob / cat  0.000      50.0%      2',
        '',
        'Cross-check: 1 nominal figures recomputed with krippendorff@0.1.0: all agree (tolerance 1e-9).',
        '',
      ].join('\n'),
    );
    // The figures are those of the assigned labels alone: cat's e3 and eve's e1 are not in them.
    const matrix = [
      ['training', 'inference', 'training', 'evaluation-metrics'],
      ['training', 'inference', 'model-construction', 'evaluation-metrics'],
      ['inference', 'inference', null, null],
    ];
    expect(alphaOfMatrix(matrix, 'nominal').alpha!.toFixed(3)).toBe('0.486');
    expect(alphaOfMatrix(matrix.slice(0, 2), 'nominal').alpha!.toFixed(3)).toBe('0.696');
    // Who was left out goes to stderr, with the flag that counts them.
    expect(r.stderr).toBe(
      [
        'concord: 2 annotators labelled entries not assigned to them; those labels are left out:',
        '  annotator  labels  entries',
        '  cat             1        1',
        '  eve             1        1',
        'Count them with --include-unassigned cat,eve',
        '',
      ].join('\n'),
    );
  });

  it('counts the left-out annotators with --include-unassigned, in text and JSON alike', async () => {
    const file = join(dir, 'a.db');
    makeAssignedProject(file);
    const r = await run('--db', file, '--dimension', 'stage', '--bootstrap', '0', '--include-unassigned', 'cat,eve');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Agreement of ann, bob, cat, eve on 12 submitted labels');
    expect(r.stdout).toContain('Each annotator counts on the entries assigned to them; cat, eve also where not assigned.');
    const json = JSON.parse((await run('--db', file, '--dimension', 'stage', '--bootstrap', '0', '--include-unassigned', 'cat,eve', '--json')).stdout);
    expect(json.annotators).toEqual(['ann', 'bob', 'cat', 'eve']);
    expect(json.selection.unassigned).toEqual([
      { annotator: 'cat', labels: 1, entries: 1, included: true },
      { annotator: 'eve', labels: 1, entries: 1, included: true },
    ]);
    // JSON on stdout stays one object; the note goes to stderr.
    const left = await run('--db', file, '--bootstrap', '0', '--json');
    expect(JSON.parse(left.stdout).selection.unassigned.map((u: { included: boolean }) => u.included)).toEqual([false, false]);
    expect(left.stderr).toContain('--include-unassigned cat,eve');
    expect((await run('--db', file, '--include-unassigned', 'zed')).code).toBe(2);
    expect((await run('--db', file, '--include-unassigned', ',')).code).toBe(1);
  });

  it('names every value whole, once, and says why an alpha is undefined once per table', async () => {
    const file = join(dir, 'p.db');
    makeProject(file);
    const r = await run('--db', file, '--dimension', 'bug', '--bootstrap', '0');
    const lines = r.stdout.split('\n');
    const head = lines.findIndex((l) => /^ {2}kind +value +alpha/.test(l));
    expect(head).toBeGreaterThan(0);
    // The value column's cells, continuation lines (blank kind) joined back to their row.
    const at = lines[head].indexOf('value');
    const names: string[] = [];
    for (const l of lines.slice(head + 1)) {
      if (!l.startsWith('  ') || l.startsWith('  [')) break;
      const cell = l.slice(at, at + 46).trim();
      if (l.slice(2, at).trim() === '') names[names.length - 1] += ` ${cell}`;
      else names.push(cell);
    }
    const bug = deepBenchCodebook.dimensions.find((d) => d.id === 'bug')!;
    const all = bug.values.flatMap((t) => [t.label, ...(t.children ?? []).map((c) => `${t.label} › ${c.label}`)]);
    expect(names.length).toBeGreaterThan(20);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(all, name).toContain(name);
    const reasons = r.stdout.match(/the expected disagreement is 0/g) ?? [];
    expect(reasons.length).toBeLessThanOrEqual(1);
  });
});

