import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deepBenchCodebook, parseCodebook, type LabelValue } from '../shared/codebook/index.ts';
import { addAnnotator, addEntry, addLabel, freshProject } from '../test/helpers/export-project.ts';
import { join } from 'node:path';
import { adoptConsensus, consensusInHand, consensusIndex, consensusSeed, consensusStates, decide, entryConsensus, forgetConsensus, readStudy, undoDecision, type StudyOptions } from './adjudication.ts';
import { openDatabase } from './database.ts';
import { dimState } from './consensus-index.ts';
import type { Db } from './database.ts';
import { setOwnLabel } from './labels.ts';
import { openStore } from './data/index.ts';

/**
 * The consensus index is built from the whole study at once (`consensusStates`: labels grouped
 * per entry from the kept label columns, each distinct case computed once) and then kept current entry by entry. Both
 * must give exactly what consensus computed entry by entry from `readStudy` gives.
 */

let db: Db;
let cleanup: () => void;
let dir: string;
beforeEach(() => ({ db, cleanup, dir } = freshProject()));
afterEach(() => cleanup());

/** Deep-Bench's dimensions (single, tree that applies to failing outputs, checklist, text) and a set and a lines dimension. */
const codebook = parseCodebook({
  ...deepBenchCodebook,
  dimensions: [
    ...deepBenchCodebook.dimensions,
    { id: 'tags', label: 'Tags', kind: 'multi', definition: 'Tags.', values: ['x', 'y', 'z'].map((id) => ({ id, label: id.toUpperCase(), definition: id })) },
    { id: 'spots', label: 'Spots', kind: 'lines', definition: 'Lines.', values: ['p', 'q'].map((id) => ({ id, label: id.toUpperCase(), definition: id })) },
  ],
});

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

/** Values that split, agree, are empty, or are written in a JSON the app would not write itself. */
const VALUES: Record<string, LabelValue[]> = {
  stage: ['training', 'model-construction', 'pre-post-processing'],
  task: ['classification', 'object-detection'],
  input: ['text', 'image'],
  bug: [['syntax-error'], ['misinterpretation::shape-and-dimension-mismatch', 'syntax-error'], [], ['misinterpretation'], ['silly-mistake::not-dl-related']],
  'prompt-review': [{ 'clear-and-sufficient-information': true }, { 'clear-and-sufficient-information': false, 'input-and-output-format-specified': true }, {}],
  'prompt-revision': ['a better prompt'],
  tags: [['x'], ['x', 'y'], [], ['z']],
  spots: [[{ start: 1, end: 2, value: 'p' }], [{ start: 2, end: 3, value: 'p' }], []],
  retired: ['anything'],
};

/** A study with every case consensus tells apart: who counts, drafts, assignments, conflicts, decisions (stale or not). */
function awkwardStudy(seed: number, assign: boolean): void {
  // One transaction: the project file syncs each commit to disk.
  db.transaction(() => writeAwkwardStudy(seed, assign))();
}

