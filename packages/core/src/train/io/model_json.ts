// Structural checks of a model file, before anything is built or any weight
// byte is read: every field a loader relies on is checked here, so a bad file
// fails with a message that names the file and the field.
import { PolytensorError } from '../../errors.js';
import { fmt, limitError } from './limits.js';
import type { FunctionalTopology, LayerSpec, LoadLimits, ModelArtifacts, ModelJson, ModelTopology, TrainingConfig, WeightSpec } from './types.js';

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

function checkLayerSpec(where: string, field: string, l: unknown, names: Set<string>, nameRequired: boolean): LayerSpec & { name?: string } {
  const layer = objectAt(where, field, l);
  const className = stringAt(where, `${field}.className`, layer['className']);
  const config = objectAt(where, `${field}.config`, layer['config']);
  const name = nameRequired ? stringAt(where, `${field}.name`, layer['name']) : config['name'];
  if (name !== undefined) {
    stringAt(where, nameRequired ? `${field}.name` : `${field}.config.name`, name);
    if (names.has(name as string)) fail(where, nameRequired ? `${field}.name` : `${field}.config.name`, `repeats the layer name ${show(name)}`);
    names.add(name as string);
  }
  for (const key of BOOLEAN_CONFIG_KEYS) {
    if (config[key] !== undefined && typeof config[key] !== 'boolean') fail(where, `${field}.config.${key}`, `must be true or false, got ${show(config[key])}`);
  }
  return { className, config };
}

function checkLayers(where: string, v: unknown): LayerSpec[] {
  const layers = arrayAt(where, 'modelTopology.config.layers', v);
  if (layers.length === 0) fail(where, 'modelTopology.config.layers', 'is empty');
  const names = new Set<string>();
  return layers.map((l, i) => checkLayerSpec(where, `modelTopology.config.layers[${i}]`, l, names, false));
}

type Ref = [string, number, number];

function refAt(where: string, field: string, v: unknown): Ref {
  const r = arrayAt(where, field, v);
  if (r.length !== 3 && r.length !== 4) fail(where, field, `must be [layer name, node index, output index], got ${show(v)}`);
  const name = stringAt(where, `${field}[0]`, r[0]);
  for (const k of [1, 2]) if (!Number.isSafeInteger(r[k]) || (r[k] as number) < 0) fail(where, `${field}[${k}]`, `must be an integer ≥ 0, got ${show(r[k])}`);
  return [name, r[1] as number, r[2] as number];
}

function refsAt(where: string, field: string, v: unknown): Ref[] {
  const rs = arrayAt(where, field, v);
  if (rs.length === 0) fail(where, field, 'is empty');
  return rs.map((r, i) => refAt(where, `${field}[${i}]`, r));
}

/** A functional topology's structure (the graph itself is checked when it is rebuilt). */
function checkFunctional(where: string, cfg: Record<string, unknown>): FunctionalTopology['config'] {
  const name = stringAt(where, 'modelTopology.config.name', cfg['name']);
  const raw = arrayAt(where, 'modelTopology.config.layers', cfg['layers']);
  if (raw.length === 0) fail(where, 'modelTopology.config.layers', 'is empty');
  const names = new Set<string>();
  const layers = raw.map((l, i) => {
    const field = `modelTopology.config.layers[${i}]`;
    const spec = checkLayerSpec(where, field, l, names, true);
    const nodes = arrayAt(where, `${field}.inboundNodes`, (l as Obj)['inboundNodes']).map((n, k) => refsAt(where, `${field}.inboundNodes[${k}]`, n));
    return { name: (l as Obj)['name'] as string, className: spec.className, config: spec.config, inboundNodes: nodes };
  });
  return {
    name,
    layers,
    inputLayers: refsAt(where, 'modelTopology.config.inputLayers', cfg['inputLayers']),
    outputLayers: refsAt(where, 'modelTopology.config.outputLayers', cfg['outputLayers']),
  };
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
  const optimizer: TrainingConfig['optimizer'] = { className, config };
  if (opt['learningRateSchedule'] !== undefined) {
    const field = 'trainingConfig.optimizer.learningRateSchedule';
    const sched = objectAt(where, field, opt['learningRateSchedule']);
    const schedConfig: Record<string, number | boolean | number[]> = {};
    for (const [k, value] of Object.entries(objectAt(where, `${field}.config`, sched['config']))) {
      const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
      if (!(typeof value === 'boolean' || finite(value) || (Array.isArray(value) && value.every(finite)))) {
        fail(where, `${field}.config.${k}`, `must be a finite number, a boolean or an array of finite numbers, got ${show(value)}`);
      }
      Object.defineProperty(schedConfig, k, { value, enumerable: true, writable: true, configurable: true });
    }
    optimizer.learningRateSchedule = { className: stringAt(where, `${field}.className`, sched['className']), config: schedConfig };
  }
  const names = (field: string, v: unknown): string[] => arrayAt(where, field, v).map((m, i) => stringAt(where, `${field}[${i}]`, m));
  const record = <T>(field: string, v: unknown, each: (f: string, x: unknown) => T): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(objectAt(where, field, v))) Object.defineProperty(out, k, { value: each(`${field}.${k}`, x), enumerable: true });
    return out;
  };
  if (typeof tc['loss'] === 'string' || !isObject(tc['loss'])) {
    const loss = stringAt(where, 'trainingConfig.loss', tc['loss']);
    return { optimizer, loss, metrics: names('trainingConfig.metrics', tc['metrics']) };
  }
  const loss = record('trainingConfig.loss', tc['loss'], (f, x) => stringAt(where, f, x));
  const metrics = record('trainingConfig.metrics', tc['metrics'], names);
  const out: TrainingConfig = { optimizer, loss, metrics };
  if (tc['lossWeights'] !== undefined) {
    out.lossWeights = record('trainingConfig.lossWeights', tc['lossWeights'], (f, x) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) fail(where, f, `must be a finite number ≥ 0, got ${show(x)}`);
      return x as number;
    });
  }
  return out;
}

