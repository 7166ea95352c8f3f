// Saved sessions and timeline exports from the UI. A saved session comes back as
// base64 and is offered as a download; a session to open is read here and sent to
// main as base64. An export is a job of the host: in the browser the page downloads
// it (the host streams it into that download), in Electron main writes it where its
// save dialog says; either way its progress arrives on the exportProgress stream and
// the user can cancel it. (In Electron the File menu does the same, in main.)
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExportFormat } from '../../src-shared/timeline/export-formats';
import type { ExportProgress } from '../../src-shared/ipc/contract';
import { offerDownload, offerUrlDownload, sessionUpload } from '../lib/file-transfer';
import { formatBytes } from '../lib/format';
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

  /** Exports waiting or under way, by id, as the host last reported them. */
  const exports = ref<ExportProgress[]>([]);

  /** Starts an export; true when the host took it (its end is reported on the exportProgress stream). */
  async function exportTimeline(format: ExportFormat): Promise<boolean> {
    const started = await status.call('exportTimeline', { format });
    if (started === undefined) return false;
    // The page is served below the host's token: this URL is that folder's export/ID.
    if (started.delivery === 'download') offerUrlDownload(`export/${started.id}`, started.fileName);
    return true;
  }

  function exportProgressed(p: ExportProgress): void {
    const others = exports.value.filter((e) => e.id !== p.id);
    const ongoing = p.state === 'waiting' || p.state === 'running';
    exports.value = ongoing ? [...others, p].sort((x, y) => x.id - y.id) : others;
    if (p.state === 'done') note.value = { ok: true, text: `exported ${p.fileName} (${p.events.toLocaleString('en-US')} events, ${formatBytes(p.bytes)})` };
    if (p.state === 'cancelled') note.value = { ok: true, text: `export of ${p.fileName} cancelled` };
    if (p.state === 'failed') note.value = { ok: false, text: `export of ${p.fileName} failed: ${p.error ?? 'unknown error'}` };
  }

  const cancelExport = (id: number): Promise<unknown> => status.call('cancelExport', { id });

  return { busy, note, exports, saveSession, openSession, exportTimeline, exportProgressed, cancelExport };
});
