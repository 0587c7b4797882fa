import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deepBenchCodebook } from '../../shared/codebook/deep-bench.ts';
import { ConcordError } from '../../shared/errors.ts';
import { dumpAll, makeProject } from '../../test/helpers/pack-project.ts';
import { appCall } from '../../test/helpers/service.ts';
import { openStore } from '../data/index.ts';
import type { Service } from '../service.ts';
import { runImport } from './index.ts';
import { entryRecords, KeptEntries, KeptLabels, labelRecords, LineOfKey, readRecords, readRows, recordsOfTable, rereadRecords } from './rows.ts';

/**
 * A CSV or JSONL import never holds a large file whole (index.ts, rows.ts): the first pass checks
 * each row as its chunk arrives; what it could not keep within a bounded budget is read again
 * inside the write transaction. Bad input anywhere, even on the last line of a file many chunks
 * long, still changes nothing; a file read again that changed between the passes is refused.
 */

// How far the readers have got into their file, in bytes, as each record is handed on.
// `between`, when set, runs after the first chunk of a file read asynchronously (a first pass), as
// other work the app answers meanwhile.
// `keptEntryChars`, when set, is the budget an import keeps an entries file's texts within (KeptEntries).
const read = vi.hoisted(() => ({ bytes: 0, between: undefined as undefined | (() => Promise<void>), keptEntryChars: undefined as undefined | number }));
vi.mock('./rows.ts', async (importOriginal) => {
  const rows = await importOriginal<typeof import('./rows.ts')>();
  return {
    ...rows,
    KeptEntries: class extends rows.KeptEntries {
      constructor(maxChars?: number) {
        super(maxChars ?? read.keptEntryChars);
      }
    },
  };
});
vi.mock('./guards.ts', async (importOriginal) => {
  const guards = await importOriginal<typeof import('./guards.ts')>();
  return {
    ...guards,
    async *checkedChunks(file: string, limits: { maxBytes: number }) {
      read.bytes = 0;
      let first = true;
      for await (const chunk of guards.checkedChunks(file, limits)) {
        read.bytes += chunk.length;
        yield chunk;
        if (first && read.between) await read.between();
        first = false;
      }
    },
    *checkedChunksSync(file: string, limits: { maxBytes: number }) {
      read.bytes = 0;
      for (const chunk of guards.checkedChunksSync(file, limits)) {
        read.bytes += chunk.length;
        yield chunk;
      }
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'concord-import-two-pass-'));
const MiB = 1024 * 1024;
const ENTRIES = 4000;
const annotators = ['ana', 'ben', 'cy'];

/** An entries file of a few megabytes (each prompt a few hundred characters), as JSON lines. */
function entriesFile(name: string, last?: Record<string, unknown>): string {
  const lines = Array.from({ length: ENTRIES }, (_, i) =>
    JSON.stringify({ id: `e${i + 1}`, prompt: `Write function f${i}. `.repeat(40), output: `def f${i}():\n    return ${i}\n`, passed: i % 3 !== 0 }),
  );
  if (last) lines[lines.length - 1] = JSON.stringify(last);
  const f = join(dir, name);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

/** A labels file of every annotator's stage on every entry (with a note now and then), as JSON lines. */
function labelsFile(name: string, last?: Record<string, unknown>, who = annotators): string {
  const lines: string[] = [];
  for (let i = 1; i <= ENTRIES; i++)
    for (const a of who)
      lines.push(JSON.stringify({ entry_id: `e${i}`, annotator: a, dimension: 'stage', value: i % 2 ? 'inference' : 'training', note: i % 97 ? '' : `looked at e${i} twice` }));
  if (last) lines[lines.length - 1] = JSON.stringify(last);
  const f = join(dir, name);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

/** Where each line of a file ends, in bytes. */
function lineEnds(file: string): number[] {
  const bytes = readFileSync(file);
  const ends: number[] = [];
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) ends.push(i + 1);
  return ends;
}

async function refusal(p: Promise<unknown>): Promise<ConcordError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConcordError);
  return e as ConcordError;
}

let n = 0;
let s: Service;
beforeEach(() => {
  s = makeProject(join(dir, `study-${++n}.db`));
  read.between = undefined;
  read.keptEntryChars = undefined;
});

describe('reading a file of rows', () => {
  it('hands each record on as its chunk arrives, in both passes: never more than a chunk of rows is held', async () => {
    const many = Array.from({ length: 10 }, (_, k) => `annotator${k}`);
    const file = labelsFile('chunks.jsonl', undefined, many);
    const ends = lineEnds(file);
    expect(ends.at(-1)!).toBeGreaterThan(3 * MiB); // four chunks at the least
    const lags: number[] = [];
    let k = 0;
    const first = await readRecords(file, labelRecords(file, deepBenchCodebook), () => {
      // The reader is past this record's line, by less than one chunk.
      lags.push(read.bytes - ends[k++]);
    });
    expect(first.records).toBe(ENTRIES * many.length);
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lags)).toBeLessThanOrEqual(MiB);

    const again = rereadRecords(file, first, () => labelRecords(file, deepBenchCodebook, { repeats: false }), (r) => r.label);
    k = 0;
    let most = 0;
    for (const label of again) {
      expect(label.source.line).toBe(k + 1);
      most = Math.max(most, read.bytes - ends[k++]);
    }
    expect(k).toBe(first.records);
    expect(most).toBeLessThanOrEqual(MiB);
  });

  it('refuses what the whole file read at once refuses, with the same file, line and field', async () => {
    const cases: [string, string][] = [
      ['bad-row-then-nul.jsonl', '{"id":"a","passed":"maybe"}\n{"id":"b"}\n{"id":"c","prompt":"x\\u0000y"}\n'],
      ['no-id-column.jsonl', '{"key":"a","passed":"maybe"}\n{"key":"b"}\n'],
      ['twice.jsonl', '{"id":"a"}\n{"id":"b","passed":"maybe"}\n{"id":"a"}\n'],
      ['id-twice.jsonl', '{"id":"a"}\n{"id":"b"}\n{"id":"a","passed":"maybe"}\n'],
      ['not-json.jsonl', '{"id":"a","passed":"maybe"}\n{"id":\n'],
      ['cells.csv', 'id,prompt,passed\na,x,maybe\nb,y\n'],
      ['fine.csv', 'id,prompt,passed\na,x,yes\n'],
    ];
    for (const [name, text] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const whole = await Promise.resolve()
        .then(() => recordsOfTable(readRows(text, file), entryRecords(file)))
        .catch((e: unknown) => e);
      const streamed = await readRecords(file, entryRecords(file), () => {}).catch((e: unknown) => e);
      if (whole instanceof ConcordError) {
        expect(streamed, name).toBeInstanceOf(ConcordError);
        expect({ message: (streamed as ConcordError).message, ...(streamed as ConcordError).where }, name).toEqual({ message: whole.message, ...whole.where });
      } else expect((streamed as { records: number }).records, name).toBe((whole as unknown[]).length);
    }
  });
});

