import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openProject } from './project.ts';
import type { Service } from './service.ts';
import { contentHash } from './service.ts';
import { appCall } from '../test/helpers/service.ts';
import { FILE_OWNER } from '../shared/door.ts';
import { openStore } from './data/index.ts';
import { agreementReport } from './agreement.ts';

function addEntry(s: Service, id: string, passed: boolean | null, repo = 'repo') {
  const t = new Date().toISOString();
  openStore(s.db).entries.insert(
    id,
    {
      fields: { prompt: `prompt ${id}`, ground_truth: 'gt', output: 'out', test_log: 'log' },
      passed: passed === null ? null : passed ? 1 : 0,
      failingTests: '[]',
      metadata: JSON.stringify({ repo, function: `fn_${id}` }),
      hash: contentHash('p', 'g', 'o'),
    },
    t,
  );
}

let s: Service;
beforeEach(async () => {
  s = await openProject(join(mkdtempSync(join(tmpdir(), 'concord-svc-')), 'p.db'));
  addEntry(s, 'e1', false, 'torchgeom');
  addEntry(s, 'e2', true, 'recsys');
  addEntry(s, 'e3', false, 'recsys');
  appCall(s, 'project.addAnnotator', { name: 'ana' });
  appCall(s, 'project.addAnnotator', { name: 'ben' });
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
});

