import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldLayoutOf, shownFields } from '../../shared/codebook/fields.ts';
import { formatCsv, formatJson, formatMarkdown } from '../../shared/tables/formats.ts';
import { labelsJson, labelsTable, type LabelsInput } from '../../shared/tables/labels.ts';
import { writeXlsx } from '../../shared/tables/xlsx.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { decide, entryConsensus, readStudy, studyInSlices } from '../adjudication.ts';
import { setAssignments } from '../assignments.ts';
import { addComment, commentsByEntry, reasonsByEntry, setReason } from '../comments.ts';
import type { Db } from '../database.ts';
import { openStore } from '../data/index.ts';
import { textConsensus } from '../revisions.ts';
import { createService, type Service } from '../service.ts';
import { addEntry, addLabel, buildSmallProject, freshProject } from '../../test/helpers/export-project.ts';
import { renderExport, type ExportArgs } from './render.ts';
import { writeExportFile } from './stream.ts';

/**
 * The labels export reads the study a slice of entries at a time (db/exports/labels.ts,
 * `studyInSlices`); here its bytes are held equal to an export made from the whole study read at
 * once (`readStudy`), on a study where slicing could go wrong: slices that end inside one entry's
 * labels, decisions (stale ones too, found through the event log) and prompt rewrites in some
 * slices only, several labels per entry and dimension (the per-annotator columns), a draft-only
 * annotator, a machine coder, the reference labels, and then assignments that leave one
 * annotator's labels uncounted, with texts of multi-byte characters.
 */
let db: Db;
let dir: string;
let cleanup: () => void;
let service: Service;

/** What the export made of the whole study at once: `readStudy`, every entry's consensus, the shared table builders. */
function wholeStudyInput(args: ExportArgs): LabelsInput {
  const study = readStudy(db, { includeDrafts: args.includeDrafts });
  const comments = commentsByEntry(db);
  const reasons = reasonsByEntry(db);
  const fields = args.fields?.includes('all') ? shownFields(fieldLayoutOf(study.codebook)).map((p) => p.field) : args.fields;
  const texts = fields && new Map(fields.map((f) => [f, openStore(db).entries.fieldOfAll(f)]));
  return {
    codebook: study.codebook,
    annotators: study.annotators,
    entries: study.entries.map((e) => ({
      id: e.id,
      passed: e.passed,
      consensus: [...entryConsensus(study, e), ...textConsensus(study, e)],
      comments: comments.get(e.id),
      reasons: Object.fromEntries(reasons.get(e.id) ?? []),
      ...(texts ? { fields: Object.fromEntries(fields!.map((f) => [f, texts.get(f)!.get(e.rowId) ?? ''])) } : {}),
    })),
    ...(fields ? { fields } : {}),
  };
}

function wholeStudyBytes(args: ExportArgs): Buffer {
  const input = wholeStudyInput(args);
  const table = () => [labelsTable(input, args.perAnnotator)];
  if (args.format === 'json') return Buffer.from(formatJson(labelsJson(input, args.perAnnotator)));
  if (args.format === 'md') return Buffer.from(formatMarkdown(table()));
  if (args.format === 'xlsx') return Buffer.from(writeXlsx(table()));
  return Buffer.from(formatCsv(table()));
}

function rendered(args: ExportArgs): Buffer {
  const r = renderExport(db, args);
  if (r.shape !== 'file') throw new Error('expected one file');
  return Buffer.from(r.file.content, r.file.encoding === 'base64' ? 'base64' : 'utf8');
}

const label = (annotator: string, entryId: string, dimension: string, value: unknown) => service.call('labels.set', { annotator, entryId, dimension, value }, { kind: 'anonymous' });

beforeAll(() => {
  ({ db, dir, cleanup } = freshProject());
  buildSmallProject(db);
  service = createService(db, { workers: false });
  // Ids that sort naturally (e2 before e10), texts of two- and four-byte characters.
  const ids = ['e1', 'e2', 'e3', 'e10', 'e11', 'e20', 'e100', 'é-7', '日本-2', '😀-1'];
  ids.forEach((id, i) => {
    addEntry(db, id, i % 3 === 0 ? true : i % 3 === 1 ? false : null, { repo: `répo-${i}` }, `prompt ${id} — ünïcödé 日本語 \u{1F600}\n"quoted", comma`);
    addLabel(db, id, 'ana', 'stage', 'training');
    addLabel(db, id, 'ben', 'stage', i % 2 ? 'training' : 'inference');
    addLabel(db, id, 'cai', 'stage', i % 4 ? 'inference' : 'training');
    addLabel(db, id, 'ana', 'task', 'general');
    addLabel(db, id, 'cai', 'task', i % 2 ? 'general' : 'classification');
    if (i % 3 !== 0) addLabel(db, id, 'ben', 'bug', ['syntax-error', 'incomplete-generation'].slice(0, 1 + (i % 2)));
    if (i % 3 !== 0) addLabel(db, id, 'cai', 'bug', ['syntax-error']);
    // Only drafts: counted with drafts alone.
    if (i % 5 === 1) addLabel(db, id, 'dora', 'input', 'text', 'draft');
    addLabel(db, id, 'gpt-4o', 'stage', 'training');
    addComment(db, { annotator: 'ben', entryId: id, text: `ça, "${id}" | ✓` });
  });
  db.prepare("UPDATE annotator SET kind = 'machine' WHERE name = 'gpt-4o'").run();
  addLabel(db, 'e10', 'ana', 'prompt-revision', 'Rewritten — 日本語');
  setReason(db, { as: 'lead', entryId: 'e11', dimension: 'stage', reason: 'definition-unclear' });
  // Decisions in some slices: one stays, one is overtaken by a label changed through the app (stale by the log).
  decide(db, { entryId: 'e2', dimension: 'stage', value: 'training', decidedBy: 'lead' });
  decide(db, { entryId: 'e20', dimension: 'stage', value: 'inference', decidedBy: 'lead', rationale: 'the tests, «again»' });
  decide(db, { entryId: '日本-2', dimension: 'task', value: 'general', decidedBy: 'lead' });
  label('cai', 'e20', 'stage', 'training');
  // Its label keeps an older time than the decision, as a pack merged later carries it: only the log tells it came after.
  db.prepare("UPDATE label SET updated_at = '2020-01-01T00:00:00.000Z' WHERE entry_id = (SELECT id FROM entry WHERE ext_id = 'e20') AND dimension = 'stage'").run();
  label('cai', '日本-2', 'task', 'general');
});
afterAll(() => {
  service.close();
  cleanup();
});

