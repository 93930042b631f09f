import type { DType } from '../backend/types.js';
import { PolytensorError } from '../errors.js';
import { tensor } from '../ops/convert.js';
import { fill } from '../ops/creation.js';
import { randomNormal, randomUniform, truncatedNormal } from '../random/random.js';
import type { Tensor } from '../tensor.js';

/** Creates initial weight values. All randomness comes from the seeded host RNG. */
export interface Initializer {
  readonly className: string;
  apply(shape: readonly number[], dtype?: DType): Tensor;
  getConfig(): Record<string, number | string | null>;
}

/** fanIn/fanOut as Keras computes them: Dense [in, out]; Conv [fh, fw, in, out] times the receptive field. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

class Constant implements Initializer {
  readonly className: string = 'Constant';
  constructor(readonly value: number) {}
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape, this.value, dtype);
  }
  getConfig(): Record<string, number> {
    return { value: this.value };
  }
}

/** A host sampler of random.ts: (shape, first, second parameter, dtype, seed). */
type Sampler = (shape: readonly number[], p: number, q: number, dtype: DType, seed?: number) => Tensor;

/**
 * RandomNormal, TruncatedNormal and RandomUniform: a sampler and its two
 * parameters, saved under their Keras names ({ mean, stddev } or { minval, maxval }).
 */
class RandomInit implements Initializer {
  constructor(
    readonly className: string,
    private readonly sample: Sampler,
    private readonly params: Readonly<Record<string, number>>,
    readonly seed: number | null,
  ) {}
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const [p = 0, q = 0] = Object.values(this.params);
    return this.sample(shape, p, q, dtype, this.seed ?? undefined);
  }
  getConfig(): Record<string, number | null> {
    return { ...this.params, seed: this.seed };
  }
}

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type Distribution = 'normal' | 'truncatedNormal' | 'uniform';

/** Keras' VarianceScaling: variance = scale / fan; the truncated normal is rescaled to keep that variance. */
class VarianceScaling implements Initializer {
  readonly className: string = 'VarianceScaling';
  constructor(
    readonly scale = 1,
    readonly mode: FanMode = 'fanIn',
    readonly distribution: Distribution = 'truncatedNormal',
    readonly seed: number | null = null,
  ) {
    if (!(scale > 0)) throw new PolytensorError(`varianceScaling: scale must be > 0, got ${scale}`);
    if (!['fanIn', 'fanOut', 'fanAvg'].includes(mode)) throw new PolytensorError(`varianceScaling: mode must be fanIn, fanOut or fanAvg, got '${mode}'`);
    if (!['normal', 'truncatedNormal', 'uniform'].includes(distribution)) {
      throw new PolytensorError(`varianceScaling: distribution must be normal, truncatedNormal or uniform, got '${distribution}'`);
    }
  }
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    const seed = this.seed ?? undefined;
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return randomUniform(shape, -limit, limit, dtype, seed);
    }
    if (this.distribution === 'normal') return randomNormal(shape, 0, Math.sqrt(variance), dtype, seed);
    // Std of a unit normal truncated at ±2 is 0.8796...; divide it out.
    return truncatedNormal(shape, 0, Math.sqrt(variance) / 0.87962566103423978, dtype, seed);
  }
  getConfig(): Record<string, number | string | null> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

class Named extends VarianceScaling {
  constructor(
    override readonly className: string,
    scale: number,
    mode: FanMode,
    distribution: Distribution,
    seed: number | null,
  ) {
    super(scale, mode, distribution, seed);
  }
  override getConfig(): Record<string, number | null> {
    return { seed: this.seed };
  }
}

/**
 * Keras' Orthogonal: a random orthogonal matrix (rows or columns orthonormal,
 * times `gain`) for a weight flattened to [prod(shape[:-1]), shape[-1]]:
 * normal draws from the seeded host RNG, orthonormalized in float64 by
 * modified Gram-Schmidt, each vector's sign fixed as QR with a positive
 * diagonal fixes it. The recurrent kernels' default.
 */
