import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import type { Service } from '../../db/service.ts';
import { WebSocketServer } from 'ws';
import { SOCKET_PATH, SOCKET_PROTOCOL, SOCKET_TOKEN_PREFIX, TOKEN_HEADER } from '../../shared/bridge.ts';
import { packageRoot, rendererDir } from '../paths.ts';
import { startServer, type RunningServer } from '../server.ts';
import { openRaw } from './project.ts';
import { figure, quantile, scaleName, type BenchFigure } from './measure.ts';

/**
 * What a person at the app waits for, measured in a real Chromium (Playwright, headless) on
 * browser mode: the first entry's code on screen after the page opens, a key press to all three
 * panes showing the next entry, the page's JavaScript heap; and a label write over HTTP.
 */

/** Chromium from the system, as the end-to-end tests use it. */
function chromiumPath(): string | null {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p): p is string => !!p && existsSync(p)) ?? null;
}

/**
 * In the page: a key press to the moment every pane shows its text. A key listener on the window,
 * installed before the app's own code, notes when the key arrives (the app may stop it going
 * further); a MutationObserver sees the panes change. Armed by one evaluation before the key is
 * pressed and read by another after, so the press can never arrive before the probe listens.
 */
const SWITCH_PROBE = `
window.__concordKeyAt = null;
window.addEventListener('keydown', () => { window.__concordKeyAt = performance.now(); }, true);
window.__concordShows = (selectors, expected) => selectors.every((sel, i) => { const el = document.querySelector(sel); return !!el && (el.textContent || '').replace(/\\u00a0/g, ' ').includes(expected[i]); });
window.__concordArm = (selectors, expected) => { window.__concordKeyAt = null; window.__concordSwitch = new Promise((resolve) => {
  const observer = new MutationObserver(() => {
    const t0 = window.__concordKeyAt;
    if (t0 !== null && window.__concordShows(selectors, expected)) { observer.disconnect(); resolve(performance.now() - t0); }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
}); };
`;

type Probe = { __concordShows: (panes: string[], expected: string[]) => boolean; __concordArm: (panes: string[], expected: string[]) => void; __concordSwitch: Promise<number> };

/** One key press of j, timed in the page to all panes showing their expected text. */
async function timedSwitch(page: Page, panes: string[], expected: string[]): Promise<number> {
  await page.evaluate(({ panes, expected }) => (window as unknown as Probe).__concordArm(panes, expected), { panes, expected });
  await page.keyboard.press('j');
  const shown = await page.evaluate(() => Promise.race([(window as unknown as Probe).__concordSwitch, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]));
  if (shown !== null) return shown;
  const showing = await page.evaluate((panes) => panes.map((sel) => (document.querySelector(sel)?.textContent ?? '').slice(0, 40)), panes);
  throw new Error(`after j the panes did not show the next entry within 10 s (expected ${JSON.stringify(expected)}, showing ${JSON.stringify(showing)})`);
}

/** The panes' text as Monaco's editors draw it. */
const PANES = ['[data-testid=pane-prompt] .view-lines', '[data-testid=pane-ground-truth] .view-lines', '[data-testid=pane-output] .view-lines'];
/** The panes' text however it is drawn: plainly as the page opens, then by Monaco's editors once they are in. */
const PANE_TEXTS = ['[data-testid=pane-prompt] .pane-body', '[data-testid=pane-ground-truth] .pane-body', '[data-testid=pane-output] .pane-body'];

/** The start of a text's first line, as the pane shows it. */
const head = (text: string) => text.split('\n')[0].slice(0, 40);

export interface BrowserRun {
  server: RunningServer;
  close(): Promise<void>;
}

