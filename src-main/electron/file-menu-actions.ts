// File ▸ Open Session…, Save Session… and Export Timeline ▸ … of the Electron shell:
// native dialogs in main, files read and written by main (never by the sandboxed
// renderer). Saving is atomic; a session file that is refused leaves the machine as it was.
import type { BrowserWindow, Dialog } from 'electron';
import { readFile } from 'node:fs/promises';
import { exportFileName, openSessionInto, sessionFileName, SESSION_EXTENSION, type SessionAccess } from '../host/session-handlers';
import { saveSession } from '../session/session-file';
import { writeFileAtomic } from '../session/atomic-write';
import { exportTimeline } from '../export/timeline-export';
import { EXPORT_EXTENSIONS, EXPORT_TITLES, type ExportFormat } from '../../src-shared/timeline/export-formats';

export interface FileMenuDeps {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showErrorBox'>;
  window: BrowserWindow;
  session: SessionAccess;
}

export interface FileMenuActions {
  saveSession(): Promise<void>;
  openSession(): Promise<void>;
  exportTimeline(format: ExportFormat): Promise<void>;
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
        saveSession(session.target, path);
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
      const opened = openSessionInto(session, bytes, path);
      if (!opened.ok) dialog.showErrorBox('irqscope: cannot open the session', `${opened.error}\n\nThe running machine is unchanged.`);
    },
    exportTimeline: async (format) => {
      const ext = EXPORT_EXTENSIONS[format];
      const path = await askSavePath(`Export timeline as ${EXPORT_TITLES[format]}`, exportFileName(session, format), { name: EXPORT_TITLES[format], extensions: [ext.slice(1)] });
      if (path === null) return;
      try {
        writeFileAtomic(path, Buffer.from(exportTimeline(session.target, format), 'utf8'));
      } catch (err) {
        dialog.showErrorBox('irqscope: cannot write the export', `${path}: ${reason(err)}`);
      }
    },
  };
}