class Orthogonal implements Initializer {
  readonly className: string = 'Orthogonal';
  constructor(
    readonly gain: number,
    readonly seed: number | null,
  ) {}
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    if (shape.length < 2) throw new PolytensorError(`Orthogonal initializer: needs a weight of rank ≥ 2, got [${shape.join(',')}]`);
    const cols = shape[shape.length - 1]!;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    // Orthonormalize the k = min(rows, cols) vectors of length n = max(rows, cols).
    const [n, k] = rows >= cols ? [rows, cols] : [cols, rows];
    const draws = randomNormal([k, n], 0, 1, 'float32', this.seed ?? undefined);
    const a = Float64Array.from(draws.dataSync());
    draws.dispose();
    for (let j = 0; j < k; j++) {
      const v = a.subarray(j * n, (j + 1) * n);
      const first = v[j % n]!;
      for (let p = 0; p < j; p++) {
        const u = a.subarray(p * n, (p + 1) * n);
        let d = 0;
        for (let i = 0; i < n; i++) d += u[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i]! -= d * u[i]!;
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
      const scale = (first < 0 ? -1 : 1) / Math.sqrt(norm || 1);
      for (let i = 0; i < n; i++) v[i]! *= scale;
    }
    // Vector j is column j of a [rows, cols] matrix when rows ≥ cols, else row j.
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = this.gain * (rows >= cols ? a[c * n + r]! : a[r * n + c]!);
    return tensor(out, shape as number[], dtype);
  }
  getConfig(): Record<string, number | null> {
    return { gain: this.gain, seed: this.seed };
  }
}

/** Keras' Identity: gain times the identity matrix; 2-D square weights only (as Keras and tfjs). */
class Identity implements Initializer {
  readonly className: string = 'Identity';
  constructor(readonly gain: number) {}
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    if (shape.length !== 2 || shape[0] !== shape[1]) {
      throw new PolytensorError(`Identity initializer: needs a square 2-D weight, got [${shape.join(',')}]; use it for a Dense kernel with units = input size`);
    }
    const n = shape[0]!;
    const out = new Float32Array(n * n);
    for (let i = 0; i < n; i++) out[i * n + i] = this.gain;
    return tensor(out, [n, n], dtype);
  }
  getConfig(): Record<string, number> {
    return { gain: this.gain };
  }
}

type Seed = { seed?: number | null };

export const initializers = {
  zeros: (): Initializer => Object.assign(new Constant(0), { className: 'Zeros' }),
  ones: (): Initializer => Object.assign(new Constant(1), { className: 'Ones' }),
  constant: ({ value }: { value: number }): Initializer => new Constant(value),
  randomNormal: ({ mean = 0, stddev = 0.05, seed = null }: { mean?: number; stddev?: number } & Seed = {}): Initializer =>
    new RandomInit('RandomNormal', randomNormal, { mean, stddev }, seed),
  truncatedNormal: ({ mean = 0, stddev = 0.05, seed = null }: { mean?: number; stddev?: number } & Seed = {}): Initializer =>
    new RandomInit('TruncatedNormal', truncatedNormal, { mean, stddev }, seed),
  randomUniform: ({ minval = -0.05, maxval = 0.05, seed = null }: { minval?: number; maxval?: number } & Seed = {}): Initializer =>
    new RandomInit('RandomUniform', randomUniform, { minval, maxval }, seed),
  varianceScaling: ({
    scale = 1,
    mode = 'fanIn',
    distribution = 'truncatedNormal',
    seed = null,
  }: { scale?: number; mode?: FanMode; distribution?: Distribution } & Seed = {}): Initializer => new VarianceScaling(scale, mode, distribution, seed),
  glorotNormal: ({ seed = null }: Seed = {}): Initializer => new Named('GlorotNormal', 1, 'fanAvg', 'truncatedNormal', seed),
  glorotUniform: ({ seed = null }: Seed = {}): Initializer => new Named('GlorotUniform', 1, 'fanAvg', 'uniform', seed),
  heNormal: ({ seed = null }: Seed = {}): Initializer => new Named('HeNormal', 2, 'fanIn', 'truncatedNormal', seed),
  heUniform: ({ seed = null }: Seed = {}): Initializer => new Named('HeUniform', 2, 'fanIn', 'uniform', seed),
  lecunNormal: ({ seed = null }: Seed = {}): Initializer => new Named('LecunNormal', 1, 'fanIn', 'truncatedNormal', seed),
  lecunUniform: ({ seed = null }: Seed = {}): Initializer => new Named('LecunUniform', 1, 'fanIn', 'uniform', seed),
  orthogonal: ({ gain = 1, seed = null }: { gain?: number } & Seed = {}): Initializer => new Orthogonal(gain, seed),
  identity: ({ gain = 1 }: { gain?: number } = {}): Initializer => new Identity(gain),
};

export type InitializerName = keyof typeof initializers;
export type InitializerSpec = InitializerName | Initializer | { className: string; config?: Record<string, unknown> };

