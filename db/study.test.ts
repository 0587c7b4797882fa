import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { appCall } from '../test/helpers/service.ts';
import { pseudonym, readStudy } from './adjudication.ts';
import { fieldsOf, openStore } from './data/index.ts';
import { listGold } from './rounds.ts';
import { openProject } from './project.ts';
import { contentHash, type Service } from './service.ts';

/** Calibration rounds, gold answers, comments and prompt rewrites, through the door. */

function addEntry(s: Service, id: string, passed: boolean | null) {
  const t = new Date().toISOString();
  openStore(s.db).entries.insert(
    id,
    { fields: fieldsOf({ prompt: `Write ${id}.\nReturn the sum.`, groundTruth: 'gt', output: 'out', testLog: 'log' }), passed: passed === null ? null : passed ? 1 : 0, failingTests: '[]', metadata: '{}', hash: contentHash('p', id, 'o') },
    t,
  );
}

let s: Service;
const lead = { as: 'lead' };

/** Labels `stage` for ana and ben on an entry and submits both. */
function pair(entryId: string, a: string, b: string) {
  appCall(s, 'labels.set', { annotator: 'ana', entryId, dimension: 'stage', value: a });
  appCall(s, 'labels.set', { annotator: 'ben', entryId, dimension: 'stage', value: b });
  appCall(s, 'labels.setStatus', { annotator: 'ana', entryId, status: 'submitted' });
  appCall(s, 'labels.setStatus', { annotator: 'ben', entryId, status: 'submitted' });
}

beforeEach(async () => {
  s = await openProject(join(mkdtempSync(join(tmpdir(), 'concord-study-')), 'p.db'));
  for (let i = 1; i <= 10; i++) addEntry(s, `e${i}`, true);
  appCall(s, 'project.addAnnotator', { name: 'ana' });
  appCall(s, 'project.addAnnotator', { name: 'ben' });
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
});

