import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openProject } from './project.ts';
import type { Service } from './service.ts';
import { contentHash } from './service.ts';

function addEntry(s: Service, id: string, passed: boolean | null, repo = 'repo') {
  const t = new Date().toISOString();
  s.db
    .prepare(
      'INSERT INTO entry (ext_id, prompt, ground_truth, output, test_log, passed, metadata, content_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(id, `prompt ${id}`, 'gt', 'out', 'log', passed === null ? null : passed ? 1 : 0, JSON.stringify({ repo, function: `fn_${id}` }), contentHash('p', 'g', 'o'), t, t);
}

let s: Service;
beforeEach(async () => {
  s = await openProject(join(mkdtempSync(join(tmpdir(), 'concord-svc-')), 'p.db'));
  addEntry(s, 'e1', false, 'torchgeom');
  addEntry(s, 'e2', true, 'recsys');
  addEntry(s, 'e3', false, 'recsys');
  s['project.addAnnotator']({ name: 'ana' });
  s['project.addAnnotator']({ name: 'ben' });
  s['project.addAnnotator']({ name: 'lead', role: 'adjudicator' });
});

describe('labels', () => {
  it('stores a label with one event, and the entry shows it to its author', () => {
    const r = s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    expect(r.labels).toEqual({ stage: 'training' });
    expect(r.status).toBe('draft');
    const events = s.db.prepare("SELECT actor, kind, entry_ext_id, dimension, before, after FROM event WHERE kind = 'label.set'").all();
    expect(events).toEqual([{ actor: 'ana', kind: 'label.set', entry_ext_id: 'e1', dimension: 'stage', before: 'null', after: '"training"' }]);
    expect(s['project.info']({}).counts).toMatchObject({ entries: 3, failingEntries: 2, annotators: 3, labels: 1 });
  });

  it('is blind: another annotator never receives the label', () => {
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    s['labels.setNote']({ annotator: 'ana', entryId: 'e1', text: 'secret' });
    const ben = s['entries.get']({ annotator: 'ben', id: 'e1' });
    expect(ben.labels).toEqual({});
    expect(ben.note).toBe('');
    expect(ben.status).toBe('todo');
    expect(s['entries.list']({ annotator: 'ben' }).every((e) => Object.keys(e.labels).length === 0)).toBe(true);
    expect(JSON.stringify(s['entries.list']({ annotator: 'ben' }))).not.toContain('training');
  });

  it('keeps tree labels canonical and refuses the bug tree on a passing output', () => {
    const r = s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'bug', value: ['silly-mistake::not-dl-related', 'misinterpretation'] });
    expect(r.labels.bug).toEqual(['misinterpretation', 'silly-mistake::not-dl-related']);
    expect(() => s['labels.set']({ annotator: 'ana', entryId: 'e2', dimension: 'bug', value: ['misinterpretation'] })).toThrow(/failing outputs/);
    expect(() => s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'Training' })).toThrow(/unknown value/);
    expect(() => s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'colour', value: 'x' })).toThrow(/unknown dimension/);
    expect(() => s['labels.set']({ annotator: 'zed', entryId: 'e1', dimension: 'stage', value: 'training' })).toThrow(/unknown annotator/);
  });

  it('undoes the last label change of that annotator only, step by step', () => {
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'inference' });
    s['labels.set']({ annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'evaluation-metrics' });
    s['labels.set']({ annotator: 'ana', entryId: 'e3', dimension: 'task', value: 'regression' });
    expect(s['labels.undo']({ annotator: 'ana' })).toEqual({ entryId: 'e3', dimension: 'task', value: null });
    expect(s['labels.undo']({ annotator: 'ana' })).toEqual({ entryId: 'e1', dimension: 'stage', value: 'training' });
    expect(s['entries.get']({ annotator: 'ana', id: 'e1' }).labels.stage).toBe('training');
    expect(s['entries.get']({ annotator: 'ben', id: 'e1' }).labels.stage).toBe('evaluation-metrics');
    expect(s['labels.undo']({ annotator: 'ana' })).toEqual({ entryId: 'e1', dimension: 'stage', value: null });
    expect(s['labels.undo']({ annotator: 'ana' })).toBeNull();
  });

  it('submits, and filters the queue by status, pass/fail, label and search', () => {
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'bug', value: ['wrong-input-type::tensor-shape-mismatch'] });
    s['labels.setStatus']({ annotator: 'ana', entryId: 'e1', status: 'submitted' });
    s['labels.set']({ annotator: 'ana', entryId: 'e3', dimension: 'stage', value: 'training' });
    const ids = (filter: object) => s['entries.list']({ annotator: 'ana', filter }).map((e) => e.id);
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
    expect(() => s['labels.set']({ annotator: 'deepbench-published', entryId: 'e1', dimension: 'stage', value: 'training' })).toThrow(/reference/);
  });
});

