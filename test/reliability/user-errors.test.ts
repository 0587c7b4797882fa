import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError, type CliIO } from '../../cli/command.ts';
import { backupDatabase, backupDir, listBackups } from '../../db/backup.ts';
import { openDatabase } from '../../db/database.ts';
import { createService } from '../../db/service.ts';
import { exportPack } from '../../db/packs/export.ts';
import type { Pack } from '../../db/packs/format.ts';
import { dumpAll, makeProject, signedIn } from '../helpers/pack-project.ts';
import { ConcordError } from '../../shared/errors.ts';
import { FILE_OWNER } from '../../shared/door.ts';
import { repoRoot } from '../helpers/concord-server.ts';
import { appCall } from '../helpers/service.ts';

// Every error a user can cause is one line that names the file and says what to do, exit status
// 2, and nothing changed: a full disk, a read-only file or folder, a damaged or busy database, a
// name too long for the disk; and backups are checked, a bad one shown as bad.

const concordJs = join(repoRoot, 'cli', 'concord.js');
let dir: string;
let n = 0;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function concordSync(args: string[], opts: SpawnOptions = {}): Run {
  const r = spawnSync(process.execPath, [concordJs, ...args], { cwd: repoRoot, encoding: 'utf8', ...opts });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The one line a refusal prints (and no stack trace). */
function refusal(r: Run): string {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n').filter((l) => !/^concord: (writing to the database|read \d+)/.test(l));
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

function capture(): { io: CliIO; err: () => string } {
  let err = '';
  return { io: { stdout: () => {}, stderr: (t) => void (err += t) }, err: () => err };
}

/** A project in its own folder, with ana's label on e1 and a backup. */
function project(entries = ['e1', 'e2']): string {
  const folder = join(dir, `p${++n}`);
  mkdirSync(folder);
  const file = join(folder, 'study.db');
  const s = makeProject(file, { entries, annotators: ['ana'] });
  appCall(s, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value: 'training' });
  s.db.pragma('wal_checkpoint(TRUNCATE)');
  s.close();
  return file;
}

function dump(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return dumpAll(db);
  } finally {
    db.close();
  }
}

const labelsCsv = () => {
  const f = join(dir, `labels-${++n}.csv`);
  writeFileSync(f, 'entry_id,annotator,dimension,value\ne2,ana,stage,Inference\n');
  return f;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-user-errors-'));
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a full disk', () => {
  it('(SQLite out of pages) refuses an import, a label and a merge with one line, exit 2, nothing changed', async () => {
    const file = project();
    const s = createService(openDatabase(file));
    appCall(s, 'labels.setNote', { annotator: 'ana', entryId: 'e2', text: 'short' });
    const exported = JSON.parse(exportPack(s.db, { annotator: 'ana' }).text) as Pack;
    // ana's later, longer note, signed as her file would sign it.
    const pack = signedIn(s.db, { ...exported, notes: exported.notes.map((x) => ({ ...x, text: 'n'.repeat(20000), clock: x.clock + 1 })) });
    const before = dumpAll(s.db);
    // The database may not grow by a page: as if the disk had just filled up.
    s.db.pragma(`max_page_count = ${s.db.pragma('page_count', { simple: true })}`);
    const big = join(dir, 'big.jsonl');
    writeFileSync(big, Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `n${i}`, prompt: 'p'.repeat(4000) })).join('\n'));
    const attempts: (() => unknown)[] = [
      () => s.call('imports.run', { path: big }, FILE_OWNER),
      () => appCall(s, 'labels.setNote', { annotator: 'ana', entryId: 'e2', text: 'n'.repeat(20000) }),
      () => s.call('packs.import', { packs: [{ name: 'ana.pack', text: pack }] }, FILE_OWNER),
    ];
    for (const attempt of attempts) {
      let err: unknown;
      try {
        await attempt();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConcordError);
      expect((err as ConcordError).code).toBe('unavailable');
      const c = capture();
      expect(reportError(err, c.io)).toBe(2);
      expect(c.err()).toBe(`concord: ${file}: the disk is full, so the change could not be written. Nothing was changed; free some space and try again\n`);
      expect(dumpAll(s.db)).toBe(before);
    }
    s.close();
  });

  it('(a small tmpfs, really full) refuses `concord import`, exit 2, nothing changed, no half backup listed', () => {
    const mnt = join(dir, 'small-disk');
    mkdirSync(mnt);
    // Room for the small project (some 0.9 MB in 16 KiB pages), not for the 1.5 MB of texts imported below.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { encoding: 'utf8' });
    expect(mounted.status, `this test mounts a small tmpfs, which needs root (or CAP_SYS_ADMIN): ${mounted.stderr}`).toBe(0);
    try {
      const file = join(mnt, 'study.db');
      copyFileSync(project(), file);
      const before = dump(file);
      const big = join(dir, 'big-entries.jsonl');
      writeFileSync(big, Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `n${i}`, prompt: 'p'.repeat(5000) })).join('\n'));
      expect(refusal(concordSync(['import', big, '--db', file]))).toBe(`concord: ${file}: the disk is full, so the change could not be written. Nothing was changed; free some space and try again`);
      expect(dump(file)).toBe(before);
      // Labels on an entry already here, on a disk filled to the last byte: a backup first, which does not fit.
      const filler = openSync(join(mnt, 'filler'), 'w');
      try {
        for (;;) writeSync(filler, Buffer.alloc(4096));
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(filler);
      }
      expect(refusal(concordSync(['import', labelsCsv(), '--db', file]))).toMatch(/the disk is full/);
      expect(dump(file)).toBe(before);
      expect(listBackups(file).filter((b) => b.status === 'ok')).toEqual([]);
      if (existsSync(backupDir(file))) expect(readdirSync(backupDir(file)).filter((f) => f.endsWith('.partial'))).toEqual([]);
    } finally {
      spawnSync('umount', [mnt]);
    }
  }, 60_000);
});