const cases: ExportArgs[] = [
  { kind: 'labels', format: 'csv' },
  { kind: 'labels', format: 'csv', perAnnotator: true, fields: ['all'] },
  { kind: 'labels', format: 'csv', perAnnotator: true, includeDrafts: true },
  { kind: 'labels', format: 'json', perAnnotator: true, fields: ['prompt'] },
  { kind: 'labels', format: 'json', includeDrafts: true },
  { kind: 'labels', format: 'md', perAnnotator: true },
  { kind: 'labels', format: 'md', fields: ['prompt'] },
  { kind: 'labels', format: 'xlsx', perAnnotator: true },
];

function holdsEqual(tag: string) {
  it(`${tag}: each slice holds the whole study's entries, labels, decisions and staleness, in order`, () => {
    for (const includeDrafts of [false, true]) {
      const whole = readStudy(db, { includeDrafts, prompts: true });
      expect(whole.stale.size).toBeGreaterThan(0);
      for (const size of [1, 2, 3, 7, 1000]) {
        const study = studyInSlices(db, { includeDrafts, prompts: true }, size);
        expect(study.annotators).toEqual(whole.annotators);
        const slices = [...study.slices()];
        expect(slices.flatMap((x) => x.entries)).toEqual(whole.entries);
        for (const slice of slices) {
          expect(slice.entries.length).toBeLessThanOrEqual(size);
          const own = <T>(m: Map<number, T>) => new Map(slice.entries.filter((e) => m.has(e.rowId)).map((e) => [e.rowId, m.get(e.rowId)!]));
          expect(slice.labels).toEqual(own(whole.labels));
          expect(slice.decisions).toEqual(own(whole.decisions));
          expect(slice.stale).toEqual(own(whole.stale));
          expect(slice.annotators).toEqual(whole.annotators);
        }
      }
    }
  });
  for (const args of cases)
    it(`${tag}: ${JSON.stringify(args)}`, () => {
      const expected = wholeStudyBytes(args);
      expect(rendered(args).equals(expected), 'exports.render').toBe(true);
      // Slices of one entry, of a few (ending inside the decided and the rewritten ones), of all; a workbook is made whole.
      for (const chunkEntries of args.format === 'xlsx' ? [undefined] : [1, 2, 3, 7, 1000]) {
        const out = join(dir, `slices-${chunkEntries}.${args.format}`);
        writeExportFile(db, { ...args, out }, { chunkEntries, chunkChars: 7 });
        expect(readFileSync(out).equals(expected), `slices of ${chunkEntries}`).toBe(true);
      }
    });
}

describe('the labels export read a slice at a time gives the bytes of the whole study read at once', () => {
  it('has what slicing could get wrong: decisions, a stale one, per-annotator values, and who counts', () => {
    const input = wholeStudyInput({ kind: 'labels', perAnnotator: true });
    expect(input.annotators).toEqual(['ana', 'ben', 'cai']);
    expect(wholeStudyInput({ kind: 'labels', includeDrafts: true }).annotators).toEqual(['ana', 'ben', 'cai', 'dee', 'dora']);
    const stage = (id: string) => input.entries.find((e) => e.id === id)!.consensus.find((c) => c.dimension === 'stage')!;
    expect(stage('e2').status).toBe('decided');
    expect(stage('e20')).toMatchObject({ stale: true });
    expect(input.entries.length).toBe(15);
  });

  holdsEqual('no assignments');

  describe('once entries are assigned (cai counts on two entries alone, dora on none)', () => {
    beforeAll(() => {
      const ids = openStore(db).entries.refs().map((e) => e.id);
      setAssignments(db, { entryIds: ids, annotators: ['ana', 'ben'] });
      setAssignments(db, { entryIds: ['e100', '日本-2'], annotators: ['ana', 'ben', 'cai'] });
    });
    it('counts cai on her two entries alone, and lists her because of them', () => {
      const input = wholeStudyInput({ kind: 'labels', perAnnotator: true });
      expect(input.annotators).toEqual(['ana', 'ben', 'cai']);
      const values = (id: string) => input.entries.find((e) => e.id === id)!.consensus.find((c) => c.dimension === 'stage')!.values.map((v) => v.annotator);
      expect(values('e100')).toEqual(['ana', 'ben', 'cai']);
      expect(values('e10')).toEqual(['ana', 'ben']);
    });
    holdsEqual('entries assigned');
    it('and the service writes the same file for the command line', () => {
      const out = join(dir, 'door.csv');
      service.writeFile.export({ kind: 'labels', format: 'csv', perAnnotator: true, out }, FILE_OWNER);
      expect(readFileSync(out).equals(wholeStudyBytes({ kind: 'labels', format: 'csv', perAnnotator: true }))).toBe(true);
    });
  });
});
