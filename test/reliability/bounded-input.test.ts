import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/pack-project.ts';
import { repoRoot } from '../helpers/concord-server.ts';

// No input makes Concord use unbounded memory or time: files are streamed with their limits
// checked while reading, only regular files are read, ids are bounded and lookalikes reported.
// Each case runs the real `concord` command in a child process.

const concordJs = join(repoRoot, 'cli', 'concord.js');
let dir: string;
let study: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory seen while it ran (VmHWM), in MB. */
  peakMb: number;
}

/** `concord <args>` with its JavaScript heap capped, watching its peak memory; killed after `timeoutMs`. */
function concord(args: string[], opts: { heapMb?: number; timeoutMs?: number } = {}): Promise<Run> {
  const child = spawn(process.execPath, [`--max-old-space-size=${opts.heapMb ?? 96}`, concordJs, ...args], { cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let peakKb = 0;
  const watch = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // gone already
    }
  }, 20);
  const kill = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.once('exit', (status) => {
      clearInterval(watch);
      clearTimeout(kill);
      resolve({ status, stdout, stderr, peakMb: peakKb / 1024 });
    });
  });
}

function oneLine(r: Run): string {
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

/** A file of `head`, then `mb` megabytes of `x`, then `tail`, written a megabyte at a time. */
function bigFile(name: string, head: string, mb: number, tail: string): string {
  const file = join(dir, name);
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  for (let i = 0; i < mb; i++) writeSync(fd, chunk);
  writeSync(fd, tail);
  closeSync(fd);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-bounded-'));
  study = join(dir, 'study.db');
  makeProject(study, { entries: ['e1'], annotators: ['ana'] }).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fresh = (name: string) => join(dir, `${name}.db`);

describe('a file too big to be real', () => {
  it('a 200 MB CSV cell is refused once 32 MB of its row is read, with little memory', async () => {
    const csv = bigFile('cell.csv', 'id,prompt\ne1,"', 200, '"\n');
    const db = fresh('cell');
    const r = await concord(['import', csv, '--db', db], { heapMb: 64 });
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toBe(`concord: ${csv}, line 2, field "prompt": makes its row larger than 32.0 MB, the most a row may hold (a field may hold at most 8.0 MB)`);
    // Streamed: nowhere near the 200 MB the cell holds (the old reader took 4.3 GB).
    expect(r.peakMb).toBeGreaterThan(0);
    expect(r.peakMb).toBeLessThan(400);
    expect(existsSync(db)).toBe(false);
  }, 90_000);

  it('a 200 MB JSONL line is refused the same way', async () => {
    const jsonl = bigFile('line.jsonl', '{"id":"e1","prompt":"', 200, '"}\n');
    const r = await concord(['import', jsonl, '--db', fresh('line')], { heapMb: 64 });
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toMatch(/line\.jsonl, line 1: the line is longer than 32\.0 MB: a line holds at most 32\.0 MB/);
    expect(r.peakMb).toBeLessThan(400);
  }, 90_000);

  it('a 600 MB pack is refused by its size, before it is read', async () => {
    const pack = join(dir, 'huge.concord-pack.json');
    writeFileSync(pack, '');
    truncateSync(pack, 600 * 1024 * 1024);
    const r = await concord(['pack', 'import', pack, '--db', study]);
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toBe(`concord: ${pack}: is over 600.0 MB; a pack may hold at most 47.7 MB`);
    expect(r.peakMb).toBeLessThan(400);
  }, 60_000);
});

describe('what is not a regular file is not read', () => {
  it.each([
    ['import', ['--format', 'csv']],
    ['import', ['--format', 'jsonl']],
    ['import', []],
  ])('concord %s /dev/zero %j is refused at once', async (command, extra) => {
    const r = await concord([command, '/dev/zero', '--db', fresh(`zero-${extra.join('')}`), ...extra], { timeoutMs: 20_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toBe('concord: /dev/zero: is a device, not a file: only regular files are read');
  }, 30_000);

  it('concord pack import /dev/zero is refused at once', async () => {
    const r = await concord(['pack', 'import', '/dev/zero', '--db', study], { timeoutMs: 20_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toBe('concord: /dev/zero: is a device, not a file: only regular files are read');
  }, 30_000);

  it('a FIFO is refused without waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.csv');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status, `mkfifo is needed for this test: ${made.error?.message ?? made.stderr}`).toBe(0);
    const r = await concord(['import', fifo, '--db', fresh('fifo')], { timeoutMs: 20_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toBe(`concord: ${fifo}: is a named pipe (FIFO), not a file: only regular files are read`);
  }, 30_000);

  it('a symbolic link in a folder is not read, and the summary says so', async () => {
    const folder = join(dir, 'dlbench');
    cpSync(join(repoRoot, 'fixtures', 'samples', 'dlbench'), folder, { recursive: true });
    symlinkSync('/etc/passwd', join(folder, 'passwd.txt'));
    const r = await concord(['import', folder, '--db', fresh('links'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: 1 file was not read \(symbolic links, pipes or devices\): passwd\.txt; copy the files themselves/);
    const summary = JSON.parse(r.stdout);
    expect(summary.warnings).toContainEqual(expect.objectContaining({ kind: 'not-read', message: 'not read: passwd.txt is a symbolic link to a file; copy the file itself into the folder to import it' }));
  }, 60_000);
});

describe('ids', () => {
  const jsonl = (name: string, ...rows: object[]) => {
    const f = join(dir, name);
    writeFileSync(f, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return f;
  };

  it.each([
    ['an id of a megabyte', { id: 'e'.repeat(1024 * 1024), prompt: 'p' }, /field "id": an id of 1048576 characters \("eeee.*"\); an id holds at most 200: shorten it/],
    ['a right-to-left override', { id: 'invoice\u202efdp.exe', prompt: 'p' }, /field "id": the id "invoice\\u\{202E\}fdp\.exe" contains a character that reorders or hides the text around it \(U\+202E/],
    ['a zero-width space', { id: 'e\u200b1', prompt: 'p' }, /field "id": the id "e\\u\{200B\}1" contains an invisible character \(U\+200B/],
    ['half a surrogate pair', { id: 'e1', prompt: 'broken \ud800 text' }, /line 1, field "prompt": holds half of a UTF-16 surrogate pair/],
  ])('%s is refused', async (what, row, message) => {
    const r = await concord(['import', jsonl(`${what}.jsonl`, row), '--db', fresh(what)]);
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toMatch(message);
  }, 30_000);

  it('the same id written in NFC and NFD is refused, naming both lines', async () => {
    const r = await concord(['import', jsonl('twins.jsonl', { id: 'caf\u00e9', prompt: 'p' }, { id: 'cafe\u0301', prompt: 'q' }), '--db', fresh('twins')]);
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toMatch(/line 2, field "id": id "cafe\u0301" is the id "caf\u00e9" \(line 1\) written another way \(the same letters written two ways \(NFC and NFD\)\); write it the same way everywhere$/);
  }, 30_000);

  it('ids that differ only in case are imported and reported', async () => {
    const r = await concord(['import', jsonl('case.jsonl', { id: 'Foo', prompt: 'p' }, { id: 'foo', prompt: 'q' }), '--db', fresh('case'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).entriesCreated).toBe(2);
    expect(r.stderr).toMatch(/warning: 1 entry id differs from another only in upper and lower case \("foo" and "Foo"\); imported as separate entries/);
  }, 30_000);
});
