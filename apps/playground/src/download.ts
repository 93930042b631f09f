/** Offer `data` as a JSON file download (the Certify and Compare exports). */
export function downloadJson(fileName: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // revoke after the click has been handled: the download has its own reference by then
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