describe('labels', () => {
  it('stores a label with one event, and the entry shows it to its author', () => {
    const r = appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    expect(r.labels).toEqual({ stage: 'training' });
    expect(r.status).toBe('draft');
    const events = s.db.prepare("SELECT actor, kind, entry_ext_id, dimension, before, after FROM event WHERE kind = 'label.set'").all();
    expect(events).toEqual([{ actor: 'ana', kind: 'label.set', entry_ext_id: 'e1', dimension: 'stage', before: 'null', after: '"training"' }]);
    expect(appCall(s, 'project.info', {}).counts).toMatchObject({ entries: 3, failingEntries: 2, annotators: 3, labels: 1 });
  });

  it("answers a label, note or status write with the writer's part of the entry after the commit, not the entry and its texts again", () => {
    const set = appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const noted = appCall(s, 'labels.setNote', { annotator: 'ana', entryId: 'e1', text: 'why' });
    const submitted = appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e1', status: 'submitted' });
    const { entry, ...own } = appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' });
    expect(entry.prompt).toBe('prompt e1');
    expect(submitted).toEqual({ entryId: 'e1', ...own });
    expect(own).toMatchObject({ labels: { stage: 'training' }, note: 'why', status: 'submitted' });
    expect(set).toMatchObject({ entryId: 'e1', labels: { stage: 'training' }, note: '', status: 'draft' });
    expect(noted).toMatchObject({ entryId: 'e1', note: 'why', status: 'draft' });
    for (const answer of [set, noted, submitted]) expect(JSON.stringify(answer)).not.toContain('prompt e1');
  });

  it('is blind: another annotator never receives the label', () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.setNote', { annotator: 'ana', entryId: 'e1', text: 'secret' });
    const ben = appCall(s, 'entries.get', { annotator: 'ben', id: 'e1' });
    expect(ben.labels).toEqual({});
    expect(ben.note).toBe('');
    expect(ben.status).toBe('todo');
    expect(appCall(s, 'entries.list', { annotator: 'ben' }).every((e) => Object.keys(e.labels).length === 0)).toBe(true);
    expect(JSON.stringify(appCall(s, 'entries.list', { annotator: 'ben' }))).not.toContain('training');
  });

  it('keeps tree labels canonical and refuses the bug tree on a passing output', () => {
    const r = appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'bug', value: ['silly-mistake::not-dl-related', 'misinterpretation'] });
    expect(r.labels.bug).toEqual(['misinterpretation', 'silly-mistake::not-dl-related']);
    expect(() => appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'bug', value: ['misinterpretation'] })).toThrow(/failing outputs/);
    expect(() => appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'Training' })).toThrow(/unknown value/);
    expect(() => appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'colour', value: 'x' })).toThrow(/unknown dimension/);
    expect(() => appCall(s, 'labels.set', { annotator: 'zed', entryId: 'e1', dimension: 'stage', value: 'training' })).toThrow(/unknown annotator/);
  });

  it('undoes the last label change of that annotator only, step by step', () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'inference' });
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'evaluation-metrics' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'task', value: 'regression' });
    expect(appCall(s, 'labels.undo', { annotator: 'ana' })).toEqual({ entryId: 'e3', dimension: 'task', value: null });
    expect(appCall(s, 'labels.undo', { annotator: 'ana' })).toEqual({ entryId: 'e1', dimension: 'stage', value: 'training' });
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }).labels.stage).toBe('training');
    expect(appCall(s, 'entries.get', { annotator: 'ben', id: 'e1' }).labels.stage).toBe('evaluation-metrics');
    expect(appCall(s, 'labels.undo', { annotator: 'ana' })).toEqual({ entryId: 'e1', dimension: 'stage', value: null });
    expect(appCall(s, 'labels.undo', { annotator: 'ana' })).toBeNull();
  });

  it('submits, and filters the queue by status, pass/fail, label and search', () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'bug', value: ['wrong-input-type::tensor-shape-mismatch'] });
    appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e1', status: 'submitted' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'stage', value: 'training' });
    const ids = (filter: object) => appCall(s, 'entries.list', { annotator: 'ana', filter }).map((e) => e.id);
    expect(ids({ status: 'submitted' })).toEqual(['e1']);
    expect(ids({ status: 'draft' })).toEqual(['e3']);
    expect(ids({ status: 'todo' })).toEqual(['e2']);
    expect(ids({ passed: true })).toEqual(['e2']);
    expect(ids({ label: { dimension: 'bug', value: 'wrong-input-type' } })).toEqual(['e1']);
    expect(ids({ label: { dimension: 'stage', value: 'training' } })).toEqual(['e3']);
    expect(ids({ search: 'RECSYS' })).toEqual(['e2', 'e3']);
    expect(ids({ search: 'fn_e1' })).toEqual(['e1']);
  });

  it('reference annotators (imported published labels) cannot label in the app', () => {
    s.db.prepare("INSERT INTO annotator (name, role, created_at) VALUES ('deepbench-published', 'reference', 't')").run();
    expect(() => appCall(s, 'labels.set', { annotator: 'deepbench-published', entryId: 'e1', dimension: 'stage', value: 'training' })).toThrow(/reference/);
  });
});

describe('team work through the service', () => {
  it('shows an annotator only the entries assigned to them, once there are assignments', () => {
    expect(appCall(s, 'entries.list', { annotator: 'ana' }).map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    appCall(s, 'assignments.set', { as: 'lead', entryIds: ['e1', 'e3'], annotators: ['ana'] });
    expect(appCall(s, 'entries.list', { annotator: 'ana' }).map((e) => e.id)).toEqual(['e1', 'e3']);
    expect(appCall(s, 'entries.list', { annotator: 'ben' }).map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('restores a backup while the service stays open, and keeps answering', async () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const backup = appCall(s, 'backups.create', { as: 'lead' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'inference' });
    const r = await appCall(s, 'backups.restore', { as: 'lead', name: backup.name });
    expect(r.restored.name).toBe(backup.name);
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }).labels.stage).toBe('training');
    expect(appCall(s, 'backups.list', { as: 'lead' }).map((b) => b.name)).toContain(r.safety!.name);
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'task', value: 'general' });
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('starter files through the service', () => {
  it('hands over a starter database for one annotator as bytes, with only their entries and labels', async () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'inference' });
    appCall(s, 'assignments.set', { as: 'lead', entryIds: ['e1', 'e3'], annotators: ['ana'] });
    appCall(s, 'assignments.set', { as: 'lead', entryIds: ['e2'], annotators: ['ben'] });
    const starter = appCall(s, 'packs.starter', { as: 'lead', annotator: 'ana' });
    expect(starter).toMatchObject({ fileName: 'ana.concord.db', entries: 2, labels: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'concord-starter-')), starter.fileName);
    writeFileSync(file, Buffer.from(starter.base64, 'base64'));
    const ana = await openProject(file);
    expect(appCall(ana, 'project.annotators', {}).map((a) => a.name)).toEqual(['ana']);
    expect(appCall(ana, 'entries.list', { annotator: 'ana' }).map((e) => [e.id, e.labels])).toEqual([
      ['e1', { stage: 'training' }],
      ['e3', {}],
    ]);
    ana.close();
    expect(() => appCall(s, 'packs.starter', { as: 'lead', annotator: 'nobody' })).toThrow(/unknown annotator/);
  });
});

