// File ▸ Import…: the native open dialog, the chosen files read and encoded as the
// renderer's file input sends them, and handed to the renderer's Import dialog,
// which asks for the BAR sizes the dumps lack and imports over the contract.
import type { BrowserWindow, Dialog } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { encodeDumpFile, type DumpFileData } from '../../src-shared/pci-text/dump-file';
import { windowClient } from './ipc';

/** What the contract accepts of one file; anything larger is no dump. */
export const MAX_DUMP_FILE_BYTES = 16 << 20;

export async function readDumpFiles(paths: readonly string[]): Promise<{ ok: true; files: DumpFileData[] } | { ok: false; error: string }> {
  const files: DumpFileData[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (!info.isFile()) return { ok: false, error: `${path}: not a file` };
      if (info.size > MAX_DUMP_FILE_BYTES) return { ok: false, error: `${path}: ${info.size} bytes is more than a dump (at most ${MAX_DUMP_FILE_BYTES >> 20} MiB)` };
      files.push(encodeDumpFile(path, new Uint8Array(await readFile(path))));
    } catch (err) {
      return { ok: false, error: `${path}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { ok: true, files };
}

export interface ImportMenuDeps {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showErrorBox'>;
  window: BrowserWindow;
}

export function importMenuAction({ dialog, window }: ImportMenuDeps): () => Promise<void> {
  return async () => {
    const chosen = await dialog.showOpenDialog(window, {
      title: 'Import lspci dumps or sysfs config files',
      filters: [
        { name: 'All files (sysfs config files have no extension)', extensions: ['*'] },
        { name: 'lspci output', extensions: ['txt', 'lspci'] },
      ],
      properties: ['openFile', 'multiSelections'],
    });
    if (chosen.canceled || chosen.filePaths.length === 0) return;
    const read = await readDumpFiles(chosen.filePaths);
    if (!read.ok) dialog.showErrorBox('irqscope: cannot read the file to import', read.error);
    else windowClient(window).send('importRequested', { files: read.files });
  };
}
