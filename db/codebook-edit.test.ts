import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Codebook } from '../shared/codebook/index.ts';
import { appCall } from '../test/helpers/service.ts';
import { fieldsOf, openStore } from './data/index.ts';
import { openProject } from './project.ts';
import { contentHash, type Service } from './service.ts';

/** The codebook editor through the door: versions that mean something, labels moved where the lead says, re-review. */

function addEntry(s: Service, id: string, passed: boolean | null) {
  const t = new Date().toISOString();
  openStore(s.db).entries.insert(
    id,
    { fields: fieldsOf({ prompt: `prompt ${id}`, groundTruth: 'gt', output: 'out', testLog: 'log' }), passed: passed === null ? null : passed ? 1 : 0, failingTests: '[]', metadata: '{}', hash: contentHash('p', id, 'o') },
    t,
  );
}

let s: Service;
const lead = { as: 'lead' };
const draft = (): Codebook => structuredClone(appCall(s, 'project.codebook', {}));
const stage = (cb: Codebook) => cb.dimensions.find((d) => d.id === 'stage')!;
const bug = (cb: Codebook) => cb.dimensions.find((d) => d.id === 'bug')!;
const events = (kind: string) => s.db.prepare('SELECT actor, entry_ext_id AS entry, dimension, before, after FROM event WHERE kind = ? ORDER BY id').all(kind) as Record<string, string>[];

beforeEach(async () => {
  s = await openProject(join(mkdtempSync(join(tmpdir(), 'concord-cb-')), 'p.db'));
  for (const id of ['e1', 'e2', 'e3', 'e4']) addEntry(s, id, false);
  appCall(s, 'project.addAnnotator', { name: 'ana' });
  appCall(s, 'project.addAnnotator', { name: 'ben' });
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
  appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'inference' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'stage', value: 'inference' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'stage', value: 'evaluation-metrics' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'bug', value: ['silly-mistake::not-dl-related', 'misinterpretation::shape-and-dimension-mismatch'] });
});

describe('the history starts with the codebook the project was made with', () => {
  it('records revision 1 for a new project', () => {
    const h = appCall(s, 'codebook.history', {});
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ revision: 1, version: '1.0.0', newVersion: true, by: 'system', changes: [] });
  });
});

describe('a change of wording keeps the version', () => {
  it('renames a value, adds an alias and a hotkey-free value: same version, no re-review, labels untouched', () => {
    const cb = draft();
    stage(cb).values.find((v) => v.id === 'training')!.label = 'Model training';
    stage(cb).values.find((v) => v.id === 'training')!.aliases!.push('learning');
    stage(cb).values.push({ id: 'deployment', label: 'Deployment', definition: 'Ships a trained model.' });
    const preview = appCall(s, 'codebook.preview', { ...lead, codebook: cb });
    expect(preview).toMatchObject({ version: '1.0.0', newVersion: false, problems: [], reviews: 0 });
    expect(preview.changes.map((c) => c.kind).sort()).toEqual(['value-added', 'value-aliases', 'value-renamed']);
    const r = appCall(s, 'codebook.publish', { ...lead, codebook: cb, note: 'clearer names' });
    expect(r.revision).toMatchObject({ revision: 2, version: '1.0.0', newVersion: false, by: 'lead', note: 'clearer names' });
    expect(appCall(s, 'project.codebook', {}).dimensions[0].values[2].label).toBe('Model training');
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }).labels.stage).toBe('training');
    expect(appCall(s, 'reviews.all', lead)).toEqual({ total: 0, byAnnotator: [], offset: 0, items: [] });
    // The old wording is still there to read.
    expect(stage(appCall(s, 'codebook.get', { revision: 1 })).values[2].label).toBe('Training');
    expect(events('codebook.publish')).toHaveLength(1);
  });

  it('a definition marked as wording only keeps the version too', () => {
    const cb = draft();
    stage(cb).values[2].definition += ' (typo fixed)';
    const key = 'value-definition:stage:training';
    expect(appCall(s, 'codebook.preview', { ...lead, codebook: cb }).version).toBe('2.0.0');
    expect(appCall(s, 'codebook.preview', { ...lead, codebook: cb, wordingOnly: [key] })).toMatchObject({ version: '1.0.0', reviews: 0 });
  });
});

