import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

vi.mock('electron', async () => (await import('./electron-mock')).electronMock);

const { startElectronApp, defaultPaths } = await import('../../src-main/electron/main-app');
const { electronMock, FakeBrowserWindow } = await import('./electron-mock');
const { requestChannel, streamChannel } = await import('../../src-shared/ipc/names');

const PRESETS = fileURLToPath(new URL('../../machines', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/lspci/cap-vendor-virtio.txt', import.meta.url));

type MenuItem = { label?: string; click?: () => void; submenu?: MenuItem[] };

let window: InstanceType<typeof FakeBrowserWindow>;

function clickImport(): void {
  const template = electronMock.Menu.buildFromTemplate.mock.calls.at(-1)![0] as MenuItem[];
  template.find((m) => m.label === 'File')!.submenu!.find((i) => i.label === 'Import…')!.click!();
}

/** Lets the dialog's promise and the file reads settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
}

const importRequests = () => window.webContents.sent.filter((s) => s.channel === streamChannel('importRequested'));

beforeAll(async () => {
  startElectronApp({ ...defaultPaths('/app/out/main', '/app', '/tmp/irqscope-test-user', undefined), presetsDir: PRESETS });
  await new Promise((r) => setTimeout(r, 0));
  window = FakeBrowserWindow.created.at(-1)!;
});

afterAll(() => window.emit('closed'));

describe('File ▸ Import… in the Electron shell', () => {
  it('reads the chosen files (text as text, a sysfs config as base64) and hands them to the Import dialog', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-import-menu-'));
    mkdirSync(join(dir, '0000:00:07.0'));
    const config = new Uint8Array(256);
    config.set([0xf4, 0x1a, 0x00, 0x10]);
    writeFileSync(join(dir, '0000:00:07.0', 'config'), config);
    electronMock.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [FIXTURE, join(dir, '0000:00:07.0', 'config')] });
    clickImport();
    await settle();
    const options = electronMock.dialog.showOpenDialog.mock.calls.at(-1)![1] as { properties: string[] };
    expect(options.properties).toEqual(['openFile', 'multiSelections']);
    const sent = importRequests();
    expect(sent).toHaveLength(1);
    const { files } = sent[0]!.payload as { files: { name: string; encoding: string; text?: string; base64?: string }[] };
    expect(files.map((f) => [f.name, f.encoding])).toEqual([
      [FIXTURE, 'text'],
      [join(dir, '0000:00:07.0', 'config'), 'base64'],
    ]);
    expect(files[0]!.text).toContain('00:09.0 Ethernet controller: Red Hat, Inc Virtio network device');
    expect(Buffer.from(files[1]!.base64!, 'base64')).toEqual(Buffer.from(config));

    // What the dialog then sends comes back through the same validated IPC handlers.
    const trusted = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const imported = electronMock.ipcMain.handlers.get(requestChannel('importDumps'))!(trusted, { files: [files[0]] }) as { ok: boolean; value: { devices: number } };
    expect(imported).toMatchObject({ ok: true, value: { devices: 2 } });
    const status = electronMock.ipcMain.handlers.get(requestChannel('status'))!(trusted, {}) as { value: { name: string } };
    expect(status.value.name).toBe('imported from cap-vendor-virtio.txt');
  });

  it('a cancelled dialog sends nothing', async () => {
    const before = importRequests().length;
    electronMock.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    clickImport();
    await settle();
    expect(importRequests()).toHaveLength(before);
  });

  it('a file that cannot be read is reported in an error box, and nothing is sent', async () => {
    const before = importRequests().length;
    const missing = join(tmpdir(), 'irqscope-no-such-dump.txt');
    electronMock.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [FIXTURE, missing] });
    clickImport();
    await settle();
    expect(importRequests()).toHaveLength(before);
    expect(electronMock.dialog.showErrorBox).toHaveBeenLastCalledWith('irqscope: cannot read the file to import', expect.stringContaining(`${missing}: ENOENT`));
  });
});
