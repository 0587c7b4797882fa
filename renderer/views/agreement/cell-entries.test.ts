import { describe, expect, it } from 'vitest';
import type { CoincidenceTable } from '../../../shared/agreement/types.ts';
import { entriesBehindCell } from './cell-entries.ts';

const values = [
  { id: 'a', label: 'A' },
  { id: 'b', label: 'B' },
];

describe('the entries behind a coincidence cell', () => {
  it('reads the units the report lists, the same for (c, k) and (k, c)', () => {
    const table: CoincidenceTable = {
      values,
      counts: [
        [2, 1.5],
        [1.5, 0],
      ],
      cellUnits: { '0,0': [{ entry: 'e2' }], '0,1': [{ entry: 'e1' }, { entry: 'e10' }] },
    };
    expect(entriesBehindCell(table, 0, 1)).toEqual([
      { entryId: 'e1', parts: [] },
      { entryId: 'e10', parts: [] },
    ]);
    expect(entriesBehindCell(table, 1, 0)).toEqual(entriesBehindCell(table, 0, 1));
    expect(entriesBehindCell(table, 0, 0)).toEqual([{ entryId: 'e2', parts: [] }]);
    expect(entriesBehindCell(table, 1, 1)).toEqual([]);
  });

  it('lists an entry once with the parts (dimensions, checklist items) that stand behind the cell, in the order given', () => {
    const table: CoincidenceTable = {
      values,
      counts: [
        [0, 3],
        [3, 0],
      ],
      cellUnits: {
        '0,1': [
          { entry: 'e1', part: 'stage' },
          { entry: 'e1', part: 'bug' },
          { entry: 'e3', part: 'task' },
        ],
      },
    };
    expect(entriesBehindCell(table, 1, 0)).toEqual([
      { entryId: 'e1', parts: ['stage', 'bug'] },
      { entryId: 'e3', parts: ['task'] },
    ]);
  });

  it('says when the table lists no units at all', () => {
    expect(entriesBehindCell({ values, counts: [[0, 0], [0, 0]] }, 0, 1)).toBeNull();
  });
});
