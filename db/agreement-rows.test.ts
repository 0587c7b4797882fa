import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import importCommand from '../cli/commands/import.ts';
import type { Dimension } from '../shared/codebook/schema.ts';
import { pinnedText } from '../shared/codebook/lines.ts';
import { findDimension, isEmptyValue, type LabelValue } from '../shared/codebook/values.ts';
import { compareIds } from '../shared/ids.ts';
import { buildAgreementReportFrom, type AgreementOptions, type DbAgreementReport, type DimensionCells } from '../shared/agreement/report.ts';
import { badInput } from '../shared/errors.ts';
import { runCommand } from '../test/helpers/cli.ts';
import { everyLabelRow } from '../test/helpers/every-label.ts';
import { agreementReport, type AgreementQuery } from './agreement.ts';
import { countsAs, standingOf } from './assignments.ts';
import { openDatabase, type Db } from './database.ts';
import { readForAgreement } from './data/agreement-rows.ts';
import { openStore } from './data/index.ts';
import { TEXT_FIELDS } from './data/entries.ts';
import { openProject } from './project.ts';
import type { Service } from './service.ts';

/**
 * The agreement report reads its labels as columns (db/data/agreement-rows.ts), where it read a
 * row array per label, joined to its submission and assignment. The earlier read is kept here as
 * it was, the reference: the report must be the same on awkward data, the reasoning-trace demo
 * (a lines dimension, bug trees of several values) with a machine coder, an annotator who
 * submitted nothing, labels with no submission at all, empty values and assignments.
 */

/** One counted label as the walk hands it over: entry row id, rater, dimension, value (parsed once per distinct text), version, time. */
type CountedLabel = (entryRowId: number, rater: string, dimension: string, value: LabelValue, version: string, updatedAt: string) => void;

/**
 * The one place that decides which labels agreement counts: walks the stored labels once and
 * hands each counted one to `visit`. Submitted labels only (drafts on request); people with role
 * `annotator` unless `annotators` names others (naming a lead, the reference labels or a machine
 * coder is the lead's choice to count them); who counts on an entry is raterRule's answer
 * (db/assignments.ts), read here from each label's row; a round keeps its own entries.
 */
function previousWalk(db: Db, query: AgreementQuery, visit: CountedLabel) {
  const store = openStore(db);
  const codebook = store.project.codebookIfAny();
  if (!codebook) throw badInput('this database has no project yet; import entries first');

  let dimension: string | undefined;
  if (query.dimension !== undefined) {
    const dim = findDimension(codebook, query.dimension);
    if (!dim) throw badInput(`unknown dimension "${query.dimension}" (known: ${codebook.dimensions.map((d) => d.id).join(', ')})`, { field: 'dimension' });
    dimension = dim.id;
  }

  const resolve = (names: string[], field: string) => {
    const rows = names.map((name) => {
      const row = store.annotators.byName(name.trim());
      if (!row) throw badInput(`unknown annotator "${name}"`, { field });
      return row;
    });
    return rows.filter((r, i) => rows.findIndex((x) => x.name === r.name) === i);
  };
  const named = query.annotators ? resolve(query.annotators, 'annotators') : undefined;
  const annotators = named?.map((a) => a.name);
  // An annotator named in `annotators` still counts only where assigned, unless also in `includeUnassigned`.
  const machines = new Set(store.annotators.machines());
  const include = [
    ...(query.includeUnassigned ? resolve(query.includeUnassigned, 'includeUnassigned') : []),
    ...(named ?? []).filter((a) => a.role !== 'annotator' || machines.has(a.name)),
  ];
  const included = new Set(include.map((a) => a.name));
  const byAssignment = store.assignments.any();

  const people = new Map(store.annotators.all().map((a) => [a.id, a]));
  const order = store.entries.inOrder();
  const extIdOf = new Map(order);

  const selected = annotators ? new Set(annotators) : undefined;
  const versions = new Set<string>();
  // Each distinct stored value is parsed once and shared: the report tells values apart by identity.
  const parsed = new Map<string, LabelValue>();
  let counted = 0;
  // Annotators' labels on entries not assigned to them: left out, or counted because the lead said so.
  const unassigned = new Map<string, { labels: number; entries: Set<number>; included: boolean }>();
  for (const [entryRowId, annotatorId, dim, json, version, assigned, updatedAt] of everyLabelRow(db, !!query.includeDrafts)) {
    const a = people.get(annotatorId)!;
    if (selected ? !selected.has(a.name) : a.role !== 'annotator') continue;
    if (query.codebookVersion !== undefined && version !== query.codebookVersion) continue;
    if (dimension !== undefined && dim !== dimension) continue;
    if (query.entries && !query.entries.has(extIdOf.get(entryRowId)!)) continue;
    const machine = machines.has(a.name);
    const standing = standingOf(a.role, byAssignment, assigned === 1, included.has(a.name), machine);
    if (a.role === 'annotator' && !machine && (standing === 'not-assigned' || standing === 'included')) {
      const u = unassigned.get(a.name) ?? { labels: 0, entries: new Set<number>(), included: standing === 'included' };
      unassigned.set(a.name, u);
      u.labels++;
      u.entries.add(entryRowId);
    }
    if (!countsAs(standing)) continue;
    let value = parsed.get(json);
    if (value === undefined) {
      try {
        value = JSON.parse(json) as LabelValue;
      } catch {
        throw badInput(`the stored label of ${a.name} on ${extIdOf.get(entryRowId)} is not JSON`, { field: dim });
      }
      parsed.set(json, value);
    }
    versions.add(version);
    counted++;
    visit(entryRowId, a.name, dim, value, version, updatedAt);
  }
  return {
    codebook,
    dimension,
    annotators,
    order,
    selection: {
      includeDrafts: query.includeDrafts ?? false,
      codebookVersion: query.codebookVersion ?? null,
      labels: counted,
      codebookVersions: [...versions].sort(),
      byAssignment,
      unassigned: [...unassigned]
        .map(([annotator, u]) => ({ annotator, labels: u.labels, entries: u.entries.size, included: u.included }))
        .sort((a, b) => (a.annotator < b.annotator ? -1 : a.annotator > b.annotator ? 1 : 0)),
    },
  };
}

