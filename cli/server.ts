import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { join, resolve } from 'node:path';
import { isMethodName, type MethodName } from '../shared/api.ts';
import { SOCKET_PATH, SOCKET_PROTOCOL, SOCKET_TOKEN_PREFIX, TOKEN_HEADER, type SocketAnswer, type SocketCall } from '../shared/bridge.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/csp.ts';
import { callerOfRequest, type ApiDoor, type Caller, type DoorArgs } from '../shared/door.ts';
import { mimeTypeOf, staticFileOf } from '../shared/static-files.ts';
import { ConcordError, serializeError, type ErrorCode, type SerializedError } from '../shared/errors.ts';
import { hasLoneSurrogate } from '../shared/names.ts';

/**
 * Browser mode: the built renderer, and the API on a loopback address, as `POST /api/<method>` or
 * as messages on one socket a page keeps open (SOCKET_PATH). Every API call needs the per-run token; the Host header must name the address served (against DNS
 * rebinding) and a browser's Origin must be ours (against cross-site requests).
 */
export interface ServeOptions {
  /** The service's door; each request names who asks (its `as`), as the app always has. */
  service: ApiDoor;
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Largest request body accepted, in bytes. */
  maxBody?: number;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

// One policy for every host (shared/csp.ts).
export { CONTENT_SECURITY_POLICY };

/** A call's answer: its HTTP status, and the body a POST sends (a socket's message adds the call's id). */
type Answer = { status: number; body: { result: unknown } | { error: SerializedError } };

const statusOf: Record<ErrorCode, number> = { 'bad-input': 400, usage: 400, 'not-found': 404, conflict: 409, forbidden: 403, internal: 500, unavailable: 503 };

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

/** How long a refused upload may go on being read (and thrown away) after the 413 is sent, before the connection is closed. */
const DRAIN_MS = 5000;

/**
 * A request's body, or 'too-large' as soon as it passes `limit` (by its Content-Length, or while
 * a chunked body is read). A refused body is read on and thrown away, not kept, so that the client
 * (still sending) gets the 413 instead of a reset connection; after DRAIN_MS the connection closes.
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolvePromise, reject) => {
    const refuse = () => {
      req.removeAllListeners('data');
      req.resume();
      res.setHeader('connection', 'close');
      const close = setTimeout(() => req.socket.destroy(), DRAIN_MS);
      close.unref();
      req.once('end', () => clearTimeout(close));
      resolvePromise('too-large');
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return refuse();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) refuse();
      else chunks.push(c);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Deepest nesting a request may have: far beyond any real argument, far below what overflows a stack. */
const MAX_REQUEST_DEPTH = 64;

/**
 * Why a parsed request cannot be handled, or null: nested deeper than MAX_REQUEST_DEPTH (walked
 * without recursion: JSON.parse reads a million levels, and stringifying them again would
 * overflow the stack), or a string that holds half a surrogate pair (not text, cannot be stored).
 */
function requestProblem(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return 'a string in the request holds half of a UTF-16 surrogate pair, which is not text';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_REQUEST_DEPTH) return `the request is nested deeper than ${MAX_REQUEST_DEPTH} levels`;
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
    else
      for (const [k, x] of Object.entries(v)) {
        stack.push([k, depth + 1]);
        stack.push([x, depth + 1]);
      }
  }
  return null;
}

/** How long a request waits for the project file while another connection (a worker's import) writes to it. */
export const BUSY_PATIENCE_MS = 120_000;
const BUSY_PAUSE_MS = 20;

/** SQLite's busy error, as thrown or as the door explained it (its cause kept). */
const isBusy = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true;
  return e instanceof ConcordError && code === 'unavailable' && isBusy((e as { cause?: unknown }).cause);
};

/**
 * Calls the door; a call that finds the file locked (a worker writing an import in one
 * transaction) is tried again after a pause, on the event loop, so that every other request is
 * answered meanwhile. A refused call wrote nothing (each method is one transaction), so trying it
 * again is safe. The serving connection waits only briefly for the lock itself (`concord serve`).
 */
