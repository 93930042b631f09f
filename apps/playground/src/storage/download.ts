/** Page side of a download: the two files the worker prepared, saved through a temporary link each. */

/** Blob URLs live this long after the click: the browser reads them asynchronously. */
const REVOKE_AFTER_MS = 40_000;

function download(fileName: string, blob: Blob): void {
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

export function downloadModelFiles(files: { base: string; json: string; weights: ArrayBuffer }): void {
  download(`${files.base}.json`, new Blob([files.json], { type: 'application/json' }));
  download(`${files.base}.weights.bin`, new Blob([files.weights], { type: 'application/octet-stream' }));
}