describe('blind by default, in the service', () => {
  it("answers the lead's methods only for an adjudicator", async () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e1', status: 'submitted' });
    const refused = [
      () => appCall(s, 'adjudication.entry', { as: 'ben', entryId: 'e1' }),
      () => appCall(s, 'adjudication.queue', { as: 'ben' }),
      () => appCall(s, 'events.list', { as: 'ben' }),
      () => appCall(s, 'exports.render', { as: 'ben', kind: 'labels', format: 'csv', perAnnotator: true }),
      () => appCall(s, 'agreement.report', { as: 'ben' }),
      () => appCall(s, 'packs.export', { as: 'ben', annotator: 'ana' }),
      () => appCall(s, 'packs.starter', { as: 'ben', annotator: 'ana' }),
      () => appCall(s, 'backups.list', { as: 'ben' }),
      () => appCall(s, 'assignments.auto', { as: 'ben' }),
      () => appCall(s, 'adjudication.entry', { as: 'nobody', entryId: 'e1' }),
    ];
    for (const call of refused) expect(call).toThrow(/for the lead of the study/);
    // The lead sees everyone's values; an annotator still exports their own pack.
    const grid = appCall(s, 'adjudication.entry', { as: 'lead', entryId: 'e1' });
    expect(JSON.stringify(grid)).toContain('training');
    expect(appCall(s, 'packs.export', { as: 'ana', annotator: 'ana' }).text).toContain('training');
    expect(appCall(s, 'packs.export', { as: 'ben', annotator: 'ben' }).text).not.toContain('training');
  });
});

describe('the first queue page with its first entry (entries.page withFirst)', () => {
  it('carries the page’s first entry exactly as entries.get gives it, for that annotator alone', () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.setNote', { annotator: 'ana', entryId: 'e1', text: 'ana’s note' });
    const page = appCall(s, 'entries.page', { annotator: 'ben', limit: 2, withFirst: true });
    expect(page.rows.map((r) => r.id)).toEqual(['e1', 'e2']);
    expect(page.first).toEqual(appCall(s, 'entries.get', { annotator: 'ben', id: 'e1' }));
    expect(JSON.stringify(page.first)).not.toContain('training');
    expect(appCall(s, 'entries.page', { annotator: 'ana', withFirst: true }).first).toEqual(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }));
  });

  it('follows the filter and the offset, is null on an empty page, and is left out unless asked for', () => {
    const passing = appCall(s, 'entries.page', { annotator: 'ana', filter: { passed: true }, withFirst: true });
    expect(passing.first?.entry.id).toBe('e2');
    expect(appCall(s, 'entries.page', { annotator: 'ana', offset: 2, limit: 1, withFirst: true }).first?.entry.id).toBe('e3');
    expect(appCall(s, 'entries.page', { annotator: 'ana', filter: { search: 'nothing-matches' }, withFirst: true }).first).toBeNull();
    expect(appCall(s, 'entries.page', { annotator: 'ana' })).not.toHaveProperty('first');
  });
});

