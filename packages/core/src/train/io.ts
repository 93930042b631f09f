import { PolytensorError } from '../errors.js';
import type { DType } from '../backend/types.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: DType;
}

/** A saved model: JSON topology plus one little-endian float32 buffer of weights. */
export interface ModelArtifacts {
  format: string;
  version: number;
  modelTopology: { className: string; config: { name: string; inputShape: number[] | null; layers: Array<{ className: string; config: Record<string, unknown> }> } };
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
}

export interface SaveResult {
  destination: string;
  bytes: number;
}

/** Custom storage: implement save and/or load. */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}

const memoryStore = new Map<string, ModelArtifacts>();

type Json = Omit<ModelArtifacts, 'weightData'>;

function toJson(a: ModelArtifacts): Json {
  const { weightData: _w, ...json } = a;
  return json;
}

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): ArrayBuffer {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

function scheme(url: string): [string, string] {
  const m = /^([a-z]+):\/\/(.+)$/.exec(url);
  if (!m) throw new PolytensorError(`model IO: '${url}' has no scheme; use file://path, localstorage://key or memory://key`);
  return [m[1]!, m[2]!];
}

/** Node: dir/model.json + dir/weights.bin. */
async function saveFile(dir: string, a: ModelArtifacts): Promise<SaveResult> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify({ ...toJson(a), weightsPath: 'weights.bin' }, null, 1));
  await fs.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(a.weightData));
  return { destination: `file://${dir}`, bytes: a.weightData.byteLength };
}

async function loadFile(dir: string): Promise<ModelArtifacts> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let json: Json & { weightsPath?: string };
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as Json & { weightsPath?: string };
  } catch (e) {
    throw new PolytensorError(`loadModel: cannot read ${path.join(dir, 'model.json')}: ${(e as Error).message}; was the model saved to file://${dir}?`);
  }
  const bin = await fs.readFile(path.join(dir, json.weightsPath ?? 'weights.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return { ...json, weightData };
}

export async function saveArtifacts(dest: string | IOHandler, a: ModelArtifacts): Promise<SaveResult> {
  if (typeof dest !== 'string') {
    if (!dest.save) throw new PolytensorError('save: the handler has no save()');
    return dest.save(a);
  }
  const [kind, where] = scheme(dest);
  switch (kind) {
    case 'file':
      return saveFile(where, a);
    case 'memory':
      memoryStore.set(where, { ...a, weightData: a.weightData.slice(0) });
      return { destination: dest, bytes: a.weightData.byteLength };
    case 'localstorage': {
      const ls = (globalThis as { localStorage?: Storage }).localStorage;
      if (!ls) throw new PolytensorError('save: localStorage is not available here; use file:// in Node or memory://');
      ls.setItem(`polytensor:${where}:model`, JSON.stringify(toJson(a)));
      ls.setItem(`polytensor:${where}:weights`, toBase64(a.weightData));
      return { destination: dest, bytes: a.weightData.byteLength };
    }
    default:
      throw new PolytensorError(`save: unknown scheme '${kind}://'; use file://, localstorage:// or memory://`);
  }
}

export async function loadArtifacts(src: string | IOHandler): Promise<ModelArtifacts> {
  if (typeof src !== 'string') {
    if (!src.load) throw new PolytensorError('loadModel: the handler has no load()');
    return src.load();
  }
  const [kind, where] = scheme(src);
  switch (kind) {
    case 'file':
      return loadFile(where);
    case 'memory': {
      const a = memoryStore.get(where);
      if (!a) throw new PolytensorError(`loadModel: nothing saved at ${src}`);
      return { ...a, weightData: a.weightData.slice(0) };
    }
    case 'localstorage': {
      const ls = (globalThis as { localStorage?: Storage }).localStorage;
      if (!ls) throw new PolytensorError('loadModel: localStorage is not available here');
      const json = ls.getItem(`polytensor:${where}:model`);
      const weights = ls.getItem(`polytensor:${where}:weights`);
      if (!json || !weights) throw new PolytensorError(`loadModel: nothing saved at ${src}`);
      return { ...(JSON.parse(json) as Json), weightData: fromBase64(weights) };
    }
    default:
      throw new PolytensorError(`loadModel: unknown scheme '${kind}://'; use file://, localstorage:// or memory://`);
  }
}
