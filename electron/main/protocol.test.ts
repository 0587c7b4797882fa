import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { APP_INDEX_URL, rendererResponse } from './protocol.ts';

const top = mkdtempSync(path.join(tmpdir(), 'concord-protocol-'));
const renderer = path.join(top, 'renderer');
mkdirSync(path.join(renderer, 'assets'), { recursive: true });
writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Concord</title>');
writeFileSync(path.join(renderer, 'assets', 'main.js'), 'console.log(1)');
writeFileSync(path.join(top, 'secret.db'), 'not for the page');
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('concord://app serves the built renderer and nothing else', () => {
  it('answers index.html and assets with their type and the app\'s CSP', async () => {
    const index = await rendererResponse(renderer, APP_INDEX_URL);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toContain('<title>Concord</title>');
    const js = await rendererResponse(renderer, 'concord://app/assets/main.js?v=1#x');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await rendererResponse(renderer, 'concord://app/')).status).toBe(200);
  });

  it('refuses paths out of the folder, other hosts and schemes, folders and missing files', async () => {
    for (const url of [
      'concord://app/../secret.db',
      'concord://app/%2e%2e/secret.db',
      'concord://app/assets/..%2f..%2fsecret.db',
      'concord://app/..%5csecret.db',
      'concord://app/%00index.html',
      'concord://app/%E0%A4%A',
      'concord://other/index.html',
      'file:///etc/passwd',
      'concord://app/assets',
      'concord://app/nope.js',
      'not a url',
    ]) {
      const r = await rendererResponse(renderer, url);
      expect(r.status, url).toBe(404);
      expect(await r.text(), url).not.toContain('not for the page');
    }
  });
});
