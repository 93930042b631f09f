// Structural checks of a model file, before anything is built or any weight
// byte is read: every field a loader relies on is checked here, so a bad file
// fails with a message that names the file and the field.
import { PolytensorError } from '../../errors.js';
import { fmt, limitError } from './limits.js';
import type { LayerSpec, LoadLimits, ModelArtifacts, ModelJson, TrainingConfig, WeightSpec } from './types.js';

export const MODEL_FORMAT = 'polytensor-sequential';
export const MODEL_VERSION = 1;
const MAX_RANK = 8;
/** Layer options that are flags: a string such as "no" must not read as true. */
const BOOLEAN_CONFIG_KEYS = ['trainable', 'useBias', 'center', 'scale'] as const;

/** A checked model.json: the model, its weightsPath if any, and what its weights take. */
export interface CheckedModelJson {
  json: ModelJson;
  weightsPath: string | undefined;
  /** Float32 values the weightSpecs declare. */
  params: number;
  /** Bytes of weight data the weightSpecs declare (4 per value). */
  weightBytes: number;
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function fail(where: string, field: string, problem: string): never {
  throw new PolytensorError(`loadModel: ${where}: ${field} ${problem}; the file is damaged or not a polytensor model: re-save it with model.save()`);
}

function objectAt(where: string, field: string, v: unknown): Obj {
  if (!isObject(v)) fail(where, field, `must be an object, got ${show(v)}`);
  return v;
}

function stringAt(where: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) fail(where, field, `must be a non-empty string, got ${show(v)}`);
  return v;
}

function arrayAt(where: string, field: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(where, field, `must be an array, got ${show(v)}`);
  return v;
}

/** Elements of a shape, or Infinity when it overflows safe integers. */
export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return Number.isSafeInteger(n) ? n : Infinity;
}

function shapeAt(where: string, field: string, v: unknown, minDim: number): number[] {
  const dims = arrayAt(where, field, v);
  if (dims.length > MAX_RANK || !dims.every((d) => Number.isSafeInteger(d) && (d as number) >= minDim)) {
    fail(where, field, `must be up to ${MAX_RANK} integers ≥ ${minDim}, got ${show(v)}`);
  }
  return dims as number[];
}

function checkLayers(where: string, v: unknown): LayerSpec[] {
  const layers = arrayAt(where, 'modelTopology.config.layers', v);
  if (layers.length === 0) fail(where, 'modelTopology.config.layers', 'is empty');
  const names = new Set<string>();
  return layers.map((l, i) => {
    const field = `modelTopology.config.layers[${i}]`;
    const layer = objectAt(where, field, l);
    const className = stringAt(where, `${field}.className`, layer['className']);
    const config = objectAt(where, `${field}.config`, layer['config']);
    const name = config['name'];
    if (name !== undefined) {
      stringAt(where, `${field}.config.name`, name);
      if (names.has(name as string)) fail(where, `${field}.config.name`, `repeats the layer name ${show(name)}`);
      names.add(name as string);
    }
    for (const key of BOOLEAN_CONFIG_KEYS) {
      if (config[key] !== undefined && typeof config[key] !== 'boolean')
        fail(where, `${field}.config.${key}`, `must be true or false, got ${show(config[key])}`);
    }
    return { className, config };
  });
}

function checkWeightSpecs(where: string, v: unknown): { specs: WeightSpec[]; params: number } {
  const specs = arrayAt(where, 'weightSpecs', v);
  const names = new Set<string>();
  let params = 0;
  const out = specs.map((s, i) => {
    const field = `weightSpecs[${i}]`;
    const spec = objectAt(where, field, s);
    const name = stringAt(where, `${field}.name`, spec['name']);
    if (names.has(name)) fail(where, `${field}.name`, `repeats the weight name ${show(name)}`);
    names.add(name);
    const shape = shapeAt(where, `${field}.shape`, spec['shape'], 0);
    if (spec['dtype'] !== 'float32') {
      fail(where, `${field}.dtype`, `must be 'float32' (weights are saved as float32), got ${show(spec['dtype'])}`);
    }
    params += sizeOfShape(shape);
    return { name, shape: [...shape], dtype: 'float32' as const };
  });
  return { specs: out, params };
}

