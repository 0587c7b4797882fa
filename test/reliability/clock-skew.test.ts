import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/pack-project.ts';
import { callApi } from '../helpers/api.ts';
import { repoRoot } from '../helpers/concord-server.ts';

// An annotator's laptop runs a year ahead. Her labels carry next year's times; merged into the
// lead's project, they must not shadow the changes she makes later with a right clock: which
// write wins is decided by her logical clock, not by any machine's wall clock. Runs the real
// `concord serve` under faketime (libfaketime), and the real `concord pack` commands.

const concordJs = join(repoRoot, 'cli', 'concord.js');
let dir: string;
let study: string;
let ana: string;

function concord(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [concordJs, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `concord serve` on `db` (under `faketime <offset>` when given), sets one label through its API, and stops it. */
async function labelInApp(db: string, value: string, offset?: string): Promise<void> {
  const argv = [concordJs, 'serve', '--db', db, '--port', '0'];
  // Its own process group: faketime runs node as its child, and both must stop.
  const child = offset
    ? spawn('faketime', ['-f', offset, process.execPath, ...argv], { cwd: repoRoot, detached: true })
    : spawn(process.execPath, argv, { cwd: repoRoot, detached: true });
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // gone already
    }
  };
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /https?:\/\/\S+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.once('error', (e) => reject(new Error(`cannot run ${offset ? 'faketime' : 'node'}: ${e.message}`)));
      child.once('exit', (code) => reject(new Error(`concord serve exited (${code})\n${stderr}`)));
    });
    await callApi(url, 'labels.set', { annotator: 'ana', entryId: 'e1', dimension: 'stage', value });
  } finally {
    await new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => signal('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        // The group, in case faketime's child outlives it.
        signal('SIGKILL');
        done();
      });
      signal('SIGTERM');
    });
  }
}

function exportAndMerge(name: string): { labels: { updatedAt: string; clock: number; value: unknown }[] } {
  const out = join(dir, name);
  const e = concord('pack', 'export', '--db', ana, '--annotator', 'ana', '--out', out);
  expect(e.status, e.stderr).toBe(0);
  const m = concord('pack', 'import', out, '--db', study);
  expect(m.status, m.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8'));
}

function stageInStudy(): string | undefined {
  const db = new Database(study, { readonly: true });
  try {
    const r = db
      .prepare("SELECT l.value FROM label l JOIN annotator a ON a.id = l.annotator_id JOIN entry e ON e.id = l.entry_id WHERE a.name = 'ana' AND e.ext_id = 'e1' AND l.dimension = 'stage'")
      .get() as { value: string } | undefined;
    return r && JSON.parse(r.value);
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'concord-skew-'));
  study = join(dir, 'study.db');
  ana = join(dir, 'ana.db');
  makeProject(study, { entries: ['e1', 'e2'], annotators: ['ana', 'ben'] }).close();
  const r = concord('pack', 'starter', '--db', study, '--annotator', 'ana', '--out', ana);
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a pack from a laptop whose clock runs a year ahead', () => {
  it('cannot shadow the changes its annotator makes later with a right clock', async () => {
    await labelInApp(ana, 'training', '+365d');
    const ahead = exportAndMerge('ahead.pack.json');
    const year = new Date().getUTCFullYear();
    expect(Number(ahead.labels[0].updatedAt.slice(0, 4))).toBe(year + 1);
    expect(stageInStudy()).toBe('training');

    // Her clock put right, she changes her mind: a write with an earlier time, and a later clock.
    await labelInApp(ana, 'inference');
    const later = exportAndMerge('later.pack.json');
    expect(Number(later.labels[0].updatedAt.slice(0, 4))).toBe(year);
    expect(later.labels[0].clock).toBeGreaterThan(ahead.labels[0].clock);
    expect(stageInStudy()).toBe('inference');

    // The year-ahead pack merged again, in any order, changes nothing.
    expect(concord('pack', 'import', join(dir, 'ahead.pack.json'), '--db', study).stdout).toMatch(/nothing new/);
    expect(stageInStudy()).toBe('inference');

    // A change she makes in the lead's project itself (browser mode, a right clock) wins too.
    await labelInApp(study, 'evaluation-metrics');
    expect(concord('pack', 'import', join(dir, 'ahead.pack.json'), join(dir, 'later.pack.json'), '--db', study).stdout).toMatch(/nothing new/);
    expect(stageInStudy()).toBe('evaluation-metrics');

    // Every version is in the event log.
    const db = new Database(study, { readonly: true });
    const values = (db.prepare("SELECT after FROM event WHERE kind = 'label.set' AND entry_ext_id = 'e1' AND dimension = 'stage' ORDER BY id").all() as { after: string }[]).map(
      (r) => JSON.parse(r.after),
    );
    db.close();
    expect(values).toEqual(['training', 'inference', 'evaluation-metrics']);
  }, 120_000);
});