describe('the entries behind a cell of the Agreement view', () => {
  it('are, for a pooled figure, those the whole report lists behind that cell (computed from the pooled figure alone)', async () => {
    const s = await openProject(join(mkdtempSync(join(tmpdir(), 'concord-cell-')), 'p.db'), { seedDemo: true, workers: false });
    appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
    const whole = agreementReport(s.db, { bootstrap: 0 });
    let cells = 0;
    for (const [measure, table] of [['masi', whole.pooled?.coincidence], ['nominal', whole.pooledNominal?.coincidence]] as const) {
      expect(table?.cellUnits).toBeDefined();
      for (const [key, units] of Object.entries(table!.cellUnits!)) {
        const [row, col] = key.split(',').map(Number);
        expect(appCall(s, 'agreement.cell', { as: 'lead', figure: { scope: 'pooled', measure }, row, col }), `${measure} ${key}`).toEqual(units);
        cells++;
      }
    }
    expect(cells).toBeGreaterThan(4);
    s.close();
  });
});

describe('the search index of imported entries', () => {
  /** A JSON-lines file of `n` entries, ids `${prefix}k`; entry k's prompt holds the word `wordk`. */
  function entriesFile(n: number, prefix = 'imp'): string {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-idx-')), 'entries.jsonl');
    const line = (k: number) => JSON.stringify({ id: `${prefix}${k}`, prompt: `Write the loader, word${k}`, ground_truth: `def f${k}(): pass`, output: 'def f(): return 1', passed: false });
    writeFileSync(file, Array.from({ length: n }, (_, k) => line(k)).join('\n') + '\n');
    return file;
  }
  const importFile = (svc: Service, path: string) => svc.call('imports.run', { path, format: 'jsonl' }, FILE_OWNER);
  const listed = (svc: Service) => svc.db.prepare('SELECT COUNT(*) FROM entry_text_pending').pluck().get() as number;
  const found = (svc: Service, search: string) => appCall(svc, 'entries.page', { annotator: 'ana', filter: { search }, limit: 10 }).rows.map((e) => e.id);
  const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
  /** Each count of listed entries seen, turn by turn, until none is left; a request is answered at every turn. */
  async function untilIndexed(svc: Service): Promise<number[]> {
    const seen = [listed(svc)];
    while (seen.at(-1)! > 0) {
      await turn();
      expect(appCall(svc, 'entries.page', { annotator: 'ana', limit: 5 }).rows).toHaveLength(5);
      if (listed(svc) !== seen.at(-1)) seen.push(listed(svc));
    }
    return seen;
  }

  it('is built after the import, a slice at a time between requests', async () => {
    await importFile(s, entriesFile(1234));
    // The import's transaction listed the entries for the index and built none of it.
    expect(listed(s)).toBe(1234);
    expect(await untilIndexed(s)).toEqual([1234, 984, 734, 484, 234, 0]);
    expect(s.db.prepare('SELECT COUNT(*) FROM entry_text').pluck().get()).toBe(1237);
    expect(found(s, 'word1200')).toEqual(['imp1200']);
  });

  it('left listed by a command-line import, is built by the app once it opens the project, and found by a search before that', async () => {
    const file = s.db.name;
    await importFile(s, entriesFile(800));
    s.close();
    // The app's hosts index them on their own once the first screen is up.
    const app = await openProject(file, { readAhead: 20 });
    expect(await untilIndexed(app)).toEqual([800, 550, 300, 50, 0]);
    expect(found(app, 'word777')).toEqual(['imp777']);
    await importFile(app, entriesFile(300, 'new'));
    app.close();
    // A command (no read-ahead) leaves them listed, yet its search finds them: it indexes them first.
    const cli = await openProject(file);
    await turn();
    expect(listed(cli)).toBe(300);
    expect(found(cli, 'word299')).toEqual(['imp299', 'new299']);
    expect(listed(cli)).toBe(0);
    cli.close();
    s = await openProject(file);
  });
});
