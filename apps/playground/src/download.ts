/** Saving files from the page: model files (Train), JSON reports (Certify, Compare). */

/** Blob URLs live this long after the click: the browser reads them asynchronously. */
const REVOKE_AFTER_MS = 40_000;

/** Offer `blob` as a file download through a temporary link. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** Offer `data` as a JSON file download (the Certify and Compare exports). */
export function downloadJson(fileName: string, data: unknown): void {
  downloadBlob(fileName, new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' }));
}