describe('a change of meaning makes a new version and lists the labels it touches', () => {
  it('a new definition: version 2.0.0, the labels holding that value listed until relabelled or kept', () => {
    const cb = draft();
    stage(cb).values.find((v) => v.id === 'inference')!.definition = 'Uses a trained model at run time, including serving code.';
    const r = appCall(s, 'codebook.publish', { ...lead, codebook: cb });
    expect(r.revision.version).toBe('2.0.0');
    expect(r.reviews).toBe(2);
    const page = appCall(s, 'reviews.all', lead);
    expect(page).toMatchObject({ total: 2, byAnnotator: [{ annotator: 'ana', open: 1 }, { annotator: 'ben', open: 1 }], offset: 0 });
    const all = page.items;
    expect(all.map((x) => `${x.annotator}/${x.entryId}`)).toEqual(['ana/e2', 'ben/e1']);
    // A page at a time: the counts are the whole list's.
    expect(appCall(s, 'reviews.all', { ...lead, offset: 1, limit: 1 })).toEqual({ ...page, offset: 1, items: [all[1]] });
    expect(all[0]).toMatchObject({ dimension: 'stage', version: '2.0.0', labelVersion: '1.0.0', value: 'inference' });
    expect(all[0].reason).toContain('definition of Stage › Inference changed');
    // Each annotator sees only their own; the queue filter finds the entries.
    expect(appCall(s, 'reviews.list', { annotator: 'ana' }).map((x) => x.entryId)).toEqual(['e2']);
    // The label panel asks for the entry on screen alone.
    expect(appCall(s, 'reviews.list', { annotator: 'ana', entryId: 'e2' })).toEqual([all[0]]);
    expect(appCall(s, 'reviews.list', { annotator: 'ana', entryId: 'e1' })).toEqual([]);
    expect(() => appCall(s, 'reviews.list', { annotator: 'ana', entryId: 'nope' })).toThrow(/unknown entry "nope"/);
    expect(appCall(s, 'entries.list', { annotator: 'ana', filter: { review: true } }).map((e) => e.id)).toEqual(['e2']);
    // Relabelling under the new version closes it; so does keeping it as it is.
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'stage', value: 'training' });
    expect(appCall(s, 'reviews.list', { annotator: 'ana' })).toEqual([]);
    expect(appCall(s, 'labels.confirm', { annotator: 'ben', entryId: 'e1', dimension: 'stage' })).toEqual([]);
    expect(appCall(s, 'reviews.all', lead)).toMatchObject({ total: 0, items: [] });
    const row = s.db.prepare("SELECT l.value, l.codebook_version FROM label l JOIN annotator a ON a.id = l.annotator_id WHERE a.name = 'ben' AND l.dimension = 'stage'").get();
    expect(row).toEqual({ value: '"inference"', codebook_version: '2.0.0' });
    expect(events('label.confirm')).toHaveLength(1);

  });

  it('a starter file carries its annotator’s labels to look at again, so they find them offline', async () => {
    const { writeStarter } = await import('./packs/starter.ts');
    const { openDatabase } = await import('./database.ts');
    const { createService } = await import('./service.ts');
    const cb = draft();
    stage(cb).values.find((v) => v.id === 'inference')!.definition = 'Runs a trained model, serving included.';
    appCall(s, 'codebook.publish', { ...lead, codebook: cb });
    const out = join(mkdtempSync(join(tmpdir(), 'concord-cb-starter-')), 'ana.db');
    writeStarter(s.db, { annotator: 'ana', out });
    const ana = createService(openDatabase(out));
    expect(appCall(ana, 'reviews.list', { annotator: 'ana' }).map((r) => [r.entryId, r.dimension, r.version])).toEqual([['e2', 'stage', '2.0.0']]);
    expect(appCall(ana, 'entries.list', { annotator: 'ana', filter: { review: true } }).map((e) => e.id)).toEqual(['e2']);
    appCall(ana, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'stage', value: 'training' });
    expect(appCall(ana, 'reviews.list', { annotator: 'ana' })).toEqual([]);
    ana.close();
  });

  it('merging a value moves its labels and decisions, records where they went, and keeps its id from being reused', () => {
    appCall(s, 'adjudication.decide', { as: 'lead', entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lead', includeDrafts: true });
    const cb = draft();
    stage(cb).values = stage(cb).values.filter((v) => v.id !== 'inference');
    const remap = [{ dimension: 'stage', from: 'inference', to: 'training' }];
    // Without a destination the labels would be lost: refused, nothing written.
    const refused = appCall(s, 'codebook.preview', { ...lead, codebook: cb });
    expect(refused.problems.join()).toMatch(/Inference leaves the codebook and 2 labels/);
    expect(refused.needsDestination).toEqual([{ dimension: 'stage', value: 'inference', label: 'Inference', labels: 2, decisions: 0, gold: 0 }]);
    expect(() => appCall(s, 'codebook.publish', { ...lead, codebook: cb })).toThrow(/say where they go/);
    expect(appCall(s, 'codebook.history', {})).toHaveLength(1);

    const r = appCall(s, 'codebook.publish', { ...lead, codebook: cb, remap });
    expect(r.revision.version).toBe('2.0.0');
    expect(r.revision.changes.find((c) => c.kind === 'value-merged')).toMatchObject({ value: 'inference', into: 'training', meaning: true });
    expect(r.moved).toEqual({ labels: 2, decisions: 0, gold: 0 });
    expect(appCall(s, 'entries.get', { annotator: 'ben', id: 'e1' }).labels.stage).toBe('training');
    // Moved labels keep the version they were made under, so they read as made under the older meaning.
    expect(appCall(s, 'reviews.all', lead).items.map((x) => `${x.annotator}/${x.entryId}`)).toEqual(['ana/e2', 'ben/e1']);
    const moves = events('label.remap');
    expect(moves).toHaveLength(2);
    expect(moves.map((m) => m.entry)).toEqual(['e1', 'e2']);
    expect(JSON.parse(moves[1].before)).toEqual({ annotator: 'ana', value: 'inference' });
    expect(JSON.parse(moves[1].after)).toEqual({ annotator: 'ana', value: 'training' });
    expect(JSON.parse(events('codebook.publish')[0].after).destinations).toEqual(remap);
    // The id stays taken.
    const cb2 = draft();
    expect(cb2.retired).toEqual([{ dimension: 'stage', value: 'inference', label: 'Inference', definition: expect.any(String), version: '1.0.0', into: 'training' }]);
    stage(cb2).values.push({ id: 'inference', label: 'Inference again', definition: 'Something else.' });
    expect(() => appCall(s, 'codebook.publish', { ...lead, codebook: cb2 })).toThrow(/value id "inference" of stage was retired/);
    // A label of the retired value cannot be made any more.
    expect(() => appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e4', dimension: 'stage', value: 'inference' })).toThrow(/unknown value/);
  });

  it('moves decisions and gold answers with the labels', () => {
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e2', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e2', status: 'submitted' });
    appCall(s, 'labels.setStatus', { annotator: 'ben', entryId: 'e2', status: 'submitted' });
    appCall(s, 'adjudication.decide', { as: 'lead', entryId: 'e2', dimension: 'stage', value: 'inference', decidedBy: 'lead', rationale: 'serving code' });
    appCall(s, 'gold.set', { as: 'lead', entryId: 'e3', values: { stage: 'inference' } });
    const cb = draft();
    stage(cb).values = stage(cb).values.filter((v) => v.id !== 'inference');
    const r = appCall(s, 'codebook.publish', { ...lead, codebook: cb, remap: [{ dimension: 'stage', from: 'inference', to: 'evaluation-metrics' }] });
    expect(r.moved).toEqual({ labels: 2, decisions: 1, gold: 1 });
    expect(s.db.prepare("SELECT value FROM decision WHERE dimension = 'stage'").get()).toEqual({ value: '"evaluation-metrics"' });
    expect(appCall(s, 'gold.list', lead)[0].value).toBe('evaluation-metrics');
    expect(events('decision.remap')).toHaveLength(1);
  });

  it('splits a value into two: its labels go to the part the lead chose, each listed for re-review', () => {
    const cb = draft();
    const values = stage(cb).values;
    const at = values.findIndex((v) => v.id === 'inference');
    values.splice(at, 1, { id: 'batch-inference', label: 'Batch inference', definition: 'Predicts for a whole dataset offline.' }, { id: 'online-inference', label: 'Online inference', definition: 'Predicts one request at a time.' });
    const r = appCall(s, 'codebook.publish', {
      ...lead,
      codebook: cb,
      remap: [{ dimension: 'stage', from: 'inference', to: 'batch-inference' }],
      splits: [{ dimension: 'stage', value: 'inference', into: ['batch-inference', 'online-inference'] }],
    });
    expect(r.revision.changes.map((c) => c.kind)).toEqual(['value-split']);
    expect(r.revision.changes[0].text).toBe('Stage › Inference split into Batch inference, Online inference; its labels go to Batch inference');
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e2' }).labels.stage).toBe('batch-inference');
    expect(appCall(s, 'reviews.list', { annotator: 'ana' })[0].reason).toContain('split');
  });

  it('in a tree, a retired type takes its subtypes with it unless they are given their own destination', () => {
    const cb = draft();
    bug(cb).values = bug(cb).values.filter((v) => v.id !== 'silly-mistake');
    const needs = appCall(s, 'codebook.preview', { ...lead, codebook: cb }).needsDestination.map((n) => n.value);
    expect(needs).toEqual(['silly-mistake', 'silly-mistake::not-dl-related']);
    appCall(s, 'codebook.publish', { ...lead, codebook: cb, remap: [{ dimension: 'bug', from: 'silly-mistake', to: 'misinterpretation' }] });
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }).labels.bug).toEqual(['misinterpretation', 'misinterpretation::shape-and-dimension-mismatch']);
  });

  it('refuses a draft whose hotkeys clash, or that changes the codebook id, naming the problem; nothing is written', () => {
    const cb = draft();
    stage(cb).values[0].hotkey = 'q';
    expect(() => appCall(s, 'codebook.publish', { ...lead, codebook: cb })).toThrow(/hotkey "q" of stage value pre-post-processing is already used by|hotkey "q"/);
    const cb2 = draft();
    cb2.id = 'other';
    expect(() => appCall(s, 'codebook.publish', { ...lead, codebook: cb2 })).toThrow(/keeps its id/);
    expect(appCall(s, 'codebook.history', {})).toHaveLength(1);
    expect(() => appCall(s, 'codebook.publish', { ...lead, codebook: draft() })).toThrow(/nothing to publish/);
  });

  it('only the lead changes the codebook; anyone reads it and its history', () => {
    const ana = { kind: 'named', name: 'ana' } as const;
    expect(() => s.call('codebook.publish', { codebook: draft() }, ana)).toThrow(/for the lead/);
    expect(() => s.call('codebook.usage', {}, ana)).toThrow(/for the lead/);
    expect(() => s.call('reviews.all', {}, ana)).toThrow(/for the lead/);
    expect(s.call('codebook.history', {}, ana)).toHaveLength(1);
  });

  it('diffs two versions of the history', () => {
    const cb = draft();
    stage(cb).values = stage(cb).values.filter((v) => v.id !== 'inference');
    stage(cb).values[0].label = 'Pre- and post-processing';
    appCall(s, 'codebook.publish', { ...lead, codebook: cb, remap: [{ dimension: 'stage', from: 'inference', to: 'training' }] });
    const d = appCall(s, 'codebook.diff', { from: { version: '1.0.0' }, to: { version: '2.0.0' } });
    expect(d.map((c) => [c.kind, c.value, c.meaning])).toEqual([
      ['value-merged', 'inference', true],
      ['value-renamed', 'pre-post-processing', false],
    ]);
    expect(() => appCall(s, 'codebook.diff', { from: { version: '9.0.0' }, to: { revision: 1 } })).toThrow(/no codebook version "9.0.0"/);
  });
});

