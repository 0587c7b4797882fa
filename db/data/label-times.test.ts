import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appCall } from '../../test/helpers/service.ts';
import { mulberry32 } from '../../shared/agreement/prng.ts';
import { openStore } from './index.ts';
import { openProject } from '../project.ts';
import type { Service } from '../service.ts';
import { currentForAgreement, GONE } from './agreement-rows.ts';
import { currentWithLabelTimes } from './label-times.ts';

/**
 * Drift reads every label's time as a number (db/data/label-times.ts). Each live row must get
 * `Date.parse` of its own stored text, whatever the text (the app's own times, an offset, a date
 * alone, text that is no time, the 30th of February), on rows read whole and on rows brought up
 * to date after a write.
 */
let dir: string;
let s: Service;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-label-times-'));
  s = await openProject(join(dir, 'p.db'), { workers: false });
  const t = new Date().toISOString();
  for (let i = 1; i <= 30; i++)
    openStore(s.db).entries.insert(`e${i}`, { fields: { prompt: `p${i}` }, passed: 0, failingTests: '[]', metadata: '{}', hash: '' }, t);
  for (const name of ['ana', 'ben', 'cai']) appCall(s, 'project.addAnnotator', { name });
  const stages = ['training', 'inference', 'model-construction', 'evaluation-metrics'];
  for (const [k, name] of ['ana', 'ben', 'cai'].entries())
    for (let i = 1; i <= 30; i++) {
      appCall(s, 'labels.set', { annotator: name, entryId: `e${i}`, dimension: 'stage', value: stages[(i + k) % 4] });
      appCall(s, 'labels.set', { annotator: name, entryId: `e${i}`, dimension: 'input', value: 'text' });
    }
});
afterEach(() => {
  s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Texts of every kind a label's time may hold. */
const kinds = [
  (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 61_001).toISOString(),
  (n: number) => new Date(Date.UTC(1969, 11, 31, 23, 59) - n * 1001).toISOString(),
  () => '2026-02-30T10:00:00.000Z',
  () => '2026-01-20T24:00:00.000Z',
  () => '2026-01-20T24:30:00.000Z',
  () => '2025-02-03 10:00:00+02:00',
  () => '2025-02-03T10:00:00+02:00',
  () => '2025-02-03',
  () => '2025-02-03T10:00:00Z',
  () => 'not a time',
  () => '',
];

function scatterTimes(seed: number): void {
  const rand = mulberry32(seed);
  const rows = s.db.prepare('SELECT rowid AS id FROM label').all() as { id: number }[];
  const set = s.db.prepare('UPDATE label SET updated_at = ? WHERE rowid = ?');
  s.db.transaction(() => {
    for (const { id } of rows) set.run(rand() < 0.6 ? kinds[0](id) : kinds[Math.floor(rand() * kinds.length)](id), id);
  })();
}

/** Each live row's time as read, against `Date.parse` of the text the table holds for its key. */
function check(): number {
  const { rows, timeOf } = currentWithLabelTimes(s.db);
  const table = new Map(
    (s.db.prepare('SELECT entry_id AS e, annotator_id AS a, dimension AS d, updated_at AS t FROM label').all() as { e: number; a: number; d: string; t: string }[]).map((r) => [
      `${r.e}/${r.a}/${r.d}`,
      Date.parse(r.t),
    ]),
  );
  const got = new Map<string, number>();
  for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE) got.set(`${rows.entry[i]}/${rows.annotator[i]}/${rows.dimensions[rows.dimension[i]]}`, timeOf[i]);
  expect(got).toEqual(table);
  return got.size;
}

describe('each label’s time as a number, for drift', () => {
  it('gives every row Date.parse of its own text', () => {
    scatterTimes(3);
    expect(check()).toBe(180);
    const numbers = s.db.prepare('SELECT count(*) FROM label WHERE updated_at LIKE \'____-__-__T__:__:__.___Z\'').pluck().get() as number;
    expect(numbers).toBeGreaterThan(100);
  });

  it('matches rows to their texts after a write left the kept rows out of the table’s order', () => {
    scatterTimes(5);
    currentForAgreement(s.db);
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e2', dimension: 'stage', value: 'inference' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e7', dimension: 'task', value: 'regression' });
    s.db.prepare("UPDATE label SET updated_at = '2026-03-01T00:00:00.000Z' WHERE entry_id = (SELECT id FROM entry WHERE ext_id = 'e2') AND annotator_id = (SELECT id FROM annotator WHERE name = 'ben')").run();
    expect(check()).toBe(181);
  });

  it('keeps the times with the columns, and reads those of an entry read again after a write', () => {
    scatterTimes(7);
    expect(check()).toBe(180);
    expect(currentForAgreement(s.db).rows.time).toBeDefined();
    appCall(s, 'labels.set', { annotator: 'cai', entryId: 'e4', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e9', dimension: 'task', value: 'regression' });
    s.db.prepare("UPDATE label SET updated_at = '2025-02-03T10:00:00+02:00' WHERE entry_id = (SELECT id FROM entry WHERE ext_id = 'e4')").run();
    expect(currentForAgreement(s.db).sync).toBe('incremental');
    expect(check()).toBe(181);
  });
});
