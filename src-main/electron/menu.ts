// The native menu: File ▸ Open machine…, recent machines and presets; View ▸ the
// three views (Ctrl+1/2/3). A pure template builder, so it can be tested.
import type { MenuItemConstructorOptions } from 'electron';
import type { PresetInfo, ViewName } from '../../src-shared/ipc/contract';

export interface MenuActions {
  openMachine(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  loadPreset(name: string): void;
  showView(view: ViewName): void;
}

export const VIEW_ITEMS: { view: ViewName; label: string; accelerator: string }[] = [
  { view: 'devices', label: 'Devices and Registers', accelerator: 'CmdOrCtrl+1' },
  { view: 'vectors', label: 'Vector Table', accelerator: 'CmdOrCtrl+2' },
  { view: 'timeline', label: 'Timeline', accelerator: 'CmdOrCtrl+3' },
];

export function menuTemplate(recent: readonly string[], presets: readonly PresetInfo[], actions: MenuActions, isMac: boolean): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Machine…', accelerator: 'CmdOrCtrl+O', click: () => actions.openMachine() },
      {
        label: 'Open Recent',
        submenu:
          recent.length === 0
            ? [{ label: 'No Recent Machines', enabled: false }]
            : [...recent.map((path) => ({ label: path, click: () => actions.openRecent(path) })), { type: 'separator' }, { label: 'Clear Recent', click: () => actions.clearRecent() }],
      },
      { label: 'Presets', submenu: presets.map((p) => ({ label: `${p.name} — ${p.title}`, click: () => actions.loadPreset(p.name) })) },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...VIEW_ITEMS.map((v) => ({ label: v.label, accelerator: v.accelerator, click: () => actions.showView(v.view) })),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      { role: 'toggleDevTools' },
    ],
  };
  return [...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}
