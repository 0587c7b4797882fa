import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appCall } from '../test/helpers/service.ts';
import { agreementReport, type AgreementQuery } from './agreement.ts';
import { openDatabase } from './database.ts';
import { adoptColumns, columnsToHand, currentForAgreement, currentToHand, currentWithTimes, ENTRIES_IN_ORDER, fromKeptColumns, GONE, groupedForConsensus, type ConsensusGroups } from './data/agreement-rows.ts';
import { openStore } from './data/index.ts';
import { currentWithLabelTimes } from './data/label-times.ts';
import { SAVED_FROM_LABELS } from './data/saved-columns.ts';
import { countedCells, countedLabelColumns } from './agreement.ts';
import { consensusIndex } from './adjudication.ts';
import { figureReport } from './agreement-figures.ts';
import type { Db } from './database.ts';
import { openProject } from './project.ts';
import type { Service } from './service.ts';

/**
 * The labels the agreement report reads are kept between calls on a connection and brought up to
 * date from the event log (db/data/agreement-rows.ts). After each kind of write, the report from
 * the kept labels must be the report a fresh connection reads from scratch.
 */
let dir: string;
let s: Service;
/** Once the task that is running is over (and what it left to do after its answer is done). */
const taskOver = () => new Promise<void>((resolve) => setImmediate(resolve));
const queries: AgreementQuery[] = [{ bootstrap: 0 }, { bootstrap: 0, includeDrafts: true }, { bootstrap: 0, annotators: ['ana', 'ben', 'dee'] }];

/**
 * The figure reports that keep what they work out with the columns (`fromKeptColumns`: the counted
 * cells, their hash, the labels' times), as the Agreement view's tabs ask for them.
 */
const tabs = (db: Db, q: AgreementQuery) => [
  figureReport(db, { figures: 'coefficients', query: { ...q, categories: 'first' } }),
  figureReport(db, { figures: 'drift', query: { ...q, by: 'week' } }),
  figureReport(db, { figures: 'drift', query: { ...q, by: 'batch' } }),
  figureReport(db, { figures: 'coders', query: q }),
  figureReport(db, { figures: 'machines', query: q }),
];

