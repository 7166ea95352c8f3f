import { describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';

vi.mock('electron', async () => (await import('./electron-mock')).electronMock);

const { startElectronApp, defaultPaths } = await import('../../src-main/electron/main-app');
const { electronMock, FakeBrowserWindow } = await import('./electron-mock');
const { REQUEST_NAMES, requestChannel, streamChannel } = await import('../../src-shared/ipc/names');

const PRESETS = fileURLToPath(new URL('../../machines', import.meta.url));

describe('Electron app start-up', () => {
  it('opens one hardened window on the default preset, with every request handled and the menu set', async () => {
    const paths = { ...defaultPaths('/app/out/main', '/app', '/tmp/irqscope-test-user', undefined), presetsDir: PRESETS };
    expect(paths.appUrl).toBe('irqscope-app://app/index.html');
    expect(paths.rendererDir).toBe('/app/out/renderer');
    expect(paths.preload).toBe('/app/out/preload/index.js');
    startElectronApp(paths);
    await new Promise((r) => setTimeout(r, 0));
    const window = FakeBrowserWindow.created.at(-1)!;
    expect(window.loadedUrl).toBe(paths.appUrl);
    expect((window.options['webPreferences'] as Record<string, unknown>)['sandbox']).toBe(true);
    expect([...electronMock.ipcMain.handlers.keys()].sort()).toEqual(REQUEST_NAMES.map(requestChannel).sort());
    expect(electronMock.Menu.setApplicationMenu).toHaveBeenCalled();
    const handler = electronMock.ipcMain.handlers.get(requestChannel('status'))!;
    const reply = handler({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, {}) as { ok: boolean; value: { preset: string } };
    expect(reply.ok && reply.value.preset).toBe('virtio-net');
    const other = new electronMock.BrowserWindow({});
    const navigate = vi.fn();
    electronMock.app.emit('web-contents-created', {}, other.webContents);
    other.webContents.emit('will-navigate', { preventDefault: navigate }, 'https://example.com');
    expect(navigate).toHaveBeenCalled();
    const template = electronMock.Menu.buildFromTemplate.mock.calls.at(-1)![0] as { label?: string; submenu?: { label?: string; role?: string; click?: () => void }[] }[];
    // The packaged app: no developer tools in the menu, the renderer on its own scheme.
    expect(template.find((m) => m.label === 'View')!.submenu!.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(electronMock.protocol.privileged).toEqual([{ scheme: 'irqscope-app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect([...electronMock.protocol.handlers.keys()]).toEqual(['irqscope-app']);
    template.find((m) => m.label === 'View')!.submenu!.find((i) => i.label === 'Timeline')!.click!();
    expect(window.webContents.sent.at(-1)).toEqual({ channel: streamChannel('viewRequested'), payload: { view: 'timeline' } });
    // File ▸ Attach to QEMU… opens the renderer's dialog; the shell lets its request start QEMU (a bad line is refused first).
    template.find((m) => m.label === 'File')!.submenu!.find((i) => i.label === 'Attach to QEMU…')!.click!();
    expect(window.webContents.sent.at(-1)).toEqual({ channel: streamChannel('attachRequested'), payload: {} });
    const attach = electronMock.ipcMain.handlers.get(requestChannel('attachQemu'))!;
    const refused = await (attach({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, { commandLine: "-machine 'q35" }) as Promise<unknown>);
    expect(refused).toEqual({ ok: false, error: 'attachQemu.commandLine: an unclosed \' quote' });
    window.emit('closed');
    expect(electronMock.ipcMain.handlers.size).toBe(0);
  });

  it('serves the renderer folder whatever characters its path holds, on a URL that does not depend on it', () => {
    for (const dir of ['/opt/irq#scope', '/opt/100% irq?scope']) {
      const { appUrl, rendererDir } = defaultPaths(`${dir}/out/main`, dir, '/tmp/irqscope-test-user', undefined);
      expect(rendererDir).toBe(`${dir}/out/renderer`);
      expect(appUrl).toBe('irqscope-app://app/index.html');
    }
  });
});
