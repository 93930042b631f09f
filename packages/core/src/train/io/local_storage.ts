// localstorage://key: the model JSON and base64 weights in ONE item, so a
// save is atomic (one setItem). Items written by older versions (two keys)
// still load.
import { PolytensorError } from '../../errors.js';
import { base64Length, fromBase64, modelJsonOf, toBase64 } from './codec.js';
import { fmt, limitError } from './limits.js';
import { checkModelJson, checkWeightData } from './model_json.js';
import type { LoadLimits, ModelArtifacts, SaveResult } from './types.js';

const itemKey = (key: string): string => `polytensor:${key}`;
const legacyKeys = (key: string): [string, string] => [`polytensor:${key}:model`, `polytensor:${key}:weights`];

function storage(op: string): Storage {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (!ls) throw new PolytensorError(`${op}: localStorage is not available here; in Node use file://dir, or memory://key`);
  return ls;
}

export function saveLocalStorage(key: string, a: ModelArtifacts): SaveResult {
  const ls = storage('save');
  const text = JSON.stringify({ model: modelJsonOf(a), weights: toBase64(a.weightData) });
  try {
    ls.setItem(itemKey(key), text);
  } catch (e) {
    throw new PolytensorError(
      `save: localStorage refused localstorage://${key} (${text.length.toLocaleString('en-US')} characters: ${(e as Error).name}); ` +
        'browsers allow about 5 MB there: use indexeddb://name for bigger models',
    );
  }
  for (const k of legacyKeys(key)) ls.removeItem(k);
  return { destination: `localstorage://${key}`, bytes: a.weightData.byteLength };
}

export function loadLocalStorage(key: string, limits: LoadLimits): ModelArtifacts {
  const ls = storage('loadModel');
  const where = `localstorage://${key}`;
  const item = ls.getItem(itemKey(key));
  let model: unknown;
  let weights: unknown;
  const maxText = limits.maxJsonBytes + base64Length(limits.maxBytes) + 64;
  if (item !== null) {
    if (item.length > maxText)
      throw limitError(where, `the item holds ${fmt(item.length)} characters, more than the model JSON and weights may take`, null, 'maxJsonBytes', limits);
    try {
      ({ model, weights } = JSON.parse(item) as { model: unknown; weights: unknown });
    } catch (e) {
      throw new PolytensorError(`loadModel: ${where} is not valid JSON (${(e as Error).message}); the item is damaged: re-save the model`);
    }
  } else {
    const [jsonKey, weightsKey] = legacyKeys(key);
    const text = ls.getItem(jsonKey);
    weights = ls.getItem(weightsKey);
    if (text === null || weights === null) throw new PolytensorError(`loadModel: nothing saved at ${where}; save there first`);
    if (text.length > limits.maxJsonBytes) throw limitError(where, `the model JSON holds ${fmt(text.length)} characters`, text.length, 'maxJsonBytes', limits);
    try {
      model = JSON.parse(text);
    } catch (e) {
      throw new PolytensorError(`loadModel: ${where} is not valid JSON (${(e as Error).message}); the item is damaged: re-save the model`);
    }
  }
  const checked = checkModelJson(model, where, limits);
  if (typeof weights !== 'string' || weights.length !== base64Length(checked.weightBytes)) {
    const got = typeof weights === 'string' ? `${weights.length} characters` : typeof weights;
    throw new PolytensorError(
      `loadModel: ${where}: the weights (${got}) are not the ${base64Length(checked.weightBytes)} base64 characters ` +
        `that the weightSpecs' ${checked.weightBytes} bytes take; the item is damaged: re-save the model`,
    );
  }
  const data = fromBase64(weights);
  if (!data) throw new PolytensorError(`loadModel: ${where}: the weights are not valid base64; the item is damaged: re-save the model`);
  return { ...checked.json, weightData: checkWeightData(data, checked, where) };
}
