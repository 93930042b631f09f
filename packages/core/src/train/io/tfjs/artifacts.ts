// TensorFlow.js layers-format artifacts ⇄ polytensor's. Loading turns tfjs's
// (from any source: files, http, an IOHandler such as tfjs's own, artifacts
// passed in) into polytensor artifacts, which then pass the same checks as
// polytensor's own files; saving turns polytensor's into what
// tf.loadLayersModel reads.
import { PolytensorError } from '../../../errors.js';
import { concatBytes } from '../codec.js';
import { fmt, limitError } from '../limits.js';
import { sizeOfShape } from '../model_json.js';
import type { LoadLimits, ModelArtifacts, ModelTopology, TfjsArtifacts, WeightSpec } from '../types.js';
import { topologyFromKeras } from './topology_in.js';
import { topologyToKeras } from './topology_out.js';
import { checkTfjsWeightSpec, decodeTfjsWeights, polytensorWeightName, storedBytes, tfjsFail, tfjsWeightName, type TfjsWeightSpec } from './weights.js';

/** The format field of a TensorFlow.js layers model. */
export const TFJS_FORMAT = 'layers-model';
/** Shard size the converter (and polytensor's tfjs-format saves) cut weights into. */
export const TFJS_SHARD_BYTES = 4 * 1024 * 1024;

/** What loading reads from a tfjs source before converting it: a Keras topology, weight specs and bytes. */
export interface TfjsLoaded {
  modelTopology: Record<string, unknown>;
  format?: string;
  weightSpecs: TfjsWeightSpec[];
  weightData: ArrayBuffer;
}

/** A model.json's weights: groups of shard files, each holding its weights' bytes back to back. */
export interface TfjsManifestGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
  /** Bytes the group's weights take (its shards' sizes must add up to it). */
  bytes: number;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBuffer = (v: unknown): v is ArrayBuffer => Object.prototype.toString.call(v) === '[object ArrayBuffer]';

/** Keras JSON topology: `class_name` at the top, or the converter's `model_config` around it. */
const isKerasTopology = (t: unknown): boolean => isObject(t) && (typeof t['class_name'] === 'string' || isObject(t['model_config']));

/** Artifacts (or model.json) written by TensorFlow.js or its converter rather than by polytensor: a Keras JSON topology. */
export const isTfjsArtifacts = (v: unknown): boolean => isObject(v) && isKerasTopology(v['modelTopology']);

/** Check a tfjs model.json's weightsManifest (no byte read yet) against the limits. */
export function checkTfjsManifest(json: Obj, where: string, limits: LoadLimits): TfjsManifestGroup[] {
  const m = json['weightsManifest'];
  if (!Array.isArray(m)) tfjsFail(where, 'weightsManifest', 'must be a list of { paths, weights }');
  let params = 0;
  let bytes = 0;
  const groups = m.map((g, gi) => {
    const field = `weightsManifest[${gi}]`;
    if (!isObject(g)) tfjsFail(where, field, 'must be { paths, weights }');
    const paths = g['paths'];
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== '')) tfjsFail(where, `${field}.paths`, 'must be a list of file names');
    const ws = g['weights'];
    if (!Array.isArray(ws)) tfjsFail(where, `${field}.weights`, 'must be a list of weight specs');
    const weights = ws.map((w, wi) => checkTfjsWeightSpec(where, `${field}.weights[${wi}]`, w));
    const groupBytes = weights.reduce((n, w) => n + storedBytes(w), 0);
    if (groupBytes > 0 && paths.length === 0) tfjsFail(where, `${field}.paths`, `is empty but its weights take ${fmt(groupBytes)} bytes`);
    params += weights.reduce((n, w) => n + sizeOfShape(w.shape), 0);
    bytes += groupBytes;
    return { paths: paths as string[], weights, bytes: groupBytes };
  });
  if (bytes > limits.maxBytes) throw limitError(where, `the weightsManifest declares ${fmt(bytes)} bytes of weights`, bytes, 'maxBytes', limits);
  if (params > limits.maxParams) throw limitError(where, `the weightsManifest declares ${fmt(params)} parameters`, params, 'maxParams', limits);
  return groups;
}