function sameAsFresh(): void {
  const fresh = openDatabase(join(dir, 'p.db'));
  try {
    for (const q of queries) {
      expect(agreementReport(s.db, q), JSON.stringify(q)).toEqual(agreementReport(fresh, q));
      expect(tabs(s.db, q), JSON.stringify(q)).toEqual(tabs(fresh, q));
    }
  } finally {
    fresh.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-agreement-cache-'));
  s = await openProject(join(dir, 'p.db'), { workers: false });
  const t = new Date().toISOString();
  for (let i = 1; i <= 12; i++)
    openStore(s.db).entries.insert(`e${i}`, { fields: { prompt: `p${i}` }, passed: i % 4 === 0 ? 1 : 0, failingTests: '[]', metadata: '{}', hash: '' }, t);
  for (const name of ['ana', 'ben', 'cai', 'dee']) appCall(s, 'project.addAnnotator', { name });
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
  const stages = ['training', 'inference', 'model-construction', 'evaluation-metrics'];
  for (const [k, name] of ['ana', 'ben', 'cai'].entries())
    for (let i = 1; i <= 12; i++) {
      if (i % 4 === 0) continue;
      appCall(s, 'labels.set', { annotator: name, entryId: `e${i}`, dimension: 'stage', value: stages[(i + (k === 2 && i % 3 === 0 ? 1 : 0)) % 4] });
      appCall(s, 'labels.set', { annotator: name, entryId: `e${i}`, dimension: 'bug', value: i % 2 ? ['misinterpretation'] : ['silly-mistake::not-dl-related', 'misinterpretation'] });
      if (i !== 5 || name !== 'cai') appCall(s, 'labels.setStatus', { annotator: name, entryId: `e${i}`, status: 'submitted' });
    }
});
afterEach(() => {
  s.db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the labels the agreement report keeps between calls', () => {
  it('are read once, then kept while nothing is written', () => {
    expect(currentForAgreement(s.db).sync).toBe('rebuilt');
    expect(currentForAgreement(s.db).sync).toBe('unchanged');
    sameAsFresh();
  });

  it('follow each kind of write: a label changed, cleared, added; a submission taken back; a new annotator; assignments', () => {
    agreementReport(s.db, { bootstrap: 0 });
    const writes: [string, () => void][] = [
      ['a label changed', () => appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'model-construction' })],
      ['a label cleared', () => appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e2', dimension: 'bug', value: null })],
      ['a label on an entry nobody labelled', () => appCall(s, 'labels.set', { annotator: 'cai', entryId: 'e4', dimension: 'stage', value: 'training' })],
      ['a submission taken back', () => appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e3', status: 'draft' })],
      ['a draft submitted', () => appCall(s, 'labels.setStatus', { annotator: 'cai', entryId: 'e5', status: 'submitted' })],
      ['an annotator added, and one labels for the first time', () => {
        appCall(s, 'project.addAnnotator', { name: 'eve' });
        appCall(s, 'labels.set', { annotator: 'dee', entryId: 'e6', dimension: 'stage', value: 'model-construction' });
        appCall(s, 'labels.setStatus', { annotator: 'dee', entryId: 'e6', status: 'submitted' });
      }],
      ['entries assigned', () => s.call('assignments.set', { entryIds: ['e1', 'e2'], annotators: ['ana', 'ben'] }, { kind: 'named', name: 'lead' })],
    ];
    const syncs: string[] = [];
    for (const [what, write] of writes) {
      write();
      syncs.push(`${what}: ${currentForAgreement(s.db).sync}`);
      sameAsFresh();
    }
    // Label and submission writes are read again entry by entry, not from scratch.
    expect(syncs.slice(0, 5)).toEqual(['a label changed', 'a label cleared', 'a label on an entry nobody labelled', 'a submission taken back', 'a draft submitted'].map((w) => `${w}: incremental`));
  });

  it('keep what the figures work out from them until anything is written', () => {
    const q = { bootstrap: 0 };
    const first = countedCells(s.db, q);
    expect(countedCells(s.db, q)).toBe(first);
    expect(countedCells(s.db, { ...q, includeDrafts: true })).not.toBe(first);
    // Drift's times come with the same counted cells.
    expect(countedCells(s.db, q, { times: true }).input).toBe(first.input);
    // The coder and machine figures count the same labels.
    expect(countedLabelColumns(s.db, q).labels.counted).toBe(countedLabelColumns(s.db, { ...q, bootstrap: 200 }).labels.counted);
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'model-construction' });
    const after = countedCells(s.db, q);
    expect(after).not.toBe(first);
    expect(after.digest()).not.toEqual(first.digest());
    sameAsFresh();
  });

  it("share the entries' natural order between selections, read again once an entry is added", () => {
    const order = countedLabelColumns(s.db, { bootstrap: 0 }).order;
    expect(countedLabelColumns(s.db, { bootstrap: 0, includeDrafts: true }).order).toBe(order);
    openStore(s.db).entries.insert('e0', { fields: { prompt: 'p0' }, passed: 0, failingTests: '[]', metadata: '{}', hash: '' }, new Date().toISOString());
    const after = countedLabelColumns(s.db, { bootstrap: 0 }).order;
    expect(after).not.toBe(order);
    expect(after.map(([, id]) => id)).toEqual(['e0', ...order.map(([, id]) => id)]);
    sameAsFresh();
  });

  it('stay kept across writes that change nothing they hold: a queue searched, filtered to Re-review, and the search index built', () => {
    // Entries an import listed for the search index, not indexed yet (written here without their events: the labels are read again).
    const t = new Date().toISOString();
    openStore(s.db).entries.insertMany(
      [13, 14, 15].map((i) => ({ extId: `e${i}`, columns: { fields: { prompt: `p${i} sampled logits` }, passed: 0, failingTests: '[]', metadata: '{}', hash: '' } })),
      t,
    );
    expect(currentForAgreement(s.db).sync).toBe('rebuilt');
    const consensus = appCall(s, 'adjudication.summary', { as: 'lead' });
    // An annotator's queue, searched by words (which indexes the listed entries first) and filtered, on the same connection.
    expect(appCall(s, 'entries.page', { annotator: 'ana', filter: { search: 'sampled logits' }, limit: 5 }).rows.map((r) => r.id)).toEqual(['e13', 'e14', 'e15']);
    appCall(s, 'entries.page', { annotator: 'ana', filter: { review: true }, limit: 5 });
    appCall(s, 'entries.page', { annotator: 'ben', filter: { search: 'e1' }, limit: 5 });
    expect(s.db.prepare('SELECT count(*) FROM entry_text_pending').pluck().get()).toBe(0);
    expect(currentForAgreement(s.db).sync).toBe('unchanged');
    expect(appCall(s, 'adjudication.summary', { as: 'lead' })).toEqual(consensus);
    expect(consensusIndex(s.db).lastSync).toBe('unchanged');
    sameAsFresh();
  });

  it('keep the entries in their natural order across label writes, and read it again once an entry came', () => {
    const order = () => fromKeptColumns(s.db, ENTRIES_IN_ORDER, () => openStore(s.db).entries.inOrder());
    agreementReport(s.db, { bootstrap: 0 });
    const kept = order();
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'model-construction' });
    expect(currentForAgreement(s.db).sync).toBe('incremental');
    expect(order()).toBe(kept);
    // An entry come since, said in the log entry by entry (as an import of a few says it), and labelled.
    const t = new Date().toISOString();
    openStore(s.db).entries.insert('e0', { fields: { prompt: 'p0' }, passed: 0, failingTests: '[]', metadata: '{}', hash: '' }, t);
    openStore(s.db).events.append({ actor: 'cli', kind: 'entry.create', entryId: 'e0', before: null, after: {}, at: t });
    for (const name of ['ana', 'ben']) {
      appCall(s, 'labels.set', { annotator: name, entryId: 'e0', dimension: 'stage', value: 'training' });
      appCall(s, 'labels.setStatus', { annotator: name, entryId: 'e0', status: 'submitted' });
    }
    expect(currentForAgreement(s.db).sync).toBe('incremental');
    expect(order().map(([, id]) => id)).toEqual(Array.from({ length: 13 }, (_, i) => `e${i}`));
    sameAsFresh();
  });

  it('start over on a write the log does not show', () => {
    agreementReport(s.db, { bootstrap: 0 });
    s.db.prepare("UPDATE label SET value = '\"evaluation-metrics\"' WHERE dimension = 'stage' AND entry_id = (SELECT id FROM entry WHERE ext_id = 'e2')").run();
    expect(currentForAgreement(s.db).sync).toBe('rebuilt');
    sameAsFresh();
  });
});

