import { beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';

vi.mock('electron', async () => (await import('./electron-mock')).electronMock);

const { menuTemplate } = await import('../../src-main/electron/menu');
const { fileMenuActions } = await import('../../src-main/electron/file-menu-actions');
const { startElectronApp, defaultPaths } = await import('../../src-main/electron/main-app');
const { electronMock, FakeBrowserWindow } = await import('./electron-mock');
const { NIC, TWO_DEVICES, bringUpNic, hostWith, value } = await import('../host/fixtures');
const { openSession } = await import('../../src-main/session/session-file');
const { exportBytes } = await import('../../src-main/export/timeline-export');
const { historyTimeline } = await import('../../src-main/export/timeline-source');
const { stateOf } = await import('../session/busy-machine');

const sub = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => (item?.submenu ?? []) as MenuItemConstructorOptions[];
const find = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label);
const click = (item: MenuItemConstructorOptions | undefined): void => (item!.click as () => void)();

function actions() {
  return {
    openMachine: vi.fn(),
    importDumps: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    loadPreset: vi.fn(),
    showView: vi.fn(),
    openSession: vi.fn(),
    saveSession: vi.fn(),
    exportTimeline: vi.fn(),
  };
}

describe('File menu: sessions and exports', () => {
  it('has Open Session…, Save Session… and Export Timeline ▸ VCD / Perfetto Trace / Perfetto JSON / CSV', () => {
    const a = actions();
    const file = sub(find(menuTemplate([], [], a, false, true), 'File'));
    const open = find(file, 'Open Session…')!;
    const save = find(file, 'Save Session…')!;
    expect([open.accelerator, save.accelerator]).toEqual(['CmdOrCtrl+Shift+O', 'CmdOrCtrl+S']);
    click(open);
    click(save);
    expect(a.openSession).toHaveBeenCalledOnce();
    expect(a.saveSession).toHaveBeenCalledOnce();
    const exports = sub(find(file, 'Export Timeline'));
    expect(exports.map((i) => i.label)).toEqual(['VCD…', 'Perfetto Trace…', 'Perfetto JSON…', 'CSV…']);
    exports.forEach(click);
    expect(a.exportTimeline.mock.calls).toEqual([['vcd'], ['perfetto'], ['perfetto-json'], ['csv']]);
  });
});

describe('file menu actions in main', () => {
  let dir: string;
  const dialog = { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showErrorBox: vi.fn() };
  const window = {} as never;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'irqscope-menu-'));
    vi.resetAllMocks();
  });

  function worked() {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    value(host.dispatch('addBreakpoint', { spec: { kind: 'unmask', bdf: NIC, vectors: [0, 1] } }));
    return { host, files: fileMenuActions({ dialog: dialog as never, window, session: host.session }) };
  }

  it('Save Session… writes the session where the user says, and nothing when cancelled', async () => {
    const { host, files } = worked();
    const path = join(dir, 'saved.irqsession');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    await files.saveSession();
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(window, expect.objectContaining({ title: 'Save session', defaultPath: 'two-devices.irqsession' }));
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
    await files.saveSession();
    const opened = openSession(path);
    expect(opened.ok && stateOf(opened.machine)).toEqual(stateOf(host.session.machine));
    expect(dialog.showErrorBox).not.toHaveBeenCalled();
  });

  it('a save that fails says why and leaves the previous file as it was', async () => {
    const { files } = worked();
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: join(dir, 'missing-dir', 'x.irqsession') });
    await files.saveSession();
    expect(dialog.showErrorBox).toHaveBeenCalledWith('irqscope: cannot save the session', expect.stringContaining('ENOENT'));
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
  });

  it('Open Session… replaces the machine; a refused file shows the reason and the machine stays', async () => {
    const saved = worked();
    const path = join(dir, 's.irqsession');
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
    await saved.files.saveSession();

    const { host, files } = worked();
    value(host.dispatch('removeBreakpoint', { id: 1 }));
    const before = host.session.machine;
    const bad = join(dir, 'bad.irqsession');
    writeFileSync(bad, readFileSync(path).subarray(0, 64));
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [bad] });
    await files.openSession();
    expect(dialog.showErrorBox).toHaveBeenCalledWith('irqscope: cannot open the session', expect.stringMatching(/bad\.irqsession: truncated.*\n\nThe running machine is unchanged\./s));
    expect(host.session.machine).toBe(before);

    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [join(dir, 'nope.irqsession')] });
    await files.openSession();
    expect(dialog.showErrorBox).toHaveBeenLastCalledWith('irqscope: cannot read the session file', expect.stringContaining('ENOENT'));
    expect(host.session.machine).toBe(before);

    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [path] });
    await files.openSession();
    expect(host.session.machine).not.toBe(before);
    expect(stateOf(host.session.machine)).toEqual(stateOf(saved.host.session.machine));
    expect(host.session.machine.debugger.list()).toHaveLength(1);
  });

  it('Export Timeline ▸ writes each format to the chosen file', async () => {
    const { host, files } = worked();
    host.session.exports.chooseFile = files.chooseExportFile;
    for (const format of ['vcd', 'perfetto', 'perfetto-json', 'csv'] as const) {
      const path = join(dir, `t-${format}`);
      dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
      await files.exportTimeline(format);
      const text = readFileSync(path, 'latin1');
      // VCD carries the date it was written; everything else must be exactly the export.
      const strip = (t: string): string => t.replace(/\$date[\s\S]*?\$end/, '');
      expect(strip(text)).toBe(strip(exportBytes(historyTimeline(host.session.history, host.session.machine), format, { axis: 'ns' }).toString('latin1')));
    }
    expect(dialog.showSaveDialog.mock.calls.map((c) => (c[1] as { defaultPath: string }).defaultPath)).toEqual(['two-devices.vcd', 'two-devices.pftrace', 'two-devices.json', 'two-devices.csv']);
    // A file that cannot be written is said so, in a box.
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: join(dir, 'no', 'such', 'dir.csv') });
    await files.exportTimeline('csv');
    expect(dialog.showErrorBox).toHaveBeenLastCalledWith('irqscope: cannot write the export', expect.stringMatching(/^two-devices\.csv: .*ENOENT/));
  });
});

describe('the Electron app wires the session entries', () => {
  it('File ▸ Save Session… asks main for a place with a native dialog on the window', async () => {
    const presets = fileURLToPath(new URL('../../machines', import.meta.url));
    startElectronApp({ ...defaultPaths('/app/out/main', '/app', '/tmp/irqscope-test-user', undefined), presetsDir: presets });
    await new Promise((r) => setTimeout(r, 0));
    const window = FakeBrowserWindow.created.at(-1)!;
    electronMock.dialog.showSaveDialog.mockResolvedValue({ canceled: true, filePath: '' });
    electronMock.dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] });
    const template = electronMock.Menu.buildFromTemplate.mock.calls.at(-1)![0] as MenuItemConstructorOptions[];
    const file = sub(find(template, 'File'));
    click(find(file, 'Save Session…'));
    click(sub(find(file, 'Export Timeline'))[0]);
    click(find(file, 'Open Session…'));
    expect(electronMock.dialog.showSaveDialog.mock.calls.map((c) => [c[0], (c[1] as { title: string }).title])).toEqual([
      [window, 'Save session'],
      [window, 'Export timeline as VCD (GTKWave, Surfer)'],
    ]);
    expect(electronMock.dialog.showOpenDialog).toHaveBeenCalledWith(window, expect.objectContaining({ title: 'Open session' }));
    window.emit('closed');
  });
});
