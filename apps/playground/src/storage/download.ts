/** Page side of a model download: the two files the worker prepared. */
import { downloadBlob } from '../download.js';

export function downloadModelFiles(files: { base: string; json: string; weights: ArrayBuffer }): void {
  downloadBlob(`${files.base}.json`, new Blob([files.json], { type: 'application/json' }));
  downloadBlob(`${files.base}.weights.bin`, new Blob([files.weights], { type: 'application/octet-stream' }));
}
