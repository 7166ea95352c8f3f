// Saved sessions and timeline exports from the browser UI: main builds the file and
// answers it (base64 for a session, text for an export), the page offers it as a
// download; a session to open is read here and sent to main as base64. (In Electron
// the File menu does all of this in main, with native dialogs.)
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExportFormat } from '../../src-shared/timeline/export-formats';
import { offerDownload, sessionUpload } from '../lib/file-transfer';
import { base64ToBytes } from '../../src-shared/base64';
import { useStatusStore } from './status';

export { MAX_UPLOAD_BYTES } from '../lib/file-transfer';

export const useFilesStore = defineStore('files', () => {
  const status = useStatusStore();
  const busy = ref(false);
  /** What the last action did, or why it was refused (shown beside the buttons). */
  const note = ref<{ ok: boolean; text: string } | null>(null);

  async function working<T>(run: () => Promise<T>): Promise<T> {
    busy.value = true;
    try {
      return await run();
    } finally {
      busy.value = false;
    }
  }

  const saveSession = (): Promise<boolean> =>
    working(async () => {
      const saved = await status.call('saveSession', {});
      if (saved === undefined) return false;
      offerDownload(new Blob([base64ToBytes(saved.data)], { type: saved.mimeType }), saved.fileName);
      note.value = { ok: true, text: `saved ${saved.fileName} (${saved.bytes.toLocaleString('en-US')} bytes)` };
      return true;
    });

  /** The machine is replaced only if main accepts the file; machineLoaded then resets the views. */
  const openSession = (file: File): Promise<boolean> =>
    working(async () => {
      const upload = await sessionUpload(file);
      if (!upload.ok) {
        status.reportError(upload.error);
        note.value = { ok: false, text: upload.error };
        return false;
      }
      const reply = await status.request('openSession', { data: upload.data, fileName: file.name });
      if (!reply.ok) {
        note.value = { ok: false, text: reply.error };
        return false;
      }
      status.machine = reply.value;
      note.value = { ok: true, text: `opened ${file.name}` };
      return true;
    });

  const exportTimeline = (format: ExportFormat): Promise<boolean> =>
    working(async () => {
      const made = await status.call('exportTimeline', { format });
      if (made === undefined) return false;
      offerDownload(new Blob([made.text], { type: made.mimeType }), made.fileName);
      note.value = { ok: true, text: `exported ${made.fileName}` };
      return true;
    });

  return { busy, note, saveSession, openSession, exportTimeline };
});
