// Just enough of Electron's main-process API for the built bundle to start; every call
// that matters is reported on stdout as one JSON line for the test to read.
const report = (what, detail) => process.stdout.write(JSON.stringify({ what, detail }) + '\n');
const channels = [];
const session = {
  webRequest: { onHeadersReceived: () => report('csp-hook') },
  setPermissionRequestHandler: () => report('permission-handler'),
  setPermissionCheckHandler: () => undefined,
};
session.defaultSession = session;
class WebContents {
  constructor() {
    this.session = session;
  }
  on(event) {
    report('contents-on', event);
  }
  setWindowOpenHandler(handler) {
    report('window-open', handler({ url: 'https://example.com/' }).action);
  }
  send() {}
  once() {}
  isLoading() {
    return false;
  }
  isDestroyed() {
    return false;
  }
}
class BrowserWindow {
  constructor(options) {
    report('window', options.webPreferences);
    this.webContents = new WebContents();
    BrowserWindow.all.push(this);
  }
  once(event, f) {
    if (event === 'ready-to-show') setTimeout(f, 10);
  }
  on() {}
  show() {
    report('show');
  }
  isDestroyed() {
    return false;
  }
  loadURL(url) {
    report('load', url);
    return Promise.resolve();
  }
  static getAllWindows() {
    return BrowserWindow.all;
  }
}
BrowserWindow.all = [];
module.exports = {
  app: {
    whenReady: () => Promise.resolve(),
    on: () => undefined,
    getPath: () => require('node:os').tmpdir(),
    getAppPath: () => process.cwd(),
    quit: () => undefined,
    isPackaged: false,
  },
  BrowserWindow,
  session,
  protocol: {
    registerSchemesAsPrivileged: (schemes) => report('privileged-schemes', schemes),
    handle: (scheme) => report('protocol-handler', scheme),
  },
  ipcMain: { handle: (channel) => channels.push(channel), on: () => undefined, removeHandler: () => undefined },
  Menu: { buildFromTemplate: (t) => (report('menu', t.map((m) => m.label ?? m.role)), {}), setApplicationMenu: () => undefined },
  dialog: {},
  shell: {},
};
setTimeout(() => {
  report('channels', channels);
  process.exit(0);
}, 400);
