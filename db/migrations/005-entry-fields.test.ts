import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { compareIds } from '../../shared/ids.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { repoRoot } from '../../test/helpers/concord-server.ts';
import { openDatabase } from '../database.ts';
import { naturalKey } from '../data/natural-key.ts';
import { openStore } from '../data/index.ts';
import { createService } from '../service.ts';

// Migration 005 moves each entry's texts into named fields, indexes them for search and gives
// every entry its natural sort key; seeded from a project of the first released schema.
const dir = mkdtempSync(join(tmpdir(), 'concord-005-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface V1Entry {
  id: number;
  ext_id: string;
  prompt: string;
  ground_truth: string;
  output: string;
  test_log: string;
  metadata: string;
}

function migratedCopy(): { before: V1Entry[]; db: Database.Database } {
  const file = join(dir, `v1-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(join(repoRoot, 'fixtures', 'schema', 'v1.db'), file);
  const v1 = new Database(file, { readonly: true });
  const before = v1.prepare('SELECT id, ext_id, prompt, ground_truth, output, test_log, metadata FROM entry').all() as V1Entry[];
  v1.close();
  return { before, db: openDatabase(file) };
}

describe('migration 005: entry texts as named fields', () => {
  it('moves every text into its named field, exactly, and keeps no empty one', () => {
    const { before, db } = migratedCopy();
    try {
      expect(before.length).toBeGreaterThan(30);
      const cols = (db.prepare("SELECT name FROM pragma_table_info('entry')").all() as { name: string }[]).map((c) => c.name);
      for (const gone of ['prompt', 'ground_truth', 'output', 'test_log']) expect(cols).not.toContain(gone);
      const field = db.prepare('SELECT text FROM entry_field WHERE entry_id = ? AND name = ?');
      let stored = 0;
      for (const e of before)
        for (const name of ['prompt', 'ground_truth', 'output', 'test_log'] as const) {
          const row = field.get(e.id, name) as { text: string } | undefined;
          expect(row?.text ?? '', `${e.ext_id} ${name}`).toBe(e[name]);
          if (e[name] === '') expect(row).toBeUndefined();
          else stored++;
        }
      expect((db.prepare('SELECT COUNT(*) AS n FROM entry_field').get() as { n: number }).n).toBe(stored);
      // The app reads the same entry as before the migration.
      const store = openStore(db);
      for (const e of before) {
        const shown = store.entries.entry(e.id);
        expect([shown.prompt, shown.groundTruth, shown.output, shown.testLog]).toEqual([e.prompt, e.ground_truth, e.output, e.test_log]);
      }
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.exec("INSERT INTO entry_text (entry_text) VALUES ('integrity-check')");
    } finally {
      db.close();
    }
  });

  it('gives each entry its natural sort key and the repo and function of its metadata', () => {
    const { before, db } = migratedCopy();
    try {
      const rows = db.prepare('SELECT ext_id, sort_key, repo, function_name FROM entry').all() as { ext_id: string; sort_key: string; repo: string | null; function_name: string | null }[];
      for (const r of rows) {
        const meta = JSON.parse(before.find((e) => e.ext_id === r.ext_id)!.metadata);
        expect(r.sort_key).toBe(naturalKey(r.ext_id));
        expect([r.repo, r.function_name]).toEqual([meta.repo ?? null, meta.function ?? null]);
      }
      const ordered = (db.prepare('SELECT ext_id FROM entry ORDER BY sort_key, ext_id').all() as { ext_id: string }[]).map((r) => r.ext_id);
      expect(ordered).toEqual(before.map((e) => e.ext_id).sort(compareIds));
    } finally {
      db.close();
    }
  });

  it('indexes the texts: a search finds the entries whose id, repo or function holds it, or whose texts hold words that begin so, before and after an edit', () => {
    const { before, db } = migratedCopy();
    try {
      const s = createService(db);
      const ana = (db.prepare("SELECT name FROM annotator WHERE role = 'annotator' ORDER BY name LIMIT 1").get() as { name: string }).name;
      // The rule, written plainly: every word of the search begins some word of the texts, or the search is part of the id, repo or function.
      const texts = new Map(before.map((e) => [e.ext_id, `${e.prompt}\n${e.ground_truth}\n${e.output}\n${e.test_log}`]));
      const expected = (search: string) =>
        before
          .filter((e) => {
            const meta = JSON.parse(e.metadata);
            if ([e.ext_id, meta.repo ?? '', meta.function ?? ''].some((x: string) => x.toLowerCase().includes(search.toLowerCase()))) return true;
            const words = texts.get(e.ext_id)!.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
            return search.toLowerCase().match(/[\p{L}\p{N}]+/gu)!.every((w) => words.some((x) => x.startsWith(w)));
          })
          .map((e) => e.ext_id)
          .sort(compareIds);
      const found = (search: string) => s.call('entries.list', { annotator: ana, filter: { search } }, FILE_OWNER).map((e) => e.id);
      const searches = ['isinstance', 'tensor', 'Tens', 'assert shape', 'kornia', 'rotate', 'zzzz'];
      for (const q of searches) expect(found(q), q).toEqual(expected(q));
      expect(expected('isinstance').length).toBeGreaterThan(0);
      expect(expected('isinstance').length).toBeLessThan(before.length);

      // An edited output is found by its new words, and no longer by words only its old text had.
      const target = before.find((e) => !expected('isinstance').includes(e.ext_id) && e.output)!;
      const store = openStore(db);
      const row = store.entries.row(target.ext_id)!;
      const newOutput = 'def zanzibarquux(x):\n    return isinstance(x, int)';
      store.entries.update(row.id, { fields: { ...row.fields, output: newOutput }, passed: row.passed, failingTests: row.failing_tests, metadata: row.metadata, hash: row.content_hash }, 'x');
      target.output = newOutput;
      texts.set(target.ext_id, `${target.prompt}\n${target.ground_truth}\n${newOutput}\n${target.test_log}`);
      for (const q of [...searches, 'zanzibar']) expect(found(q), q).toEqual(expected(q));
      expect(found('zanzibar')).toEqual([target.ext_id]);
      db.exec("INSERT INTO entry_text (entry_text) VALUES ('integrity-check')");
    } finally {
      db.close();
    }
  });
});