/**
 * Agreement among the annotators' own labels: submitted ones (drafts on request), never the
 * adjudicated decisions. Who counts on an entry is `raterRule`'s answer: once the project
 * assigns entries, an annotator's labels count only on the entries assigned to them, and the
 * report lists the labels it left out. Reference labels (a published dataset), adjudicators'
 * labels and machine coders count only when named in `annotators`.
 */
function previousReport(db: Db, query: AgreementQuery = {}, hooks: Pick<AgreementOptions, 'onProgress' | 'shouldStop'> = {}): DbAgreementReport {
  // The counted labels, per dimension: entry row id, rater name, value.
  const byDimension = new Map<string, { rows: number[]; raters: string[]; values: LabelValue[] }>();
  const { codebook, dimension, annotators, order, selection } = previousWalk(db, query, (entryRowId, rater, dim, value) => {
    let d = byDimension.get(dim);
    if (!d) byDimension.set(dim, (d = { rows: [], raters: [], values: [] }));
    d.rows.push(entryRowId);
    d.raters.push(rater);
    d.values.push(value);
  });
  const rankOf = new Map(order.map(([rowId], i) => [rowId, i]));

  // Raters: those named, else everyone with a counted label, in the natural order of names.
  const raters = annotators ?? [...new Set([...byDimension.values()].flatMap((d) => [...new Set(d.raters)]))].sort(compareIds);
  const raterIndex = new Map(raters.map((r, i) => [r, i]));
  const empty = new Map<LabelValue, boolean>();
  const isEmpty = (v: LabelValue) => {
    let e = empty.get(v);
    if (e === undefined) empty.set(v, (e = isEmptyValue(v)));
    return e;
  };
  /** A dimension's units (entries with a counted label, in natural order) x raters, as `collectCells` gives them. */
  const cellsOf = (dim: Dimension): DimensionCells => {
    const d = byDimension.get(dim.id);
    if (!d) return { units: [], cells: raters.map(() => []) };
    // Units in natural order: mark the ranks that have a label, then read them in order.
    const unitOf = new Int32Array(order.length).fill(-1);
    const ranks = d.rows.map((id) => rankOf.get(id)!);
    for (const rank of ranks) unitOf[rank] = 0;
    const units: string[] = [];
    for (let rank = 0; rank < order.length; rank++) if (unitOf[rank] === 0) unitOf[rank] = units.push(order[rank][1]) - 1;
    const cells = raters.map(() => new Array<LabelValue | undefined>(units.length).fill(undefined));
    for (let i = 0; i < ranks.length; i++) {
      const r = raterIndex.get(d.raters[i]);
      if (r !== undefined && !isEmpty(d.values[i])) cells[r][unitOf[ranks[i]]] = d.values[i];
    }
    if (dim.kind !== 'lines') return { units, cells };
    // Each line of the text the dimension pins to is a unit: how many lines each entry's text has.
    const counts = openStore(db).entries.lineCountsOf(TEXT_FIELDS[pinnedText(dim)]);
    const rowOf = new Map(order.map(([rowId, extId]) => [extId, rowId]));
    return { units, cells, lines: units.map((u) => counts.get(rowOf.get(u)!) ?? 0) };
  };

  const report = buildAgreementReportFrom(
    codebook,
    { raters, cellsOf },
    { bootstrap: query.bootstrap, seed: query.seed, dimension, cellUnits: query.cellUnits, onProgress: hooks.onProgress, shouldStop: hooks.shouldStop },
  );
  const { includeDrafts, codebookVersion, ...rest } = selection;
  return { ...report, selection: { includeDrafts, codebookVersion, annotators: report.raters, ...rest } };
}


