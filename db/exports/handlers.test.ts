import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adjudicationArgs, exportArgs } from '../../shared/consensus/api-args.ts';
import type { Db } from '../database.ts';
import { consensusHandlers } from './handlers.ts';
import { addEntry, addLabel, freshProject } from '../../test/helpers/export-project.ts';

let db: Db;
let cleanup: () => void;
beforeEach(() => {
  ({ db, cleanup } = freshProject());
  addEntry(db, 'e1', false);
  for (const [who, v] of [['ana', 'training'], ['ben', 'training'], ['cai', 'inference']]) addLabel(db, 'e1', who, 'stage', v);
});
afterEach(() => cleanup());

describe('the adjudication and export methods, as a host calls them', () => {
  it('validate their arguments before they reach the database', () => {
    expect(adjudicationArgs.decide.safeParse({ entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: '  ' }).success).toBe(false);
    expect(exportArgs.render.safeParse({ kind: 'tables', format: 'csv' }).success).toBe(false);
    expect(exportArgs.render.safeParse({ kind: 'labels', format: 'xlsx' }).success).toBe(true);
  });

  it('decide, list, export and undo through one handler map', () => {
    const h = consensusHandlers(db);
    expect(h['adjudication.queue'](adjudicationArgs.queue.parse({})).map((q) => q.entryId)).toEqual(['e1']);
    const c = h['adjudication.decide'](adjudicationArgs.decide.parse({ entryId: 'e1', dimension: 'stage', value: 'inference', rationale: 'predicts only', decidedBy: 'lead' }));
    expect(c.final).toBe('inference');
    expect(h['adjudication.queue']({})).toEqual([]);
    const x = h['exports.render'](exportArgs.render.parse({ kind: 'labels', format: 'xlsx' }));
    expect(x.shape === 'file' && x.file.encoding).toBe('base64');
    const csv = h['exports.render']({ kind: 'labels', format: 'csv' });
    expect(csv.shape === 'file' && csv.file.content).toContain('e1,false,Inference,decided,adjudicated,lead,predicts only');
    expect(h['adjudication.undo']({})).toEqual({ restored: [{ entryId: 'e1', dimension: 'stage', value: null }] });
    expect(h['adjudication.entry']({ entryId: 'e1' }).dimensions[0].status).toBe('majority');
  });

  it('remove a decision when deciding null, logged like any other', () => {
    const h = consensusHandlers(db);
    h['adjudication.decide']({ entryId: 'e1', dimension: 'stage', value: 'training', decidedBy: 'lead' });
    expect(h['adjudication.decide']({ entryId: 'e1', dimension: 'stage', value: null, decidedBy: 'lead' }).status).toBe('majority');
    expect(db.prepare("SELECT COUNT(*) AS n FROM event WHERE kind = 'decision.set'").get()).toEqual({ n: 2 });
  });
});
