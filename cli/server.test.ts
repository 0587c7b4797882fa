import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncApiHandlers } from '../shared/api.ts';
import { openDoor } from '../shared/door.ts';
import { badInput } from '../shared/errors.ts';
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
