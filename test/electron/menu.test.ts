import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate, type MenuActions } from '../../src-main/electron/menu';
import { readRecent, withRecent, writeRecent, MAX_RECENT } from '../../src-main/electron/recent-machines';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function actions() {
  return { openMachine: vi.fn(), importDumps: vi.fn(), openRecent: vi.fn(), clearRecent: vi.fn(), loadPreset: vi.fn(), showView: vi.fn(), openSession: vi.fn(), saveSession: vi.fn(), exportTimeline: vi.fn() } satisfies MenuActions;
}

const sub = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => (item?.submenu ?? []) as MenuItemConstructorOptions[];
const find = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label);
const click = (item: MenuItemConstructorOptions | undefined): void => (item!.click as () => void)();

describe('native menu', () => {
  it('File has Open Machine…, the recent machines and the presets', () => {
    const a = actions();
    const template = menuTemplate(['/m/a.json', '/m/b.json'], [{ name: 'nvme', title: 'NVMe' }], a, false, true);
    const file = sub(find(template, 'File'));
    const open = find(file, 'Open Machine…')!;
    expect(open.accelerator).toBe('CmdOrCtrl+O');
    click(open);
    expect(a.openMachine).toHaveBeenCalled();
    const recent = sub(find(file, 'Open Recent'));
    expect(recent.map((r) => r.label)).toEqual(['/m/a.json', '/m/b.json', undefined, 'Clear Recent']);
    click(recent[1]);
    expect(a.openRecent).toHaveBeenCalledWith('/m/b.json');
    click(sub(find(file, 'Presets'))[0]);
    expect(a.loadPreset).toHaveBeenCalledWith('nvme');
  });

  it('File ▸ Import… (Ctrl+I) follows Open Machine… and asks for dump files', () => {
    const a = actions();
    const file = sub(find(menuTemplate([], [], a, false, true), 'File'));
    expect(file.slice(0, 2).map((i) => i.label)).toEqual(['Open Machine…', 'Import…']);
    const item = find(file, 'Import…')!;
    expect(item.accelerator).toBe('CmdOrCtrl+I');
    click(item);
    expect(a.importDumps).toHaveBeenCalledTimes(1);
    expect(a.openMachine).not.toHaveBeenCalled();
  });

  it('says so when there are no recent machines', () => {
    const recent = sub(find(sub(find(menuTemplate([], [], actions(), false, true), 'File')), 'Open Recent'));
    expect(recent).toEqual([{ label: 'No Recent Machines', enabled: false }]);
  });

  it('View switches the four views with Ctrl+1/2/3/4', () => {
    const a = actions();
    const view = sub(find(menuTemplate([], [], a, false, true), 'View'));
    const shortcuts = view.filter((i) => i.accelerator?.startsWith('CmdOrCtrl+'));
    expect(shortcuts.map((i) => i.accelerator)).toEqual(['CmdOrCtrl+1', 'CmdOrCtrl+2', 'CmdOrCtrl+3', 'CmdOrCtrl+4', 'CmdOrCtrl+5']);
    shortcuts.forEach(click);
    expect(a.showView.mock.calls).toEqual([['devices'], ['vectors'], ['timeline'], ['script'], ['compare']]);
  });

  it('offers Toggle Developer Tools only in development, never in the packaged app', () => {
    const roles = (devTools: boolean) => sub(find(menuTemplate([], [], actions(), false, devTools), 'View')).map((i) => i.role);
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).not.toContain('toggleDevTools');
  });

  it('keeps recent machines newest first, without duplicates, at most MAX_RECENT', () => {
    let list: string[] = [];
    for (let i = 0; i < 12; i++) list = withRecent(list, `/m/${i % 10}.json`);
    expect(list[0]).toBe('/m/1.json');
    expect(list).toHaveLength(MAX_RECENT);
    expect(new Set(list).size).toBe(list.length);
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-recent-'));
    writeRecent(join(dir, 'r.json'), list);
    expect(readRecent(join(dir, 'r.json'))).toEqual(list);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(readRecent(join(dir, 'bad.json'))).toEqual([]);
    expect(readRecent(join(dir, 'missing.json'))).toEqual([]);
  });
});
