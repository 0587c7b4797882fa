import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../shared/api.ts';
import { deepBenchCodebook } from '../../../shared/codebook/index.ts';
import { describeChange, kindText, shortJson } from './describe-event.ts';

const ev = (e: Partial<EventRecord>): EventRecord => ({ id: 1, at: '2026-01-01T00:00:00.000Z', actor: 'ana', kind: 'label.set', entryId: 'e1', dimension: 'stage', before: null, after: null, reverts: null, ...e });

describe('describing an event', () => {
  it('words label values with the codebook, a cleared one as —', () => {
    expect(describeChange(ev({ before: 'training', after: 'inference' }), deepBenchCodebook)).toEqual({ before: 'Training', after: 'Inference' });
    expect(describeChange(ev({ before: 'training', after: null }), deepBenchCodebook)).toEqual({ before: 'Training', after: '—' });
    expect(describeChange(ev({ dimension: 'bug', after: ['misinterpretation::not-dl-related'] }), deepBenchCodebook).after).toBe('Misinterpretation › Not DL-related');
  });

  it('says whose label an import wrote', () => {
    const c = describeChange(ev({ actor: 'import', before: null, after: { annotator: 'ben', value: 'training' } }), deepBenchCodebook);
    expect(c).toEqual({ before: '—', after: 'Training', forWhom: 'ben' });
  });

  it('words decisions with their method and rationale, and the bulk actions by count', () => {
    const d = describeChange(
      ev({ kind: 'decision.set', actor: 'lena', before: null, after: { value: 'inference', method: 'adjudicated', decidedBy: 'lena', rationale: 'shape check', decidedAt: 't' } }),
      deepBenchCodebook,
    );
    expect(d).toEqual({ before: 'no decision', after: 'Inference', note: 'adjudicated · “shape check”' });
    expect(describeChange(ev({ kind: 'decision.accept-majorities', entryId: null, dimension: null, after: { accepted: 3 } }), null).after).toBe('3 majorities accepted');
    expect(describeChange(ev({ kind: 'submission.set', dimension: null, before: 'draft', after: 'submitted' }), null)).toEqual({ before: 'draft', after: 'submitted' });
    expect(kindText('label.set')).toBe('labelled');
    expect(kindText('something.new')).toBe('something.new');
    expect(shortJson({ a: 'x'.repeat(300) }, 20)).toHaveLength(20);
    expect(describeChange(ev({ kind: 'assignment.create', dimension: null, after: { annotator: 'cai' } }), null)).toEqual({ before: null, after: 'annotator: cai' });
    expect(shortJson({ nested: { deep: 1 } })).toBe('{"nested":{"deep":1}}');
  });
});

describe('events of a calibrating study', () => {
  const ev = (kind: string, before: unknown, after: unknown, dimension: string | null = null) => ({ id: 1, at: '2025-01-01T00:00:00.000Z', actor: 'lead', kind, entryId: 'e1', dimension, before, after, reverts: null });
  it('say what a codebook change did, with the moved label in codebook words', () => {
    expect(kindText('codebook.publish')).toBe('published the codebook');
    expect(describeChange(ev('codebook.publish', { version: '1.0.0' }, { version: '2.0.0', changes: ['a', 'b'], round: 'Pilot' }), null)).toEqual({
      before: 'version 1.0.0',
      after: 'version 2.0.0 (2 changes)',
      note: 'after round Pilot',
    });
    expect(describeChange(ev('label.remap', { annotator: 'ana', value: 'inference' }, { annotator: 'ana', value: 'training' }, 'stage'), deepBenchCodebook)).toEqual({
      before: 'Inference',
      after: 'Training',
      forWhom: 'ana',
    });
    expect(describeChange(ev('comment.add', null, { id: 3, text: 'why?' }), null)).toEqual({ before: null, after: 'why?' });
  });
});
