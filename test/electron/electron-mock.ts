// A stand-in for the `electron` module (its runtime cannot be downloaded here):
// just enough surface for the shell, recording what the shell asked of it.
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
}

export class FakeWebContents extends FakeEmitter {
  readonly mainFrame = { url: '' };
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  sent: { channel: string; payload: unknown }[] = [];
  loading = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isLoading(): boolean {
    return this.loading;
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  loadedUrl = '';
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  show(): void {}
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export function fakeSession() {
  return {
    headersHook: null as null | ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    permissionHook: null as null | ((wc: unknown, permission: string, cb: (allow: boolean) => void) => void),
    webRequest: {
      onHeadersReceived(hook: (details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) {
        session.headersHook = hook;
      },
    },
    setPermissionRequestHandler(hook: (wc: unknown, permission: string, cb: (allow: boolean) => void) => void) {
      session.permissionHook = hook;
    },
  };
}
const session = fakeSession();

export const electronMock = {
  BrowserWindow: FakeBrowserWindow,
  ipcMain: new FakeIpcMain(),
  session: { defaultSession: session },
  protocol: {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response>) {
      this.handlers.set(scheme, handler);
    },
  },
  app: Object.assign(new FakeEmitter(), {
    whenReady: vi.fn(() => Promise.resolve()),
    quit: vi.fn(),
    getAppPath: () => '/app',
    isPackaged: true,
    getPath: () => '/tmp',
  }),
  Menu: { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() },
  dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
};
