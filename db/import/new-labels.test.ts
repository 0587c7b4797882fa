import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConcordError } from '../../shared/errors.ts';
import { dumpAll, makeProject } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';
import { openStore } from '../data/index.ts';
import type { Service } from '../service.ts';
import { runImport } from './index.ts';

/**
 * A labels file of annotators new to the project, on entries nobody has decided, is written the
 * fast way (plan.ts): each entry's reference read at once, and the labels inserted without the
 * trigger that clears a label's tombstone (`labels.insertingWithoutTombstones`), since none can
 * have one. The project it leaves must be the one the general way leaves, byte for byte, and the
 * trigger must be back, whether the import succeeds or is refused.
 */

const dir = mkdtempSync(join(tmpdir(), 'concord-new-labels-'));
const ENTRIES = 300;

function entriesFile(): string {
  const f = join(dir, 'entries.jsonl');
  const rows = Array.from({ length: ENTRIES }, (_, i) => JSON.stringify({ id: `e${i + 1}`, prompt: `Write f${i}.`, output: `def f${i}():\n    return ${i}\n`, passed: i % 3 !== 0 }));
  writeFileSync(f, `${rows.join('\n')}\n`);
  return f;
}

/** Every kind of value, notes and times, for two new annotators; `last` replaces the last line. */
function labelsFile(name: string, last?: Record<string, unknown>): string {
  const rows: Record<string, unknown>[] = [];
  for (let i = 1; i <= ENTRIES; i++)
    for (const a of ['ana', 'ben'])
      rows.push(
        { entry_id: `e${i}`, annotator: a, dimension: 'stage', value: i % 2 ? 'inference' : 'training', note: i % 17 ? '' : `see e${i}` },
        { entry_id: `e${i}`, annotator: a, dimension: 'bug', value: i % 5 ? ['misinterpretation'] : ['syntax-error', 'silly-mistake'] },
        { entry_id: `e${i}`, annotator: a, dimension: 'prompt-review', value: { 'clear-and-sufficient-information': i % 2 === 0 }, ...(i % 4 ? {} : { updated_at: '2026-03-02T10:00:00Z' }) },
      );
  if (last) rows[rows.length - 1] = last;
  const f = join(dir, name);
  writeFileSync(f, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return f;
}

const triggers = (s: Service) => s.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all();

let n = 0;
const project = async () => {
  const s = makeProject(join(dir, `study-${++n}.db`));
  await runImport(s.db, entriesFile(), { backup: false });
  return s;
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a labels file of annotators new to the project', () => {
  it('leaves the project the general way leaves it, and the trigger as it was', async () => {
    const file = labelsFile('labels.jsonl');
    const fast = await project();
    const before = triggers(fast);
    const dropped = vi.spyOn(openStore(fast.db).labels, 'insertingWithoutTombstones');
    const fastSummary = await runImport(fast.db, file, { backup: false });
    expect(dropped).toHaveBeenCalledOnce();
    expect(triggers(fast)).toEqual(before);

    const general = await project();
    // The general way: the trigger kept, each entry looked up as its first label comes.
    vi.spyOn(openStore(general.db).labels, 'insertingWithoutTombstones').mockImplementation((write) => write());
    vi.spyOn(openStore(general.db).entries, 'count').mockReturnValue(Number.MAX_SAFE_INTEGER);
    const generalSummary = await runImport(general.db, file, { backup: false });

    expect(fastSummary).toEqual(generalSummary);
    expect(fastSummary.labels).toBe(ENTRIES * 2 * 3);
    expect(dumpAll(fast.db)).toBe(dumpAll(general.db));
  });

  it('writes without the trigger only while the project holds no tombstone', async () => {
    /** Whether the trigger is there while the labels are written. */
    const triggerWhileWriting = async (s: Service, file: string) => {
      const labels = openStore(s.db).labels;
      const original = labels.insertingWithoutTombstones.bind(labels);
      let there: boolean | undefined;
      vi.spyOn(labels, 'insertingWithoutTombstones').mockImplementation((write) =>
        original(() => {
          there = s.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'label_clear_on_insert'").get() !== undefined;
          return write();
        }),
      );
      await runImport(s.db, file, { backup: false });
      return there;
    };
    const file = labelsFile('labels.jsonl');
    expect(await triggerWhileWriting(await project(), file)).toBe(false);

    const s = await project();
    appCall(s, 'project.addAnnotator', { name: 'cy' });
    appCall(s, 'labels.set', { annotator: 'cy', entryId: 'e1', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.set', { annotator: 'cy', entryId: 'e1', dimension: 'stage', value: null });
    const tombstones = s.db.prepare('SELECT * FROM label_clear').all();
    expect(tombstones).toHaveLength(1);
    expect(await triggerWhileWriting(s, file)).toBe(true);
    expect(s.db.prepare('SELECT * FROM label_clear').all()).toEqual(tombstones);
  });

  it('changes nothing, the trigger included, when refused while writing', async () => {
    const s = await project();
    const before = dumpAll(s.db);
    // An entry the project does not have, on the last line: refused while the labels are written.
    const bad = labelsFile('no-entry.jsonl', { entry_id: 'e0', annotator: 'ben', dimension: 'stage', value: 'inference' });
    const e = await runImport(s.db, bad, { backup: false }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConcordError);
    expect((e as ConcordError).where).toEqual({ file: bad, line: ENTRIES * 2 * 3, field: 'entry_id' });
    expect(dumpAll(s.db)).toBe(before);
    // The trigger is there and works: a label written over a tombstone clears it.
    appCall(s, 'project.addAnnotator', { name: 'cy' });
    appCall(s, 'labels.set', { annotator: 'cy', entryId: 'e2', dimension: 'stage', value: 'training' });
    appCall(s, 'labels.set', { annotator: 'cy', entryId: 'e2', dimension: 'stage', value: null });
    appCall(s, 'labels.set', { annotator: 'cy', entryId: 'e2', dimension: 'stage', value: 'inference' });
    expect(s.db.prepare('SELECT count(*) AS n FROM label_clear').get()).toEqual({ n: 0 });
  });
});