const BY_CLASS: Record<string, InitializerName> = {
  Zeros: 'zeros',
  Ones: 'ones',
  Constant: 'constant',
  RandomNormal: 'randomNormal',
  TruncatedNormal: 'truncatedNormal',
  RandomUniform: 'randomUniform',
  VarianceScaling: 'varianceScaling',
  GlorotNormal: 'glorotNormal',
  GlorotUniform: 'glorotUniform',
  HeNormal: 'heNormal',
  HeUniform: 'heUniform',
  LecunNormal: 'lecunNormal',
  LecunUniform: 'lecunUniform',
  Orthogonal: 'orthogonal',
  Identity: 'identity',
};

/** Initializer classes registered by the user: className → a factory from its config. */
const REGISTERED = new Map<string, (config: Record<string, unknown>) => Initializer>();

/**
 * Register your own initializer class so layers using it save and load: the
 * instance's `className` is saved with its getConfig(), and `fromConfig`
 * rebuilds it.
 * @example
 * registerInitializer('Ramp', (config) => new Ramp(config.step as number));
 */
export function registerInitializer(className: string, fromConfig: (config: Record<string, unknown>) => Initializer): void {
  if (typeof className !== 'string' || !/^[A-Za-z_][\w.:-]*$/.test(className)) {
    throw new PolytensorError(`registerInitializer: className must be an identifier-like string, got ${JSON.stringify(className)}`);
  }
  if (typeof fromConfig !== 'function') throw new PolytensorError('registerInitializer: pass a function (config) => Initializer');
  if (Object.hasOwn(BY_CLASS, className))
    throw new PolytensorError(`registerInitializer: '${className}' is a built-in initializer class; use another className`);
  REGISTERED.set(className, fromConfig);
}

const show = (v: unknown): string => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : `${typeof v} ${String(v)}`);

/** A serialized config's values, checked: saved model files reach here. */
function checkInitConfig(className: string, config: unknown): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new PolytensorError(`initializer ${className}: config must be an object, got ${show(config)}`);
  }
  for (const [key, v] of Object.entries(config)) {
    const ok =
      key === 'seed'
        ? v === null || (Number.isSafeInteger(v) && (v as number) >= 0)
        : key === 'mode' || key === 'distribution'
          ? typeof v === 'string'
          : typeof v === 'number' && Number.isFinite(v);
    if (!ok) throw new PolytensorError(`initializer ${className}: config.${key} is invalid (${show(v)})`);
  }
  return config as Record<string, unknown>;
}

/** Resolve a name ('heNormal'), an instance, or a serialized {className, config}. */
export function getInitializer(spec: InitializerSpec): Initializer {
  // Own properties only: a saved name like 'constructor' must not reach Object.prototype.
  if (typeof spec === 'string') {
    if (!Object.hasOwn(initializers, spec) || spec === 'constant') {
      throw new PolytensorError(
        `unknown initializer '${spec}'; use one of ${Object.keys(initializers)
          .filter((k) => k !== 'constant')
          .join(', ')} or initializers.constant({ value })`,
      );
    }
    return (initializers[spec as InitializerName] as (c: object) => Initializer)({});
  }
  if (typeof spec !== 'object' || spec === null)
    throw new PolytensorError(`initializer: expected a name, an Initializer or { className, config }, got ${show(spec)}`);
  if ('apply' in spec) {
    if (typeof spec.apply !== 'function') throw new PolytensorError('initializer: apply must be a function');
    return spec;
  }
  const className = spec.className;
  const name = typeof className === 'string' && Object.hasOwn(BY_CLASS, className) ? BY_CLASS[className] : undefined;
  const custom = typeof className === 'string' ? REGISTERED.get(className) : undefined;
  if (custom) {
    const config = spec.config ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new PolytensorError(`initializer ${className}: config must be an object, got ${show(config)}`);
    }
    return custom(config);
  }
  if (!name) {
    throw new PolytensorError(
      `unknown initializer class ${JSON.stringify(className)}; known: ${[...Object.keys(BY_CLASS), ...REGISTERED.keys()].join(', ')}. ` +
        "If it is your own, call registerInitializer('TheClassName', config => new TheClass(config)) first",
    );
  }
  return (initializers[name] as (c: object) => Initializer)(checkInitConfig(className, spec.config ?? {}));
}

export function serializeInitializer(init: Initializer): { className: string; config: Record<string, number | string | null> } {
  if (!Object.hasOwn(BY_CLASS, init.className) && !REGISTERED.has(init.className)) {
    throw new PolytensorError(
      `initializer class '${init.className}' is not registered, so a model using it cannot be saved; call registerInitializer('${init.className}', config => …) first`,
    );
  }
  return { className: init.className, config: init.getConfig() };
}
