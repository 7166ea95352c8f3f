// The native menu: File ▸ Open machine…, Import… (lspci dumps, sysfs config
// files), recent machines and presets, sessions and timeline exports; View ▸ the
// three views (Ctrl+1/2/3). A pure template builder, so it can be tested.
import type { MenuItemConstructorOptions } from 'electron';
import type { PresetInfo, ViewName } from '../../src-shared/ipc/contract';
import { EXPORT_FORMATS, type ExportFormat } from '../../src-shared/timeline/export-formats';

export interface MenuActions {
  openMachine(): void;
  importDumps(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  loadPreset(name: string): void;
  showView(view: ViewName): void;
  openSession(): void;
  saveSession(): void;
  exportTimeline(format: ExportFormat): void;
}

const EXPORT_ITEM_LABELS: Record<ExportFormat, string> = { vcd: 'VCD…', perfetto: 'Perfetto Trace…', 'perfetto-json': 'Perfetto JSON…', csv: 'CSV…' };

export const VIEW_ITEMS: { view: ViewName; label: string; accelerator: string }[] = [
  { view: 'devices', label: 'Devices and Registers', accelerator: 'CmdOrCtrl+1' },
  { view: 'vectors', label: 'Vector Table', accelerator: 'CmdOrCtrl+2' },
  { view: 'timeline', label: 'Timeline', accelerator: 'CmdOrCtrl+3' },
  { view: 'script', label: 'Script', accelerator: 'CmdOrCtrl+4' },
  { view: 'compare', label: 'Compare Runs', accelerator: 'CmdOrCtrl+5' },
];

/** `devTools`: only an unpackaged (development) app offers Toggle Developer Tools. */
export function menuTemplate(recent: readonly string[], presets: readonly PresetInfo[], actions: MenuActions, isMac: boolean, devTools: boolean): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Machine…', accelerator: 'CmdOrCtrl+O', click: () => actions.openMachine() },
      { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: () => actions.importDumps() },
      {
        label: 'Open Recent',
        submenu:
          recent.length === 0
            ? [{ label: 'No Recent Machines', enabled: false }]
            : [...recent.map((path) => ({ label: path, click: () => actions.openRecent(path) })), { type: 'separator' }, { label: 'Clear Recent', click: () => actions.clearRecent() }],
      },
      { label: 'Presets', submenu: presets.map((p) => ({ label: `${p.name} — ${p.title}`, click: () => actions.loadPreset(p.name) })) },
      { type: 'separator' },
      { label: 'Open Session…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openSession() },
      { label: 'Save Session…', accelerator: 'CmdOrCtrl+S', click: () => actions.saveSession() },
      { label: 'Export Timeline', submenu: EXPORT_FORMATS.map((format) => ({ label: EXPORT_ITEM_LABELS[format], click: () => actions.exportTimeline(format) })) },
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
      ...(devTools ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
    ],
  };
  return [...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}
