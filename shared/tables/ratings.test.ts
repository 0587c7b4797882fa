import { describe, expect, it } from 'vitest';
import { deepBenchCodebook } from '../codebook/deep-bench.ts';
import { labelsDigestText, valueText } from './provenance.ts';
import { kAlphaFiles, longTable, wideTable, type RatingRow } from './ratings.ts';

const dim = (id: string) => deepBenchCodebook.dimensions.find((d) => d.id === id)!;
const row = (entry: string, annotator: string, dimension: string, value: RatingRow['value'], kind: RatingRow['kind'] = 'human'): RatingRow => ({
  entry,
  annotator,
  kind,
  dimension,
  value,
  codebookVersion: '1.0.0',
  time: '2026-03-02T09:00:00.000Z',
});

describe('ratings files', () => {
  it('write a value as one cell: ids, sets joined by |, a checklist item by item (a "no" is an answer, not a gap)', () => {
    expect(valueText(dim('stage'), 'training')).toBe('training');
    expect(valueText(dim('bug'), ['wrong-input-type::type-mismatch-problem', 'silly-mistake'])).toBe('wrong-input-type::type-mismatch-problem|silly-mistake');
    const items = dim('prompt-review').values.map((v) => v.id);
    expect(valueText(dim('prompt-review'), { [items[2]]: true, [items[0]]: false })).toBe(`${items[0]}=0|${items[2]}=1`);
    expect(valueText(dim('prompt-review'), Object.fromEntries(items.map((i) => [i, false])))).toBe(items.map((i) => `${i}=0`).join('|'));
  });

  it('order the long file by entry (naturally), dimension (codebook) and person before machine', () => {
    const t = longTable(deepBenchCodebook, [row('e10', 'ana', 'stage', 'training'), row('e2', 'gpt-4o', 'task', 'general', 'machine'), row('e2', 'ana', 'task', 'general'), row('e2', 'ana', 'stage', 'inference')]);
    expect(t.rows.map((r) => `${r.cells.entry}/${r.cells.dimension}/${r.cells.annotator}/${r.cells.annotator_kind}`)).toEqual([
      'e2/stage/ana/human',
      'e2/task/ana/human',
      'e2/task/gpt-4o/machine',
      'e10/stage/ana/human',
    ]);
  });

  it('give each annotator a wide column, even one named like a fixed column', () => {
    const t = wideTable(deepBenchCodebook, [row('e1', 'entry', 'stage', 'training'), row('e1', 'dimension', 'stage', 'inference'), row('e2', 'entry', 'stage', 'training')]);
    expect(t.columns.map((c) => c.label)).toEqual(['entry', 'dimension', 'dimension', 'entry']);
    expect(t.rows.map((r) => t.columns.map((c) => r.cells[c.key]))).toEqual([
      ['e1', 'stage', 'inference', 'training'],
      ['e2', 'stage', '', 'training'],
    ]);
  });

  it('code K-Alpha files from 1 in codebook order, NA for a gap, and say when the calculator would refuse one', () => {
    const [stage] = kAlphaFiles(deepBenchCodebook, [row('e1', 'ana', 'stage', 'training'), row('e1', 'ben', 'stage', 'training'), row('e2', 'ben', 'stage', 'inference')], ['ana', 'ben']);
    const ids = dim('stage').values.map((v) => v.id);
    expect(stage.content).toBe(`${ids.indexOf('training') + 1},${ids.indexOf('training') + 1}\nNA,${ids.indexOf('inference') + 1}\n`);
    expect(stage.codes.map((c) => c.id)).toEqual(ids);
    expect(stage.refusal).toBeUndefined();
    const [same] = kAlphaFiles(deepBenchCodebook, [row('e1', 'ana', 'stage', 'training'), row('e2', 'ben', 'stage', 'training')], ['ana', 'ben']);
    expect(same.refusal).toMatch(/same code/);
  });

  it('hash labels in one documented text: sorted lines of entry, annotator, dimension and value', () => {
    expect(labelsDigestText([{ entry: 'e2', annotator: 'b', dimension: 'stage', value: 'x' }, { entry: 'e10', annotator: 'a', dimension: 'stage', value: 'y' }])).toBe('e10\ta\tstage\ty\ne2\tb\tstage\tx');
  });
});
