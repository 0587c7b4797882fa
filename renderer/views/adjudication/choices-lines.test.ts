import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../../shared/codebook/index.ts';
import { consensusOf } from '../../../shared/consensus/consensus.ts';
import { lineMarks } from '../../lib/line-marks.ts';
import { pinSelection, unpinSelection } from '../../lib/label-edit.ts';
import { candidatesOf } from './choices.ts';

const codebook = parseCodebook({
  id: 'lines-choices',
  version: '1',
  name: 'Lines',
  description: '',
  dimensions: [
    {
      id: 'where',
      label: 'Where',
      kind: 'lines',
      definition: 'Lines of the output.',
      values: [
        { id: 'calc', label: 'Calculation', definition: 'wrong sum' },
        { id: 'flow', label: 'Flow', definition: 'wrong branch' },
      ],
    },
  ],
});
const dim = codebook.dimensions[0];
const ana = [{ start: 3, end: 6, value: 'calc' }];
const ben = [{ start: 5, end: 8, value: 'calc' }];
const cai = [{ start: 5, end: 5, value: 'calc' }, { start: 10, end: 10, value: 'flow' }];

describe('adjudicating lines', () => {
  it('proposes, line by line, what a strict majority pinned', () => {
    const c = consensusOf(dim, [
      { annotator: 'ana', value: ana },
      { annotator: 'ben', value: ben },
      { annotator: 'cai', value: cai },
    ]);
    expect(c).toMatchObject({ labelStatus: 'majority', proposal: [{ start: 5, end: 6, value: 'calc' }] });
  });

  it('offers each annotator’s ranges, the majority, the union and the intersection', () => {
    const c = consensusOf(dim, [
      { annotator: 'ana', value: ana },
      { annotator: 'ben', value: ben },
      { annotator: 'cai', value: cai },
    ]);
    const cands = candidatesOf(c, null, dim);
    expect(cands.find((x) => x.combined === 'union')?.value).toEqual([
      { start: 3, end: 8, value: 'calc' },
      { start: 10, end: 10, value: 'flow' },
    ]);
    expect(cands.find((x) => x.combined === 'intersection')?.value).toEqual([{ start: 5, end: 5, value: 'calc' }]);
    // A combination that equals an annotator's own ranges is their candidate, saying so.
    const two = candidatesOf(consensusOf(dim, [{ annotator: 'ana', value: ana }, { annotator: 'ben', value: [{ start: 4, end: 5, value: 'calc' }] }]), null, dim);
    expect(two.find((x) => x.voters.includes('ana'))?.combined).toBe('union');
    expect(cands.map((x) => x.voters.join(',') || x.combined || (x.isProposal ? 'proposal' : ''))).toEqual(['ana', 'ben', 'cai', 'proposal', 'union', 'intersection']);
  });

  it('pins the selection, takes pins off it, and draws each person in their own tone', () => {
    expect(pinSelection(dim, null, null, 'calc')).toMatch(/Select lines of the output first/);
    expect(pinSelection(dim, null, { pane: 'prompt', start: 1, end: 1 }, 'calc')).toMatch(/Select lines of the output/);
    const one = pinSelection(dim, null, { pane: 'output', start: 4, end: 6 }, 'calc');
    expect(one).toEqual([{ start: 4, end: 6, value: 'calc' }]);
    expect(pinSelection(dim, one as never, { pane: 'output', start: 4, end: 6 }, 'calc')).toBeNull();
    expect(unpinSelection(dim, one as never, { pane: 'output', start: 5, end: 5 })).toEqual([
      { start: 4, end: 4, value: 'calc' },
      { start: 6, end: 6, value: 'calc' },
    ]);
    expect(unpinSelection(dim, one as never, { pane: 'output', start: 9, end: 9 })).toBeUndefined();
    const marks = lineMarks(codebook, [
      { who: 'ana', values: { where: ana } },
      { who: 'cai', values: { where: cai } },
    ]);
    expect(marks.output!.map((m) => [m.start, m.end, m.tone])).toEqual([
      [3, 6, 0],
      [5, 5, 1],
      [10, 10, 1],
    ]);
    expect(marks.output![2].hover).toBe('**Flow** · Where, L10 · cai');
  });
});