export async function browserFigures(
  projects: { n: number; service: Service }[],
  opts: { say: (m: string) => void; presses: number; labelWriteScale: number; chromiumPath?: string | null },
): Promise<{ figures: Record<string, BenchFigure>; unmeasured: Record<string, string> }> {
  const names = browserFigureNames(projects.map((p) => p.n), opts.labelWriteScale);
  const none = (reason: string) => ({ figures: {}, unmeasured: Object.fromEntries(names.map((n) => [n, reason])) });
  const chromium = opts.chromiumPath === undefined ? chromiumPath() : opts.chromiumPath;
  if (!chromium) return none('no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    opts.say('building the renderer (node scripts/build.mjs renderer)');
    const r = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'build.mjs'), 'renderer'], { cwd: packageRoot, stdio: 'inherit' });
    if (r.status !== 0) return none('the renderer could not be built (node scripts/build.mjs renderer failed)');
  }
  // Loaded only when the browser figures run, and by require: in the built command run from V8's code
  // cache (cli/concord.js), Node 20 has no loader for a dynamic import() (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
  const { chromium: pw } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'] });
  const figures: Record<string, BenchFigure> = {};
  const unmeasured: Record<string, string> = {};
  try {
    // The peer of a switch: the same key press setting three panes' text with no app at all.
    const bare = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await bare.setContent('<div id=a></div><div id=b></div><div id=c></div>');
    await bare.evaluate(SWITCH_PROBE);
    await bare.evaluate(() => document.addEventListener('keydown', () => ['a', 'b', 'c'].forEach((id, i) => (document.getElementById(id)!.textContent = `text ${i} ${performance.now()}`))));
    const floor: number[] = [];
    for (let i = 0; i < 30; i++) {
      floor.push(await timedSwitch(bare, ['#a', '#b', '#c'], ['text 0', 'text 1', 'text 2']));
    }
    await bare.close();

    const heaps = new Map<number, number>();
    for (const p of projects) {
      const k = scaleName(p.n);
      const server = await startServer({ service: p.service, staticDir: rendererDir });
      try {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        await context.addInitScript(() => localStorage.setItem('concord.annotator', 'ana'));
        await context.addInitScript(SWITCH_PROBE);
        const page = await context.newPage();
        // The texts of the first entries of ana's queue, to know when each is on screen.
        const queue = p.service.call('entries.page', { annotator: 'ana', limit: opts.presses + 10 }, { kind: 'anonymous' }).rows.map((r) => r.id);
        const texts = queue.map((id) => p.service.call('entries.get', { annotator: 'ana', id }, { kind: 'anonymous' }).entry);
        const expected = (i: number) => [head(texts[i].prompt), head(texts[i].groundTruth), head(texts[i].output)];

        opts.say(`${k}: opening the app in Chromium, then ${opts.presses} presses of j`);
        await page.goto(server.url);
        const shownAt = (panes: string[]) =>
          page.waitForFunction(
            // No named functions in here: the page has none of the helpers a compiler may add for them.
            ({ panes, want }) => ((window as unknown as Probe).__concordShows(panes, want) ? performance.now() : false),
            { panes, want: expected(0) },
            { polling: 'raf', timeout: 120_000 },
          );
        const coldMs = (await (await shownAt(PANE_TEXTS)).jsonValue()) as number;
        const editorsMs = (await (await shownAt(PANES)).jsonValue()) as number;
        const domReady = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd);
        figures[`cold_start_ms_${k}`] = figure(
            {
              value: coldMs,
              unit: 'ms',
              peer: 'the same page loaded to DOMContentLoaded (its scripts in, nothing asked of the service)',
              peer_value: domReady,
              goal: '<= 1500',
              note: `navigation to the first entry of the queue readable in all three panes (as plain text until Monaco is in); Monaco's editors showing it at ${editorsMs.toFixed(0)} ms`,
            },
            { atMost: 1500 },
          );
        // A person reading an entry before pressing j: the next entries are read ahead meanwhile.
        const times: number[] = [];
        for (let i = 1; i <= opts.presses; i++) {
          await page.waitForTimeout(150);
          times.push(await timedSwitch(page, PANES, expected(i)));
        }
        const warm = times.slice(3);
        const goal = p.n >= 100_000 ? 33 : 16;
        figures[`entry_switch_p95_ms_${k}`] = figure(
          {
            value: quantile(warm, 0.95),
            unit: 'ms',
            peer: 'the same key press setting three panes\u2019 text in a bare page (p95)',
            peer_value: quantile(floor, 0.95),
            goal: `<= ${goal}`,
            note: `key press to all three panes showing the next entry's text, ${warm.length} presses 150 ms apart; p50 ${quantile(warm, 0.5).toFixed(1)} ms`,
          },
          { atMost: goal },
        );
        const cdp = await context.newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        heaps.set(p.n, ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 2 ** 20);

        if (p.n === opts.labelWriteScale) {
          opts.say(`${k}: label writes over HTTP from the app's page vs a raw single-row commit`);
          figures['label_write_p95_ms'] = await labelWrites(page, p.service, server, texts.map((t) => t.id));
        }
        await context.close();
      } catch (e) {
        // One study's page failing leaves the others measured; its figures say why they are missing.
        for (const name of browserFigureNames([p.n], opts.labelWriteScale)) if (!figures[name]) unmeasured[name] = `failed: ${(e as Error).message.split('\n')[0]}`;
      } finally {
        await server.close();
      }
    }
    const small = Math.min(...projects.map((p) => p.n));
    for (const [n, heap] of heaps)
      if (n !== small && heaps.has(small))
        figures[`renderer_heap_mb_${scaleName(n)}`] = figure({
          value: heap,
          unit: 'MB',
          peer: `the same page on the ${scaleName(small)}-entry study (MB)`,
          peer_value: heaps.get(small)!,
          note: `the page's JavaScript heap after opening and ${opts.presses} entry switches (after a garbage collection)`,
        });
      else if (n !== small) unmeasured[`renderer_heap_mb_${scaleName(n)}`] = `its peer, the page on the ${scaleName(small)}-entry study, failed`;
  } finally {
    await browser.close();
  }
  return { figures, unmeasured };
}

