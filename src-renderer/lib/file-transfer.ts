// Files between the user and main: a reply offered as a download, and a session file
// the user chose, read for sending to main as base64.
import { bytesToBase64 } from '../../src-shared/base64';

/**
 * The browser host takes frames of up to 32 MiB and base64 makes a file 4/3 larger:
 * a bigger session is refused here rather than by the socket closing. (In Electron
 * the File menu opens sessions of any size.)
 */
export const MAX_UPLOAD_BYTES = 24 << 20;

/** The file as base64, or why it is not sent. */
export async function sessionUpload(file: File): Promise<{ ok: true; data: string } | { ok: false; error: string }> {
  if (file.size > MAX_UPLOAD_BYTES) {
    return {
      ok: false,
      error: `${file.name}: ${file.size.toLocaleString('en-US')} bytes is more than the browser can send (${MAX_UPLOAD_BYTES.toLocaleString('en-US')}); open it in the desktop app or with \`irqscope session open\``,
    };
  }
  return { ok: true, data: bytesToBase64(new Uint8Array(await file.arrayBuffer())) };
}

/** Offers `data` as a file download (the browser's Save dialog or its downloads folder). */
export function offerDownload(data: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(data);
  offerUrlDownload(url, fileName, doc);
  // Browsers fetch the URL some time after the click; revoking it at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 40_000);
}

/** Downloads what `url` (same origin) answers, as `fileName`: the browser streams it to disk itself. */
export function offerUrlDownload(url: string, fileName: string, doc: Document = document): void {
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
}