function writeAwkwardStudy(seed: number, assign: boolean): void {
  db.prepare('UPDATE project SET codebook_json = ?').run(JSON.stringify(codebook));
  const r = random(seed);
  const people = ['ana', 'ben', 'cai', 'dee'];
  for (const p of people) addAnnotator(db, p);
  addAnnotator(db, 'lead', 'adjudicator');
  addAnnotator(db, 'published', 'reference');
  addAnnotator(db, 'gpt', 'annotator');
  db.prepare("UPDATE annotator SET kind = 'machine' WHERE name = 'gpt'").run();
  const ids = Array.from({ length: 80 }, (_, i) => (i % 7 === 0 ? `task-${i}/b` : `e${i}`));
  for (const id of ids) addEntry(db, id, r.pick([true, false, false, null]));
  for (const id of ids) {
    for (const who of [...people, 'lead', 'published', 'gpt']) {
      if (r.next() < 0.25) continue;
      const status = r.next() < 0.2 ? 'draft' : 'submitted';
      for (const dim of Object.keys(VALUES)) if (r.next() < 0.8) addLabel(db, id, who, dim, r.pick(VALUES[dim]), status);
    }
    // A value stored in JSON that is equal but not the same text (spaces, key order).
    if (r.next() < 0.1) db.prepare(`UPDATE label SET value = '[ "syntax-error" ]' WHERE dimension = 'bug' AND value = '["syntax-error"]' AND entry_id = (SELECT id FROM entry WHERE ext_id = ?)`).run(id);
    if (assign && r.next() < 0.7) {
      const rowId = openStore(db).entries.ref(id)!.rowId;
      for (const who of people) if (r.next() < 0.6) db.prepare('INSERT INTO assignment (entry_id, annotator_id) SELECT ?, id FROM annotator WHERE name = ?').run(rowId, who);
    }
    // Decisions the log does not know (written by another tool), before or after the labels' time.
    if (r.next() < 0.3)
      db.prepare(`INSERT OR REPLACE INTO decision (entry_id, dimension, value, method, decided_by, rationale, decided_at) SELECT id, 'stage', '"training"', 'adjudicated', 'lead', NULL, ? FROM entry WHERE ext_id = ?`).run(
        r.pick(['2024-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z']),
        id,
      );
  }
}

/** Every entry's state as consensus computes it entry by entry. */
function oneByOne(opts: StudyOptions) {
  const out = new Map<number, { id: string; dims: ReturnType<typeof dimState>[] }>();
  for (const { rowId } of openStore(db).entries.refs()) {
    const study = readStudy(db, opts, rowId);
    out.set(rowId, { id: study.entries[0].id, dims: entryConsensus(study, study.entries[0]).map(dimState) });
  }
  return out;
}

/** The index's states without their keys, to compare with `oneByOne`. */
const built = (opts: StudyOptions) => new Map([...consensusStates(db, opts)].map(([rowId, e]) => [rowId, { id: e.id, dims: e.dims }]));

describe('the consensus index built at once', () => {
  for (const assign of [false, true])
    for (const includeDrafts of [false, true])
      it(`gives every entry the state consensus gives it alone (${assign ? 'entries assigned' : 'no assignments'}, ${includeDrafts ? 'drafts count' : 'submitted only'})`, () => {
        for (const seed of [1, 2, 3]) {
          cleanup();
          ({ db, cleanup } = freshProject());
          awkwardStudy(seed, assign);
          const slow = oneByOne({ includeDrafts });
          expect(slow.size).toBe(80);
          // The data is awkward enough: conflicts, stale decisions, every status.
          const dims = [...slow.values()].flatMap((e) => e.dims);
          expect(dims.some((d) => d.conflict)).toBe(true);
          expect(dims.some((d) => d.stale)).toBe(true);
          for (const status of ['agreed', 'majority', 'needs-decision', 'decided', 'single', 'unlabelled']) expect(dims.some((d) => d.status === status)).toBe(true);
          expect(built({ includeDrafts })).toEqual(slow);
        }
      });

  it('keys every entry in the natural order of ids', () => {
    awkwardStudy(4, false);
    const keys = [...consensusStates(db)].map(([, e]) => e);
    const byKey = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((e) => e.id);
    expect(byKey).toEqual(readStudy(db).entries.map((e) => e.id));
  });
});