describe('conditions on another label', () => {
  it('the inference-error tree of the reasoning-trace codebook takes a label only when the annotator said the prediction was wrong', async () => {
    const { reasoningTraceCodebook } = await import('../shared/codebook/index.ts');
    const r = await openProject(join(mkdtempSync(join(tmpdir(), 'concord-rt-')), 'p.db'), { codebook: reasoningTraceCodebook });
    addEntry(r, 't1', null);
    appCall(r, 'project.addAnnotator', { name: 'ana' });
    const err = { annotator: 'ana', entryId: 't1', dimension: 'inference-error', value: ['computation-errors'] };
    expect(() => appCall(r, 'labels.set', err)).toThrow(/Inference error applies only when Prediction correct is No/);
    appCall(r, 'labels.set', { annotator: 'ana', entryId: 't1', dimension: 'prediction-correct', value: 'yes' });
    expect(() => appCall(r, 'labels.set', err)).toThrow(/applies only when/);
    appCall(r, 'labels.set', { annotator: 'ana', entryId: 't1', dimension: 'prediction-correct', value: 'no' });
    expect(appCall(r, 'labels.set', err).labels['inference-error']).toEqual(['computation-errors']);
    r.close();
  });
});

describe('the fields section is published like the rest', () => {
  it('a new layout of the entry texts keeps the version and every label, and the app reads it back', () => {
    const cb = draft();
    cb.fields = {
      panes: [
        { field: 'output', label: 'LLM output', language: 'python' },
        { field: 'ground_truth', label: 'Ground truth', language: 'python' },
      ],
      bottom: [{ field: 'prompt', label: 'Prompt', language: 'markdown', lineNumbers: false }],
      diff: ['ground_truth', 'output'],
    };
    const preview = appCall(s, 'codebook.preview', { ...lead, codebook: cb });
    expect(preview).toMatchObject({ version: '1.0.0', newVersion: false, problems: [], reviews: 0 });
    expect(preview.changes.map((c) => c.kind)).toEqual(['fields-layout']);
    appCall(s, 'codebook.publish', { ...lead, codebook: cb });
    expect(appCall(s, 'project.codebook', {}).fields).toEqual(cb.fields);
    expect(appCall(s, 'entries.get', { annotator: 'ana', id: 'e1' }).labels.stage).toBe('training');
  });

  it('a layout that shows a field twice is refused, naming where, and is not published', () => {
    const cb = draft();
    cb.fields = { panes: [{ field: 'output', label: 'A', language: 'python' }, { field: 'output', label: 'B', language: 'python' }] };
    expect(() => appCall(s, 'codebook.preview', { ...lead, codebook: cb })).toThrow(/"output" is shown twice/);
    expect(() => appCall(s, 'codebook.publish', { ...lead, codebook: cb })).toThrow(/shown twice/);
    expect(appCall(s, 'project.codebook', {}).fields).toEqual(draft().fields);
    expect(appCall(s, 'codebook.history', {})).toHaveLength(1);
  });
});

