// The Electron app: one window on the default preset machine, the machine
// running in bounded slices in this process, the contract over ipcMain.
import { Menu, app, dialog, ipcMain, protocol, session } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_URL, registerAppScheme, serveRenderer } from './app-protocol';
import { createAppHost, type AppHost } from '../host/app-host';
import { DEFAULT_PRESET, folderPresets } from '../host/presets';
import type { Reply, ViewName } from '../../src-shared/ipc/contract';
import { streamChannel } from '../../src-shared/ipc/names';
import { createMainWindow, hardenContents, hardenSession } from './window';
import { registerIpcHandlers, trustedSender, windowClient } from './ipc';
import { menuTemplate } from './menu';
import { readRecent, withRecent, writeRecent } from './recent-machines';
import { importMenuAction } from './import-files';
import { fileMenuActions } from './file-menu-actions';
import { parseStartArgs } from './start-args';
import { startFrom } from '../host/start-from';
import { Readable } from 'node:stream';
import { attachQemu } from '../target/qemu/attach-qemu';

export interface AppPaths {
  /** Built preload script. */
  preload: string;
  /** The page: the built index.html on the app's own scheme, or the dev server. */
  appUrl: string;
  /** The built renderer the app scheme serves. */
  rendererDir: string;
  presetsDir: string;
  recentFile: string;
}

/** Starts the app; `argv` may ask for a session and a bring-up script to start from (paths relative to `cwd`). */
export function startElectronApp(paths: AppPaths, argv: readonly string[] = process.argv, cwd = process.cwd()): void {
  registerAppScheme(protocol);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, paths.appUrl));
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(async () => {
    serveRenderer(protocol, paths.rendererDir);
    hardenSession(session.defaultSession);
    const created = createAppHost({
      presets: folderPresets(paths.presetsDir),
      initial: { source: 'preset', preset: DEFAULT_PRESET },
      onInternalError: (err) => console.error('irqscope: internal error', err),
      // The guest's serial console and irqscope's notes go to the terminal the app runs in.
      attach: (args) => attachQemu({ args, say: (line) => console.error(line), output: (chunk) => process.stderr.write(chunk) }),
    });
    const args = parseStartArgs(argv);
    const problems = !created.ok ? [created.error] : !args.ok ? [args.error] : await startFrom(created.host, args.from, cwd, Readable.from([]));
    if (!created.ok || problems.length > 0) {
      dialog.showErrorBox('irqscope: cannot start', problems.join('\n'));
      app.quit();
      return;
    }
    openWindow(created.host, paths);
  });
}

function openWindow(host: AppHost, paths: AppPaths): void {
  const window = createMainWindow(paths.preload, paths.appUrl);
  const unregister = registerIpcHandlers(ipcMain, host.dispatch, trustedSender(window, paths.appUrl));
  const detach = host.session.attach(windowClient(window));
  host.runner.start();
  let recent = readRecent(paths.recentFile);

  const showError = (reply: Reply<unknown>): boolean => {
    if (reply.ok) return true;
    dialog.showErrorBox('irqscope: cannot load the machine', reply.error);
    return false;
  };
  const loadFile = async (path: string): Promise<void> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      dialog.showErrorBox('irqscope: cannot read the machine file', `${path}: ${(err as Error).message}`);
      return;
    }
    if (!showError(host.dispatch('loadMachine', { source: 'text', text, fileName: path }))) return;
    recent = withRecent(recent, path);
    writeRecent(paths.recentFile, recent);
    rebuildMenu();
  };
  const showView = (view: ViewName): void => window.webContents.send(streamChannel('viewRequested'), { view });
  const files = fileMenuActions({ dialog, window, session: host.session });
  // Exports from the page too are written here, where this window's save dialog says.
  host.session.exports.chooseFile = files.chooseExportFile;
  const importDumps = importMenuAction({ dialog, window });

  function rebuildMenu(): void {
    const template = menuTemplate(
      recent,
      host.presets.list(),
      {
        openMachine: () => {
          void dialog
            .showOpenDialog(window, { title: 'Open machine', filters: [{ name: 'Machine description', extensions: ['json'] }], properties: ['openFile'] })
            .then((r) => (r.canceled || r.filePaths[0] === undefined ? undefined : loadFile(r.filePaths[0])));
        },
        importDumps: () => void importDumps(),
        attachQemu: () => windowClient(window).send('attachRequested', {}),
        openRecent: (path) => void loadFile(path),
        clearRecent: () => {
          recent = [];
          writeRecent(paths.recentFile, recent);
          rebuildMenu();
        },
        loadPreset: (name) => void showError(host.dispatch('loadMachine', { source: 'preset', preset: name })),
        showView,
        openSession: () => void files.openSession(),
        saveSession: () => void files.saveSession(),
        exportTimeline: (format) => void files.exportTimeline(format),
      },
      process.platform === 'darwin',
      !app.isPackaged,
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }
  rebuildMenu();

  window.on('closed', () => {
    host.runner.stop();
    host.session.target.close();
    detach();
    unregister();
  });
}

export function defaultPaths(mainDir: string, appPath: string, userData: string, devUrl: string | undefined): AppPaths {
  return {
    preload: join(mainDir, '../preload/index.js'),
    appUrl: devUrl ?? APP_URL,
    rendererDir: join(mainDir, '../renderer'),
    presetsDir: join(appPath, 'machines'),
    recentFile: join(userData, 'recent-machines.json'),
  };
}