describe('calibration rounds', () => {
  it('draws the same sample from the same seed, only from entries in no round yet', () => {
    const a = appCall(s, 'rounds.create', { ...lead, name: 'pilot', sample: { size: 4, seed: 7 } });
    expect(a).toMatchObject({ name: 'pilot', entries: 4, createdBy: 'lead', closedAt: null });
    const first = appCall(s, 'entries.list', { annotator: 'ana', filter: { round: 'pilot' } }).map((e) => e.id);
    expect(first).toHaveLength(4);
    const second = appCall(s, 'rounds.create', { ...lead, name: 'round 2', sample: { size: 6, seed: 7 } });
    expect(second.entries).toBe(6);
    const rest = appCall(s, 'entries.list', { annotator: 'ana', filter: { round: 'round 2' } }).map((e) => e.id);
    expect(rest.filter((id) => first.includes(id))).toEqual([]);
    expect(() => appCall(s, 'rounds.create', { ...lead, name: 'too big', sample: { size: 1 } })).toThrow(/0 are in no round yet/);
    expect(() => appCall(s, 'rounds.create', { ...lead, name: 'PILOT', entryIds: ['e1'] })).toThrow(/already a round/);
    // Another project file, the same seed: the same entries.
    const again = appCall(s, 'rounds.create', { ...lead, name: 'again', sample: { size: 4, seed: 7, fromAll: true } });
    expect(again.entries).toBe(4);
    expect(appCall(s, 'entries.list', { annotator: 'ana', filter: { round: 'again' } }).map((e) => e.id)).toEqual(first);
  });

  it('alpha per round against a hand computation, closing a round, and the codebook change that followed it', async () => {
    appCall(s, 'rounds.create', { ...lead, name: 'pilot', entryIds: ['e1', 'e2', 'e3', 'e4'] });
    appCall(s, 'rounds.create', { ...lead, name: 'round 2', entryIds: ['e5', 'e6', 'e7'] });
    // Pilot: (a,a) (a,a) (b,b) (a,b). Coincidences o_aa = 4, o_bb = 2, o_ab = o_ba = 1; n = 8,
    // n_a = 5, n_b = 3; D_o = 2/8, D_e = 2*5*3/(8*7); alpha = 1 - (2/8)/(30/56) = 8/15.
    pair('e1', 'training', 'training');
    pair('e2', 'training', 'training');
    pair('e3', 'inference', 'inference');
    pair('e4', 'training', 'inference');
    // Round 2: every pair agrees on two different values: alpha 1.
    pair('e5', 'training', 'training');
    pair('e6', 'inference', 'inference');
    pair('e7', 'training', 'training');
    const groups = appCall(s, 'agreement.groups', { ...lead, by: 'round', bootstrap: 0 });
    expect(groups.map((g) => g.group)).toEqual(['pilot', 'round 2']);
    const stageOf = (g: (typeof groups)[number]) => g.dimensions.find((d) => d.id === 'stage')!;
    expect(stageOf(groups[0]).alpha).toBeCloseTo(8 / 15, 12);
    expect(stageOf(groups[0]).units).toBe(4);
    expect(stageOf(groups[1]).alpha).toBe(1);
    expect(groups[0].entries).toBe(4);
    // The same figure as the agreement report restricted to the round.
    const report = await appCall(s, 'agreement.report', { ...lead, round: 'pilot', bootstrap: 0 });
    expect(report.dimensions.find((d) => d.id === 'stage')!.measures[0].figure.alpha).toBeCloseTo(8 / 15, 12);

    const closed = appCall(s, 'rounds.close', { ...lead, name: 'pilot' });
    expect(closed.closedBy).toBe('lead');
    expect(appCall(s, 'agreement.groups', { ...lead, by: 'round', bootstrap: 0 })[0].detail).toBe('closed');
    // The adjudication queue of the round: only its open entry.
    expect(appCall(s, 'adjudication.queue', { ...lead, round: 'pilot' }).map((q) => q.entryId)).toEqual(['e4']);
    // Followed by a codebook change.
    const cb = structuredClone(appCall(s, 'project.codebook', {}));
    cb.dimensions[0].values[3].definition = 'Runs a trained model, serving included.';
    appCall(s, 'codebook.publish', { ...lead, codebook: cb, round: 'pilot', note: 'after the pilot' });
    expect(appCall(s, 'rounds.list', {})[0].followedBy).toEqual([{ revision: 2, version: '2.0.0' }]);
    expect(appCall(s, 'codebook.history', {})[1].round).toBe('pilot');
  });

  it('alpha per codebook version: labels made under each version apart', () => {
    pair('e1', 'training', 'training');
    pair('e2', 'inference', 'training');
    const cb = structuredClone(appCall(s, 'project.codebook', {}));
    cb.dimensions[0].values[2].definition = 'Changes model parameters.';
    appCall(s, 'codebook.publish', { ...lead, codebook: cb });
    pair('e3', 'inference', 'inference');
    pair('e4', 'training', 'training');
    const groups = appCall(s, 'agreement.groups', { ...lead, by: 'version', bootstrap: 0 });
    expect(groups.map((g) => [g.group, g.labels])).toEqual([
      ['1.0.0', 4],
      ['2.0.0', 4],
    ]);
    expect(groups[1].dimensions.find((d) => d.id === 'stage')!.alpha).toBe(1);
  });
});

