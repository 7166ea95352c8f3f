// The main window and what keeps it closed to the outside: context isolation,
// the sandbox, no Node in the renderer, a CSP on every response, no navigation
// away from our page, no new windows, no webviews, no permissions.
import { BrowserWindow, type BrowserWindowConstructorOptions, type Session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../host/content-security-policy';

export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#0f1216',
    title: 'irqscope',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Sends the CSP with every response and refuses every permission request. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/**
 * Same document, ignoring query and hash: the only place the window may be. Scheme,
 * host and port are compared one by one: a custom scheme's origin is the opaque
 * "null", the same for every such URL.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(appUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export function hardenContents(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function createMainWindow(preload: string, appUrl: string): BrowserWindow {
  const window = new BrowserWindow(windowOptions(preload));
  hardenContents(window.webContents, appUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}
