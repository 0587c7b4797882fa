import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcordError } from '../../shared/errors.ts';
import type { Db } from '../database.ts';
import { PUBLISHED_ANNOTATOR, runImport } from './index.ts';
import { dumpTables, makeProjectDb, storedEntry } from '../../test/helpers/import-project.ts';

// fixtures/release-quirks: entry files we wrote in the release's shape, one quirk each (see its README).
const quirks = fileURLToPath(new URL('../../fixtures/release-quirks', import.meta.url));

let t: ReturnType<typeof makeProjectDb>;
let db: Db;
beforeEach(() => {
  t = makeProjectDb();
  db = t.db;
});
afterEach(() => t.cleanup());

const row = (id: string) => {
  const r = storedEntry(db, id)!;
  return { prompt: r.prompt, metadata: JSON.parse(r.metadata) as Record<string, string> };
};
const published = (id: string) =>
  Object.fromEntries(
    (
      db
        .prepare('SELECT l.dimension, l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE e.ext_id = ? AND a.name = ?')
        .all(id, PUBLISHED_ANNOTATOR) as { dimension: string; value: string }[]
    ).map((r) => [r.dimension, JSON.parse(r.value)]),
  );

describe('the release quirks, imported as one folder', () => {
  it('imports every file with no edit, each quirk read as the release means it', async () => {
    const s = await runImport(db, quirks);
    expect(s).toMatchObject({ format: 'dlbench', files: 10, entriesCreated: 10 });

    // A docstring argument named ground_truth (and repo, function, test_cases) stays in the prompt.
    const mae = row('metrics_masked_mae3');
    expect(mae.prompt).toContain('        ground_truth: torch.Tensor of shape (B, T), the observed values.');
    expect(mae.prompt).toMatch(/Raise a ValueError when the shapes differ\.$/);
    expect(mae.metadata).toMatchObject({ groundTruthPath: 'tsmetrics/losses.py', repo: 'tsmetrics', function: 'masked_mae', testCases: 'tests/test_losses.py::test_masked_mae' });
    const hook = row('runner_register_hook8');
    for (const line of ['        repo: name of the repository the hook belongs to.', 'prompt: <the text sent to the model>', 'stage: training', 'function: Callable = None'])
      expect(hook.prompt).toContain(line);
    expect(hook.prompt).toMatch(/return the registry\.$/);
    expect(hook.metadata).toMatchObject({ repo: 'trainkit', function: 'register_hook' });
    expect(published('runner_register_hook8')).toEqual({ stage: 'training', task: 'general', input: 'others' });

    // CRLF, a BOM, tabs; a test id wrapped onto a second line.
    const pad = row('textkit_pad_batch11');
    expect(pad.prompt).toBe(
      'Write `pad_batch(sequences, pad_id=0)` that pads a list of 1-D LongTensors to one length.\n\tArgs:\n\t\tsequences: the token id tensors.\n\t\tground_truth: unused; kept for the old call sites.\n\trepo: textkit\nReturn a tensor of shape (B, L) and the lengths as a LongTensor.',
    );
    expect(pad.metadata.testCases).toBe('tests/test_collate.py::test_pad_batch\ntests/test_collate.py::test_pad_batch_empty');
    expect(published('textkit_pad_batch11')).toEqual({ stage: 'pre-post-processing', task: 'classification', input: 'text' });

    // Published values placed by the dimension they match, whatever the field and the case.
    expect(published('optkit_clip_grad_norm21')).toEqual({ stage: 'training', task: 'general' });
    expect(published('classes-visionnetConvStem__init__, 5')).toEqual({ stage: 'model-construction', task: 'classification', input: 'image' });
    expect(row('classes-visionnetConvStem__init__, 5').metadata).toMatchObject({ class: 'ConvStem', function: '__init__' });
    expect(published('tabkit_fit_logreg4')).toEqual({ stage: 'training', task: 'classification', input: 'structured-array' });
    expect(published('tabkit_predict_proba9')).toEqual({ stage: 'inference', task: 'classification', input: 'structured-array' });

    // "Prediction" is left for the team: no task label, kept in the metadata, listed once.
    for (const id of ['tsforge_next_value14', 'tsforge_rolling_forecast15']) {
      expect(published(id)).toEqual({ stage: 'inference', input: 'structured-array' });
      expect(row(id).metadata.publishedTask).toMatch(/^prediction$/i);
    }
    expect(s.unplaced).toEqual([
      { field: 'task', value: 'Prediction', count: 2, files: ['tsforge_next_value14.txt', 'tsforge_rolling_forecast15.txt'], metadataKey: 'publishedTask' },
    ]);

    // A field-like paragraph right before the real fields stays in the prompt.
    const hub = row('hubkit_load_config17');
    expect(hub.prompt).toBe('Write `load_config(path)` that reads a YAML model card such as\n\nrepo: hubkit/tiny-bert\n\nand returns it as a dict.');
    expect(hub.metadata.repo).toBe('hubkit');

    // One line per kind, with its count.
    expect(s.groups.map((g) => g.message)).toEqual([
      '1 entry has stage and data swapped: imported as input type and stage',
      '2 entries have a line in the prompt that looks like a field, kept in the prompt (hubkit_load_config17.txt line 8, runner_register_hook8.txt line 25)',
      '3 entries have no published task: imported as General',
      '1 entry has the stage in the data field: imported as stage',
      '2 values not placed: task "Prediction" (2 files: tsforge_next_value14.txt, tsforge_rolling_forecast15.txt); kept in the entries\' metadata (publishedTask)',
    ]);
  });

  it('refuses a broken head, naming the line that is wrong, and writes nothing', async () => {
    const before = dumpTables(db);
    const err = await runImport(db, join(quirks, 'refused')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).where).toMatchObject({ file: expect.stringMatching(/stray_head_line1\.txt$/), line: 2 });
    expect((err as ConcordError).message).toMatch(/unexpected line "stgae Training"/);
    expect(dumpTables(db)).toEqual(before);
  });
});
