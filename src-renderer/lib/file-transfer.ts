// Files between the browser and main over the contract: bytes as base64 (JSON
// carries no binary), and a reply offered to the user as a download.

/** Base64 of `bytes`, in chunks so a large file never overflows the argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = '';
  for (let at = 0; at < bytes.length; at += CHUNK) binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Offers `data` as a file download (the browser's Save dialog or its downloads folder). */
export function offerDownload(data: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(data);
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // Browsers fetch the URL some time after the click; revoking it at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 40_000);
}