/**
 * Check a parsed model.json (or the JSON part of artifacts) field by field and
 * against the limits. Returns a clean copy holding only the known fields.
 */
export function checkModelJson(value: unknown, where: string, limits: LoadLimits): CheckedModelJson {
  const root = objectAt(where, 'the model JSON', value);
  if (root['format'] !== MODEL_FORMAT) {
    throw new PolytensorError(
      `loadModel: ${where} is not a polytensor model (format ${show(root['format'])}, expected '${MODEL_FORMAT}'); ` + 'load files written by model.save()',
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
  const cfg = objectAt(where, 'modelTopology.config', topo['config']);
  let modelTopology: ModelTopology;
  if (topo['className'] === 'Sequential') {
    const name = stringAt(where, 'modelTopology.config.name', cfg['name']);
    const inputShape =
      cfg['inputShape'] === null || cfg['inputShape'] === undefined ? null : shapeAt(where, 'modelTopology.config.inputShape', cfg['inputShape'], 1);
    modelTopology = { className: 'Sequential', config: { name, inputShape: inputShape && [...inputShape], layers: checkLayers(where, cfg['layers']) } };
  } else if (topo['className'] === 'Functional') {
    modelTopology = { className: 'Functional', config: checkFunctional(where, cfg) };
  } else {
    fail(where, 'modelTopology.className', `must be 'Sequential' or 'Functional', got ${show(topo['className'])}`);
  }
  const { specs, params } = checkWeightSpecs(where, root['weightSpecs']);
  const weightBytes = params * 4;
  if (weightBytes > limits.maxBytes) throw limitError(where, `the weightSpecs declare ${fmt(weightBytes)} bytes of weights`, weightBytes, 'maxBytes', limits);
  if (params > limits.maxParams) throw limitError(where, `the weightSpecs declare ${fmt(params)} parameters`, params, 'maxParams', limits);
  const weightsPath = root['weightsPath'] === undefined ? undefined : stringAt(where, 'weightsPath', root['weightsPath']);
  const json: ModelJson = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    modelTopology,
    weightSpecs: specs,
  };
  if (root['trainingConfig'] !== undefined) json.trainingConfig = checkTrainingConfig(where, root['trainingConfig']);
  return { json, weightsPath, params, weightBytes };
}

/** Parse model JSON text (already bounded by maxJsonBytes); a syntax error names the file. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PolytensorError(`loadModel: ${where} is not valid JSON (${(e as Error).message}); the file is damaged: re-save the model`);
  }
}

/** Parse model JSON text (already bounded by maxJsonBytes) and check it. */
export function parseModelJson(text: string, where: string, limits: LoadLimits): CheckedModelJson {
  return checkModelJson(parseJsonText(text, where), where, limits);
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
