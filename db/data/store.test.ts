import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { appCall } from '../../test/helpers/service.ts';
import { openDatabase } from '../database.ts';
import { addEntry } from '../../test/helpers/export-project.ts';
import { openProject } from '../project.ts';
import { openStore } from './index.ts';

describe('the data layer', () => {
  it('is built once per connection, and a call made twice prepares no statement the second time', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concord-store-')), 'p.db');
    const s = await openProject(file);
    addEntry(s.db, 'e1', false);
    addEntry(s.db, 'e2', false);
    appCall(s, 'project.addAnnotator', { name: 'ana' });
    appCall(s, 'project.addAnnotator', { name: 'lena', role: 'adjudicator' });

    expect(openStore(s.db)).toBe(openStore(s.db));
    const other = openDatabase(file);
    expect(openStore(other)).not.toBe(openStore(s.db));
    other.close();

    const prepare = vi.spyOn(s.db, 'prepare');
    const round = (value: string) => {
      appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value });
      // The first summary reads the whole study, the next only what changed (db/consensus-index.ts): both paths, each round.
      appCall(s, 'adjudication.summary', { as: 'lena' });
      appCall(s, 'labels.setNote', { annotator: 'ana', entryId: 'e1', text: value });
      appCall(s, 'entries.list', { annotator: 'ana' });
      appCall(s, 'labels.undo', { annotator: 'ana' });
      appCall(s, 'adjudication.summary', { as: 'lena' });
      appCall(s, 'events.list', { as: 'lena', kind: 'label' });
      appCall(s, 'project.info', {});
    };
    round('training');
    expect(prepare.mock.calls.length).toBeGreaterThan(10);
    prepare.mockClear();
    round('inference');
    expect(prepare.mock.calls.map((c) => c[0])).toEqual([]);
    s.close();
  });
});
