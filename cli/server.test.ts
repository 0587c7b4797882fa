import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncApiHandlers } from '../shared/api.ts';
import { openDoor } from '../shared/door.ts';
import { badInput } from '../shared/errors.ts';
import { WebSocket } from 'ws';
import { createHttpClient } from '../renderer/api/http-client.ts';
import { SOCKET_PATH, SOCKET_PROTOCOL, SOCKET_TOKEN_PREFIX, type SocketAnswer } from '../shared/bridge.ts';
import { startServer, type RunningServer } from './server.ts';

let srv: RunningServer;
const calls: unknown[] = [];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'concord-srv-'));
  const staticDir = join(root, 'app');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<h1>app</h1>');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  const handlers = {
    'project.annotators': (args: unknown) => {
      calls.push(args);
      return [{ name: 'ana', role: 'annotator' }];
    },
    'project.addAnnotator': () => {
      throw badInput('nope', { field: 'name' });
    },
  } as unknown as SyncApiHandlers;
  srv = await startServer({ service: openDoor(handlers, () => undefined), staticDir, maxBody: 1000 });
});
afterAll(() => srv.close());

function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: srv.port, path, method: opts.method ?? 'POST', headers: { host: `127.0.0.1:${srv.port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const auth = () => ({ 'x-concord-token': srv.token, 'content-type': 'application/json' });

describe('browser-mode server', () => {
  it('binds to loopback and prints a URL carrying the token', () => {
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/?token=${srv.token}`);
    expect((srv.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('answers an API call with a valid token', async () => {
    const r = await send('/api/project.annotators', { headers: auth(), body: '{}' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ result: [{ name: 'ana', role: 'annotator' }] });
  });

  it('answers 401 without the valid token, whatever the method name', async () => {
    // outside-ok: a hostile method name, sent as data
    for (const name of ['project.annotators', 'no.such.method', '../../etc/passwd', '']) {
      expect((await send(`/api/${name}`, { body: '{}' })).status).toBe(401);
      expect((await send(`/api/${name}`, { headers: { 'x-concord-token': 'wrong' }, body: '{}' })).status).toBe(401);
    }
    expect(calls.length).toBe(1);
  });

  it('answers 403 to a foreign Host header or Origin', async () => {
    expect((await send('/api/project.annotators', { headers: { ...auth(), host: 'evil.example:80' }, body: '{}' })).status).toBe(403);
    expect((await send('/api/project.annotators', { headers: { ...auth(), origin: 'http://evil.example' }, body: '{}' })).status).toBe(403);
    expect((await send('/', { method: 'GET', headers: { host: `attacker.test:${srv.port}` } })).status).toBe(403);
    expect((await send('/api/project.annotators', { headers: { ...auth(), origin: `http://127.0.0.1:${srv.port}` }, body: '{}' })).status).toBe(200);
  });

  it('answers 413 over the size limit', async () => {
    expect((await send('/api/project.annotators', { headers: auth(), body: JSON.stringify({ pad: 'x'.repeat(2000) }) })).status).toBe(413);
  });

  it('answers 413 to a chunked body that passes the limit while it is sent, not a reset connection', async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: srv.port, path: '/api/project.annotators', method: 'POST', headers: { host: `127.0.0.1:${srv.port}`, ...auth(), 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      // 200 chunks of 500 bytes, 100 times the limit, written while the server answers.
      let sent = 0;
      const more = () => {
        while (sent < 200) {
          sent++;
          if (!req.write('x'.repeat(500))) return void req.once('drain', more);
        }
        req.end();
      };
      more();
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.message).toMatch(/request body over 1000 bytes/);
  });

  it('answers 400, not 500, to a value nested a million deep, and to a string that is half a surrogate pair', async () => {
    const deep = `{"value":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    const big = await startServer({ service: openDoor({ 'project.annotators': () => [] } as unknown as SyncApiHandlers, () => undefined), staticDir: join(tmpdir()), maxBody: 4_000_000 });
    try {
      const call = (body: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(
            { host: '127.0.0.1', port: big.port, path: '/api/project.annotators', method: 'POST', headers: { host: `127.0.0.1:${big.port}`, 'x-concord-token': big.token } },
            (res) => {
              let text = '';
              res.on('data', (c) => (text += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      const r = await call(deep);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error.message).toBe('the request is nested deeper than 64 levels');
      const s = await call('{"name":"ana\\ud800"}');
      expect(s.status).toBe(400);
      expect(JSON.parse(s.body).error.message).toMatch(/half of a UTF-16 surrogate pair/);
    } finally {
      await big.close();
    }
  });

  it('reports bad input with its code and field, and unknown methods as 404', async () => {
    const r = await send('/api/project.addAnnotator', { headers: auth(), body: '{"name":"x"}' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toEqual({ code: 'bad-input', message: 'nope', where: { field: 'name' } });
    expect((await send('/api/project.addAnnotator', { headers: auth(), body: '{"name": 5}' })).status).toBe(400);
    expect((await send('/api/project.annotators', { headers: auth(), body: '{not json' })).status).toBe(400);
    expect((await send('/api/nope', { headers: auth(), body: '{}' })).status).toBe(404);
  });

  it('serves the app with a strict CSP and never a file outside it', async () => {
    const r = await send('/', { method: 'GET' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<h1>app</h1>');
    expect(String(r.headers['content-security-policy'])).toContain("default-src 'self'");
    expect((await send('/../secret.txt', { method: 'GET' })).status).toBe(404);
    expect((await send('/%2e%2e/secret.txt', { method: 'GET' })).status).toBe(404);
  });
});

/** A socket to the test server as a page opens it (shared/bridge.ts); `opened` says how the server answered the opening. */
function openSocket(opts: { token?: string | null; origin?: string; host?: string; path?: string; protocols?: string[] } = {}) {
  const protocols = opts.protocols ?? [SOCKET_PROTOCOL, ...(opts.token === null ? [] : [SOCKET_TOKEN_PREFIX + (opts.token ?? srv.token)])];
  const ws = new WebSocket(`ws://127.0.0.1:${srv.port}${opts.path ?? SOCKET_PATH}`, protocols, {
    headers: { host: opts.host ?? `127.0.0.1:${srv.port}`, ...(opts.origin ? { origin: opts.origin } : {}) },
  });
  const answers: SocketAnswer[] = [];
  ws.on('message', (m) => answers.push(JSON.parse(m.toString()) as SocketAnswer));
  const opened = new Promise<{ status: number; body?: string }>((resolve) => {
    ws.once('open', () => resolve({ status: 101 }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', () => resolve({ status: 0 }));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const answer = (id: number) =>
    new Promise<SocketAnswer>((resolve) => {
      const look = () => {
        const a = answers.find((x) => x.id === id);
        if (a) resolve(a);
        else setTimeout(look, 5);
      };
      look();
    });
  return { ws, opened, closed, answer };
}

describe("browser-mode server: the page's socket", () => {
  it('answers each call by its id, as a POST answers it, through the same door', async () => {
    const s = openSocket();
    expect((await s.opened).status).toBe(101);
    expect(s.ws.protocol).toBe(SOCKET_PROTOCOL);
    const before = calls.length;
    s.ws.send(JSON.stringify({ id: 7, method: 'project.annotators', args: { as: 'ana' } }));
    s.ws.send(JSON.stringify({ id: 8, method: 'project.addAnnotator', args: { name: 'x' } }));
    s.ws.send(JSON.stringify({ id: 9, method: 'nope', args: {} }));
    s.ws.send(JSON.stringify({ id: 10, method: 'project.addAnnotator', args: { name: 5 } }));
    s.ws.send(JSON.stringify({ id: 11, method: 'project.annotators', args: { value: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) } }));
    expect(await s.answer(7)).toEqual({ id: 7, result: [{ name: 'ana', role: 'annotator' }] });
    expect(calls.length).toBe(before + 1);
    // The same errors, with their codes and fields, a POST's body holds.
    const post = await send('/api/project.addAnnotator', { headers: auth(), body: '{"name":"x"}' });
    expect(await s.answer(8)).toEqual({ id: 8, ...JSON.parse(post.body) });
    expect(await s.answer(9)).toEqual({ id: 9, error: { code: 'not-found', message: 'no API method "nope"' } });
    expect(((await s.answer(10)) as { error: { code: string } }).error.code).toBe('bad-input');
    expect(await s.answer(11)).toEqual({ id: 11, error: { code: 'bad-input', message: 'the request is nested deeper than 64 levels' } });
    s.ws.close();
  });

  it('refuses to open without the token, with a wrong one, to a foreign Host or Origin, or on another path', async () => {
    const before = calls.length;
    expect((await openSocket({ token: null }).opened).status).toBe(401);
    expect((await openSocket({ token: 'wrong' }).opened).status).toBe(401);
    expect((await openSocket({ token: `${srv.token}x` }).opened).status).toBe(401);
    expect((await openSocket({ host: 'evil.example:80' }).opened).status).toBe(403);
    expect((await openSocket({ origin: 'http://evil.example' }).opened).status).toBe(403);
    expect((await openSocket({ path: '/api/project.annotators' }).opened).status).toBe(404);
    // The token alone, without the protocol the page speaks.
    expect((await openSocket({ protocols: [SOCKET_TOKEN_PREFIX + srv.token] }).opened).status).toBe(400);
    const ours = openSocket({ origin: `http://localhost:${srv.port}`, host: `localhost:${srv.port}` });
    expect((await ours.opened).status).toBe(101);
    ours.ws.close();
    expect(calls.length).toBe(before);
  });

  it('closes, saying why, on a message that is not a call, and on one over the size limit', async () => {
    for (const [message, code, reason] of [
      ['{not json', 1007, /not JSON/],
      ['{"method":"project.annotators","args":{}}', 1008, /must be a call/],
      ['{"id":"1","method":"project.annotators"}', 1008, /must be a call/],
      // (Too large: the socket library's own close, without a reason; the page's client sends a call that large by POST.)
      [JSON.stringify({ id: 1, method: 'project.annotators', args: { pad: 'x'.repeat(2000) } }), 1009, /^$/],
    ] as const) {
      const s = openSocket();
      await s.opened;
      s.ws.send(message);
      const closed = await s.closed;
      expect(closed.code).toBe(code);
      expect(closed.reason).toMatch(reason);
    }
    const binary = openSocket();
    await binary.opened;
    binary.ws.send(Buffer.from('{}'));
    expect((await binary.closed).code).toBe(1003);
  });

  it("is closed when the server closes, and the page's client then calls by POST", async () => {
    const own = await startServer({ service: openDoor({ 'project.annotators': () => [{ name: 'bo', role: 'annotator' }] } as unknown as SyncApiHandlers, () => undefined), staticDir: tmpdir() });
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((url: string, init: RequestInit) => {
      sent.push(`POST ${url}`);
      return realFetch(`http://127.0.0.1:${own.port}${url}`, init);
    }) as typeof fetch;
    try {
      const client = createHttpClient(own.token, '/api/', `ws://127.0.0.1:${own.port}${SOCKET_PATH}`, WebSocket as unknown as typeof globalThis.WebSocket);
      // While the socket opens, by POST; once open, on it.
      expect(await client.call('project.annotators', {} as never)).toEqual([{ name: 'bo', role: 'annotator' }]);
      expect(sent).toEqual(['POST /api/project.annotators']);
      await new Promise((r) => setTimeout(r, 200));
      expect(await client.call('project.annotators', {} as never)).toEqual([{ name: 'bo', role: 'annotator' }]);
      expect(sent.length).toBe(1);
      await own.close();
      await new Promise((r) => setTimeout(r, 100));
      await expect(client.call('project.annotators', {} as never)).rejects.toThrow(/did not answer/);
      expect(sent.length).toBe(2);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
