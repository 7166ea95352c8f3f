// A reply from main offered to the user as a file download.

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
