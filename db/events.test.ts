import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../shared/api.ts';
import { decide } from './adjudication.ts';
import { appendEvent, listEvents } from './events.ts';
import { makeProject } from '../test/helpers/pack-project.ts';
import type { Service } from './service.ts';
import { appCall } from '../test/helpers/service.ts';

let s: Service;

beforeEach(() => {
  s = makeProject(':memory:', { entries: ['e1', 'e2', 'x_1', 'x%1'], annotators: ['ana', 'ben'] });
  appCall(s, 'project.addAnnotator', { name: 'lead', role: 'adjudicator' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
  appCall(s, 'labels.set', { annotator: 'ben', entryId: 'e1', dimension: 'stage', value: 'inference' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e2', dimension: 'bug', value: ['misinterpretation'] });
  appCall(s, 'labels.setStatus', { annotator: 'ana', entryId: 'e1', status: 'submitted' });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'x_1', dimension: 'stage', value: 'training' });
  appCall(s, 'labels.set', { annotator: 'ben', entryId: 'x%1', dimension: 'stage', value: 'training' });
  appCall(s, 'labels.undo', { annotator: 'ben' });
});
afterEach(() => s.close());

const allIds = () => (s.db.prepare('SELECT id FROM event ORDER BY id DESC').all() as { id: number }[]).map((r) => r.id);

describe('events.list', () => {
  it('lists every event newest first, with values parsed as they were logged', () => {
    const page = appCall(s, 'events.list', { as: 'lead' });
    expect(page.events.map((e) => e.id)).toEqual(allIds());
    expect(page.nextBefore).toBeNull();
    const [undo, set] = page.events;
    expect(undo).toMatchObject({ actor: 'ben', kind: 'label.undo', entryId: 'x%1', dimension: 'stage', before: 'training', after: null, reverts: set.id });
    expect(set).toMatchObject({ actor: 'ben', kind: 'label.set', before: null, after: 'training', reverts: null });
    expect(page.events.find((e) => e.entryId === 'e2')).toMatchObject({ after: ['misinterpretation'] });
    expect(page.events.find((e) => e.kind === 'submission.set')).toMatchObject({ actor: 'ana', entryId: 'e1', dimension: null, before: 'draft', after: 'submitted' });
    // The oldest: the project and its annotators.
    expect(page.events.at(-1)!.kind).toBe('project.create');
    expect(typeof page.events[0].at).toBe('string');
  });

  it('pages with before/nextBefore: no event twice, none lost, in order', () => {
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const page = appCall(s, 'events.list', { as: 'lead', limit: 3, before });
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events.map((e) => e.id));
      pages++;
      if (page.nextBefore === null) break;
      expect(page.nextBefore).toBe(page.events.at(-1)!.id);
      before = page.nextBefore;
    }
    expect(seen).toEqual(allIds());
    expect(pages).toBe(Math.ceil(allIds().length / 3));
    // A page that ends exactly at the first event says there is no more.
    const n = allIds().length;
    expect(appCall(s, 'events.list', { as: 'lead', limit: n }).nextBefore).toBeNull();
    expect(appCall(s, 'events.list', { as: 'lead', limit: n - 1 }).nextBefore).toBe(allIds()[n - 2]);
  });

  it('filters by actor (case-insensitively), kind or kind family, entry id, and part of an entry id', () => {
    const kinds = (p: { events: { kind: string }[] }) => p.events.map((e) => e.kind);
    expect(appCall(s, 'events.list', { as: 'lead', actor: 'BEN' }).events.every((e) => e.actor === 'ben')).toBe(true);
    expect(kinds(appCall(s, 'events.list', { as: 'lead', actor: 'ben' }))).toEqual(['label.undo', 'label.set', 'label.set', 'annotator.create']);
    expect(kinds(appCall(s, 'events.list', { as: 'lead', kind: 'label' }))).toEqual(['label.undo', 'label.set', 'label.set', 'label.set', 'label.set', 'label.set']);
    expect(kinds(appCall(s, 'events.list', { as: 'lead', kind: 'label.undo' }))).toEqual(['label.undo']);
    expect(appCall(s, 'events.list', { as: 'lead', kind: 'lab' }).events).toEqual([]);
    expect(appCall(s, 'events.list', { as: 'lead', entryId: 'e1' }).events.map((e) => [e.actor, e.kind])).toEqual([
      ['ana', 'submission.set'],
      ['ben', 'label.set'],
      ['ana', 'label.set'],
    ]);
    expect(appCall(s, 'events.list', { as: 'lead', entryId: 'E1' }).events).toEqual([]);
    // Search takes LIKE's wildcards literally.
    expect(new Set(appCall(s, 'events.list', { as: 'lead', entrySearch: 'E' }).events.map((e) => e.entryId))).toEqual(new Set(['e1', 'e2']));
    expect(new Set(appCall(s, 'events.list', { as: 'lead', entrySearch: '_' }).events.map((e) => e.entryId))).toEqual(new Set(['x_1']));
    expect(new Set(appCall(s, 'events.list', { as: 'lead', entrySearch: '%' }).events.map((e) => e.entryId))).toEqual(new Set(['x%1']));
    // Filters combine, and page together.
    const both = appCall(s, 'events.list', { as: 'lead', actor: 'ana', kind: 'label', limit: 1 });
    expect(both.events).toHaveLength(1);
    expect(both.events[0]).toMatchObject({ actor: 'ana', entryId: 'x_1' });
    expect(appCall(s, 'events.list', { as: 'lead', actor: 'ana', kind: 'label', before: both.nextBefore! }).events.map((e) => e.entryId)).toEqual(['e2', 'e1']);
  });

  it('shows decisions with their values, and who decided', () => {
    decide(s.db, { entryId: 'e1', dimension: 'stage', value: 'inference', decidedBy: 'lena', includeDrafts: true });
    const [d] = appCall(s, 'events.list', { as: 'lead', kind: 'decision' }).events;
    expect(d).toMatchObject({ actor: 'lena', kind: 'decision.set', entryId: 'e1', dimension: 'stage', before: null, after: expect.objectContaining({ value: 'inference' }) });
  });

  it('pages 100 by default; the API refuses more than 1000 a page', () => {
    for (let i = 0; i < 150; i++) appendEvent(s.db, { actor: 'system', kind: 'test.tick', after: i });
    const first = appCall(s, 'events.list', { as: 'lead', kind: 'test' });
    expect(first.events).toHaveLength(100);
    expect(first.events[0].after).toBe(149);
    const rest = appCall(s, 'events.list', { as: 'lead', kind: 'test', before: first.nextBefore! });
    expect(rest.events).toHaveLength(50);
    expect(rest.nextBefore).toBeNull();
    expect(listEvents(s.db, { limit: 5000 }).events.length).toBeLessThanOrEqual(1000);
    expect(() => parseArgs('events.list', { as: 'lead', limit: 1001 })).toThrow(/events.list/);
    expect(() => parseArgs('events.list', { as: 'lead', before: 0 })).toThrow();
    expect(parseArgs('events.list', { as: 'lead', limit: 1000 })).toEqual({ as: 'lead', limit: 1000 });
  });
});