/**
 * Reads one shard of at most `max` bytes (the rest of its group), calling
 * `tooLong()` for the error when it holds more.
 */
export type ShardReader = (
  path: string,
  group: number,
  max: number,
  tooLong: () => PolytensorError,
  groups: readonly TfjsManifestGroup[],
) => Promise<Uint8Array>;

/**
 * tfjs artifacts from a model.json, reading each group's shards with `read`
 * (file://, http, Files): each group's shards must hold exactly its weights' bytes.
 */
export async function loadTfjsGroups(json: Obj, where: string, limits: LoadLimits, read: ShardReader): Promise<TfjsLoaded> {
  const groups = checkTfjsManifest(json, where, limits);
  const data: Uint8Array[] = [];
  for (const [gi, g] of groups.entries()) {
    const shards = `weightsManifest[${gi}] (${g.paths.join(', ')})`;
    const out = new Uint8Array(g.bytes);
    let at = 0;
    for (const p of g.paths) {
      const bytes = await read(
        p,
        gi,
        g.bytes - at,
        () =>
          new PolytensorError(
            `loadModel: ${where}: the shards of ${shards} hold more than the ${fmt(g.bytes)} bytes its weights declare (at '${p}'): ` +
              'a shard is longer than declared or belongs to another model',
          ),
        groups,
      );
      out.set(bytes, at);
      at += bytes.byteLength;
    }
    if (at !== g.bytes) {
      throw new PolytensorError(
        `loadModel: ${where}: the shards of ${shards} hold ${fmt(at)} bytes but its weights declare ${fmt(g.bytes)}: a shard is truncated or belongs to another model`,
      );
    }
    data.push(out);
  }
  return tfjsArtifactsOf(json, groups, data);
}

/** tfjs artifacts from a model.json and its groups' bytes (each group's shards already joined). */
export function tfjsArtifactsOf(json: Obj, groups: readonly TfjsManifestGroup[], groupData: readonly Uint8Array[]): TfjsLoaded {
  const all = concatBytes(groupData);
  return {
    modelTopology: json['modelTopology'] as Obj,
    ...(typeof json['format'] === 'string' ? { format: json['format'] } : {}),
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: all.buffer,
  };
}

/**
 * polytensor artifacts from tfjs ones: the Keras topology converted, weights
 * checked, decoded to float32 and renamed as polytensor names them. Allocates
 * no tensor; loadModel then checks the result like any polytensor file.
 */
export function fromTfjsArtifacts(value: unknown, where: string, limits: LoadLimits): ModelArtifacts {
  if (!isObject(value)) throw new PolytensorError(`loadModel: ${where}: TensorFlow.js artifacts must be an object`);
  const modelTopology = topologyFromKeras(value['modelTopology'], where);
  const rawSpecs = value['weightSpecs'] ?? [];
  if (!Array.isArray(rawSpecs)) tfjsFail(where, 'weightSpecs', 'must be a list');
  const specs = rawSpecs.map((s, i) => checkTfjsWeightSpec(where, `weightSpecs[${i}]`, s));
  const bytes = specs.reduce((n, s) => n + storedBytes(s), 0);
  if (bytes > limits.maxBytes) throw limitError(where, `the weight specs declare ${fmt(bytes)} bytes of weights`, bytes, 'maxBytes', limits);
  const params = specs.reduce((n, s) => n + sizeOfShape(s.shape), 0);
  if (params > limits.maxParams) throw limitError(where, `the weight specs declare ${fmt(params)} parameters`, params, 'maxParams', limits);

  let data = value['weightData'] ?? new ArrayBuffer(0);
  if (Array.isArray(data)) {
    if (!data.every(isBuffer)) tfjsFail(where, 'weightData', 'must be an ArrayBuffer or a list of them');
    data = concatBytes(data.map((b) => new Uint8Array(b))).buffer;
  }
  if (!isBuffer(data)) tfjsFail(where, 'weightData', 'must be an ArrayBuffer or a list of them');
  const values = decodeTfjsWeights(specs, data, where);

  const weightSpecs: WeightSpec[] = [];
  const kept: Float32Array[] = [];
  const seen = new Map<string, string>();
  for (const [i, s] of specs.entries()) {
    // An optimizer's slots (tfjs's includeOptimizer): polytensor loads a fresh optimizer.
    if (s.group === 'optimizer') continue;
    kept.push(values[i]!);
    const name = polytensorWeightName(s.name);
    const prior = seen.get(name);
    if (prior !== undefined) tfjsFail(where, `weight '${s.name}'`, `names the same weight as '${prior}' (${name})`);
    seen.set(name, s.name);
    weightSpecs.push({ name, shape: [...s.shape], dtype: 'float32' });
  }
  const out = new Float32Array(kept.reduce((n, v) => n + v.length, 0));
  let at = 0;
  for (const v of kept) {
    out.set(v, at);
    at += v.length;
  }
  return { format: 'polytensor-sequential', version: 1, modelTopology, weightSpecs, weightData: out.buffer };
}