describe("the kept labels handed to a job's worker (its own connection to the file)", () => {
  /** A second connection, as a worker opens it, given what the service's connection hands over. */
  const worker = (handed: ReturnType<typeof columnsToHand>) => {
    const other = openDatabase(join(dir, 'p.db'), { checkedAlready: true });
    // Through a copy, as a worker receives them: nothing is shared with the service's connection.
    if (handed) adoptColumns(other, structuredClone(handed));
    return other;
  };
  const sameReports = (other: ReturnType<typeof openDatabase>) => {
    for (const q of queries) {
      expect(agreementReport(other, q), JSON.stringify(q)).toEqual(agreementReport(s.db, q));
      expect(tabs(other, q), JSON.stringify(q)).toEqual(tabs(s.db, q));
    }
  };

  it('are none until the service keeps some, and handing them never reads every label on its thread', () => {
    expect(columnsToHand(s.db)).toBeUndefined();
    agreementReport(s.db, { bootstrap: 0 });
    // A write the log does not show: only a full read could bring them up to date, and that is left to the worker.
    s.db.prepare("UPDATE label SET value = '\"training\"' WHERE dimension = 'stage' AND entry_id = (SELECT id FROM entry WHERE ext_id = 'e2')").run();
    expect(columnsToHand(s.db)).toBeUndefined();
  });

  it('are taken as the worker’s own, brought up to date from the log, and give the reports the service gives', () => {
    agreementReport(s.db, { bootstrap: 0 });
    // With the labels' times, as the columns read ahead are handed.
    currentWithLabelTimes(s.db);
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'model-construction' });
    const handed = columnsToHand(s.db);
    expect(handed).toBeDefined();
    // Nothing written since they were handed: kept as they came.
    let other = worker(handed);
    expect(currentForAgreement(other).sync).toBe('unchanged');
    sameReports(other);
    other.close();
    // Written after they were handed, before the worker began: read again entry by entry.
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e3', dimension: 'stage', value: 'evaluation-metrics' });
    appCall(s, 'labels.setStatus', { annotator: 'cai', entryId: 'e5', status: 'submitted' });
    other = worker(handed);
    expect(currentForAgreement(other).sync).toBe('unchanged');
    sameReports(other);
    other.close();
    // A codebook that is no longer the project's: dropped, and read from scratch.
    other = worker({ ...handed!, codebook: '{}' });
    expect(currentForAgreement(other).sync).toBe('rebuilt');
    sameReports(other);
    other.close();
  });

  it('come back from a worker that read them even when another connection wrote since (the search index an import left, built meanwhile)', () => {
    const t = new Date().toISOString();
    openStore(s.db).entries.insertMany([{ extId: 'e13', columns: { fields: { prompt: 'p13 sampled logits' }, passed: 0, failingTests: '[]', metadata: '{}', hash: '' } }], t);
    // The worker reads the labels (the read ahead's job); the service's connection builds the search index meanwhile.
    const reader = openDatabase(join(dir, 'p.db'), { checkedAlready: true });
    try {
      expect(currentForAgreement(reader).sync).toBe('rebuilt');
      expect(openStore(s.db).entries.indexPending(-1)).toBe(0);
      // Asked again, the reader's connection has moved: its own check cannot vouch for the columns (another program could have written labels).
      expect(columnsToHand(reader)).toBeUndefined();
      // What the job hands back: the columns it holds, read again if need be, which the service then takes over.
      const handed = currentToHand(reader);
      adoptColumns(s.db, structuredClone(handed));
      expect(columnsToHand(s.db)).toBeDefined();
      expect(currentForAgreement(s.db).sync).toBe('unchanged');
      sameAsFresh();
    } finally {
      reader.close();
    }
  });
});

