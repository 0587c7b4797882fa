import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../paths.ts';
import { figure, median, scaleName, type BenchFigure } from './measure.ts';

/**
 * The command line as a person runs it: `node cli/concord.js ...` in a process of its own, its
 * wall time to start, and the most memory any command holds on a large study.
 */
const launcher = join(packageRoot, 'cli', 'concord.js');

/**
 * A child's peak resident memory, reported by the child itself as it exits. On Linux it is the
 * process's own high-water mark (VmHWM): getrusage's maxRSS would also count the bench's own
 * memory, which Linux carries over a fork into the exec'd child (every command read 280 MB there).
 */
const rssHook = (dir: string) => {
  const file = join(dir, 'peak-rss.cjs');
  writeFileSync(
    file,
    `process.on('exit', () => {
  const fs = require('node:fs');
  let kb = process.resourceUsage().maxRSS;
  try {
    const m = /VmHWM:\\s*(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) kb = Number(m[1]);
  } catch {}
  fs.writeSync(2, \`\\nconcord-bench-peak-rss \${kb}\\n\`);
});
`,
  );
  return file;
};

function run(args: string[], hook?: string): { ms: number; rssKb: number; status: number | null; stderr: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [...(hook ? ['--require', hook] : []), ...args], { cwd: packageRoot, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  const m = /concord-bench-peak-rss (\d+)/.exec(r.stderr ?? '');
  return { ms, rssKb: m ? Number(m[1]) : NaN, status: r.status, stderr: r.stderr ?? '' };
}

/** Whether cli/concord.js will run the built bundles: each one's sources unchanged (as the launcher checks). */
export function cliBuildIsCurrent(): boolean {
  const dir = join(packageRoot, 'build', 'cli');
  const current = (name: string): boolean => {
    const { files, commands } = JSON.parse(readFileSync(join(dir, `${name}.sources.json`), 'utf8')) as { files: Record<string, number>; commands?: string[] };
    for (const [file, mtime] of Object.entries(files)) if (statSync(join(packageRoot, file)).mtimeMs !== mtime) return false;
    return Object.keys(files).length > 0 && existsSync(join(dir, `${name}.cjs`)) && (commands ?? []).every((c) => current(`concord-${c}`));
  };
  try {
    return current('concord');
  } catch {
    return false;
  }
}

export function cliStart(runs: number): BenchFigure {
  const built = cliBuildIsCurrent();
  const ours: number[] = [];
  const peer: number[] = [];
  // A command's own bundle (the largest part of a start is the service every command opens).
  const command: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const a = run([launcher, '--version']);
    const b = run(['-e', '']);
    const c = run([launcher, 'export', '--help']);
    if (i >= 2) {
      ours.push(a.ms);
      peer.push(b.ms);
      command.push(c.ms);
    }
  }
  return figure(
    {
      value: median(ours),
      unit: 'ms',
      peer: 'node -e "" (Node starting and stopping, nothing else)',
      peer_value: median(peer),
      goal: '<= 200',
      note: built
        ? `\`node cli/concord.js --version\` as a new process, running the command line built ahead of time (npm install builds it); a command's own bundle, \`export --help\`: ${Math.round(median(command))} ms`
        : '`node cli/concord.js --version` as a new process; the build was missing or older than a source file, so this is the sources through tsx (node scripts/build.mjs cli, then measure again)',
    },
    { atMost: 200 },
  );
}

/** Every command a lead or annotator runs on a study, run on this one, with the most memory any of them held. */
export function cliPeakRss(n: number, db: string, files: { entries: string; labels: string }, say: (m: string) => void): BenchFigure {
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-cli-'));
  try {
    const hook = rssHook(dir);
    const commands: [string, string[]][] = [
      ['info', ['info', '--db', db, '--json']],
      ['alpha', ['alpha', '--db', db, '--bootstrap', '0', '--json']],
      ['assign --progress', ['assign', '--db', db, '--progress', '--json']],
      ['decide --status', ['decide', '--db', db, '--status', '--json']],
      ['export labels', ['export', 'labels', '--db', db, '--format', 'csv', '--out', join(dir, 'labels.csv')]],
      ['export agreement', ['export', 'agreement', '--db', db, '--format', 'json', '--bootstrap', '0', '--out', join(dir, 'agreement.json')]],
      ['pack export', ['pack', 'export', '--db', db, '--annotator', 'ana', '--out', join(dir, 'ana.pack.json')]],
      ['backup create', ['backup', 'create', '--db', db, '--json']],
      // The study's own files again: read and checked in full, nothing left to write.
      ['import labels', ['import', files.labels, '--db', db, '--format', 'annotations', '--json']],
      ['import entries', ['import', files.entries, '--db', db, '--format', 'jsonl', '--json']],
    ];
    const held: string[] = [];
    let peak = 0;
    let worst = '';
    for (const [name, args] of commands) {
      say(`${scaleName(n)}: concord ${name}`);
      const r = run([launcher, ...args], hook);
      if (r.status !== 0) {
        held.push(`${name}: failed (${r.stderr.split('\n').find((l) => l.startsWith('concord:')) ?? `exit ${r.status}`})`);
        continue;
      }
      const mb = r.rssKb / 1024;
      held.push(`${name} ${Math.round(mb)} MB`);
      if (mb > peak) {
        peak = mb;
        worst = name;
      }
    }
    const bare = run(['-e', ''], hook).rssKb / 1024;
    return figure(
      {
        value: peak,
        unit: 'MB',
        peer: 'node -e "" (the resident memory of Node itself)',
        peer_value: bare,
        goal: '<= 500',
        note: `peak resident memory of each command (the most: ${worst}): ${held.join(', ')}`,
      },
      { atMost: 500 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