const demo = fileURLToPath(new URL('../fixtures/reasoning-trace-demo', import.meta.url));
let dir: string;
let s: Service;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-agreement-rows-'));
  const file = join(dir, 'p.db');
  const r = await runCommand(importCommand, [join(demo, 'annotations.jsonl'), join(demo, 'entries.jsonl'), '--codebook', join(demo, 'codebook.json'), '--db', file]);
  expect(r.code).toBe(0);
  s = await openProject(file, { workers: false });
  const db = s.db;
  const id = (name: string) => (db.prepare('SELECT id FROM annotator WHERE name = ?').get(name) as { id: number }).id;
  // A machine coder with ben's labels, a little changed; an annotator with labels and no submission;
  // one whose submissions were taken back; an empty bug set; and entries assigned to some.
  db.prepare("INSERT INTO annotator (name, role, created_at, kind) VALUES ('model-x', 'annotator', '2025-01-01', 'machine'), ('dee', 'annotator', '2025-01-01', 'human')").run();
  db.prepare("INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) SELECT entry_id, ?, dimension, CASE WHEN entry_id % 3 = 0 THEN '\"Irregular\"' ELSE value END, codebook_version, updated_at FROM label WHERE annotator_id = ?").run(id('model-x'), id('ben'));
  db.prepare("INSERT INTO submission (entry_id, annotator_id, status, updated_at) SELECT entry_id, ?, status, updated_at FROM submission WHERE annotator_id = ? AND entry_id % 2 = 1").run(id('model-x'), id('ben'));
  db.prepare("INSERT INTO label (entry_id, annotator_id, dimension, value, codebook_version, updated_at) SELECT entry_id, ?, dimension, value, codebook_version, updated_at FROM label WHERE annotator_id = ? AND entry_id % 2 = 0").run(id('dee'), id('ana'));
  db.prepare("UPDATE submission SET status = 'draft' WHERE annotator_id = ? AND entry_id % 4 = 1").run(id('ana'));
  db.prepare("UPDATE label SET value = '[]' WHERE dimension = 'inference-error' AND annotator_id = ? AND entry_id % 5 = 0").run(id('ben'));
  db.prepare('INSERT OR IGNORE INTO assignment (entry_id, annotator_id) SELECT id, ? FROM entry WHERE id % 3 != 0').run(id('ana'));
  db.prepare('INSERT OR IGNORE INTO assignment (entry_id, annotator_id) SELECT id, ? FROM entry').run(id('ben'));
});
afterAll(() => {
  s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the agreement report read as columns', () => {
  it('is the report the row-by-row read gave, on awkward data', () => {
    const queries: AgreementQuery[] = [
      { bootstrap: 0 },
      { bootstrap: 0, includeDrafts: true },
      { bootstrap: 20, seed: 4, annotators: ['ana', 'ben', 'model-x'] },
      { bootstrap: 0, annotators: ['ana', 'dee', 'ben'], includeUnassigned: ['ana'], includeDrafts: true },
      { bootstrap: 0, dimension: 'error-lines', includeDrafts: true, annotators: ['ana', 'ben', 'dee'] },
      { bootstrap: 0, dimension: 'inference-error' },
      { bootstrap: 0, codebookVersion: 'no such version' },
    ];
    for (const q of queries) expect(agreementReport(s.db, q), JSON.stringify(q)).toEqual(previousReport(s.db, q));
    const all = agreementReport(s.db, { bootstrap: 0, annotators: ['ana', 'ben', 'model-x', 'dee'], includeDrafts: true });
    // The data has what the read must handle.
    expect(all.raters).toEqual(['ana', 'ben', 'model-x', 'dee']);
    expect(all.selection.labels).toBeGreaterThan(100);
    expect(all.dimensions.find((d) => d.id === 'error-lines')!.lineUnits).toBeGreaterThan(0);
    expect(all.selection.unassigned.length).toBeGreaterThan(0);
  });
});

describe("agreement's full read of the labels", () => {
  it('reads every label as its numbers, and refuses a label without a kind rather than leave it out', () => {
    const file = join(dir, 'kindless.db');
    s.db.prepare('VACUUM INTO ?').run(file);
    const db = openDatabase(file);
    try {
      const { rows } = readForAgreement(db);
      const stored = db.prepare('SELECT l.rowid, l.entry_id, l.annotator_id, k.dimension, k.value, k.codebook_version FROM label l JOIN label_kind k ON k.id = l.kind ORDER BY l.rowid').raw(true).all();
      expect(rows.count).toBe(stored.length);
      const read = Array.from({ length: rows.count }, (_, i) => [rows.rowid[i], rows.entry[i], rows.annotator[i], rows.dimensions[rows.dimension[i]], rows.values[rows.value[i]], rows.versions[rows.version[i]]]);
      expect(read).toEqual(stored);
      // Something other than Concord took a label's kind away (its triggers give every label one).
      db.exec('DROP TRIGGER label_kind_on_update');
      const rowid = db.prepare('SELECT max(rowid) FROM label').pluck().get() as number;
      db.prepare('UPDATE label SET kind = NULL WHERE rowid = ?').run(rowid);
      expect(() => readForAgreement(db)).toThrow(`the label in row ${rowid} has no kind`);
    } finally {
      db.close();
    }
  });
});