describe('the labels grouped per entry for consensus, from the kept columns', () => {
  /** The grouping as SQL made it before the consensus read the kept columns: the reference. */
  const bySql = (includeDrafts: boolean) =>
    s.db
      .prepare(
        `SELECT l.entry_id, COUNT(*),
                group_concat(l.dimension || char(31) || l.annotator_id || char(31) || (x.entry_id IS NOT NULL) || char(31) || l.value, char(30) ORDER BY l.dimension, l.annotator_id)
           FROM label l
           LEFT JOIN submission s ON s.entry_id = l.entry_id AND s.annotator_id = l.annotator_id
           LEFT JOIN assignment x ON x.entry_id = l.entry_id AND x.annotator_id = l.annotator_id
          WHERE ? OR s.status = 'submitted'
          GROUP BY l.entry_id ORDER BY l.entry_id`,
      )
      .raw(true)
      .all(includeDrafts ? 1 : 0);

  /** The groups as SQL groups the rows: per entry, how many labels, and one text of them all, `dimension US annotator US assigned US value` joined by RS. */
  const asRows = (g: ConsensusGroups) => {
    const out: [number, number, string][] = [];
    for (let k = 0; k < g.count; k++) {
      const labels: string[] = [];
      for (let i = g.start[k]; i < g.start[k + 1]; i++) labels.push([g.dimensions[g.dimension[k]], g.annotator[i], g.assigned[i], g.values[g.value[i]]].join('\u001f'));
      const last = out[out.length - 1];
      if (last?.[0] === g.entry[k]) out[out.length - 1] = [last[0], last[1] + labels.length, `${last[2]}\u001e${labels.join('\u001e')}`];
      else out.push([g.entry[k], labels.length, labels.join('\u001e')]);
    }
    return out;
  };

  it('are the rows SQL groups, drafts or not, after labels were rewritten, cleared and assigned', () => {
    const check = () => {
      for (const drafts of [false, true]) expect(asRows(groupedForConsensus(currentForAgreement(s.db), drafts)), `drafts ${drafts}`).toEqual(bySql(drafts));
    };
    check();
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'model-construction' });
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e2', dimension: 'bug', value: null });
    appCall(s, 'labels.set', { annotator: 'cai', entryId: 'e4', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.setStatus', { annotator: 'cai', entryId: 'e4', status: 'submitted' });
    s.call('assignments.set', { entryIds: ['e1', 'e3'], annotators: ['ana', 'cai'] }, { kind: 'named', name: 'lead' });
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e3', dimension: 'bug', value: ['silly-mistake::not-dl-related'] });
    // The kept columns now hold rewritten rows marked gone, and new rows out of entry order.
    expect(currentForAgreement(s.db).rows.annotator).toContain(GONE);
    check();
    expect(bySql(false).length).toBeGreaterThan(5);
  });
});