/** Inner layer names of the Bidirectional wrappers in a topology (tfjs names their weights after them). */
function wrappedNames(topo: ModelTopology): Map<string, string> {
  const out = new Map<string, string>();
  const layers: Array<{ className: string; config: Obj; name?: string }> = topo.config.layers;
  for (const l of layers) {
    const inner = l.config['layer'];
    const name = l.name ?? (l.config['name'] as string);
    if (l.className === 'Bidirectional' && isObject(inner) && isObject(inner['config'])) out.set(name, String(inner['config']['name']));
  }
  return out;
}

/**
 * tfjs artifacts from polytensor's: Keras JSON topology, weights named as
 * tfjs names them when it rebuilds the model, trainable weights first as tfjs
 * orders them. Compile settings are not written (tfjs loads the model uncompiled).
 */
export function toTfjsArtifacts(a: ModelArtifacts, nonTrainable: ReadonlySet<string>): TfjsArtifacts {
  const modelTopology = topologyToKeras(a.modelTopology);
  const wrapped = wrappedNames(a.modelTopology);
  const src = new Float32Array(a.weightData);
  const entries: Array<{ spec: TfjsWeightSpec; values: Float32Array; trainable: boolean }> = [];
  let at = 0;
  for (const w of a.weightSpecs) {
    const n = sizeOfShape(w.shape);
    entries.push({
      spec: { name: tfjsWeightName(w.name, (layer) => wrapped.get(layer)), shape: [...w.shape], dtype: 'float32' },
      values: src.subarray(at, at + n),
      trainable: !nonTrainable.has(w.name),
    });
    at += n;
  }
  const ordered = [...entries.filter((e) => e.trainable), ...entries.filter((e) => !e.trainable)];
  const data = new Float32Array(at);
  let o = 0;
  for (const e of ordered) {
    data.set(e.values, o);
    o += e.values.length;
  }
  return {
    modelTopology,
    format: TFJS_FORMAT,
    generatedBy: 'polytensor',
    convertedBy: null,
    weightSpecs: ordered.map((e) => e.spec),
    weightData: data.buffer,
  };
}

/** File names of a group's shards, as the converter names them. */
export function shardNames(bytes: number, group = 1): string[] {
  const n = Math.max(1, Math.ceil(bytes / TFJS_SHARD_BYTES));
  return Array.from({ length: n }, (_, i) => `group${group}-shard${i + 1}of${n}.bin`);
}

/** model.json text of tfjs artifacts whose weights lie in the given shard files. */
export function tfjsModelJsonText(a: TfjsArtifacts, paths: readonly string[]): string {
  const json: Obj = {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [...paths], weights: a.weightSpecs }],
  };
  return JSON.stringify(json);
}

/** A model's tfjs weight bytes cut into shards of TFJS_SHARD_BYTES. */
export function shardsOf(data: ArrayBuffer): Uint8Array[] {
  const bytes = new Uint8Array(data);
  const names = shardNames(bytes.byteLength);
  return names.map((_, i) => bytes.subarray(i * TFJS_SHARD_BYTES, Math.min(bytes.byteLength, (i + 1) * TFJS_SHARD_BYTES)));
}
