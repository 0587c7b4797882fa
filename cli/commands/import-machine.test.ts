import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpTables } from '../../test/helpers/import-project.ts';
import { openDatabase } from '../../db/database.ts';
import { seedDemo } from '../../db/import/index.ts';
import { makeProjectDb } from '../../test/helpers/import-project.ts';
import { runCommand } from '../../test/helpers/cli.ts';
import importCommand from './import.ts';

// `concord import labels.jsonl --format annotations --machine gpt-4o [--machine ...]`.

const fixture = fileURLToPath(new URL('../../fixtures/machine/labels.jsonl', import.meta.url));
const run = (...argv: string[]) => runCommand(importCommand, argv);
let project: ReturnType<typeof makeProjectDb>;
beforeAll(async () => {
  project = makeProjectDb();
  await seedDemo(project.db);
  project.db.close();
});
afterAll(() => project.cleanup());

const snapshot = () => {
  const db = openDatabase(project.file);
  try {
    return dumpTables(db);
  } finally {
    db.close();
  }
};

describe('concord import --machine', () => {
  it('refuses a flag it cannot honour, before opening the project', async () => {
    const before = snapshot();
    const r = await run(fixture, '--db', project.file, '--format', 'csv', '--machine', 'gpt-4o');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--machine names the machine coders of an annotations file/);
    expect((await run(fixture, '--db', project.file, '--machine', '')).code).toBe(1);
    // A file whose annotators are not all the machines named: exit 2, nothing written.
    const partial = await run(fixture, '--db', project.file, '--format', 'annotations', '--machine', 'gpt-4o');
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/labels\.jsonl.*"llama-3-70b" is not one of the machine coders named/);
    expect(snapshot()).toEqual(before);
  });

  it('imports the machine coders and says they stay out of the human figures', async () => {
    const r = await run(fixture, '--db', project.file, '--machine', 'gpt-4o', '--machine', 'llama-3-70b');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/machine coders +gpt-4o, llama-3-70b \(left out of agreement, consensus and adjudication unless named\)/);
    const db = new Database(project.file, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM annotator WHERE kind = 'machine' ORDER BY name").all()).toEqual([{ name: 'gpt-4o' }, { name: 'llama-3-70b' }]);
    } finally {
      db.close();
    }
    const json = await run(fixture, '--db', project.file, '--machine', 'gpt-4o', '--machine', 'llama-3-70b', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ format: 'annotations', labels: 0, machines: ['gpt-4o', 'llama-3-70b'] });
  });
});
