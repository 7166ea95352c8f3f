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

export function startElectronApp(paths: AppPaths): void {
  registerAppScheme(protocol);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, paths.appUrl));
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(() => {
    serveRenderer(protocol, paths.rendererDir);
    hardenSession(session.defaultSession);
    const created = createAppHost({
      presets: folderPresets(paths.presetsDir),
      initial: { source: 'preset', preset: DEFAULT_PRESET },
      onInternalError: (err) => console.error('irqscope: internal error', err),
    });
    if (!created.ok) {
      dialog.showErrorBox('irqscope', created.error);
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