function checkTrainingConfig(where: string, v: unknown): TrainingConfig {
  const tc = objectAt(where, 'trainingConfig', v);
  const opt = objectAt(where, 'trainingConfig.optimizer', tc['optimizer']);
  const className = stringAt(where, 'trainingConfig.optimizer.className', opt['className']);
  const rawConfig = objectAt(where, 'trainingConfig.optimizer.config', opt['config']);
  const config: Record<string, number | boolean> = {};
  for (const [k, value] of Object.entries(rawConfig)) {
    if (!(typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) {
      fail(where, `trainingConfig.optimizer.config.${k}`, `must be a finite number or a boolean, got ${show(value)}`);
    }
    Object.defineProperty(config, k, { value, enumerable: true, writable: true, configurable: true });
  }
  const loss = stringAt(where, 'trainingConfig.loss', tc['loss']);
  const metrics = arrayAt(where, 'trainingConfig.metrics', tc['metrics']).map((m, i) => stringAt(where, `trainingConfig.metrics[${i}]`, m));
  return { optimizer: { className, config }, loss, metrics };
}

/**
 * Check a parsed model.json (or the JSON part of artifacts) field by field and
 * against the limits. Returns a clean copy holding only the known fields.
 */
export function checkModelJson(value: unknown, where: string, limits: LoadLimits): CheckedModelJson {
  const root = objectAt(where, 'the model JSON', value);
  if (root['format'] !== MODEL_FORMAT) {
    throw new PolytensorError(
      `loadModel: ${where} is not a polytensor Sequential model (format ${show(root['format'])}, expected '${MODEL_FORMAT}'); ` +
        'load files written by model.save()',
    );
  }
  if (root['version'] !== MODEL_VERSION) {
    const newer = typeof root['version'] === 'number' && root['version'] > MODEL_VERSION;
    if (newer)
      throw new PolytensorError(
        `loadModel: ${where} was saved by a newer polytensor (format version ${root['version']}, this one reads ${MODEL_VERSION}); upgrade @polytensor/core`,
      );
    fail(where, 'version', `must be ${MODEL_VERSION}, got ${show(root['version'])}`);
  }
  const topo = objectAt(where, 'modelTopology', root['modelTopology']);
  if (topo['className'] !== 'Sequential') fail(where, 'modelTopology.className', `must be 'Sequential', got ${show(topo['className'])}`);
  const cfg = objectAt(where, 'modelTopology.config', topo['config']);
  const name = stringAt(where, 'modelTopology.config.name', cfg['name']);
  const inputShape =
    cfg['inputShape'] === null || cfg['inputShape'] === undefined ? null : shapeAt(where, 'modelTopology.config.inputShape', cfg['inputShape'], 1);
  const layers = checkLayers(where, cfg['layers']);
  const { specs, params } = checkWeightSpecs(where, root['weightSpecs']);
  const weightBytes = params * 4;
  if (weightBytes > limits.maxBytes) throw limitError(where, `the weightSpecs declare ${fmt(weightBytes)} bytes of weights`, weightBytes, 'maxBytes', limits);
  if (params > limits.maxParams) throw limitError(where, `the weightSpecs declare ${fmt(params)} parameters`, params, 'maxParams', limits);
  const weightsPath = root['weightsPath'] === undefined ? undefined : stringAt(where, 'weightsPath', root['weightsPath']);
  const json: ModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    modelTopology: { className: 'Sequential', config: { name, inputShape: inputShape && [...inputShape], layers } },
    weightSpecs: specs,
  };
  if (root['trainingConfig'] !== undefined) json.trainingConfig = checkTrainingConfig(where, root['trainingConfig']);
  return { json, weightsPath, params, weightBytes };
}

/** Parse model JSON text (already bounded by maxJsonBytes) and check it. */
export function parseModelJson(text: string, where: string, limits: LoadLimits): CheckedModelJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PolytensorError(`loadModel: ${where} is not valid JSON (${(e as Error).message}); the file is damaged: re-save the model`);
  }
  return checkModelJson(value, where, limits);
}

const isArrayBuffer = (v: unknown): v is ArrayBuffer => Object.prototype.toString.call(v) === '[object ArrayBuffer]';

/** The weight data must hold exactly the bytes the specs declare. */
export function checkWeightData(data: unknown, checked: CheckedModelJson, where: string): ArrayBuffer {
  if (!isArrayBuffer(data)) throw new PolytensorError(`loadModel: ${where}: weightData must be an ArrayBuffer, got ${show(data)}`);
  const n = data.byteLength;
  const want = checked.weightBytes;
  if (n !== want) {
    const how = n < want ? 'is truncated' : 'is longer than declared';
    const odd = n % 4 !== 0 ? ` (not a whole number of float32 values)` : '';
    throw new PolytensorError(
      `loadModel: ${where}: the weight data holds ${fmt(n)} bytes${odd} but the weightSpecs declare ${fmt(want)} ` +
        `(${fmt(checked.params)} float32 values): the weights ${how} or belong to another model; re-save the model`,
    );
  }
  return data;
}

/** Check whole artifacts (from a custom handler, memory, or passed directly). */
export function checkArtifacts(value: unknown, where: string, limits: LoadLimits): ModelArtifacts {
  const checked = checkModelJson(value, where, limits);
  const weightData = checkWeightData((value as Obj)['weightData'], checked, where);
  return { ...checked.json, weightData };
}
