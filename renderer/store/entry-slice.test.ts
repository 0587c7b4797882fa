import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../db/data/index.ts';
import { openProject } from '../../db/project.ts';
import { contentHash, type Service } from '../../db/service.ts';
import type { MethodName } from '../../shared/api.ts';
import { callerOfRequest } from '../../shared/door.ts';
import { setClient } from './client.ts';
import { useApp } from './index.ts';

/**
 * The renderer's store against a real service, through a client that sends what a host sends:
 * each answer crosses as JSON, as it does over IPC or the page's socket.
 */
let service: Service;
const answers: { method: string; answer: unknown }[] = [];

beforeEach(async () => {
  service = await openProject(join(mkdtempSync(join(tmpdir(), 'concord-store-')), 'p.db'), { workers: false });
  const at = new Date().toISOString();
  for (const id of ['e1', 'e2', 'e3'])
    openStore(service.db).entries.insert(
      id,
      {
        fields: { prompt: `prompt of ${id}`, ground_truth: `truth of ${id}`, output: `output of ${id}`, test_log: 'log' },
        passed: 0,
        failingTests: '[]',
        metadata: JSON.stringify({ repo: 'repo', function: `fn_${id}` }),
        hash: contentHash(`prompt of ${id}`, 'g', 'o'),
      },
      at,
    );
  service.call('project.addAnnotator', { name: 'ana' }, callerOfRequest({}));
  answers.length = 0;
  setClient({
    call: async (method: MethodName, args: unknown) => {
      const answer = JSON.parse(JSON.stringify((await service.call(method, args as never, callerOfRequest(args))) ?? null)) as unknown;
      answers.push({ method, answer });
      return answer as never;
    },
  });
  useApp.getState().forgetEntries();
  useApp.setState({ me: 'ana', rows: [], current: null, selectedId: null, selectedIndex: null });
  await useApp.getState().loadQueue();
});

afterEach(() => service.close());

const state = () => useApp.getState();

describe("the label view's store, with writes answered by the writer's part of the entry", () => {
  it('puts a write into the entry shown, keeping its texts, and into its queue row', async () => {
    expect(state().current?.entry.id).toBe('e1');
    await state().setLabel('stage', 'training');
    expect(state().current).toMatchObject({ entry: { id: 'e1', prompt: 'prompt of e1', output: 'output of e1' }, labels: { stage: 'training' }, status: 'draft' });
    expect(state().rows[0]).toMatchObject({ id: 'e1', labels: { stage: 'training' }, status: 'draft' });
    await state().saveNote('e1', 'a note');
    await state().submit();
    expect(state().rows[0]).toMatchObject({ id: 'e1', status: 'submitted' });
    expect(state().queueSubmitted).toBe(1);
    // The three writes were answered without the entry: what the store shows of it is what it had read.
    const writes = answers.filter((a) => a.method.startsWith('labels.'));
    expect(writes.map((a) => a.method)).toEqual(['labels.set', 'labels.setNote', 'labels.setStatus']);
    for (const { answer } of writes) expect(answer).not.toHaveProperty('entry');
    await state().openEntry('e1');
    expect(state().current).toEqual(service.call('entries.get', { annotator: 'ana', id: 'e1' }, callerOfRequest({})));
  });

  it('updates an entry read ahead, shown at once when opened; an entry not held here is read as it is now when opened', async () => {
    // The queue's own reading ahead done, and forgotten: of the others, the store holds e2 alone.
    await vi.waitFor(() => expect(state().ahead.length).toBeGreaterThan(0));
    state().forgetEntries();
    await state().prefetchEntries(['e2']);
    await state().setLabel('stage', 'inference', 'e2');
    await state().setLabel('stage', 'training', 'e3');
    answers.length = 0;
    const opening = state().openEntry('e2');
    // Shown from what the store holds, before any read answers.
    expect(state().current).toMatchObject({ entry: { id: 'e2', prompt: 'prompt of e2' }, labels: { stage: 'inference' } });
    await opening;
    expect(state().current?.labels).toEqual({ stage: 'inference' });
    await state().openEntry('e3');
    expect(state().current).toMatchObject({ entry: { id: 'e3', prompt: 'prompt of e3' }, labels: { stage: 'training' } });
    expect(answers.filter((a) => a.method === 'entries.get')).toHaveLength(2);
    expect(state().rows.map((r) => r?.labels.stage)).toEqual([undefined, 'inference', 'training']);
  });
});
