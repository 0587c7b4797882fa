import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../db/project.ts';
import { isMethodName } from '../shared/api.ts';
import { callerOfRequest } from '../shared/door.ts';
import { repoRoot } from './helpers/concord-server.ts';

// The user guide's worked examples, run as a reader would run them: every command of every
// `console` block, in order, in a fresh folder, each checked for the exit status and the output
// the guide shows. A step the reader does in the app is written beside its prose as a hidden
// comment, `<!-- app <project file> <method> <json arguments> -->`, and is made here through the
// service's door with the same arguments the app sends. So the guide cannot go stale.
//
// GUIDE_UPDATE=1 writes each command's real output into the guide instead of comparing (then
// read the diff before committing it).

const guideDir = join(repoRoot, 'docs', 'guide');
const update = process.env.GUIDE_UPDATE === '1';

interface Command {
  kind: 'command';
  command: string;
  expected: string[];
  status: number;
  /** Where the expected output sits in the guide's lines (to rewrite it with GUIDE_UPDATE=1). */
  from: number;
  to: number;
}
interface AppStep {
  kind: 'app';
  db: string;
  method: string;
  args: Record<string, unknown>;
  line: number;
}
type Step = Command | AppStep;

/** The steps of a guide page: commands of ```console blocks and hidden app steps, in the order they appear. */
function parseGuide(text: string): Step[] {
  const lines = text.split('\n');
  const steps: Step[] = [];
  let inConsole = false;
  let fence = false;
  let current: Command | undefined;
  const finish = (end: number) => {
    if (!current) return;
    current.to = end;
    const out = lines.slice(current.from, end);
    const last = out.at(-1)?.match(/^\[exit (\d+)\]$/);
    if (last) {
      current.status = Number(last[1]);
      out.pop();
    }
    current.expected = out;
    steps.push(current);
    current = undefined;
  };
  for (const [n, line] of lines.entries()) {
    if (/^```/.test(line)) {
      if (fence) finish(n);
      fence = !fence;
      inConsole = fence && line.trim() === '```console';
      continue;
    }
    if (fence) {
      if (!inConsole) continue;
      if (line.startsWith('$ ')) {
        finish(n);
        current = { kind: 'command', command: line.slice(2), expected: [], status: 0, from: n + 1, to: n + 1 };
      }
      continue;
    }
    const app = line.match(/^<!-- app (\S+) ([\w.]+) (\{.*\}) -->$/);
    if (app) steps.push({ kind: 'app', db: app[1], method: app[2], args: JSON.parse(app[3]) as Record<string, unknown>, line: n + 1 });
    else if (line.includes('<!-- app')) throw new Error(`line ${n + 1}: an app step is "<!-- app <file> <method> <json> -->" on one line`);
  }
  return steps;
}

/** What varies from run to run and is not the guide's to pin: the time in a backup's name, the time of a codebook revision. */
const normalize = (line: string) =>
  line
    .replace(/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z/g, '<time>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d/g, '<time>')
    .replace(/\s+$/, '');

/** Progress lines an import prints while it reads (how many depends on the machine's speed). */
const isProgress = (line: string) => /^concord: (read \d+\/\d+ files|writing to the database)/.test(line);

function lines(text: string): string[] {
  const out = text.split('\n');
  while (out.length && out.at(-1)!.trim() === '') out.pop();
  return out;
}

/** A folder as a reader's checkout has it: the demo files and the guide's examples, and `concord` on the PATH. */
function readerFolder(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'concord-guide-'));
  cpSync(join(repoRoot, 'fixtures', 'demo'), join(dir, 'fixtures', 'demo'), { recursive: true });
  cpSync(join(guideDir, 'examples'), join(dir, 'docs', 'guide', 'examples'), { recursive: true });
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'concord'), `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, 'cli', 'concord.js')}" "$@"\n`);
  chmodSync(join(bin, 'concord'), 0o755);
  return { dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CONCORD_HOME: join(dir, '.concord'), LC_ALL: 'C', TZ: 'UTC' } };
}

async function appStep(dir: string, step: AppStep): Promise<void> {
  if (!isMethodName(step.method)) throw new Error(`guide line ${step.line}: no method "${step.method}"`);
  const service = await openProject(join(dir, step.db));
  try {
    await service.call(step.method, step.args as never, callerOfRequest(step.args));
  } catch (e) {
    throw new Error(`guide line ${step.line}: ${step.method} failed: ${(e as Error).message}`);
  } finally {
    service.close();
  }
}

async function runGuide(page: string): Promise<void> {
  const file = join(guideDir, page);
  const text = readFileSync(file, 'utf8');
  const steps = parseGuide(text);
  expect(steps.filter((s) => s.kind === 'command').length).toBeGreaterThan(5);
  const { dir, env } = readerFolder();
  const rewrites: { from: number; to: number; out: string[] }[] = [];
  try {
    for (const step of steps) {
      if (step.kind === 'app') {
        await appStep(dir, step);
        continue;
      }
      const command = step.command.replace(/^npx concord\b/, 'concord');
      const r = spawnSync('bash', ['-c', command], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 });
      const out = [...lines(r.stdout), ...lines(r.stderr).filter((l) => !isProgress(l))];
      const status = r.status ?? -1;
      if (update) {
        rewrites.push({ from: step.from, to: step.to, out: [...out, ...(status ? [`[exit ${status}]`] : [])] });
        continue;
      }
      expect({ command: step.command, status, output: out.map(normalize) }).toEqual({
        command: step.command,
        status: step.status,
        output: step.expected.map(normalize),
      });
    }
  } finally {
    // GUIDE_KEEP=1 keeps the reader's folder for a look.
    if (process.env.GUIDE_KEEP) console.log(`guide folder kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  if (update) {
    const guide = text.split('\n');
    for (const r of rewrites.reverse()) guide.splice(r.from, r.to - r.from, ...r.out);
    writeFileSync(file, guide.join('\n'));
  }
}

describe('the user guide', () => {
  it('reads its steps: commands with their output and exit status, and the hidden app steps', () => {
    const steps = parseGuide(
      ['```console', '$ npx concord info --db a.db', 'project  A', '$ false', '[exit 1]', '```', '<!-- app a.db rounds.close {"as":"lea","name":"p"} -->', '```sh', '$ not run', '```'].join('\n'),
    );
    expect(steps).toEqual([
      { kind: 'command', command: 'npx concord info --db a.db', expected: ['project  A'], status: 0, from: 2, to: 3 },
      { kind: 'command', command: 'false', expected: [], status: 1, from: 4, to: 5 },
      { kind: 'app', db: 'a.db', method: 'rounds.close', args: { as: 'lea', name: 'p' }, line: 7 },
    ]);
  });

  it('the Deep-Bench example\'s label files are the demo\'s annotations, one file per annotator', () => {
    const rows = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');
    const demo = rows(join(repoRoot, 'fixtures', 'demo', 'annotations.csv'));
    const split = ['ana', 'ben', 'cai'].map((who) => rows(join(guideDir, 'examples', 'deep-bench', `${who}.csv`)));
    for (const file of split) expect(file[0]).toBe(demo[0]);
    expect(split.flatMap((file) => file.slice(1)).sort()).toEqual(demo.slice(1).sort());
  });

  it('the Deep-Bench worked example runs as written: from import to the paper\'s tables', async () => {
    await runGuide('worked-example-deep-bench.md');
  }, 600_000);

  it('the reasoning-trace pilot runs as written: a round, two annotators, alpha, the meeting, a codebook change', async () => {
    await runGuide('worked-example-reasoning-pilot.md');
  }, 600_000);
});
