/**
 * Saving and loading the trained model, in the worker. IndexedDB is core's
 * indexeddb:// store (workers have IndexedDB). A download needs a page, so the
 * worker hands the page the same two files downloads:// writes — name.json
 * naming name.weights.bin — and the page saves them (storage/download.ts);
 * picked files come back through core's fromFiles.
 */
import { fromFiles, type LayersModel, loadModel, PolytensorError, type Sequential } from '@polytensor/core';
import type { ModelSource } from '../protocol.js';

/** A model name fit for an IndexedDB key and a file name. */
export function checkModelName(name: string): string {
  const trimmed = name.trim();
  if (!/^[\w.-]{1,64}$/.test(trimmed)) {
    throw new PolytensorError(`save: the model name ${JSON.stringify(name)} must be 1 to 64 letters, digits, '_', '-' or '.' (it becomes a file name)`);
  }
  return trimmed;
}

export async function saveToIndexedDb(model: LayersModel, name: string): Promise<{ destination: string; bytes: number }> {
  return model.save(`indexeddb://${checkModelName(name)}`);
}

/** The model as the two files of a polytensor download. */
export function downloadFiles(model: LayersModel, name: string): { base: string; json: string; weights: ArrayBuffer } {
  const base = checkModelName(name);
  const { weightData, ...json } = model.toArtifacts();
  return { base, json: JSON.stringify({ ...json, weightsPath: `${base}.weights.bin` }, null, 1), weights: weightData };
}

/** Load from IndexedDB, or from the picked files: one .json and its weights file. */
export async function loadFrom(source: ModelSource): Promise<{ model: Sequential; from: string }> {
  if (source.kind === 'indexeddb') return { model: await loadModel(`indexeddb://${checkModelName(source.name)}`), from: `indexeddb://${source.name}` };
  const json = source.files.filter((f) => f.name.endsWith('.json'));
  const weights = source.files.filter((f) => !f.name.endsWith('.json'));
  if (json.length !== 1 || weights.length === 0) {
    throw new PolytensorError(
      `load: pick the model's .json file and its weights file together (got ${source.files.map((f) => f.name).join(', ') || 'no files'}); ` +
        'a download saves name.json and name.weights.bin',
    );
  }
  return { model: await loadModel(fromFiles(json[0]!, ...weights)), from: source.files.map((f) => f.name).join(' + ') };
}