describe('an import of a file many chunks long', () => {
  it('imports every entry and label of it', async () => {
    const entries = entriesFile('entries.jsonl');
    expect(readFileSync(entries).length).toBeGreaterThan(2 * MiB);
    expect((await runImport(s.db, entries, { backup: false })).entriesCreated).toBe(ENTRIES);
    const r = await runImport(s.db, labelsFile('labels.jsonl'), { backup: false });
    expect(r.labels).toBe(ENTRIES * annotators.length);
    expect(s.db.prepare('SELECT count(*) AS n FROM label').get()).toEqual({ n: ENTRIES * annotators.length });
    expect(s.db.prepare('SELECT count(*) AS n FROM note').get()).toEqual({ n: Math.floor(ENTRIES / 97) * annotators.length });
    expect(s.db.prepare("SELECT count(*) AS n FROM submission WHERE status = 'submitted'").get()).toEqual({ n: ENTRIES * annotators.length });
  });

  it('changes nothing for a bad record on its last line, and names the file, line and field', async () => {
    const lastLine = ENTRIES * annotators.length;
    const bad = entriesFile('bad-entries.jsonl', { id: `e${ENTRIES}`, prompt: 'p', passed: 'maybe' });
    const before = dumpAll(s.db);
    expect((await refusal(runImport(s.db, bad))).where).toEqual({ file: bad, line: ENTRIES, field: 'passed' });
    expect(dumpAll(s.db)).toBe(before);

    await runImport(s.db, entriesFile('entries.jsonl'), { backup: false });
    const withEntries = dumpAll(s.db);
    // A value the codebook does not know: refused by the first pass.
    const unknownValue = labelsFile('unknown-value.jsonl', { entry_id: `e${ENTRIES}`, annotator: 'cy', dimension: 'stage', value: 'deployment' });
    expect((await refusal(runImport(s.db, unknownValue))).where).toEqual({ file: unknownValue, line: lastLine, field: 'value' });
    expect(dumpAll(s.db)).toBe(withEntries);
    // An entry the project does not have: refused while writing, after every label before it was written.
    const noEntry = labelsFile('no-entry.jsonl', { entry_id: 'e0', annotator: 'cy', dimension: 'stage', value: 'inference' });
    expect((await refusal(runImport(s.db, noEntry))).where).toEqual({ file: noEntry, line: lastLine, field: 'entry_id' });
    expect(dumpAll(s.db)).toBe(withEntries);
  });

  it('refuses, changing nothing, a file read again that changed between its reading and its writing', async () => {
    // Too many texts to keep: read again as it is written.
    read.keptEntryChars = 10_000;
    const entries = entriesFile('moving.jsonl');
    const before = dumpAll(s.db);
    const text = readFileSync(entries, 'utf8');
    const e = await refusal(
      runImport(s.db, entries, {
        onProgress: (p) => {
          // Another program rewrites the file once it has been read and checked: same length, one id changed.
          if (p.phase === 'writing') writeFileSync(entries, text.replace(`"id":"e${ENTRIES}"`, `"id":"x${ENTRIES}"`));
        },
      }),
    );
    expect(e.message).toMatch(/changed while it was being imported; nothing was imported/);
    expect(e.where).toEqual({ file: entries });
    expect(dumpAll(s.db)).toBe(before);
  });
});