describe('gold answers', () => {
  it('counts each annotator right or wrong against the known answer, on entries they finished', () => {
    pair('e1', 'training', 'inference');
    pair('e2', 'training', 'training');
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'stage', value: 'training' }); // a draft: not counted
    appCall(s, 'gold.set', { ...lead, entryId: 'e1', values: { stage: 'training' } });
    appCall(s, 'gold.set', { ...lead, entryId: 'e2', values: { stage: 'inference' } });
    appCall(s, 'gold.set', { ...lead, entryId: 'e3', values: { stage: 'training' } });
    const acc = appCall(s, 'gold.accuracy', lead);
    expect(acc.goldEntries).toBe(3);
    expect(acc.annotators.map((a) => [a.annotator, a.items, a.correct])).toEqual([
      ['ana', 2, 1],
      ['ben', 2, 0],
    ]);
    expect(acc.annotators[0].accuracy).toBe(0.5);
    expect(appCall(s, 'gold.accuracy', { ...lead, includeDrafts: true }).annotators[0]).toMatchObject({ items: 3, correct: 2 });
    expect(() => appCall(s, 'gold.set', { ...lead, entryId: 'e1', values: { stage: 'Training' } })).toThrow(/unknown value/);
    // Gold answers are the lead's: an annotator never sees them.
    expect(() => s.call('gold.list', {}, { kind: 'named', name: 'ana' })).toThrow(/for the lead/);
  });

  it('takes the final values of an adjudicated entry as its gold answer', () => {
    pair('e1', 'training', 'training');
    expect(appCall(s, 'gold.set', { ...lead, entryId: 'e1', fromFinal: true }).map((g) => [g.dimension, g.value])).toEqual([['stage', 'training']]);
    expect(() => appCall(s, 'gold.set', { ...lead, entryId: 'e2', fromFinal: true })).toThrow(/no final values/);
  });

  it('takes the lead’s own labels on an entry as its gold answer', () => {
    appCall(s, 'labels.set', { annotator: 'lead', entryId: 'e3', dimension: 'stage', value: 'inference' });
    appCall(s, 'labels.set', { annotator: 'lead', entryId: 'e3', dimension: 'prompt-revision', value: 'A rewrite is no gold answer.' });
    expect(appCall(s, 'gold.set', { ...lead, entryId: 'e3', fromLabelsOf: 'lead' }).map((g) => [g.dimension, g.value])).toEqual([['stage', 'inference']]);
    expect(() => appCall(s, 'gold.set', { ...lead, entryId: 'e4', fromLabelsOf: 'lead' })).toThrow(/has no labels on e4/);
  });
});

describe('comments', () => {
  it('are their author’s alone while labelling; the lead sees them all beside the labels, names hidden on request', () => {
    appCall(s, 'comments.add', { annotator: 'ana', entryId: 'e1', text: 'Is a scheduler training?' });
    appCall(s, 'comments.add', { annotator: 'ben', entryId: 'e1', text: 'secret of ben' });
    const own = appCall(s, 'comments.list', { annotator: 'ana', entryId: 'e1' });
    expect(own.map((c) => c.text)).toEqual(['Is a scheduler training?']);
    expect(JSON.stringify(appCall(s, 'comments.list', { annotator: 'ana', entryId: 'e1' }))).not.toContain('secret');
    expect(() => s.call('adjudication.discussion', { entryId: 'e1' }, { kind: 'named', name: 'ana' })).toThrow(/for the lead/);
    pair('e1', 'training', 'inference');
    const d = appCall(s, 'adjudication.discussion', { ...lead, entryId: 'e1' });
    expect(d.comments.map((c) => `${c.author}: ${c.text}`)).toEqual(['ana: Is a scheduler training?', 'ben: secret of ben']);
    const hidden = appCall(s, 'adjudication.discussion', { ...lead, entryId: 'e1', hideNames: true });
    expect(hidden.comments.map((c) => c.author)).toEqual(['Annotator A', 'Annotator B']);
    // An author deletes their own only.
    expect(() => appCall(s, 'comments.delete', { annotator: 'ben', id: own[0].id })).toThrow(/has no comment/);
    expect(appCall(s, 'comments.delete', { annotator: 'ana', id: own[0].id })).toEqual([]);
    expect(s.db.prepare("SELECT COUNT(*) AS n FROM event WHERE kind = 'comment.delete'").get()).toEqual({ n: 1 });
  });

  it('records why the annotators disagreed, one of four reasons', () => {
    pair('e1', 'training', 'inference');
    expect(appCall(s, 'adjudication.setReason', { ...lead, entryId: 'e1', dimension: 'stage', reason: 'definition-unclear' })).toEqual([
      { dimension: 'stage', reason: 'definition-unclear', setBy: 'lead' },
    ]);
    expect(() => appCall(s, 'adjudication.setReason', { ...lead, entryId: 'e1', dimension: 'stage', reason: 'bad luck' as never })).toThrow(/expected one of "definition-unclear"/);
    expect(appCall(s, 'adjudication.setReason', { ...lead, entryId: 'e1', dimension: 'stage', reason: null })).toEqual([]);
  });
});

