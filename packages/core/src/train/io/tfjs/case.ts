// Keras JSON is snake_case; polytensor's saved configs are camelCase with the
// same structure. TensorFlow.js converts between the two with one generic
// rule, applied to keys and to string values alike ('fan_avg' ⇄ 'fanAvg',
// 'hard_sigmoid' ⇄ 'hardSigmoid', 'channels_last' ⇄ 'channelsLast'), except
// for names: a `name` or `class_name` value, and the layer name that opens a
// node reference in inbound_nodes / input_layers / output_layers. Following
// the same rule keeps files readable by both libraries.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** 'batch_input_shape' → 'batchInputShape'. */
export const toCamel = (s: string): string => (s.includes('_') && s.length > 1 ? s.replace(/_+(\w|$)/g, (_m, c: string) => c.toUpperCase()) : s);

/** 'batchInputShape' → 'batch_input_shape', 'hardSigmoid' → 'hard_sigmoid'. */
export const toSnake = (s: string): string =>
  s
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();

const NAME_KEYS = new Set(['name', 'className', 'class_name']);
const REF_KEYS = new Set(['inboundNodes', 'inputLayers', 'outputLayers', 'inbound_nodes', 'input_layers', 'output_layers']);

/** Is this array item a layer name inside a node reference (kept as written)? */
const isRefName = (key: string | undefined, i: number, v: unknown): boolean => key !== undefined && REF_KEYS.has(key) && i === 0 && typeof v === 'string';

function convert(v: unknown, key: string | undefined, caseOf: (s: string) => string): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return caseOf(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((item, i) => (isRefName(key, i, item) ? (item as string) : convert(item, key, caseOf)));
  const out: { [k: string]: Json } = {};
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    // defineProperty: a key such as '__proto__' in a file stays a plain key.
    const converted = NAME_KEYS.has(k) && typeof value === 'string' ? value : convert(value, k, caseOf);
    Object.defineProperty(out, caseOf(k), { value: converted, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A Keras (pythonic) config as polytensor's camelCase config. */
export const pythonicToCamel = (v: unknown): Json => convert(v, undefined, toCamel);

/** A polytensor camelCase config as Keras (pythonic) JSON. */
export const camelToPythonic = (v: unknown): Json => convert(v, undefined, toSnake);