describe("the publish dialog's count of the labels to review", () => {
  it('is the count publishing lists: every label a change of meaning or a move touches, of the people who label again (not a published reference, not a machine coder)', () => {
    for (const name of ['ref', 'gpt']) appCall(s, 'project.addAnnotator', { name });
    for (const name of ['ref', 'gpt', 'ben'])
      for (const e of ['e2', 'e3', 'e4']) appCall(s, 'labels.set', { annotator: name, entryId: e, dimension: 'stage', value: e === 'e4' ? 'evaluation-metrics' : 'inference' });
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e2', dimension: 'bug', value: ['silly-mistake::not-dl-related'] });
    s.db.prepare("UPDATE annotator SET role = 'reference' WHERE name = 'ref'").run();
    s.db.prepare("UPDATE annotator SET kind = 'machine' WHERE name = 'gpt'").run();
    const cb = draft();
    // A new meaning for Inference, Evaluation & metrics gone into Training.
    stage(cb).values.find((v) => v.id === 'inference')!.definition = 'Uses a trained model at run time, including serving code.';
    stage(cb).values = stage(cb).values.filter((v) => v.id !== 'evaluation-metrics');
    const args = { ...lead, codebook: cb, remap: [{ dimension: 'stage', from: 'evaluation-metrics', to: 'training' }] };
    const preview = appCall(s, 'codebook.preview', args);
    const published = appCall(s, 'codebook.publish', args);
    // ana's e2 (Inference) and e3 (moved); ben's e1, e2, e3 (Inference) and e4 (moved). Not ref's or gpt's.
    expect(published.reviews).toBe(6);
    expect(preview.reviews).toBe(published.reviews);
    expect(appCall(s, 'reviews.all', lead).total).toBe(6);
  });
});
