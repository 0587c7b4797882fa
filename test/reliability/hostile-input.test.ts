import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError, type CliIO } from '../../cli/command.ts';
import { commands } from '../../cli/commands/index.ts';
import packCommand from '../../cli/commands/pack.ts';
import { main } from '../../cli/main.ts';
import { buildCorpus, hostileDir, type HostileCase, type Manifest } from '../../fixtures/hostile/make-hostile.ts';
import { seedHostileProject } from '../../fixtures/hostile/seed.ts';
import { repoRoot } from '../helpers/concord-server.ts';

// Every hostile file in fixtures/hostile is refused the way a user can act on: exit status 2, a
// message that names the file and the problem (and the line, when there is one), and a database
// that is exactly as it was, table by table and byte by byte.

const manifest = JSON.parse(readFileSync(join(hostileDir, 'manifest.json'), 'utf8')) as Manifest;
const filesDir = join(hostileDir, 'files');

let work: string;
const seeds: Record<'import' | 'pack', { file: string; bytes: Buffer; dump: string }> = {} as never;

/** Every table's rows, sorted, as one string: what "the database is unchanged" means to a user. */
function dumpDatabase(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    return tables
      .map((t) => {
        const rows = (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
        return `${t} (${rows.length})\n${rows.join('\n')}`;
      })
      .join('\n');
  } finally {
    db.close();
  }
}

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t) }, out: () => out, err: () => err };
}

/** `concord <argv>` in this process; `pack` straight from its module until it is in the command list. */
async function concord(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = capture();
  const registered = commands.some((x) => x.name === argv[0]);
  const code = registered ? await main(argv, c.io) : await packCommand.run(argv.slice(1), c.io).catch((e) => reportError(e, c.io, packCommand.usage));
  return { code, stdout: c.out(), stderr: c.err() };
}

function pathOf(c: HostileCase): string {
  if (c.generate) return join(work, 'generated', c.file);
  // A folder format gets the folder (the file's parent), as a user would pass it.
  const file = join(filesDir, c.file);
  return c.format === 'dlbench' || c.format === 'taxonomy-data' ? file.slice(0, file.indexOf('/', filesDir.length + 1)) : file;
}

function argvOf(c: HostileCase, db: string): string[] {
  if (c.command === 'pack import') return ['pack', 'import', pathOf(c), '--db', db];
  return ['import', pathOf(c), '--db', db, ...(c.format ? ['--format', c.format] : [])];
}

function freshCopy(c: HostileCase, tag: string): string {
  const seed = seeds[c.command === 'pack import' ? 'pack' : 'import'];
  const db = join(work, `${tag}-${basename(c.file)}.db`);
  copyFileSync(seed.file, db);
  return db;
}

function expectUnchanged(c: HostileCase, db: string): void {
  const seed = seeds[c.command === 'pack import' ? 'pack' : 'import'];
  expect(dumpDatabase(db)).toBe(seed.dump);
  expect(readFileSync(db).equals(seed.bytes), 'database file bytes changed').toBe(true);
  for (const side of ['-wal', '-journal']) if (existsSync(db + side)) expect(statSync(db + side).size, `${side} left with content`).toBe(0);
}

function expectMessage(c: HostileCase, stderr: string): void {
  // The file is named: the path given for files, the file's own name inside a folder or a pack.
  const names = [pathOf(c), basename(c.file)];
  expect(names.some((n) => stderr.includes(n)), `message does not name the file: ${stderr}`).toBe(true);
  expect(stderr).toContain(c.problem);
  if (c.line !== undefined) expect(stderr).toContain(`line ${c.line}`);
  // A refusal, not a crash: no stack trace.
  expect(stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'concord-hostile-'));
  for (const kind of ['import', 'pack'] as const) {
    const file = join(work, `seed-${kind}.db`);
    await seedHostileProject(file, { packSchema: kind === 'pack' });
    seeds[kind] = { file, bytes: readFileSync(file), dump: dumpDatabase(file) };
  }
  // 50 MB in one JSON string: a test log pasted whole, or a file made to exhaust memory.
  mkdirSync(join(work, 'generated'));
  const big = 'E'.repeat(50 * 1024 * 1024);
  writeFileSync(
    join(work, 'generated', 'huge-field.jsonl'),
    `${JSON.stringify({ id: 'small-1', prompt: 'p' })}\n${JSON.stringify({ id: 'huge-1', prompt: 'p', test_log: big })}\n`,
  );
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the hostile corpus', () => {
  it('has at least 40 refused files of every kind the issue names, and the committed files match their generator', async () => {
    expect(manifest.refused.length).toBeGreaterThanOrEqual(40);
    const about = manifest.refused.map((c) => `${c.file} ${c.about}`).join('\n');
    for (const kind of [/truncated/, /BOM/, /CRLF/, /Latin-1/, /NUL/, /50 MB/, /duplicate/, /dimension/, /value/, /another project/, /edited/, /climbs out/, /nested/])
      expect(about).toMatch(kind);

    const { files, manifest: built } = await buildCorpus();
    expect(built).toEqual(manifest);
    const committed = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? committed(join(dir, d.name)) : [relative(filesDir, join(dir, d.name))]));
    expect(committed(filesDir).sort()).toEqual(Object.keys(files).sort());
    for (const [name, content] of Object.entries(files)) expect(readFileSync(join(filesDir, name)).equals(Buffer.from(content)), name).toBe(true);
  });
});

describe('each hostile file is refused: exit 2, file and problem named, database unchanged', () => {
  for (const c of manifest.refused) {
    it(`${c.command} ${c.file}: ${c.about}`, async () => {
      const db = freshCopy(c, 'in');
      const r = await concord(argvOf(c, db));
      expect(r.code, r.stderr).toBe(2);
      expectMessage(c, r.stderr);
      expect(r.stdout).toBe('');
      expectUnchanged(c, db);
    });
  }
});

describe('quirks that are not problems', () => {
  for (const t of manifest.tolerated) {
    it(`imports ${t.file}: ${t.about}`, async () => {
      const db = freshCopy({ file: t.file, command: 'import', about: '', problem: '' }, 'ok');
      const r = await concord(['import', join(filesDir, t.file), '--db', db, '--format', t.format, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).entriesCreated).toBe(t.entries);
    });
  }
});

/** The real command in its own process: exit status and stderr as a shell script sees them. */
function spawnConcord(argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'cli', 'concord.js'), ...argv], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('the same refusals from the concord process', () => {
  const picks = ['jsonl/truncated.jsonl', 'csv/latin1.csv', 'huge-field.jsonl', 'annotations/unknown-value.csv', 'dlbench-no-prompt/entry one.txt'];
  it(`exits 2 with the in-process message for ${picks.join(', ')}`, async () => {
    const cases = picks.map((p) => manifest.refused.find((c) => c.file === p)!);
    const results = await Promise.all(
      cases.map(async (c) => {
        const db = freshCopy(c, 'proc');
        return { c, db, r: await spawnConcord(argvOf(c, db)) };
      }),
    );
    for (const { c, db, r } of results) {
      expect(r.code, `${c.file}: ${r.stderr}`).toBe(2);
      expectMessage(c, r.stderr);
      expectUnchanged(c, db);
    }
  }, 120_000);
});