describe("a labels file's labels, kept from its first reading", () => {
  /** Labels of every kind of value, with times, notes and one name in two Unicode forms. */
  const variedLabels = (name: string) => {
    const rows: Record<string, unknown>[] = [];
    // More labels than one of the kept arrays holds (2^16).
    for (let i = 1; i <= 8500; i++)
      for (const a of ['ana', i % 2 ? 'Zo\u00eb' : 'Zoe\u0308'])
        rows.push(
          { entry_id: `e${i}`, annotator: a, dimension: 'stage', value: i % 3 ? 'inference' : 'training', note: i % 7 ? '' : `see e${i}` },
          { entry_id: `e${i}`, annotator: a, dimension: 'bug', value: i % 5 ? ['misinterpretation'] : ['syntax-error', 'silly-mistake'] },
          { entry_id: `e${i}`, annotator: a, dimension: 'prompt-review', value: { 'clear-and-sufficient-information': i % 2 === 0 } },
          { entry_id: `e${i}`, annotator: a, dimension: 'prompt-revision', value: `Say what f${i} returns.`, ...(i % 4 ? {} : { updated_at: `2026-0${1 + (i % 9)}-02T10:00:00Z` }) },
        );
    const f = join(dir, name);
    writeFileSync(f, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    return f;
  };

  it('are the labels a second reading of the file gives, each value its own', async () => {
    const file = variedLabels('varied.jsonl');
    const kept = new KeptLabels(file);
    const first = await readRecords(file, labelRecords(file, deepBenchCodebook), (r) => kept.add(r.label));
    expect(kept.kept).toBe(true);
    const again = [...rereadRecords(file, first, () => labelRecords(file, deepBenchCodebook, { repeats: false }), (r) => r.label)];
    const labels = [...kept];
    expect(labels).toHaveLength(first.records);
    expect(first.records).toBeGreaterThan(2 ** 16);
    // Each also with its value's JSON as kept, which the import writes as it is.
    expect(labels.every((l) => l.valueJson === JSON.stringify(l.value))).toBe(true);
    expect(labels.map(({ valueJson: _, ...l }) => l)).toEqual(again);
    // No two labels share a value that a write could change under the other.
    const bugs = labels.filter((l) => l.dimension === 'bug');
    expect(bugs[0].value).toEqual(bugs[1].value);
    expect(bugs[0].value).not.toBe(bugs[1].value);
  });

  it('are let go, and the file read again, when their distinct texts outgrow what is kept', async () => {
    const file = variedLabels('varied-big.jsonl');
    const kept = new KeptLabels(file, 2000);
    await readRecords(file, labelRecords(file, deepBenchCodebook), (r) => kept.add(r.label));
    expect(kept.kept).toBe(false);
    expect(kept.length).toBe(0);
    expect(() => [...kept]).toThrow(/not kept/);
  });

  it('are what an import writes, though the file changes after it was checked', async () => {
    await runImport(s.db, entriesFile('entries.jsonl'), { backup: false });
    const labels = labelsFile('labels-then-changed.jsonl');
    const text = readFileSync(labels, 'utf8');
    const r = await runImport(s.db, labels, {
      backup: false,
      // Another program rewrites the file once it has been read and checked: every "inference" becomes "training".
      onProgress: (p) => {
        if (p.phase === 'writing') writeFileSync(labels, text.replaceAll('"inference"', '"training"'));
      },
    });
    expect(r.labels).toBe(ENTRIES * annotators.length);
    expect(s.db.prepare(`SELECT value, count(*) AS n FROM label GROUP BY value ORDER BY value`).all()).toEqual([
      { value: '"inference"', n: (ENTRIES / 2) * annotators.length },
      { value: '"training"', n: (ENTRIES / 2) * annotators.length },
    ]);
  });
});

describe("an entries file's entries, kept from their first reading", () => {
  /** Entries with every kind of cell: texts (one blank), pass/fail, failing tests, metadata of several types, and a text of another name. */
  const variedEntries = (name: string) => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      id: `v${i + 1}`,
      prompt: i % 11 ? `Write g${i}: na\u00efve caf\u00e9 words ${'x'.repeat(i % 300)}` : '',
      ground_truth: `def g${i}():\n    return ${i}\n`,
      output: `def g${i}():\n    return ${i % 7}\n`,
      test_log: i % 7 ? `FAILED test_g${i}` : '',
      passed: i % 7 === 0,
      failing_tests: i % 7 ? [`test_g${i}`, 'test_shared'] : [],
      repo: `org/repo${i % 13}`,
      function: `g${i}`,
      stars: i,
      tags: { k: i % 3 },
    }));
    const f = join(dir, name);
    writeFileSync(f, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    return f;
  };

  it('are the entries a second reading of the file gives', async () => {
    const file = variedEntries('varied-entries.jsonl');
    const kept = new KeptEntries();
    const first = await readRecords(file, entryRecords(file), (p) => kept.add(p));
    expect(kept.kept).toBe(true);
    const again = [...rereadRecords(file, first, () => entryRecords(file, undefined, undefined, { repeats: false }), (p) => p)];
    expect([...kept]).toEqual(again);
    expect(kept.length).toBe(3000);
  });

  it('are let go, and the file read again, when their texts outgrow what is kept', async () => {
    const file = variedEntries('varied-entries-big.jsonl');
    const kept = new KeptEntries(50_000);
    await readRecords(file, entryRecords(file), (p) => kept.add(p));
    expect(kept.kept).toBe(false);
    expect(kept.length).toBe(0);
    expect(() => [...kept]).toThrow(/not kept/);
  });

  it('are what an import writes, though the file changes after it was checked', async () => {
    const entries = entriesFile('entries-then-changed.jsonl');
    const text = readFileSync(entries, 'utf8');
    const r = await runImport(s.db, entries, {
      backup: false,
      // Another program rewrites the file once it has been read and checked: same length, one id changed.
      onProgress: (p) => {
        if (p.phase === 'writing') writeFileSync(entries, text.replace(`"id":"e${ENTRIES}"`, `"id":"x${ENTRIES}"`));
      },
    });
    expect(r.entriesCreated).toBe(ENTRIES);
    expect(s.db.prepare(`SELECT count(*) AS n FROM entry WHERE ext_id = 'e${ENTRIES}'`).get()).toEqual({ n: 1 });
    expect(s.db.prepare(`SELECT count(*) AS n FROM entry WHERE ext_id = 'x${ENTRIES}'`).get()).toEqual({ n: 0 });
  });

  it('write the same project as the file read again, and a first import the same as one into a project with entries', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
      const file = variedEntries('varied-entries-import.jsonl');
      // Each way writes the file, then a second file that updates some of its entries and adds others.
      const update = join(dir, 'varied-update.jsonl');
      writeFileSync(update, ['{"id":"v5","repo":"org/moved"}', '{"id":"n1","prompt":"A new one."}', '{"id":"v9","stars":99,"reviewer":"dee"}'].join('\n'));
      const importBoth = async (how: 'kept' | 'read again' | 'looked up') => {
        const project = makeProject(join(dir, `same-${how.replace(' ', '-')}.db`));
        read.keptEntryChars = how === 'read again' ? 1000 : undefined;
        // The general path: every entry looked up, as in a project that has entries already.
        const lookup = how === 'looked up' ? vi.spyOn(openStore(project.db).entries, 'any').mockReturnValue(true) : null;
        const first = await runImport(project.db, file, { backup: false });
        if (lookup) expect(lookup).toHaveBeenCalled();
        lookup?.mockRestore();
        const second = await runImport(project.db, update, { backup: false });
        return { summaries: [first, second], dump: dumpAll(project.db) };
      };
      const kept = await importBoth('kept');
      expect(kept.summaries.map((r) => [r.entriesCreated, r.entriesUpdated])).toEqual([
        [3000, 0],
        [1, 2],
      ]);
      expect(await importBoth('read again')).toEqual(kept);
      expect(await importBoth('looked up')).toEqual(kept);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a project written to while a file is being checked', () => {
  /** Runs `work` once, or on every check while `again`, when the next file's first pass has read its first chunk. */
  const meanwhile = (work: () => Promise<unknown> | unknown, again = false) => {
    read.between = async () => {
      const hook = read.between;
      read.between = undefined; // the work may read files of its own
      await work();
      if (again) read.between = hook;
    };
  };
  const oneEntry = (name: string, id: string, prompt: string) => {
    const f = join(dir, name);
    writeFileSync(f, `${JSON.stringify({ id, prompt, output: 'def g():\n    pass\n', passed: false })}\n`);
    return f;
  };

  it('checks the file again when entries came in meanwhile, and refuses what the check now refuses', async () => {
    const entries = entriesFile('checked-while-importing.jsonl');
    // e1 is in the first chunk, checked before the other import writes it.
    const other = oneEntry('other.jsonl', 'e1', 'Another prompt altogether.');
    meanwhile(() => runImport(s.db, other, { backup: false }));
    const e = await refusal(runImport(s.db, entries, { backup: false }));
    expect(e.message).toMatch(/an entry already in the project has other content in this file: "e1"/);
    // Only the other import's entry is here.
    expect(s.db.prepare('SELECT ext_id FROM entry').all()).toEqual([{ ext_id: 'e1' }]);
  });

  it('gives up, changing nothing, when entries keep coming in', async () => {
    const entries = entriesFile('never-settles.jsonl');
    let k = 0;
    meanwhile(() => runImport(s.db, oneEntry(`z${++k}.jsonl`, `z${k}`, 'p'), { backup: false }), true);
    const e = await refusal(runImport(s.db, entries, { backup: false }));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/changed 3 times while this file was being checked.*nothing was imported/);
    expect(s.db.prepare('SELECT ext_id FROM entry ORDER BY id').all()).toEqual([{ ext_id: 'z1' }, { ext_id: 'z2' }, { ext_id: 'z3' }]);
  });

  it('backs the project up before writing when the file\'s annotators wrote meanwhile, though the check found nothing to overwrite', async () => {
    await runImport(s.db, entriesFile('entries.jsonl'), { backup: false });
    const labels = labelsFile('labels.jsonl');
    await runImport(s.db, labels, { backup: false });
    // The same file again overwrites nothing: no backup.
    expect((await runImport(s.db, labels)).backup).toBeNull();
    // A label by someone the file does not name changes nothing the import writes: no backup.
    appCall(s, 'project.addAnnotator', { name: 'dee' });
    meanwhile(() => appCall(s, 'labels.set', { annotator: 'dee', entryId: 'e1', dimension: 'stage', value: 'training' }));
    expect((await runImport(s.db, labels)).backup).toBeNull();
    // ana changes a label while the file is checked, which the import may overwrite: it backs up first.
    meanwhile(() => appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' }));
    expect((await runImport(s.db, labels)).backup).not.toBeNull();
  });
});

describe('LineOfKey', () => {
  it('gives the first line of every key as a Map does, across its growth', () => {
    const keys = new LineOfKey();
    const map = new Map<number, number>();
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647;
    for (let line = 1; line <= 300_000; line++) {
      // Keys as the labels reader packs them (entry * 2^26 + annotator * 2^10 + dimension), some repeated.
      const key = Math.floor(random() * 150_000) * 2 ** 26 + Math.floor(random() * 3) * 2 ** 10 + Math.floor(random() * 4);
      const expected = map.get(key);
      if (expected === undefined) map.set(key, line);
      expect(keys.add(key, line)).toBe(expected);
    }
    expect(map.size).toBeLessThan(300_000);
  });
});
