import { describe, expect, it } from 'vitest';
import { canonicalLabelValue, describeValue, isEmptyValue, parseCodebook, parseLabelValue, type Codebook, type Dimension } from './index.ts';
import { checkLinesWithin, clearLines, formatLineRanges, intersectLineRanges, lineCount, majorityLineRanges, parseLineRanges, toggleLineRange, unionLineRanges } from './lines.ts';
import { remapLabelValue } from './remap.ts';

const codebook: Codebook = parseCodebook({
  id: 'lines-test',
  version: '1',
  name: 'Lines',
  description: '',
  dimensions: [
    {
      id: 'error-lines',
      label: 'Error lines',
      kind: 'lines',
      hotkey: 'l',
      pinsTo: 'output',
      definition: 'Where the trace goes wrong.',
      values: [
        { id: 'computation', label: 'Computation Errors', definition: 'a wrong sum', aliases: ['calc'], children: [{ id: 'arithmetic', label: 'Arithmetic', definition: '17 + 25 = 32' }] },
        { id: 'control-flow', label: 'Control Flow', definition: 'a wrong branch' },
      ],
    },
  ],
});
const dim: Dimension = codebook.dimensions[0];

describe('lines values', () => {
  it('are canonical: sorted by line, a value’s overlapping and touching ranges merged, duplicates gone', () => {
    const v = canonicalLabelValue(dim, [
      { start: 9, end: 9, value: 'control-flow' },
      { start: 3, end: 4, value: 'computation' },
      { start: 5, end: 6, value: 'computation' },
      { start: 4, end: 5, value: 'control-flow' },
      { start: 3, end: 4, value: 'computation' },
      { start: 1, end: 2, value: 'computation::arithmetic' },
    ]);
    expect(v).toEqual([
      { start: 1, end: 2, value: 'computation::arithmetic' },
      { start: 3, end: 6, value: 'computation' },
      { start: 4, end: 5, value: 'control-flow' },
      { start: 9, end: 9, value: 'control-flow' },
    ]);
    // The same lines in another order and split otherwise are the same JSON.
    const again = canonicalLabelValue(dim, [
      { start: 9, end: 9, value: 'control-flow' },
      { start: 4, end: 4, value: 'control-flow' },
      { start: 5, end: 5, value: 'control-flow' },
      { start: 1, end: 2, value: 'computation::arithmetic' },
      { start: 3, end: 6, value: 'computation' },
    ]);
    expect(JSON.stringify(again)).toBe(JSON.stringify(v));
    expect(isEmptyValue(canonicalLabelValue(dim, []))).toBe(true);
  });

  it('refuses what is not a range of a value in the tree', () => {
    expect(() => canonicalLabelValue(dim, 'computation')).toThrow(/list of line ranges/);
    expect(() => canonicalLabelValue(dim, [{ start: 0, end: 2, value: 'computation' }])).toThrow(/whole number from 1/);
    expect(() => canonicalLabelValue(dim, [{ start: 2.5, end: 3, value: 'computation' }])).toThrow(/whole number/);
    expect(() => canonicalLabelValue(dim, [{ start: 5, end: 3, value: 'computation' }])).toThrow(/before it starts/);
    expect(() => canonicalLabelValue(dim, [{ start: 1, end: 1, value: 'Computation Errors' }])).toThrow(/unknown type or subtype/);
    expect(() => canonicalLabelValue(dim, [{ start: 1, end: 1, value: 'computation::nope' }])).toThrow(/unknown type or subtype/);
    expect(() => canonicalLabelValue(dim, [['computation']])).toThrow(/{ start, end, value }/);
    expect(() => canonicalLabelValue(dim, Array.from({ length: 1001 }, (_, i) => ({ start: i + 1, end: i + 1, value: 'computation' })))).toThrow(/at most 1000/);
  });

  it('are checked against the length of the text they pin to', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a')).toBe(1);
    expect(lineCount('a\nb\n')).toBe(3);
    const v = canonicalLabelValue(dim, [{ start: 3, end: 5, value: 'computation' }]) as never;
    expect(() => checkLinesWithin(dim, v, 5)).not.toThrow();
    expect(() => checkLinesWithin(dim, v, 4)).toThrow(/line 5 is past the end of the output \(4 lines\)/);
    expect(() => checkLinesWithin(dim, v, 0)).toThrow(/it is empty/);
  });

  it('read as people write them (labels, aliases, the export’s text) and write back to the same value', () => {
    const fromText = parseLabelValue(dim, '3-5: Computation Errors | 9: calc::Arithmetic|L12–14: control flow');
    expect(fromText).toEqual([
      { start: 3, end: 5, value: 'computation' },
      { start: 9, end: 9, value: 'computation::arithmetic' },
      { start: 12, end: 14, value: 'control-flow' },
    ]);
    expect(parseLabelValue(dim, '[{"start":3,"end":5,"value":"Computation Errors"},{"start":"9","value":"computation::arithmetic"}]')).toEqual((fromText as unknown[]).slice(0, 2));
    expect(formatLineRanges(dim, fromText as never)).toBe('3-5: Computation Errors|9: Computation Errors::Arithmetic|12-14: Control Flow');
    expect(parseLineRanges(dim, formatLineRanges(dim, fromText as never))).toEqual(fromText);
    expect(describeValue(dim, fromText)).toBe('L3–5 Computation Errors; L9 Computation Errors › Arithmetic; L12–14 Control Flow');
    expect(() => parseLabelValue(dim, 'line three: Computation')).toThrow(/cannot read "line three: Computation"/);
    expect(() => parseLabelValue(dim, '3-5: Off by one')).toThrow(/unknown type or subtype/);
  });

  it('combine as adjudication offers: union, intersection, majority, line by line', () => {
    const ana = canonicalLabelValue(dim, [{ start: 3, end: 6, value: 'computation' }]) as never;
    const ben = canonicalLabelValue(dim, [{ start: 5, end: 8, value: 'computation' }, { start: 1, end: 1, value: 'control-flow' }]) as never;
    const cai = canonicalLabelValue(dim, [{ start: 6, end: 6, value: 'computation' }]) as never;
    expect(unionLineRanges(dim, [ana, ben])).toEqual([
      { start: 1, end: 1, value: 'control-flow' },
      { start: 3, end: 8, value: 'computation' },
    ]);
    expect(intersectLineRanges(dim, [ana, ben])).toEqual([{ start: 5, end: 6, value: 'computation' }]);
    expect(majorityLineRanges(dim, [ana, ben, cai])).toEqual([{ start: 5, end: 6, value: 'computation' }]);
  });

  it('are edited a range at a time: a range toggles, lines clear off a longer range', () => {
    const r = { start: 4, end: 6, value: 'computation' };
    const one = toggleLineRange(dim, [], r);
    expect(one).toEqual([r]);
    expect(toggleLineRange(dim, one, r)).toEqual([]);
    expect(clearLines(dim, [{ start: 2, end: 9, value: 'computation' }, { start: 5, end: 5, value: 'control-flow' }], 5, 6, 'computation')).toEqual([
      { start: 2, end: 4, value: 'computation' },
      { start: 5, end: 5, value: 'control-flow' },
      { start: 7, end: 9, value: 'computation' },
    ]);
  });

  it('follow a value that a codebook change merges away, and leave with one that is retired', () => {
    const v = canonicalLabelValue(dim, [{ start: 1, end: 2, value: 'computation::arithmetic' }, { start: 4, end: 4, value: 'control-flow' }]);
    expect(remapLabelValue(dim, v, new Map([['computation', 'control-flow']]))).toEqual([
      { start: 1, end: 2, value: 'control-flow' },
      { start: 4, end: 4, value: 'control-flow' },
    ]);
    expect(remapLabelValue(dim, v, new Map([['control-flow', null]]))).toEqual([{ start: 1, end: 2, value: 'computation::arithmetic' }]);
  });

  it('only a lines dimension pins to a text', () => {
    const bad = { ...codebook, dimensions: [{ ...dim, kind: 'tree' }] };
    expect(() => parseCodebook(bad)).toThrow(/only a lines dimension pins values/);
  });
});
