import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import decide from '../cli/commands/decide.ts';
import { main } from '../cli/main.ts';
import { startServer, type RunningServer } from '../cli/server.ts';
import { runCommand } from './helpers/cli.ts';
import { addAnnotator, addEntry, addLabel } from './helpers/export-project.ts';
import { openProject } from '../db/project.ts';
import type { Service } from '../db/service.ts';
import { bindIpc } from '../electron/main/ipc.ts';
import { TOKEN_HEADER } from '../shared/bridge.ts';
import { fakeElectron, ipcEvent } from './helpers/fake-electron.ts';

/**
 * The same question asked through each host must get the same answer, because every host calls
 * the service through its one door: browser mode's HTTP API, Electron's IPC, and the command line.
 * The question: accept every open majority as the decision, asked by an annotator (refused), by the
 * lead (done), and by the file's owner on the command line (done, as it always was).
 */
let dir: string;
let file: string;
let service: Service;
let server: RunningServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'concord-door-'));
  file = join(dir, 'project.db');
  service = await openProject(file);
  const db = service.db;
  for (const e of ['e1', 'e2']) addEntry(db, e, true);
  for (const [who, v] of [['ana', 'training'], ['ben', 'training'], ['cai', 'inference']] as const) {
    addLabel(db, 'e1', who, 'stage', v);
    addLabel(db, 'e2', who, 'stage', v);
  }
  addAnnotator(db, 'lena', 'adjudicator');
  const staticDir = join(dir, 'app');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<h1>app</h1>');
  server = await startServer({ service, staticDir });
});
afterEach(async () => {
  await server.close();
  service.close();
  rmSync(dir, { recursive: true, force: true });
});

const decisions = () => (service.db.prepare("SELECT COUNT(*) AS n FROM decision").get() as { n: number }).n;
const lastActor = () => (service.db.prepare("SELECT actor FROM event WHERE kind = 'decision.accept-majorities' ORDER BY id DESC LIMIT 1").get() as { actor: string } | undefined)?.actor;
const undoAll = () => service.db.prepare('DELETE FROM decision').run();

/** Browser mode: POST /api/<method> with the run's token. */
async function overHttp(args: object): Promise<{ status: number; body: { result?: unknown; error?: { code: string; message: string } } }> {
  const url = new URL(server.url);
  const res = await fetch(`${url.origin}/api/adjudication.acceptMajorities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token },
    body: JSON.stringify(args),
  });
  return { status: res.status, body: await res.json() };
}

/** Electron: the IPC channel main binds, called from our own renderer. */
async function overIpc(args: object): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  const e = fakeElectron();
  const unbind = bindIpc({ ipcMain: e.ipcMain, service: async () => service, isTrustedSender: () => true, pickPath: async () => null });
  try {
    return (await e.ipcMain.handlers.get('concord:adjudication.acceptMajorities')!(ipcEvent('concord://app/index.html'), args)) as never;
  } finally {
    unbind();
  }
}

const REFUSAL = 'adjudication.acceptMajorities is for the lead of the study (an adjudicator); "ana" sees only their own labels';

describe('one door for every host', () => {
  it('refuses an annotator the same way in browser mode, Electron and the command line, and writes nothing', async () => {
    const http = await overHttp({ as: 'ana', decidedBy: 'ana' });
    expect(http.status).toBe(403);
    expect(http.body.error).toMatchObject({ code: 'forbidden', message: REFUSAL });

    const ipc = await overIpc({ as: 'ana', decidedBy: 'ana' });
    expect(ipc).toMatchObject({ ok: false, error: { code: 'forbidden', message: REFUSAL } });

    const cli = await runCommand(decide, ['--db', file, '--accept-majorities', '--as', 'ana']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(`concord: field "as": ${REFUSAL}\n`);
    expect(cli.stdout).toBe('');

    expect(decisions()).toBe(0);
  });

  it('lets the lead accept the majorities through each host, recorded as the lead', async () => {
    expect(await overHttp({ as: 'lena', decidedBy: 'lena' })).toMatchObject({ status: 200, body: { result: { accepted: 2 } } });
    expect(lastActor()).toBe('lena');
    undoAll();
    expect(await overIpc({ as: 'lena', decidedBy: 'lena' })).toMatchObject({ ok: true, result: { accepted: 2 } });
    undoAll();
    const cli = await runCommand(decide, ['--db', file, '--accept-majorities', '--as', 'lena', '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ accepted: 2 });
    expect(lastActor()).toBe('lena');
  });

  it('checks the arguments the same way: a blank decider is refused by every host', async () => {
    const http = await overHttp({ as: 'lena', decidedBy: '  ' });
    expect(http).toMatchObject({ status: 400, body: { error: { code: 'bad-input', message: 'adjudication.acceptMajorities: a decision needs the name of who decided' } } });
    expect(await overIpc({ as: 'lena', decidedBy: '  ' })).toMatchObject({ ok: false, error: { code: 'bad-input', message: http.body.error!.message } });
    const cli = await runCommand(decide, ['--db', file, '--accept-majorities', '--as', 'lena', '--by', '  ']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(http.body.error!.message);
    expect(decisions()).toBe(0);
  });

  it('without --as, the command line acts as the owner of the file, as it always has', async () => {
    const cli = await runCommand(decide, ['--db', file, '--accept-majorities', '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ accepted: 2 });
    expect(lastActor()).toBe('cli');
    expect((await runCommand(decide, ['--db', file, '--accept-majorities', '--as', ''])).code).toBe(1);
  });

  it('every command that opens a project says in --help who it acts as', async () => {
    for (const name of ['import', 'info', 'assign', 'alpha', 'decide', 'export', 'pack', 'backup']) {
      let out = '';
      expect(await main([name, '--help'], { stdout: (t) => void (out += t), stderr: () => {} })).toBe(0);
      expect(out).toContain('[--as <name>]');
      expect(out).toContain('acts as the owner of the project file (logged as "cli")');
    }
  });
});
