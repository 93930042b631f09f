// downloads://name (save only): the browser downloads name.json and
// name.weights.bin, the pair fromFiles() or an http server can load again.
import { PolytensorError } from '../../errors.js';
import { modelJsonText } from './codec.js';
import { tfjsModelJsonText } from './tfjs/artifacts.js';
import type { ModelArtifacts, SaveResult, TfjsArtifacts } from './types.js';

/** Blob URLs live this long after the click: the browser reads them asynchronously (FileSaver.js waits 40 s too). */
const REVOKE_AFTER_MS = 40_000;

function download(doc: Document, fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  doc.body?.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** The page to download from and the files' base name. */
function target(name: string): { doc: Document; base: string } {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc || typeof URL.createObjectURL !== 'function') {
    throw new PolytensorError(`save: downloads://${name} triggers browser downloads and needs a page (a document); in Node save to file://dir`);
  }
  const base = name === '' ? 'model' : name;
  if (/[/\\]/.test(base)) throw new PolytensorError(`save: downloads://${name}: the name becomes a file name and cannot contain '/' or '\\'`);
  return { doc, base };
}

export function saveDownloads(name: string, a: ModelArtifacts): SaveResult {
  const { doc, base } = target(name);
  const weightsName = `${base}.weights.bin`;
  download(doc, `${base}.json`, new Blob([modelJsonText(a, weightsName)], { type: 'application/json' }));
  download(doc, weightsName, new Blob([a.weightData], { type: 'application/octet-stream' }));
  return { destination: `downloads://${base}`, bytes: a.weightData.byteLength };
}

/** TensorFlow.js format, as tfjs's browserDownloads lays it out: name.json naming './name.weights.bin'. */
export function saveTfjsDownloads(name: string, a: TfjsArtifacts): SaveResult {
  const { doc, base } = target(name);
  const weightsName = `${base}.weights.bin`;
  download(doc, `${base}.json`, new Blob([tfjsModelJsonText(a, [`./${weightsName}`])], { type: 'application/json' }));
  download(doc, weightsName, new Blob([a.weightData], { type: 'application/octet-stream' }));
  return { destination: `downloads://${base}`, bytes: a.weightData.byteLength };
}