/** The browser figures a run at these sizes gives (the smallest size is the heap's peer). */
export function browserFigureNames(sizes: number[], labelWriteScale: number): string[] {
  const small = Math.min(...sizes);
  return sizes.flatMap((n) => [
    `cold_start_ms_${scaleName(n)}`,
    `entry_switch_p95_ms_${scaleName(n)}`,
    ...(n !== small ? [`renderer_heap_mb_${scaleName(n)}`] : []),
    ...(n === labelWriteScale ? ['label_write_p95_ms'] : []),
  ]);
}

/**
 * A label acknowledged in browser mode (labels.set), timed in the app's page in Chromium from the
 * call to its answer read, as the renderer's client sends it (renderer/api/http-client.ts): on
 * the page's socket, where its calls go once it is open; the browser's own network stack is on a
 * person's path. Beside it, the same write by POST (the client's way while the socket opens), the
 * floors of both (the same socket message and the same fetch to a server that answers at once, in
 * the same browser), and the peer: a raw better-sqlite3 commit of one row.
 */
async function labelWrites(page: Page, service: Service, server: RunningServer, ids: string[]): Promise<BenchFigure> {
  const { token } = server;
  /** In a page: a socket opened as the client opens it (its protocols, its token), and a call on it timed to its answer read. */
  const openSocket = (on: Page, path: string) =>
    on.evaluate(
      ({ path, protocols }) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`ws://${location.host}${path}`, protocols);
          const waiting = new Map<number, (text: string) => void>();
          ws.onmessage = (e) => {
            const id = (JSON.parse(String(e.data)) as { id: number }).id;
            waiting.get(id)?.(String(e.data));
            waiting.delete(id);
          };
          ws.onerror = () => reject(new Error(`the socket at ${path} did not open`));
          let next = 1;
          (window as unknown as { __benchCall: unknown }).__benchCall = async (method: string, argsText: string) => {
            const t = performance.now();
            const id = next++;
            const text = await new Promise<string>((r) => {
              waiting.set(id, r);
              ws.send(`{"id":${id},"method":${JSON.stringify(method)},"args":${argsText}}`);
            });
            const answer = JSON.parse(text) as { error?: { message: string } };
            if (answer.error) throw new Error(`${method} answered: ${answer.error.message}`);
            return performance.now() - t;
          };
          ws.onopen = () => resolve();
        }),
      { path, protocols: [SOCKET_PROTOCOL, SOCKET_TOKEN_PREFIX + token] },
    );
  const bySocket = (on: Page) => (body: unknown) =>
    on.evaluate(({ text }) => (window as unknown as { __benchCall: (m: string, a: string) => Promise<number> }).__benchCall('labels.set', text), { text: JSON.stringify(body) });
  /** One write sent from a page by POST as the client sends it, timed there to its answer read. */
  const byPost = (on: Page, headers: Record<string, string>) => (body: unknown) =>
    on.evaluate(
      async ({ body, headers }) => {
        const t = performance.now();
        const res = await fetch('/api/labels.set', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        await res.json();
        if (!res.ok) throw new Error(`labels.set answered ${res.status}`);
        return performance.now() - t;
      },
      { body, headers },
    );
  await openSocket(page, SOCKET_PATH);
  // The floors under any write from a page: a server that answers at once, on its socket and by POST,
  // in the same browser, between the app's writes (Chromium's own share of the path).
  const floorServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":null}'));
  });
  const floorSockets = new WebSocketServer({ server: floorServer, handleProtocols: () => SOCKET_PROTOCOL });
  floorSockets.on('connection', (ws) => ws.on('message', (m) => ws.send(`{"id":${(JSON.parse(m.toString()) as { id: number }).id},"result":null}`)));
  await new Promise<void>((resolve) => floorServer.listen(0, '127.0.0.1', resolve));
  const floorPage = await page.context().newPage();
  await floorPage.goto(`http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`);
  await openSocket(floorPage, '/');
  const raw = openRaw(`${service.db.name}.writes`);
  const upsert = raw.prepare('INSERT INTO label (entry_id, annotator_id, dimension, value, updated_at) VALUES (?, 1, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at');
  const ours: number[] = [];
  const post: number[] = [];
  const floor: number[] = [];
  const postFloor: number[] = [];
  const peer: number[] = [];
  const stages = ['training', 'inference', 'model-construction'];
  // Each write changes the label (one that leaves it as it is commits nothing): the stage after the one it has now.
  const stored = service.db.prepare("SELECT l.value FROM label l JOIN entry e ON e.id = l.entry_id JOIN annotator a ON a.id = l.annotator_id WHERE e.ext_id = ? AND a.name = 'ana' AND l.dimension = 'stage'").pluck();
  const change = (entryId: string) => {
    const now = stored.get(entryId) as string | undefined;
    return { annotator: 'ana', entryId, dimension: 'stage', value: stages[((now === undefined ? -1 : stages.indexOf(JSON.parse(now) as string)) + 1) % 3] };
  };
  const timed = { ours: bySocket(page), floor: bySocket(floorPage), post: byPost(page, { [TOKEN_HEADER]: token }), postFloor: byPost(floorPage, {}) };
  for (let i = 0; i < 210; i++) {
    const a = await timed.ours(change(ids[i % ids.length]));
    const f = await timed.floor(change(ids[i % ids.length]));
    const p = await timed.post(change(ids[i % ids.length]));
    const pf = await timed.postFloor(change(ids[i % ids.length]));
    const u = performance.now();
    upsert.run(1 + (i % ids.length), 'stage', JSON.stringify(stages[i % 3]), new Date().toISOString());
    const b = performance.now() - u;
    if (i >= 10) {
      ours.push(a);
      floor.push(f);
      post.push(p);
      postFloor.push(pf);
      peer.push(b);
    }
  }
  raw.close();
  await floorPage.close();
  floorSockets.close();
  floorServer.close();
  const p50p95 = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms`;
  return figure(
    {
      value: quantile(ours, 0.95),
      unit: 'ms',
      peer: 'raw better-sqlite3: one label row upserted and committed (p95)',
      peer_value: quantile(peer, 0.95),
      goal: '<= 5',
      note: `${ours.length} writes on the socket of the app's page in Chromium, as its client sends them once the socket is open, each acknowledged after its commit (synchronous=FULL) with the annotator's part of the entry (labels, note, status); p50 ${quantile(ours, 0.5).toFixed(2)} ms; the floor, the same message to a server that answers at once: ${p50p95(floor)}; the same writes by POST (the client's way while its socket opens): ${p50p95(post)}, their floor ${p50p95(postFloor)}`,
    },
    { atMost: 5 },
  );
}
