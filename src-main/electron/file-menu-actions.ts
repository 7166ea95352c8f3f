// File ▸ Open Session…, Save Session… and Export Timeline ▸ … of the Electron shell:
// native dialogs in main, files read and written by main (never by the sandboxed
// renderer). Saving is atomic; a session file that is refused leaves the machine as it was.
import type { BrowserWindow, Dialog } from 'electron';
import { readFile } from 'node:fs/promises';
import type { MachineSession } from '../host/machine-session';
import { openSessionBytes } from '../host/session-handlers';
import { sessionFileName, SESSION_EXTENSION } from '../host/file-names';
import { saveSession } from '../session/session-file';
import { EXPORT_EXTENSIONS, EXPORT_TITLES, type ExportFormat } from '../../src-shared/timeline/export-formats';

export interface FileMenuDeps {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showErrorBox'>;
  window: BrowserWindow;
  session: MachineSession;
}

export interface FileMenuActions {
  saveSession(): Promise<void>;
  openSession(): Promise<void>;
  /** Exports the timeline to a file the user picks; resolves when it is written (or refused, or cancelled). */
  exportTimeline(format: ExportFormat): Promise<void>;
  /** The save dialog of an export (the app's export jobs ask it where to write). */
  chooseExportFile(fileName: string, format: ExportFormat): Promise<string | null>;
}

const SESSION_FILTER = { name: 'irqscope session', extensions: [SESSION_EXTENSION.slice(1)] };
const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function fileMenuActions({ dialog, window, session }: FileMenuDeps): FileMenuActions {
  /** Asks where to write; null when the user cancels. */
  const askSavePath = async (title: string, defaultPath: string, filter: { name: string; extensions: string[] }): Promise<string | null> => {
    const r = await dialog.showSaveDialog(window, { title, defaultPath, filters: [filter] });
    return r.canceled || r.filePath === undefined || r.filePath === '' ? null : r.filePath;
  };

  return {
    saveSession: async () => {
      const path = await askSavePath('Save session', sessionFileName(session), SESSION_FILTER);
      if (path === null) return;
      try {
        saveSession(session.machine, path);
      } catch (err) {
        dialog.showErrorBox('irqscope: cannot save the session', `${path}: ${reason(err)} (the previous file, if any, is unchanged)`);
      }
    },
    openSession: async () => {
      const r = await dialog.showOpenDialog(window, { title: 'Open session', filters: [SESSION_FILTER], properties: ['openFile'] });
      const path = r.filePaths[0];
      if (r.canceled || path === undefined) return;
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (err) {
        dialog.showErrorBox('irqscope: cannot read the session file', `${path}: ${reason(err)}`);
        return;
      }
      const opened = openSessionBytes(session, bytes, path);
      if (!opened.ok) dialog.showErrorBox('irqscope: cannot open the session', `${opened.error}\n\nThe running machine is unchanged.`);
    },
    exportTimeline: async (format) => {
      let ended;
      try {
        ended = session.exports.ended(session.exports.start({ format, axis: 'ns' }).id);
      } catch (err) {
        dialog.showErrorBox('irqscope: cannot export the timeline', reason(err));
        return;
      }
      const last = await ended;
      if (last?.state === 'failed') dialog.showErrorBox('irqscope: cannot write the export', `${last.fileName}: ${last.error ?? 'failed'}`);
    },
    chooseExportFile: (fileName, format) =>
      askSavePath(`Export timeline as ${EXPORT_TITLES[format]}`, fileName, { name: EXPORT_TITLES[format], extensions: [EXPORT_EXTENSIONS[format].slice(1)] }),
  };
}
