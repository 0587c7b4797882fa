import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepBenchCodebook, type Codebook, type Dimension } from '../shared/codebook/index.ts';
import type { LabelValue } from '../shared/codebook/values.ts';
import type { DimensionConsensus } from '../shared/consensus/consensus.ts';
import { consensusByRow, consensusReference, decide, type ReferencePick } from './adjudication.ts';
import { humanConsensus } from './agreement-figures.ts';
import { setAssignments } from './assignments.ts';
import { openStore } from './data/index.ts';
import { addAnnotator, addEntry, addLabel, freshProject } from '../test/helpers/export-project.ts';

// `consensusReference` (the coder and machine figures' one pass over the label columns) against
// the consensus of every entry as the adjudication index computes it (`consensusByRow`), on a
// study where they could part: ties of four raters, majorities of sets no one chose, a value
// stored as two texts, empty values, drafts, a lead's, a reference's and a machine's labels,
// assignments that leave labels uncounted, decisions (on labelled entries, and on entries with no
// label where the dimension applies or not).

const value = (id: string, label: string) => ({ id, label, definition: label });
const codebook: Codebook = {
  ...deepBenchCodebook,
  dimensions: [
    ...deepBenchCodebook.dimensions,
    { id: 'tags', label: 'Tags', kind: 'multi', definition: 'Tags.', values: [value('a', 'A'), value('b', 'B'), value('c', 'C')] },
    { id: 'size', label: 'Size', kind: 'ordinal', definition: 'Size.', values: [value('s', 'Small'), value('m', 'Medium'), value('l', 'Large')] },
  ],
};
const dims = codebook.dimensions;
const stage = dims.find((d) => d.id === 'stage')!.values.map((v) => v.id);

/** A seeded stream of small integers, so the study is the same on every run. */
function choices(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x >>> 16) % n;
  };
}