describe('the labels with their times, for drift', () => {
  /** Each live row's (entry, annotator, dimension) with its time, as `currentWithTimes` gives them, against the table read now. */
  const timesNow = (db: typeof s.db) => {
    const { rows } = currentWithTimes(db);
    const got = new Map<string, string>();
    for (let i = 0; i < rows.count; i++) if (rows.annotator[i] !== GONE) got.set(`${rows.entry[i]}/${rows.annotator[i]}/${rows.dimensions[rows.dimension[i]]}`, rows.times![i]);
    const table = db.prepare('SELECT entry_id AS e, annotator_id AS a, dimension AS d, updated_at AS t FROM label').all() as { e: number; a: number; d: string; t: string }[];
    return { got, want: new Map(table.map((r) => [`${r.e}/${r.a}/${r.d}`, r.t])), rows };
  };

  it('read only the times, each to the kept row of its label, also once rows were read again after a write: each row its own time', () => {
    // Distinct times, so a time read beside the wrong row shows.
    s.db.prepare("UPDATE label SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || rowid || ' minutes')").run();
    currentForAgreement(s.db);
    const whole = timesNow(s.db);
    expect(whole.got).toEqual(whole.want);
    expect(whole.got.size).toBeGreaterThan(40);
    // The kept rows themselves carry no times: only the copy handed back does.
    expect(currentForAgreement(s.db).rows.times).toBeUndefined();
    // A label rewritten: its entry's rows are read again at the end of the kept rows, so they are not the table's order any more.
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e2', dimension: 'stage', value: 'inference' });
    s.db.prepare("UPDATE label SET updated_at = '2026-03-01T00:00:00.000Z' WHERE entry_id = (SELECT id FROM entry WHERE ext_id = 'e2')").run();
    expect(currentForAgreement(s.db).sync).toBe('incremental');
    const after = timesNow(s.db);
    expect(after.got).toEqual(after.want);
    expect([...after.got.values()]).toContain('2026-03-01T00:00:00.000Z');
    // The kept rows themselves, not every label read again with its time.
    expect(after.rows.entry).toBe(currentForAgreement(s.db).rows.entry);
  });
});