export async function callPatiently<M extends MethodName>(door: ApiDoor, name: M, args: DoorArgs<M>, caller: Caller): Promise<unknown> {
  const giveUp = Date.now() + BUSY_PATIENCE_MS;
  for (;;) {
    try {
      return await door.call(name, args, caller);
    } catch (e) {
      if (!isBusy(e) || Date.now() > giveUp) throw e;
      await new Promise((r) => setTimeout(r, BUSY_PAUSE_MS));
    }
  }
}

export function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  // Large enough for several annotation packs in one upload (a 520-entry pack is about 0.5 MB).
  const maxBody = opts.maxBody ?? 64 * 1024 * 1024;
  const root = resolve(opts.staticDir);
  let allowedHosts: Set<string> = new Set();
  let origins: Set<string> = new Set();

  /**
   * One call's answer, whichever way it came (a POST or a message on the page's socket): checked
   * as every request is, then through the door. `status` is the HTTP status the answer goes with.
   */
  async function answer(name: string, text: string | { parsed: unknown }): Promise<Answer> {
    const failed = (status: number, code: ErrorCode, message: string) => ({ status, body: { error: { code, message } } });
    if (!isMethodName(name)) return failed(404, 'not-found', `no API method "${name}"`);
    let raw: unknown;
    try {
      raw = typeof text !== 'string' ? text.parsed : text.length ? JSON.parse(text) : {};
    } catch {
      return failed(400, 'bad-input', 'request body is not JSON');
    }
    const problem = requestProblem(raw);
    if (problem) return failed(400, 'bad-input', problem);
    try {
      const result = await callPatiently(opts.service, name, raw as DoorArgs<typeof name>, callerOfRequest(raw));
      return { status: 200, body: { result: result ?? null } };
    } catch (e) {
      const err = serializeError(e);
      return { status: statusOf[err.code] ?? 500, body: { error: err } };
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const given = req.headers[TOKEN_HEADER];
    if (!sameToken(Array.isArray(given) ? given[0] : given, token)) return fail(res, 401, 'forbidden', 'missing or wrong token: open the URL that `concord serve` printed');
    if (req.method !== 'POST') return fail(res, 405, 'usage', 'API calls are POST requests');
    const body = await readBody(req, res, maxBody);
    if (body === 'too-large') return fail(res, 413, 'bad-input', `request body over ${maxBody} bytes`);
    const { status, body: answered } = await answer(name, body.toString('utf8'));
    sendJson(res, status, answered);
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'usage', 'method not allowed');
    const rel = staticFileOf(pathname);
    if (rel === null) return fail(res, 404, 'not-found', 'not found');
    const file = join(root, ...rel.split('/'));
    if (!existsSync(file) || !statSync(file).isFile()) return fail(res, 404, 'not-found', 'not found');
    res.writeHead(200, {
      'content-type': mimeTypeOf(file),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      // The build names its scripts and styles by their content's hash: a reload takes them (and
      // the browser's compiled code for them) from its cache. index.html is asked for every time.
      'cache-control': rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  /**
   * The page's socket (shared/bridge.ts): each message one call, answered with its id, through the
   * same checks and the same door as a POST. A label's round trip from Chromium's page takes a
   * fraction of a fetch's (`concord bench`, label_write_p95_ms).
   */
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxBody, handleProtocols: (offered) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false) });
  function serveSocket(ws: WebSocket): void {
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      // A message that is not a call cannot be answered (it has no id to answer): the socket closes, saying why.
      if (isBinary) return ws.close(1003, 'a message must be a call as JSON text');
      let call: Partial<SocketCall>;
      try {
        call = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8')) as Partial<SocketCall>;
      } catch {
        return ws.close(1007, 'a message is not JSON');
      }
      const { id, method, args } = call ?? {};
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof method !== 'string') return ws.close(1008, 'a message must be a call: {"id": <integer>, "method": "...", "args": {...}}');
      void answer(method, { parsed: args ?? {} }).then(({ body }) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ...body } satisfies SocketAnswer));
      });
    });
  }

  /** Why a request (or a socket's opening) is refused before anything else: a Host not ours (DNS rebinding), a browser's Origin not ours. */
  function refusalOf(req: IncomingMessage): string | null {
    if (!allowedHosts.has(String(req.headers.host ?? '').toLowerCase())) return 'unexpected Host header';
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) return 'cross-origin request refused';
    return null;
  }

  const server = createServer((req, res) => {
    const refused = refusalOf(req);
    if (refused) return fail(res, 403, 'forbidden', refused);
    // Decide on the raw path, before any normalisation, so "/api/../x" is still an API call.
    const rawPath = (req.url ?? '/').split('?')[0];
    if (rawPath === '/api' || rawPath.startsWith('/api/')) {
      handleApi(req, res, rawPath.slice('/api/'.length)).catch((e) => fail(res, 500, 'internal', (e as Error).message));
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      handleStatic(req, res, pathname);
    } catch {
      fail(res, 400, 'bad-input', 'bad path');
    }
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, message: string) =>
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
    const refused = refusalOf(req);
    if (refused) return refuse(403, refused);
    if ((req.url ?? '/').split('?')[0] !== SOCKET_PATH) return refuse(404, 'not found');
    // A page cannot set headers on a socket: it offers the token as a second protocol.
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const given = offered.find((p) => p.startsWith(SOCKET_TOKEN_PREFIX))?.slice(SOCKET_TOKEN_PREFIX.length);
    if (!sameToken(given, token)) return refuse(401, 'missing or wrong token: open the URL that `concord serve` printed');
    if (!offered.includes(SOCKET_PROTOCOL)) return refuse(400, `a socket must offer the protocol ${SOCKET_PROTOCOL}`);
    sockets.handleUpgrade(req, socket, head, serveSocket);
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port;
      const names = host === '127.0.0.1' || host === 'localhost' ? ['127.0.0.1', 'localhost'] : [host];
      allowedHosts = new Set(names.map((n) => `${n}:${port}`));
      origins = new Set(names.map((n) => `http://${n}:${port}`));
      const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/?token=${token}`;
      if (host === '0.0.0.0') {
        allowedHosts = new Set([...allowedHosts, `127.0.0.1:${port}`]);
      }
      resolvePromise({
        url,
        token,
        port,
        server,
        close: () => {
          for (const ws of sockets.clients) ws.terminate();
          return new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}

/** Another process that says it serves the same project file. */
export interface OtherServer {
  pid: number;
  port: number;
}

/**
 * Marks `dbFile` as served by this process (a small file beside it, `<file>.serving`), and says
 * which other `concord serve` still running has it open, if any: two servers on one project both
 * write safely (SQLite's locks), but each page shows the other's changes only after a reload, and
 * two people may be working in two places without knowing it. Best effort: a folder that cannot
 * be written gets no mark.
 */
export function claimServing(dbFile: string, port: number): { other: OtherServer | null; release(): void } {
  const mark = `${dbFile}.serving`;
  let other: OtherServer | null = null;
  try {
    const seen = JSON.parse(readFileSync(mark, 'utf8')) as Partial<OtherServer>;
    if (typeof seen.pid === 'number' && seen.pid !== process.pid && isRunning(seen.pid)) other = { pid: seen.pid, port: Number(seen.port) };
  } catch {
    // no mark, or an unreadable one: no one else
  }
  try {
    writeFileSync(mark, `${JSON.stringify({ pid: process.pid, port })}\n`);
  } catch {
    // a folder that cannot be written: nothing to mark
  }
  return {
    other,
    release() {
      try {
        if ((JSON.parse(readFileSync(mark, 'utf8')) as Partial<OtherServer>).pid === process.pid) rmSync(mark, { force: true });
      } catch {
        // gone already
      }
    },
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