describe('the consensus the coder and machine figures compare with', () => {
  let project: ReturnType<typeof freshProject>;
  beforeAll(() => {
    project = freshProject();
    const { db } = project;
    db.prepare('UPDATE project SET codebook_json = ?').run(JSON.stringify(codebook));
    const pick = choices(11);
    const people = ['ana', 'ben', 'cai', 'dan'];
    const sets = [['a'], ['a', 'b'], ['b', 'c'], ['a', 'c'], ['a', 'b', 'c'], []];
    const bugs = [['syntax-error'], ['silly-mistake::not-dl-related'], ['syntax-error', 'silly-mistake::not-dl-related'], []];
    for (let i = 0; i < 80; i++) {
      const id = `e${i}`;
      addEntry(db, id, i % 3 === 0 ? true : i % 3 === 1 ? false : null);
      for (const who of people) {
        // Some leave an entry alone, some leave a value empty, a few keep a draft.
        if (pick(6) === 0) continue;
        const status = pick(8) === 0 ? 'draft' : 'submitted';
        addLabel(db, id, who, 'stage', pick(7) === 0 ? '' : stage[pick(2)], status);
        addLabel(db, id, who, 'task', dims[1].values[pick(3)].id, status);
        addLabel(db, id, who, 'tags', sets[pick(sets.length)], status);
        addLabel(db, id, who, 'size', ['s', 'm', 'l'][pick(3)], status);
        if (i % 3 !== 0 || pick(4) === 0) addLabel(db, id, who, 'bug', bugs[pick(bugs.length)], status);
      }
      if (i % 5 === 0) addLabel(db, id, 'lead', 'stage', stage[0]);
      if (i % 7 === 0) addLabel(db, id, 'published', 'stage', stage[1]);
      addLabel(db, id, 'gpt', 'stage', stage[i % 2]);
    }
    // Entries no one labelled, for decisions alone.
    for (const [id, passed] of [['bare-passed', true], ['bare-failed', false], ['bare-untested', null]] as const) addEntry(db, id, passed);
    db.prepare("UPDATE annotator SET role = 'adjudicator' WHERE name = 'lead'").run();
    db.prepare("UPDATE annotator SET role = 'reference' WHERE name = 'published'").run();
    db.prepare("UPDATE annotator SET kind = 'machine' WHERE name = 'gpt'").run();
    addAnnotator(db, 'lead', 'adjudicator');
    // One value stored as another text: the same value to consensus.
    db.prepare("UPDATE label SET value = ' ' || value WHERE dimension = 'stage' AND annotator_id = (SELECT id FROM annotator WHERE name = 'ben') AND entry_id % 4 = 1").run();
    const store = openStore(db);
    // Decisions on labelled entries (through the app), and on entries without a label (as another tool leaves them).
    for (const [entryId, dimension, v] of [
      ['e1', 'stage', stage[1]],
      ['e4', 'bug', ['syntax-error']],
      ['e7', 'tags', ['c']],
      ['e10', 'size', 'l'],
      ['e13', 'task', dims[1].values[2].id],
    ] as const)
      decide(db, { entryId, dimension, value: v, decidedBy: 'lead', rationale: 'why' });
    for (const id of ['bare-passed', 'bare-failed', 'bare-untested'])
      for (const [dimension, v] of [['bug', ['syntax-error']], ['stage', stage[0]]] as const)
        store.decisions.upsert({ entry_id: store.entries.ref(id)!.rowId, dimension, value: JSON.stringify(v), method: 'adjudicated', decided_by: 'lead', rationale: null, decided_at: '2025-01-02T00:00:00.000Z' });
  });
  afterAll(() => project.cleanup());

  const picks: Record<ReferencePick, (c: DimensionConsensus) => LabelValue | null> = { final: (c) => c.final, human: humanConsensus };

  /** Every entry's reference on every categorical dimension, both ways, with how many entries have one. */
  const compare = (includeDrafts: boolean) => {
    const { db } = project;
    const rowIds = openStore(db).entries.refs().map((e) => e.rowId);
    const categorical = dims.filter((d: Dimension) => ['single', 'ordinal', 'multi', 'tree'].includes(d.kind));
    const found: Record<ReferencePick, number> = { final: 0, human: 0 };
    for (const pick of ['final', 'human'] as const) {
      const general = consensusByRow(db, { includeDrafts }, picks[pick]);
      const fast = consensusReference(db, { includeDrafts }, pick, dims);
      expect([...fast.keys()]).toEqual(categorical.map((d) => d.id));
      for (const rowId of rowIds)
        for (const d of categorical) {
          const expected = general.get(rowId)?.dims.find(([id]) => id === d.id)?.[1] ?? null;
          const { at, values } = fast.get(d.id)!;
          const actual = rowId < at.length && at[rowId] >= 0 ? values[at[rowId]] : null;
          expect(actual, `${pick} ${rowId} ${d.id}`).toEqual(expected);
          if (expected !== null) found[pick]++;
        }
    }
    return found;
  };

  it('is the final value and the human consensus of every entry, as the adjudication index has them', () => {
    for (const includeDrafts of [false, true]) {
        const found = compare(includeDrafts);
      // Majorities count for the human consensus only.
      expect(found.final).toBeGreaterThan(30);
      expect(found.human).toBeGreaterThan(found.final + 30);
    }
    // A set no rater chose, proposed by a majority of the elements; decisions on bare entries where the bug dimension applies, and only there.
    const human = consensusReference(project.db, {}, 'human', dims);
    const tags = human.get('tags')!;
    const bug = human.get('bug')!;
    const store = openStore(project.db);
    expect(store.entries.refs().some((e) => tags.at[e.rowId] >= 0 && JSON.stringify(tags.values[tags.at[e.rowId]]) === '["a"]')).toBe(true);
    const bugOf = (id: string) => (bug.at[store.entries.ref(id)!.rowId] >= 0 ? bug.values[bug.at[store.entries.ref(id)!.rowId]] : null);
    expect([bugOf('bare-passed'), bugOf('bare-failed'), bugOf('bare-untested')]).toEqual([null, ['syntax-error'], null]);
  });

  it('and still is once entries are assigned, leaving some labels uncounted', () => {
    const ids = openStore(project.db).entries.refs().map((e) => e.id);
    setAssignments(project.db, { entryIds: ids.filter((_, i) => i % 2 === 0), annotators: ['ana', 'ben', 'cai'] });
    setAssignments(project.db, { entryIds: ids.filter((_, i) => i % 2 === 1), annotators: ['ben', 'cai', 'dan'] });
    for (const includeDrafts of [false, true]) expect(compare(includeDrafts).human).toBeGreaterThan(30);
  });
});
