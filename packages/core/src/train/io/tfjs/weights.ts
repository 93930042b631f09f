// TensorFlow.js weight specs and bytes: the dtypes and quantized forms its
// writers and the Keras converter produce, checked before a byte is decoded,
// and decoded (dequantized) to the float32 values polytensor's layers hold.
import { PolytensorError } from '../../../errors.js';
import { fmt } from '../limits.js';
import { sizeOfShape } from '../model_json.js';
import type { TfjsWeightSpec } from '../types.js';
import { toCamel, toSnake } from './case.js';

export type { TfjsWeightSpec };

const STORED_BYTES = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 } as const;
const MAX_RANK = 8;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** The error for a malformed tfjs file: names the file and the field. */
export function tfjsFail(where: string, field: string, problem: string): never {
  throw new PolytensorError(`loadModel: ${where}: ${field} ${problem}; the TensorFlow.js model file is damaged or of a kind polytensor cannot read`);
}

/** Bytes one weight takes in the weight data. */
export const storedBytes = (s: TfjsWeightSpec): number => sizeOfShape(s.shape) * STORED_BYTES[s.quantization?.dtype ?? s.dtype];

/** Check one tfjs weight spec; unsupported dtypes say which are readable. */
export function checkTfjsWeightSpec(where: string, field: string, v: unknown): TfjsWeightSpec {
  if (!isObject(v)) tfjsFail(where, field, `must be an object, got ${show(v)}`);
  const name = v['name'];
  if (typeof name !== 'string' || name === '') tfjsFail(where, `${field}.name`, `must be a non-empty string, got ${show(name)}`);
  const shape = v['shape'];
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    tfjsFail(where, `${field}.shape`, `must be up to ${MAX_RANK} integers ≥ 0, got ${show(shape)}`);
  }
  const dtype = v['dtype'];
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new PolytensorError(
      `loadModel: ${where}: weight '${name}' has dtype ${show(dtype)}; polytensor's layers hold float32 weights and read float32 or int32 ` +
        '(optionally quantized to uint8, uint16 or float16) from TensorFlow.js files',
    );
  }
  const spec: TfjsWeightSpec = { name, shape: [...(shape as number[])], dtype };
  if (v['group'] === 'model' || v['group'] === 'optimizer') spec.group = v['group'];
  const q = v['quantization'];
  if (q !== undefined && q !== null) {
    if (!isObject(q)) tfjsFail(where, `${field}.quantization`, `must be an object, got ${show(q)}`);
    const qd = q['dtype'];
    if (qd !== 'uint8' && qd !== 'uint16' && qd !== 'float16') {
      throw new PolytensorError(`loadModel: ${where}: weight '${name}' is quantized as ${show(qd)}; polytensor reads uint8, uint16 and float16 quantization`);
    }
    if (qd === 'float16') spec.quantization = { dtype: qd };
    else {
      const { scale, min } = q;
      if (typeof scale !== 'number' || !Number.isFinite(scale) || typeof min !== 'number' || !Number.isFinite(min)) {
        tfjsFail(where, `${field}.quantization`, `of ${qd} needs finite scale and min, got ${show(q)}`);
      }
      spec.quantization = { dtype: qd, scale, min };
    }
  }
  return spec;
}

/** IEEE half → float32 value (exact: every half is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decode each weight (little-endian, as tfjs writes) to float32 values; `data` must hold exactly their bytes. */
export function decodeTfjsWeights(specs: readonly TfjsWeightSpec[], data: ArrayBuffer, where: string): Float32Array[] {
  const want = specs.reduce((n, s) => n + storedBytes(s), 0);
  if (data.byteLength !== want) {
    throw new PolytensorError(
      `loadModel: ${where}: the weight data holds ${fmt(data.byteLength)} bytes but the weight specs declare ${fmt(want)}: ` +
        `a shard is ${data.byteLength < want ? 'missing or truncated' : 'longer than declared, or belongs to another model'}`,
    );
  }
  const view = new DataView(data);
  let at = 0;
  return specs.map((s) => {
    const n = sizeOfShape(s.shape);
    const out = new Float32Array(n);
    const q = s.quantization;
    if (!q) {
      if (s.dtype === 'float32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
      else for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, true);
    } else if (q.dtype === 'float16') {
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(at + 2 * i, true));
    } else {
      const scale = q.scale!;
      const min = q.min!;
      if (q.dtype === 'uint8') for (let i = 0; i < n; i++) out[i] = view.getUint8(at + i) * scale + min;
      else for (let i = 0; i < n; i++) out[i] = view.getUint16(at + 2 * i, true) * scale + min;
    }
    // An int32 weight quantized by the converter dequantizes to whole numbers.
    if (q && s.dtype === 'int32') for (let i = 0; i < n; i++) out[i] = Math.round(out[i]!);
    at += storedBytes(s);
    return out;
  });
}

/**
 * A tfjs or Keras weight name as polytensor names it: `layer/weight` with the
 * weight in camelCase, and only a wrapper's `forward`/`backward` kept from the
 * middle. tfjs writes `bi/forward_lstm_LSTM1/recurrent_kernel`, Keras
 * `bi/forward_lstm/lstm_cell/recurrent_kernel:0`; both are `bi/forward/recurrentKernel`.
 */
export function polytensorWeightName(name: string): string {
  const parts = name.replace(/:\d+$/, '').split('/');
  if (parts.length < 2) return name;
  const middle = parts.slice(1, -1).flatMap((p) => (p.startsWith('forward') ? ['forward'] : p.startsWith('backward') ? ['backward'] : []));
  return [parts[0]!, ...middle, toCamel(parts[parts.length - 1]!)].join('/');
}

/**
 * A polytensor weight name as tfjs names the same weight when it rebuilds the
 * model (it matches weights by these names): snake_case weight names, and a
 * Bidirectional's halves named after the wrapped layer (`forward_<inner name>`).
 */
export function tfjsWeightName(name: string, wrappedName: (layer: string) => string | undefined): string {
  const parts = name.split('/');
  const last = toSnake(parts[parts.length - 1]!);
  const middle = parts.slice(1, -1).map((p) => {
    const inner = wrappedName(parts[0]!);
    return (p === 'forward' || p === 'backward') && inner !== undefined ? `${p}_${inner}` : p;
  });
  return [parts[0]!, ...middle, last].join('/');
}
