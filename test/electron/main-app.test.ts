import { describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  it('starts where the user left off: --session opens a saved session and --script brings the machine up before the window opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-start-'));
    writeFileSync(join(dir, 'up.qtest'), '# memory space and bus master on\noutl 0xcf8 0x80001804\noutw 0xcfc 0x0006\n');
    const paths = { ...defaultPaths('/app/out/main', '/app', '/tmp/irqscope-test-user', undefined), presetsDir: PRESETS };
    const windows = FakeBrowserWindow.created.length;
    startElectronApp(paths, ['/usr/bin/electron', '.', '--no-sandbox', '--script', 'up.qtest'], dir);
    await vi.waitFor(() => expect(FakeBrowserWindow.created.length).toBe(windows + 1));
    const window = FakeBrowserWindow.created.at(-1)!;
    const sender = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const read = electronMock.ipcMain.handlers.get(requestChannel('readConfig'))!;
    expect(read(sender, { bdf: 0x18, offset: 4, size: 2 })).toEqual({ ok: true, value: { value: 6 } });
    const saved = electronMock.ipcMain.handlers.get(requestChannel('saveSession'))!(sender, {}) as { ok: true; value: { data: string } };
    writeFileSync(join(dir, 'up.irqsession'), Buffer.from(saved.value.data, 'base64'));
    window.emit('closed');
    startElectronApp(paths, ['/usr/bin/electron', '.', '--session', 'up.irqsession'], dir);
    await vi.waitFor(() => expect(FakeBrowserWindow.created.length).toBe(windows + 2));
    const reopened = FakeBrowserWindow.created.at(-1)!;
    const again = electronMock.ipcMain.handlers.get(requestChannel('readConfig'))!;
    expect(again({ sender: reopened.webContents, senderFrame: reopened.webContents.mainFrame }, { bdf: 0x18, offset: 4, size: 2 })).toEqual({ ok: true, value: { value: 6 } });
    reopened.emit('closed');

    // A failing line stops the start, named; so does a session that cannot be opened.
    writeFileSync(join(dir, 'bad.qtest'), 'outl 0xcf8\n');
    electronMock.dialog.showErrorBox.mockClear();
    electronMock.app.quit.mockClear();
    startElectronApp(paths, ['/usr/bin/electron', '.', '--script=bad.qtest'], dir);
    await vi.waitFor(() => expect(electronMock.app.quit).toHaveBeenCalled());
    expect(FakeBrowserWindow.created.length).toBe(windows + 2);
    const [title, message] = electronMock.dialog.showErrorBox.mock.calls.at(-1)! as [string, string];
    expect(title).toBe('irqscope: cannot start');
    expect(message).toMatch(/^bad\.qtest: reply 1: FAIL .*\nbad\.qtest: 1 line failed \(see above\)$/);
    startElectronApp(paths, ['/usr/bin/electron', '.', '--session', 'missing.irqsession'], dir);
    await vi.waitFor(() => expect(electronMock.dialog.showErrorBox.mock.calls.length).toBe(2));
    expect(electronMock.dialog.showErrorBox.mock.calls.at(-1)![1]).toContain('missing.irqsession');
    startElectronApp(paths, ['/usr/bin/electron', '.', '--session'], dir);
    await vi.waitFor(() => expect(electronMock.dialog.showErrorBox.mock.calls.length).toBe(3));
    expect(electronMock.dialog.showErrorBox.mock.calls.at(-1)![1]).toBe('--session: expected a file after it');
    expect(FakeBrowserWindow.created.length).toBe(windows + 2);
  });

  it('serves the renderer folder whatever characters its path holds, on a URL that does not depend on it', () => {
    for (const dir of ['/opt/irq#scope', '/opt/100% irq?scope']) {
      const { appUrl, rendererDir } = defaultPaths(`${dir}/out/main`, dir, '/tmp/irqscope-test-user', undefined);
      expect(rendererDir).toBe(`${dir}/out/renderer`);
      expect(appUrl).toBe('irqscope-app://app/index.html');
    }
  });
});
