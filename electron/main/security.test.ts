import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('../../test/helpers/fake-electron.ts');
  const e = fakeElectron();
  return { default: e, ...e };
});

import electron from 'electron';
import { FakeWebContents, type FakeElectron } from '../../test/helpers/fake-electron.ts';
import { CONTENT_SECURITY_POLICY, secureWebPreferences } from './security.ts';

const fake = electron as unknown as FakeElectron;

function preventable() {
  return { preventDefault: vi.fn() };
}

describe('security (imported for its side effect)', () => {
  it('sandboxes every renderer before the app is ready', () => {
    expect(fake.app.enableSandbox).toHaveBeenCalledTimes(1);
  });

  it('registers concord:// as a standard, secure scheme before the app is ready', () => {
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'concord', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
  });

  it('blocks navigation (of the page and of subframes), redirects, <webview> and window.open in every web contents', () => {
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const ev = preventable();
      contents.emit(name, ev, 'https://example.com/');
      expect(ev.preventDefault, name).toHaveBeenCalled();
    }
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('adds the CSP header, replacing any other, and denies every permission', async () => {
    await fake.becomeReady();
    const s = fake.session.defaultSession;
    const onHeaders = s.webRequest.onHeadersReceived.mock.calls[0][0];
    const callback = vi.fn();
    onHeaders({ url: 'file:///x', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });

    const requestHandler = s.setPermissionRequestHandler.mock.calls[0][0];
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      const decide = vi.fn();
      requestHandler(new EventEmitter(), permission, decide);
      expect(decide).toHaveBeenCalledWith(false);
    }
    const checkHandler = s.setPermissionCheckHandler.mock.calls[0][0];
    expect(checkHandler(null, 'media', 'file://', {})).toBe(false);
  });

  it('sends the CSP that the built renderer\'s <meta> tag and browser mode carry, with the directives a meta tag cannot', async () => {
    const { META_CONTENT_SECURITY_POLICY } = await import('../../shared/csp.ts');
    const { CONTENT_SECURITY_POLICY: browserMode } = await import('../../cli/server.ts');
    expect(browserMode).toBe(CONTENT_SECURITY_POLICY);
    expect(META_CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    expect(html).toMatch(/http-equiv="Content-Security-Policy"\s+content="%CONCORD_CSP%"/);
  });

  it('has a CSP that allows only our own scripts and connections, no plugins, no base or form targets, no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('gives windows an isolated, sandboxed renderer without Node', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
  });
});