describe('the label columns saved beside a large project’s file', () => {
  const savedFile = () => join(dir, 'p.db.label-columns');
  const open = () => openDatabase(join(dir, 'p.db'), { checkedAlready: true });
  /** The reports of a connection that reads every label itself (what is saved moved aside meanwhile). */
  const fullRead = () => {
    const aside = `${savedFile()}.aside`;
    const had = existsSync(savedFile());
    if (had) renameSync(savedFile(), aside);
    const fresh = open();
    try {
      expect(currentForAgreement(fresh).sync).toBe('rebuilt');
      return queries.map((q) => [agreementReport(fresh, q), tabs(fresh, q)]);
    } finally {
      fresh.close();
      if (had) renameSync(aside, savedFile());
    }
  };
  /** A new connection, as a new session's worker opens the file: how it came by its columns, and whether they give what a full read gives. */
  const nextSession = async (): Promise<string> => {
    const other = open();
    try {
      const { sync } = currentForAgreement(other);
      expect(queries.map((q) => [agreementReport(other, q), tabs(other, q)])).toEqual(fullRead());
      // (The session goes on after answering: what it read in full is saved then.)
      await taskOver();
      return sync;
    } finally {
      other.close();
    }
  };
  const threshold = SAVED_FROM_LABELS.value;
  beforeEach(() => {
    // The demo's few labels stand for a large project's million.
    SAVED_FROM_LABELS.value = 1;
  });
  afterEach(() => {
    SAVED_FROM_LABELS.value = threshold;
  });

  it('are saved once read in full, after the answer, and taken over by the next session, brought up to date from the log', async () => {
    expect(currentForAgreement(s.db).sync).toBe('rebuilt');
    // What asked for them has its answer before they are saved: once its task is over.
    expect(existsSync(savedFile())).toBe(false);
    await taskOver();
    expect(existsSync(savedFile())).toBe(true);
    expect(await nextSession()).toBe('saved');
    // Written since they were saved: a label changed, one cleared, a submission taken back, a new annotator's label, an assignment.
    appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'evaluation-metrics' });
    appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e2', dimension: 'stage', value: null });
    appCall(s, 'labels.setStatus', { annotator: 'cai', entryId: 'e3', status: 'draft' });
    appCall(s, 'labels.set', { annotator: 'dee', entryId: 'e6', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.setStatus', { annotator: 'dee', entryId: 'e6', status: 'submitted' });
    appCall(s, 'assignments.set', { as: 'lead', entryIds: ['e7'], annotators: ['dee', 'ana'] });
    expect(await nextSession()).toBe('saved');
  });

  it('are saved as a session brought them up to date when it closes, unless the copy beside the file holds them already', async () => {
    const file = join(dir, 'p.db');
    const saved = () => deserialize(readFileSync(savedFile())) as { logMark?: { id: number } };
    currentForAgreement(s.db);
    await taskOver();
    s.close();
    // A session that takes them over and writes: the columns it brought up to date are saved as it closes.
    const session = await openProject(file, { workers: false });
    expect(currentForAgreement(session.db).sync).toBe('saved');
    appCall(session, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'evaluation-metrics' });
    expect(currentForAgreement(session.db).sync).toBe('incremental');
    const written = openStore(session.db).events.newest()!.id;
    expect(saved().logMark?.id).toBeLessThan(written);
    session.close();
    expect(saved().logMark?.id).toBe(written);
    // One that only reads leaves the copy as it is: not written again (a save replaces the file).
    const copy = () => statSync(savedFile()).ino;
    const was = copy();
    const reader = await openProject(file, { workers: false });
    expect(currentForAgreement(reader.db).sync).toBe('saved');
    reader.close();
    expect(copy()).toBe(was);
    s = await openProject(file, { workers: false });
  });

  it('are read again when they do not check out: labels written outside the log, another project’s, another schema’s, damaged, or not readable', async () => {
    currentForAgreement(s.db);
    await taskOver();
    // A label row removed behind the log's back: the rows no longer count as the table does.
    s.db.prepare("DELETE FROM label WHERE rowid = (SELECT max(rowid) FROM label WHERE dimension = 'bug')").run();
    expect(await nextSession()).toBe('rebuilt');
    // Another project's, lying where this one's would be (its log does not hold the event they stood at).
    const other = await openProject(join(dir, 'other.db'), { seedDemo: true, workers: false });
    currentForAgreement(other.db);
    await taskOver();
    other.close();
    copyFileSync(join(dir, 'other.db.label-columns'), savedFile());
    expect(await nextSession()).toBe('rebuilt');
    // (The full read just made saved them as the table is now: each change below is the only thing wrong.)
    const saved = readFileSync(savedFile());
    // This project's, saved before a migration the file has had since.
    writeFileSync(savedFile(), serialize({ ...(deserialize(saved) as object), schema: 1 }));
    expect(await nextSession()).toBe('rebuilt');
    // Damaged on disk: one label's entry changed, the file's shape intact.
    const damaged = deserialize(saved) as { data: { rows: { entry: Int32Array } } };
    damaged.data.rows.entry[0] = damaged.data.rows.entry[0] === 1 ? 2 : 1;
    writeFileSync(savedFile(), serialize(damaged));
    expect(await nextSession()).toBe('rebuilt');
    // Not the columns' shape: a column one label short.
    const short = deserialize(saved) as { data: { rows: { value: Int32Array } } };
    short.data.rows.value = short.data.rows.value.subarray(1);
    writeFileSync(savedFile(), serialize(short));
    expect(await nextSession()).toBe('rebuilt');
    // Cut short, or not what is saved at all.
    writeFileSync(savedFile(), saved.subarray(0, saved.length >> 1));
    expect(await nextSession()).toBe('rebuilt');
    writeFileSync(savedFile(), 'not columns');
    expect(await nextSession()).toBe('rebuilt');
    // (Each full read saved them again: now they check out.)
    expect(await nextSession()).toBe('saved');
  });

  it('are not saved for a small project, and a save that cannot be written leaves nothing behind', async () => {
    SAVED_FROM_LABELS.value = threshold;
    currentForAgreement(s.db);
    await taskOver();
    expect(existsSync(savedFile())).toBe(false);
    SAVED_FROM_LABELS.value = 1;
    // Where the file would go, a folder: the report is made all the same, and no partial file is left.
    mkdirSync(savedFile());
    const other = open();
    expect(currentForAgreement(other).sync).toBe('rebuilt');
    await taskOver();
    other.close();
    expect(readdirSync(dir).filter((f) => f.includes('label-columns'))).toEqual(['p.db.label-columns']);
  });

  it('remove what a save cut short left, not a save another thread is making', async () => {
    // A worker ended between writing its copy and renaming it, minutes ago; another thread writing one now.
    const cutShort = join(dir, 'p.db.label-columns.4242-3.partial');
    const beingMade = join(dir, 'p.db.label-columns.4243-1.partial');
    writeFileSync(cutShort, 'half');
    utimesSync(cutShort, new Date(Date.now() - 5 * 60_000), new Date(Date.now() - 5 * 60_000));
    writeFileSync(beingMade, 'half');
    currentForAgreement(s.db);
    await taskOver();
    expect(readdirSync(dir).filter((f) => f.includes('label-columns')).sort()).toEqual(['p.db.label-columns', 'p.db.label-columns.4243-1.partial']);
  });
});