describe('prompt rewrites', () => {
  it('the adjudicator picks one annotator’s rewrite or writes the final one; undo takes it back', () => {
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'prompt-revision', value: 'Write e1.\nReturn the sum as an int.' });
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e1', dimension: 'prompt-revision', value: 'Write e1 in PyTorch.\nReturn the sum.' });
    appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e1', status: 'submitted' });
    appCall(s, 'labels.setStatus', { annotator: 'ben', entryId: 'e1', status: 'submitted' });
    const d = appCall(s, 'adjudication.discussion', { ...lead, entryId: 'e1' });
    expect(d.revisions).toEqual([
      {
        dimension: 'prompt-revision',
        label: 'Prompt revision',
        original: 'Write e1.\nReturn the sum.',
        proposals: [
          { annotator: 'ana', text: 'Write e1.\nReturn the sum as an int.' },
          { annotator: 'ben', text: 'Write e1 in PyTorch.\nReturn the sum.' },
        ],
        final: null,
      },
    ]);
    // Rewrites are no disagreement to queue.
    expect(appCall(s, 'adjudication.queue', lead)).toEqual([]);
    const merged = 'Write e1 in PyTorch.\nReturn the sum as an int.';
    const r = appCall(s, 'adjudication.decideRevision', { ...lead, entryId: 'e1', dimension: 'prompt-revision', text: merged, decidedBy: 'lead' });
    expect(r.final).toMatchObject({ text: merged, decidedBy: 'lead', method: 'adjudicated' });
    expect(() => appCall(s, 'adjudication.decideRevision', { ...lead, entryId: 'e1', dimension: 'stage', text: 'x', decidedBy: 'lead' })).toThrow(/not a dimension that rewrites/);
    // The labels export carries the final rewrite; a Deep-Bench release writes it only when asked.
    const labels = appCall(s, 'exports.render', { ...lead, kind: 'labels', format: 'json' });
    if (labels.shape !== 'file') throw new Error('expected a file');
    expect(JSON.parse(labels.file.content).entries[0].dimensions['prompt-revision']).toMatchObject({ value: merged, method: 'adjudicated', decidedBy: 'lead' });
    const promptOf = (revisedPrompts: boolean) => {
      const r = appCall(s, 'exports.render', { ...lead, kind: 'dlbench', revisedPrompts });
      if (r.shape !== 'folder') throw new Error('expected a folder');
      return { text: r.files.find((f) => f.fileName === 'e1.txt')!.content, notes: r.notes };
    };
    expect(promptOf(false).text).toContain('prompt:\nWrite e1.\nReturn the sum.\n');
    expect(promptOf(true).text).toContain(`prompt:\n${merged}\n`);
    expect(promptOf(true).notes.at(-1)).toBe("1 prompts are the team's final rewrites; the others are the original prompts.");
    expect(() => appCall(s, 'exports.render', { ...lead, kind: 'labels', format: 'csv', revisedPrompts: true })).toThrow(/for a Deep-Bench release/);

    appCall(s, 'adjudication.undo', { ...lead });
    expect(appCall(s, 'adjudication.discussion', { ...lead, entryId: 'e1' }).revisions[0].final).toBeNull();
  });
});