describe('the consensus index kept current', () => {
  it('answers the queue and the summary after each write as a fresh build does', () => {
    awkwardStudy(5, true);
    const store = openStore(db);
    const codebookVersion = codebook.version;
    const index = () => consensusIndex(db);
    const views = () => {
      const i = index();
      // Copies: the lists are the index's own, which later writes move.
      return { sync: i.lastSync, queue: [...i.queue(undefined, false)], stage: [...i.queue('stage', false)], conflicts: [...i.queue(undefined, true)], summary: i.summary() };
    };
    views();
    const syncs = new Set<string>();
    const r = random(9);
    const entries = store.entries.refs();
    const ana = store.annotators.byName('ana')!;
    for (let step = 0; step < 40; step++) {
      const entry = r.pick(entries);
      const kind = r.next();
      if (kind < 0.5) {
        const dimension = r.pick(['stage', 'bug', 'tags']);
        store.transaction(() => setOwnLabel(store, { entry, annotator: ana, dimension, value: r.pick([...VALUES[dimension], null]), codebookVersion }));
      }
      else if (kind < 0.85) {
        const open = index().queue(undefined, false);
        if (!open.length) continue;
        const item = r.pick(open);
        decide(db, { entryId: item.entryId, dimension: item.open[0].dimension, value: null, decidedBy: 'lead' });
        try {
          decide(db, { entryId: item.entryId, dimension: 'stage', value: r.pick(VALUES.stage), rationale: 'why', decidedBy: 'lead' });
        } catch {
          // stage may not be open on this entry: the decision above stands alone
        }
      } else undoDecision(db);
      const { sync, ...kept } = views();
      syncs.add(sync);
      forgetConsensus(db);
      const { sync: fresh, ...rebuilt } = views();
      expect(fresh).toBe('rebuilt');
      expect(rebuilt).toEqual(kept);
    }
    // Every write was read from the log, never by starting over (steps that wrote nothing are unchanged).
    expect([...syncs].sort()).toEqual(['incremental', 'unchanged']);
  });

  it('moves only what changed: the write after a build is read incrementally', () => {
    awkwardStudy(6, false);
    consensusIndex(db).queue(undefined, false);
    const store = openStore(db);
    store.transaction(() =>
      setOwnLabel(store, { entry: store.entries.ref('e1')!, annotator: store.annotators.byName('ben')!, dimension: 'stage', value: 'inference', codebookVersion: codebook.version }),
    );
    expect(consensusIndex(db).lastSync).toBe('incremental');
  });
});

describe('the consensus index taken over from another connection (a worker that worked it out ahead)', () => {
  const views = () => {
    const i = consensusIndex(db);
    return { queue: [...i.queue(undefined, false)], stage: [...i.queue('stage', false)], conflicts: [...i.queue(undefined, true)], summary: i.summary() };
  };
  const store = () => openStore(db);
  const relabel = (entry: string, who: string, value: string) =>
    store().transaction(() => setOwnLabel(store(), { entry: store().entries.ref(entry)!, annotator: store().annotators.byName(who)!, dimension: 'stage', value, codebookVersion: codebook.version }));

  it('answers as a build does, the writes made since it was worked out read from the log', () => {
    awkwardStudy(7, true);
    const worker = openDatabase(join(dir, 'project.db'));
    try {
      const seed = consensusSeed(worker);
      const before = views();
      forgetConsensus(db);
      // Written after the seed was worked out, before it is taken over: two entries' consensus changes.
      relabel('e1', 'ben', 'inference');
      relabel('e2', 'ana', 'training');
      relabel('e2', 'cai', 'model-construction');
      expect(consensusInHand(db)).toBe(false);
      expect(adoptConsensus(db, seed)).toBe(true);
      expect(consensusInHand(db)).toBe(true);
      expect(consensusIndex(db).lastSync).toBe('unchanged');
      const taken = views();
      forgetConsensus(db);
      expect(taken).toEqual(views());
      expect(taken).not.toEqual(before);
    } finally {
      worker.close();
    }
  });

  it('is refused once this connection built its own, and when the codebook changed since', () => {
    awkwardStudy(8, false);
    const worker = openDatabase(join(dir, 'project.db'));
    try {
      const seed = consensusSeed(worker);
      consensusIndex(db);
      expect(adoptConsensus(db, seed)).toBe(false);
      forgetConsensus(db);
      db.prepare('UPDATE project SET codebook_json = ?').run(JSON.stringify({ ...codebook, version: `${codebook.version}.1` }));
      expect(adoptConsensus(db, seed)).toBe(false);
      expect(consensusInHand(db)).toBe(false);
    } finally {
      worker.close();
    }
  });
});