describe('a read-only project', () => {
  // Root writes through file modes: as root, the command runs as nobody, who must obey them.
  const asSomeoneElse: SpawnOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const own = (path: string) => {
    if (asSomeoneElse.uid !== undefined) chownSync(path, asSomeoneElse.uid, asSomeoneElse.gid!);
  };
  // nobody must reach the command line: a clone in a private folder (mktemp -d makes it 0700)
  // gets the search bit for others on each folder above it, for these tests only.
  const opened: [string, number][] = [];
  beforeAll(() => {
    if (asSomeoneElse.uid === undefined) return;
    for (let d = repoRoot; d !== dirname(d); d = dirname(d)) {
      const mode = statSync(d).mode & 0o7777;
      if (!(mode & 0o001)) {
        chmodSync(d, mode | 0o001);
        opened.push([d, mode]);
      }
    }
  });
  afterAll(() => {
    for (const [d, mode] of opened) chmodSync(d, mode);
  });

  it('file: reading works, a write is refused with one line, nothing changed', () => {
    const file = project();
    const folder = join(file, '..');
    own(folder);
    own(file);
    chmodSync(file, 0o444);
    const before = readFileSync(file);
    expect(concordSync(['info', '--db', file, '--json'], asSomeoneElse).status).toBe(0);
    expect(refusal(concordSync(['import', labelsCsv(), '--db', file], asSomeoneElse))).toBe(
      `concord: ${file}: the project file is read-only (the file, or the disk it is on). Nothing was changed; make it writable (chmod u+w), or copy the project somewhere you can write`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  }, 60_000);

  it('folder: refused with one line that says the folder, nothing changed', () => {
    const file = project();
    own(file);
    chmodSync(join(file, '..'), 0o555);
    const before = readFileSync(file);
    expect(refusal(concordSync(['info', '--db', file], asSomeoneElse))).toBe(
      `concord: ${file}: the folder of this project file cannot be written, and SQLite keeps its journal beside the file. Nothing was changed; make the folder writable, or copy the project into a folder you can write`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  }, 60_000);
});

describe('a damaged project', () => {
  it('is refused when opened, pointing to its latest good backup, and that backup puts it back', () => {
    const file = project();
    const db = new Database(file);
    const good = backupDatabase(db, 'manual');
    // A page of the entry table overwritten on disk (a bad sector, a copy cut short): SQLite opens
    // the file, and only a check of its pages finds the damage.
    const page = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'entry'").get() as { rootpage: number }).rootpage;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
    closeSync(fd);

    const line = refusal(concordSync(['export', 'labels', '--db', file, '--format', 'csv']));
    expect(line).toMatch(new RegExp(`^concord: ${file}: the project file is damaged \\(SQLite: .+\\); nothing was read from it\\. To go on, restore its latest good backup \\(${good.time}\\) with: concord backup restore ${good.name} --db ${file}$`));
    // Its owner can still list and restore its backups.
    const list = concordSync(['backup', 'list', '--db', file]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${good.name} .* ok`));
    expect(concordSync(['backup', 'restore', good.name, '--db', file]).status).toBe(0);
    expect(concordSync(['export', 'labels', '--db', file, '--format', 'csv']).status).toBe(0);
  }, 60_000);
});

describe('a busy project', () => {
  it('another program holding a write: refused with one line, nothing changed', async () => {
    const file = project();
    const holder = new Database(file);
    holder.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    try {
      const child = spawn(process.execPath, [concordJs, 'import', labelsCsv(), '--db', file], { cwd: repoRoot });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(refusal({ status, stdout: '', stderr })).toBe(
        `concord: ${file}: the project file is busy: another program (another concord?) is writing to it. Nothing was changed; try again when it has finished`,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 60_000);
});

describe('backups', () => {
  it('one left empty or unfinished by a kill is listed as damaged, never as good, and is not restored', () => {
    const file = project();
    const db = new Database(file);
    const good = backupDatabase(db, 'manual');
    db.close();
    const folder = backupDir(file);
    // What a kill in the middle of a backup leaves: before, an empty file under a backup's name; now, an unfinished one.
    writeFileSync(join(folder, '2026-01-01T00-00-00-000Z-pack-import.db'), '');
    writeFileSync(join(folder, '2026-01-02T00-00-00-000Z-import.db.partial'), 'SQLite format 3\u0000');
    copyFileSync(join(folder, good.name), join(folder, '2026-01-03T00-00-00-000Z-manual.db'));
    const whole = readFileSync(join(folder, good.name));
    writeFileSync(join(folder, '2026-01-04T00-00-00-000Z-manual.db'), whole.subarray(0, whole.length - 4096));

    const r = concordSync(['backup', 'list', '--db', file, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const byName = Object.fromEntries((JSON.parse(r.stdout).backups as { name: string; status: string; problem?: string }[]).map((b) => [b.name, b]));
    expect(byName[good.name]).toMatchObject({ status: 'ok' });
    expect(byName['2026-01-03T00-00-00-000Z-manual.db']).toMatchObject({ status: 'ok' });
    expect(byName['2026-01-01T00-00-00-000Z-pack-import.db']).toMatchObject({ status: 'damaged', problem: 'empty: it was interrupted while being taken' });
    expect(byName['2026-01-02T00-00-00-000Z-import.db.partial']).toMatchObject({ status: 'damaged', problem: expect.stringMatching(/^interrupted while being taken/) });
    expect(byName['2026-01-04T00-00-00-000Z-manual.db']).toMatchObject({ status: 'damaged', problem: expect.stringMatching(/^cut short: \d+ of \d+ bytes$/) });
    const text = concordSync(['backup', 'list', '--db', file]).stdout;
    expect(text).toMatch(/2026-01-01T00-00-00-000Z-pack-import\.db .* DAMAGED: empty: it was interrupted while being taken/);

    const before = readFileSync(file);
    expect(refusal(concordSync(['backup', 'restore', '2026-01-01T00-00-00-000Z-pack-import.db', '--db', file]))).toMatch(
      /backup "2026-01-01T00-00-00-000Z-pack-import\.db" is damaged or not a Concord project \(empty: it was interrupted while being taken\); nothing was changed/,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  }, 60_000);
});

describe('export dlbench', () => {
  it('an id of 300 characters (from an older Concord): one line, exit 2, nothing written, no temporary file', () => {
    const file = project();
    const db = new Database(file);
    db.prepare("UPDATE entry SET ext_id = ? WHERE ext_id = 'e2'").run('x'.repeat(300));
    db.close();
    const out = join(dir, `release-${n}`);
    expect(refusal(concordSync(['export', 'dlbench', '--db', file, '--out', out]))).toMatch(
      new RegExp(`^concord: ${out}: 1 entry id is too long to be a file name \\(at most 255 bytes\\): "x{40}\\.\\.\\." \\(304 bytes\\); nothing was written`),
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('concord-export.tmp'))).toEqual([]);
  }, 60_000);
});

describe('two concord serve on one project', () => {
  it('the second warns that the first has it open', async () => {
    const file = project();
    const start = () => {
      const child = spawn(process.execPath, [concordJs, 'serve', '--db', file, '--port', '0'], { cwd: repoRoot });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('http') && resolve());
        child.once('exit', (code) => reject(new Error(`concord serve exited (${code}): ${stderr}`)));
      });
      return { child, ready, stderr: () => stderr };
    };
    const stop = (c: ReturnType<typeof start>) =>
      new Promise<void>((resolve) => {
        if (c.child.exitCode !== null) return resolve();
        c.child.once('exit', () => resolve());
        c.child.kill('SIGTERM');
      });
    const first = start();
    await first.ready;
    const second = start();
    try {
      await second.ready;
      expect(first.stderr()).not.toMatch(/another concord serve/);
      expect(second.stderr()).toMatch(new RegExp(`concord: warning: another concord serve \\(process ${first.child.pid}, port \\d+\\) has ${file} open too`));
    } finally {
      await stop(second);
      await stop(first);
    }
    // Once both have stopped, a new one starts without the warning.
    const third = start();
    await third.ready;
    await stop(third);
    expect(third.stderr()).not.toMatch(/another concord serve/);
  }, 120_000);
});