describe('the discussion beside one entry', () => {
  it('reads the entry alone and says what the whole study says of it: the same letters for hidden names, rounds, gold, comments and rewrites', () => {
    appCall(s, 'project.addAnnotator', { name: 'cy' });
    appCall(s, 'project.addAnnotator', { name: 'dee' });
    pair('e1', 'training', 'inference');
    pair('e2', 'training', 'training');
    // cy labels e7 only, and dee keeps drafts only: on e1, cy still has the letter the whole study gives, dee none.
    appCall(s, 'labels.set', { annotator: 'cy', entryId: 'e7', dimension: 'stage', value: 'inference' });
    appCall(s, 'labels.setStatus', { annotator: 'cy', entryId: 'e7', status: 'submitted' });
    appCall(s, 'labels.set', { annotator: 'dee', entryId: 'e1', dimension: 'stage', value: 'training' });
    for (const [who, text] of [['cy', 'cy on e1'], ['dee', 'dee on e1'], ['ben', 'ben on e1'], ['lead', 'lead on e1']])
      appCall(s, 'comments.add', { annotator: who, entryId: 'e1', text });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'prompt-revision', value: 'Write e2 in NumPy.\nReturn the sum.' });
    appCall(s, 'adjudication.decideRevision', { ...lead, entryId: 'e2', dimension: 'prompt-revision', text: 'Write e2.', decidedBy: 'lead' });
    appCall(s, 'rounds.create', { ...lead, name: 'pilot', entryIds: ['e1', 'e2'] });
    appCall(s, 'rounds.create', { ...lead, name: 'second', entryIds: ['e1', 'e7'] });
    appCall(s, 'gold.set', { ...lead, entryId: 'e1', values: { stage: 'training' } });
    appCall(s, 'gold.set', { ...lead, entryId: 'e7', values: { stage: 'inference' } });
    appCall(s, 'adjudication.setReason', { ...lead, entryId: 'e1', dimension: 'stage', reason: 'definition-unclear' });

    // What the discussion held when it read the whole study, kept here as the reference.
    const whole = readStudy(s.db);
    const store = openStore(s.db);
    const inRounds = store.rounds.membership();
    const rounds = new Map(store.rounds.all().map((r) => [r.id, r.name]));
    for (const entryId of ['e1', 'e2', 'e3', 'e7'])
      for (const hideNames of [false, true]) {
        const alias = new Map(whole.annotators.map((n, i) => [n, hideNames ? pseudonym(i) : n]));
        const name = (n: string) => (hideNames ? (alias.get(n) ?? (store.annotators.byName(n)?.role === 'adjudicator' ? n : 'Another annotator')) : n);
        const d = appCall(s, 'adjudication.discussion', { ...lead, entryId, hideNames });
        const row = store.entries.ref(entryId)!.rowId;
        expect(d.comments.map((c) => c.author)).toEqual(store.comments.ofEntry(row).map((c) => name(c.author)));
        expect(d.gold).toEqual(listGold(s.db).filter((g) => g.entryId === entryId));
        expect(d.rounds).toEqual((inRounds.get(row) ?? []).map((id) => rounds.get(id)));
        expect(d.revisions.map((r) => [r.original, r.proposals.map((p) => p.annotator), r.final?.text ?? null])).toEqual(
          entryId === 'e2' ? [['Write e2.\nReturn the sum.', [name('ana')], 'Write e2.']] : [[`Write ${entryId}.\nReturn the sum.`, [], null]],
        );
      }
    const hidden = appCall(s, 'adjudication.discussion', { ...lead, entryId: 'e1', hideNames: true });
    expect(hidden.comments.map((c) => `${c.author}: ${c.text}`)).toEqual(['Annotator C: cy on e1', 'Another annotator: dee on e1', 'Annotator B: ben on e1', 'lead: lead on e1']);
    expect(hidden.rounds).toEqual(['pilot', 'second']);
  });
});
