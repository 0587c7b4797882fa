import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide as decideOne } from '../../db/adjudication.ts';
import { addEntry, addLabel, freshProject } from '../../test/helpers/export-project.ts';
import type { Db } from '../../db/database.ts';
import { runCommand } from '../../test/helpers/cli.ts';
import decide from './decide.ts';
import { join } from 'node:path';

let db: Db;
let dir: string;
let cleanup: () => void;
const run = (...argv: string[]) => runCommand(decide, ['--db', join(dir, 'project.db'), ...argv]);

beforeEach(() => {
  ({ db, dir, cleanup } = freshProject());
  // e1 a 2-1 majority on stage, e2 a 1-1-1 split, e3 unanimous (then decided), e4 one label only.
  for (const e of ['e1', 'e2', 'e3', 'e4']) addEntry(db, e, true);
  for (const [e, values] of [
    ['e1', ['training', 'training', 'inference']],
    ['e2', ['training', 'inference', 'evaluation-metrics']],
    ['e3', ['inference', 'inference', 'inference']],
  ] as const)
    values.forEach((v, i) => addLabel(db, e, ['ana', 'ben', 'cai'][i], 'stage', v));
  addLabel(db, 'e4', 'ana', 'stage', 'training');
  decideOne(db, { entryId: 'e3', dimension: 'stage', value: 'inference', decidedBy: 'lead' });
});
afterEach(() => {
  db.close();
  cleanup();
});

describe('concord decide --status', () => {
  it('prints one aligned table, column names apart, and explains the statuses once under it', async () => {
    const r = await run('--status');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'dimension      agreed  majority  needs-decision  decided  stale  single  unlabelled',
        'stage               0         1               1        1      0       1           0',
        'task                0         0               0        0      0       0           4',
        'input               0         0               0        0      0       0           4',
        'bug                 0         0               0        0      0       0           0',
        'prompt-review       0         0               0        0      0       0           4',
        '',
        '2 entries with open disagreements or stale decisions',
        '',
        'Entries per dimension. agreed: every counted label the same; majority: a proposal most labels back;',
        'needs-decision: no majority; decided: a decision is recorded (stale: of those, labels changed',
        'since); single: one label only; unlabelled: none.',
        '',
      ].join('\n'),
    );
  });

  it('says that only assignees count once the project assigns entries', async () => {
    db.prepare("INSERT INTO assignment (entry_id, annotator_id) SELECT e.id, a.id FROM entry e, annotator a WHERE e.ext_id = 'e1' AND a.name IN ('ana', 'ben')").run();
    const r = await run('--status');
    // Only e1 is assigned, to ana and ben: they agree there; the entries nobody is assigned have no rater.
    expect(r.stdout.split('\n')[1]).toBe('stage               1         0               0        1      0       0           2');
    expect(r.stdout.replace(/\n/g, ' ')).toContain('Only the annotators assigned to an entry count on it.');
  });
});
