import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../../shared/codebook/index.ts';
import { ConcordError } from '../../shared/errors.ts';
import { findDimension, parseLabelValue } from '../../shared/codebook/values.ts';
import { parseAnnotations, readRows } from './rows.ts';

/**
 * An annotations file names each (entry, annotator, dimension) once: a second line for the same
 * label is refused with both lines, whatever case the annotator's name is in; every other pair
 * of lines is not a duplicate, however close.
 */
const parse = (lines: object[]) =>
  parseAnnotations(
    readRows(lines.map((l) => JSON.stringify(l)).join('\n'), 'labels.jsonl'),
    'labels.jsonl',
    deepBenchCodebook,
  );

const l = (entry_id: string, annotator: string, dimension: string, value: unknown) => ({ entry_id, annotator, dimension, value });

describe('annotations: the same label twice', () => {
  it('takes labels that differ in entry, annotator or dimension, and keeps one string per entry id', () => {
    const a = parse([
      l('e1', 'ana', 'stage', 'training'),
      l('e1', 'ana', 'task', 'classification'),
      l('e1', 'ben', 'stage', 'training'),
      l('e2', 'ana', 'stage', 'inference'),
      l('e10', 'ana', 'stage', 'inference'),
      l('e1', 'cai', 'stage', 'training'),
    ]);
    expect(a.labels.map((x) => [x.extId, x.annotator, x.dimension, x.source.line])).toEqual([
      ['e1', 'ana', 'stage', 1],
      ['e1', 'ana', 'task', 2],
      ['e1', 'ben', 'stage', 3],
      ['e2', 'ana', 'stage', 4],
      ['e10', 'ana', 'stage', 5],
      ['e1', 'cai', 'stage', 6],
    ]);
    expect(a.annotators).toEqual(['ana', 'ben', 'cai']);
  });

  it.each([
    ['the same line again', [l('e1', 'ana', 'stage', 'training'), l('e2', 'ana', 'stage', 'training'), l('e1', 'ana', 'stage', 'inference')], 3, /ana labels stage of "e1" twice \(first on line 1\)/],
    ['the annotator in another case', [l('e1', 'ana', 'stage', 'training'), l('e1', 'ben', 'stage', 'training'), l('e1', 'Ana', 'stage', 'training')], 3, /Ana labels stage of "e1" twice \(first on line 1\)/],
    ['after many other entries', [...Array.from({ length: 300 }, (_, i) => l(`e${i}`, 'ben', 'task', 'classification')), l('e7', 'ben', 'task', 'regression')], 301, /ben labels task of "e7" twice \(first on line 8\)/],
  ])('refuses %s, naming both lines', (_, lines, line, message) => {
    let err: unknown;
    try {
      parse(lines);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).message).toMatch(message);
    expect((err as ConcordError).where).toMatchObject({ file: 'labels.jsonl', line, field: 'dimension' });
  });
});

describe('annotations: each spelling looked up once', () => {
  it('reads every row as the codebook reads it alone, whatever the spelling, and hands out sets of its own', () => {
    const spellings: [string, unknown][] = [
      ['stage', 'training'],
      ['Stage', 'TRAINING'],
      ['stage', 'Training'],
      ['task', 'classification'],
      ['bug', ['non-prompted-consideration::not-dl-related']],
      ['BUG', ['Non-Prompted Consideration::not-dl-related', 'non-prompted-consideration']],
      ['bug', 'non-prompted-consideration::not-dl-related'],
    ];
    const rows = Array.from({ length: 60 }, (_, i) => spellings[i % spellings.length]).map(([dim, value], i) => l(`e${i}`, 'ana', dim, value));
    const a = parse(rows);
    a.labels.forEach((label, i) => {
      const [dim, value] = spellings[i % spellings.length];
      const alone = parseLabelValue(findDimension(deepBenchCodebook, dim)!, value);
      expect(label.value, `line ${i + 1}`).toEqual(alone);
      expect(label.dimension).toBe(findDimension(deepBenchCodebook, dim)!.id);
    });
    // A set changed by whoever holds it changes no other label.
    const sets = a.labels.filter((x) => Array.isArray(x.value)) as { value: string[] }[];
    sets[0].value.push('changed');
    expect(sets.filter((x) => x.value.includes('changed'))).toHaveLength(1);
  });
});