describe('team work through the service', () => {
  it('shows an annotator only the entries assigned to them, once there are assignments', () => {
    expect(s['entries.list']({ annotator: 'ana' }).map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    s['assignments.set']({ as: 'lead', entryIds: ['e1', 'e3'], annotators: ['ana'] });
    expect(s['entries.list']({ annotator: 'ana' }).map((e) => e.id)).toEqual(['e1', 'e3']);
    expect(s['entries.list']({ annotator: 'ben' }).map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it('restores a backup while the service stays open, and keeps answering', async () => {
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    const backup = s['backups.create']({ as: 'lead' });
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'inference' });
    const r = await s['backups.restore']({ as: 'lead', name: backup.name });
    expect(r.restored.name).toBe(backup.name);
    expect(s['entries.get']({ annotator: 'ana', id: 'e1' }).labels.stage).toBe('training');
    expect(s['backups.list']({ as: 'lead' }).map((b) => b.name)).toContain(r.safety!.name);
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'task', value: 'general' });
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('starter files through the service', () => {
  it('hands over a starter database for one annotator as bytes, with only their entries and labels', async () => {
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    s['labels.set']({ annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'inference' });
    s['assignments.set']({ as: 'lead', entryIds: ['e1', 'e3'], annotators: ['ana'] });
    s['assignments.set']({ as: 'lead', entryIds: ['e2'], annotators: ['ben'] });
    const starter = s['packs.starter']({ as: 'lead', annotator: 'ana' });
    expect(starter).toMatchObject({ fileName: 'ana.concord.db', entries: 2, labels: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'concord-starter-')), starter.fileName);
    writeFileSync(file, Buffer.from(starter.base64, 'base64'));
    const ana = await openProject(file);
    expect(ana['project.annotators']({}).map((a) => a.name)).toEqual(['ana']);
    expect(ana['entries.list']({ annotator: 'ana' }).map((e) => [e.id, e.labels])).toEqual([
      ['e1', { stage: 'training' }],
      ['e3', {}],
    ]);
    ana.close();
    expect(() => s['packs.starter']({ as: 'lead', annotator: 'nobody' })).toThrow(/unknown annotator/);
  });
});

describe('blind by default, in the service', () => {
  it("answers the lead's methods only for an adjudicator", async () => {
    s['labels.set']({ annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
    s['labels.setStatus']({ annotator: 'ana', entryId: 'e1', status: 'submitted' });
    const refused = [
      () => s['adjudication.entry']({ as: 'ben', entryId: 'e1' }),
      () => s['adjudication.queue']({ as: 'ben' }),
      () => s['events.list']({ as: 'ben' }),
      () => s['exports.render']({ as: 'ben', kind: 'labels', format: 'csv', perAnnotator: true }),
      () => s['agreement.report']({ as: 'ben' }),
      () => s['packs.export']({ as: 'ben', annotator: 'ana' }),
      () => s['packs.starter']({ as: 'ben', annotator: 'ana' }),
      () => s['backups.list']({ as: 'ben' }),
      () => s['assignments.auto']({ as: 'ben' }),
      () => s['adjudication.entry']({ as: 'nobody', entryId: 'e1' }),
    ];
    for (const call of refused) expect(call).toThrow(/for the lead of the study/);
    // The lead sees everyone's values; an annotator still exports their own pack.
    const grid = s['adjudication.entry']({ as: 'lead', entryId: 'e1' });
    expect(JSON.stringify(grid)).toContain('training');
    expect(s['packs.export']({ as: 'ana', annotator: 'ana' }).text).toContain('training');
    expect(s['packs.export']({ as: 'ben', annotator: 'ben' }).text).not.toContain('training');
  });
});
