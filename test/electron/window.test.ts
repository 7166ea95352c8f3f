import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';

vi.mock('electron', async () => (await import('./electron-mock')).electronMock);

const { windowOptions, createMainWindow, hardenSession, isAppUrl } = await import('../../src-main/electron/window');
const { FakeBrowserWindow, electronMock } = await import('./electron-mock');
const { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } = await import('../../src-main/host/content-security-policy');

const APP = 'file:///opt/irqscope/out/renderer/index.html';

describe('main window', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, no webviews', () => {
    const prefs = windowOptions('/p/preload.js').webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/p/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('creates the window with those options and loads our page', () => {
    const window = createMainWindow('/p/preload.js', APP) as unknown as InstanceType<typeof FakeBrowserWindow>;
    expect(window.options).toEqual(windowOptions('/p/preload.js'));
    expect(window.loadedUrl).toBe(APP);
  });

  it('blocks navigation away from our page and every new window', () => {
    const window = createMainWindow('/p/preload.js', APP) as unknown as InstanceType<typeof FakeBrowserWindow>;
    const contents = window.webContents;
    for (const [event, url, blocked] of [
      ['will-navigate', 'https://example.com/', true],
      ['will-navigate', 'file:///etc/passwd', true],
      ['will-navigate', `${APP}#timeline`, false],
      ['will-redirect', 'http://127.0.0.1:1/', true],
    ] as const) {
      const preventDefault = vi.fn();
      contents.emit(event, { preventDefault }, url);
      expect(preventDefault.mock.calls.length, `${event} ${url}`).toBe(blocked ? 1 : 0);
    }
    const attach = vi.fn();
    contents.emit('will-attach-webview', { preventDefault: attach });
    expect(attach).toHaveBeenCalled();
    expect(contents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('sends the strict CSP with every response and refuses every permission', () => {
    const session = electronMock.session.defaultSession;
    hardenSession(session as never);
    let out: { responseHeaders: Record<string, string[]> } | undefined;
    session.headersHook!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (out = r as typeof out));
    expect(out!.responseHeaders).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    const allow = vi.fn();
    session.permissionHook!({}, 'media', allow);
    expect(allow).toHaveBeenCalledWith(false);
  });

  it('has a CSP without inline script, eval or remote origins, the same in the page as in the header', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    const html = readFileSync(new URL('../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
  });

  it('judges "our page" by origin and path only', () => {
    expect(isAppUrl(`${APP}?x#y`, APP)).toBe(true);
    expect(isAppUrl('file:///opt/irqscope/out/renderer/other.html', APP)).toBe(false);
    expect(isAppUrl('not a url', APP)).toBe(false);
  });

  it('"our page" on a custom scheme is that scheme, host and path: its origin is the opaque "null" for all of them', () => {
    expect(isAppUrl('irqscope-app://app/index.html#x', 'irqscope-app://app/index.html')).toBe(true);
    expect(isAppUrl('evil://app/index.html', 'irqscope-app://app/index.html')).toBe(false);
    expect(isAppUrl('irqscope-app://other/index.html', 'irqscope-app://app/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html', 'irqscope-app://app/index.html')).toBe(false);
  });
});
